"""Benchmark harness: a synthetic data generator, the peers the app is measured against and the runner
that prints the table. Prints figures only; nothing here asserts a timing."""
