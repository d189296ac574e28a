"""Two writers at once: one transaction held open on another connection while the test writes."""
import threading
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def held_open(write, seconds=0.5):
    """Runs `write()` in a transaction on another connection and keeps that transaction open for
    `seconds` after it, while the with-block runs: whatever the block writes that needs the same
    locks waits for it, as a second editor's save would."""
    written = threading.Event()

    def write_and_hold():
        try:
            with transaction.atomic():
                write()
                written.set()
                threading.Event().wait(seconds)
        finally:
            connection.close()

    other = threading.Thread(target=write_and_hold)
    other.start()
    written.wait(5)
    try:
        yield
    finally:
        other.join()
