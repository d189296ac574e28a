"""The app's WSGI application with the floor peer beside it, for bench/http.py only.

/bench/floor/organizations/ and /bench/floor/partners/<id>/ answer the raw-SQL page of
bench/peers.py (no authentication, no framework); every other path goes to crm.wsgi unchanged.
Both run in the same gunicorn workers, so their requests per second compare like with like.
"""
import re
import threading

from crm.wsgi import application as app

from bench import peers

PARTNERS = re.compile(r"^/bench/floor/partners/(\d+)/$")
_local = threading.local()


def floor_peer():
    """One raw connection per worker thread, with the app's session settings."""
    peer = getattr(_local, "peer", None)
    if peer is None:
        import psycopg2
        from django.db import connection

        settings = connection.settings_dict
        raw = psycopg2.connect(
            dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"] or None,
            host=settings["HOST"], port=settings["PORT"] or None,
            options=settings.get("OPTIONS", {}).get("options", ""),
        )
        raw.autocommit = True
        peer = _local.peer = peers.RawPeer(raw)
    return peer


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if not path.startswith("/bench/floor/"):
        return app(environ, start_response)
    match = PARTNERS.match(path)
    if path == "/bench/floor/organizations/":
        body = floor_peer().organization_page()
    elif match:
        body = floor_peer().partner_page_json(int(match.group(1)))
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
