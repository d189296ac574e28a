"""gunicorn settings for `make serve`: `gunicorn -c crm/gunicorn.conf.py`.

Read from the environment: HOST (127.0.0.1: a TLS proxy in front is expected), PORT (8000),
WEB_CONCURRENCY (worker processes) and GUNICORN_THREADS (threads per worker). The defaults suit
a 2-core machine: 3 processes of 4 threads answer 12 requests at once, each thread keeping one
persistent database connection (12 of PostgreSQL's default 100).
"""
import os

wsgi_app = "crm.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A worker is replaced after about ten thousand requests, at staggered moments, so a slow leak in
# any library never grows for long and the workers never all restart together. At a thousand,
# under load each worker restarted every few seconds, paying Django's start-up each time.
max_requests = 10000
max_requests_jitter = 1000
timeout = 30
graceful_timeout = 30

# No gunicornc control socket: its one default path per user would be fought over by every
# instance on the machine (the durability bench and the tests start their own).
control_socket_disable = True

# Access log on stdout, errors (and Django's log, see LOGGING) on stderr.
accesslog = "-"
errorlog = "-"
