"""The SQL statements a request ran, as the query-count tests read them."""


def statements(queries):
    """The SQL a CaptureQueriesContext saw, less the savepoints a request sets inside a test's
    transaction: ATOMIC_REQUESTS's (a BEGIN and a COMMIT in production, which are not logged) or
    an API read's own (DatabaseShapedReadMixin.dispatch; none in production)."""
    return [query["sql"] for query in queries.captured_queries if "SAVEPOINT" not in query["sql"]]
