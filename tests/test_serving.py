"""Serving in production: 503 while the database is away, deployment checks, static files."""
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connections
from django.test import Client, override_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def database_down(error=OperationalError):
    """Every attempt to reach the database fails, as while PostgreSQL restarts."""
    return mock.patch.object(
        connections["default"], "ensure_connection", side_effect=error("could not connect to server")
    )


@pytest.mark.django_db
def test_api_list_answers_503_with_retry_after_while_the_database_is_down(admin_api):
    with database_down():
        response = admin_api.get("/api/organizations/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"] == "application/json"
    assert "database" in response.json()["detail"]


@pytest.mark.django_db
def test_api_write_with_a_lost_connection_answers_503(admin_api):
    with database_down(InterfaceError):
        response = admin_api.post("/api/focal-areas/", {"code": "x", "name_en": "X", "name_ar": "س"})
    assert response.status_code == 503
    assert "Retry-After" in response


@pytest.mark.django_db
def test_admin_page_answers_503_in_plain_text_while_the_database_is_down(admin_client):
    with database_down():
        response = admin_client.get("/admin/partners/organization/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/plain")
    assert b"Traceback" not in response.content


class DatabaseFailsInMiddleware:
    """Stands for a session or user loaded by a middleware, outside the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db
def test_database_error_raised_in_a_middleware_answers_503(settings):
    position = settings.MIDDLEWARE.index("crm.middleware.DatabaseUnavailableMiddleware") + 1
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(position, f"{__name__}.DatabaseFailsInMiddleware")
    with override_settings(MIDDLEWARE=middleware):
        response = Client(raise_request_exception=False).get("/api/organizations/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "Retry-After" in response


@pytest.mark.django_db
def test_other_errors_are_not_disguised_as_503(admin_api):
    with mock.patch("network.views.OrganizationViewSet.list", side_effect=ValueError("a bug")):
        with pytest.raises(ValueError):
            admin_api.get("/api/organizations/")


@pytest.mark.django_db
def test_a_database_that_lacks_a_table_is_a_500_not_a_passing_outage(admin_api):
    # What SQLite says when `migrate` has not been run; waiting would not mend it.
    with mock.patch("network.views.OrganizationViewSet.list", side_effect=OperationalError("no such table: partners_organization")):
        with pytest.raises(OperationalError):
            admin_api.get("/api/organizations/")


def production_environment(**extra):
    env = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_SECURE_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="crm.example.org",
        DJANGO_SECURE_SSL_REDIRECT="1",
        DJANGO_SECURE_COOKIES="1",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    env.update(extra)
    return env


def test_deployment_checks_pass_with_production_settings_from_the_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_make_serve_stops_on_any_deployment_warning_such_as_a_weak_secret_key(tmp_path):
    # `-o install`: the virtualenv is the one running this test; `make serve` must stop before
    # migrating or starting gunicorn, so the database it would use is never touched.
    env = production_environment(DJANGO_SECRET_KEY="too-short", DATABASE_URL=f"sqlite:///{tmp_path / 'never.sqlite3'}")
    result = subprocess.run(
        ["make", "-o", "install", "serve"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
    assert not (tmp_path / "never.sqlite3").exists()


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = production_environment()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn_server(tmp_path_factory):
    """The application as `make serve` runs it: collected static files, gunicorn, DEBUG off."""
    tmp_path = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = production_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_SECURE_SSL_REDIRECT="0",  # plain HTTP on 127.0.0.1, no TLS proxy here
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "crm/gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def fetch(url, **headers):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
        return response.status, response.headers, response.read()


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("/static/admin/css/base.css", "text/css"),
        ("/static/admin/js/core.js", "text/javascript"),
        ("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", "text/javascript"),
        ("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css", "text/css"),
    ],
)
def test_whitenoise_serves_admin_and_api_docs_assets_under_gunicorn(gunicorn_server, path, content_type):
    status, headers, body = fetch(gunicorn_server + path, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Type"].startswith(content_type)
    assert headers["Content-Encoding"] == "gzip"
    assert body


def test_throttle_counters_are_kept_in_memory_where_the_machine_has_it():
    """Every API request writes its user's counter: on a disk the database keeps busy each write
    took milliseconds, in /dev/shm a fraction of one."""
    environment = {key: value for key, value in os.environ.items() if key not in ("DJANGO_CACHE_DIR", "DJANGO_REDIS_URL")}
    location = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.CACHES['default']['LOCATION'])"],
        env={**environment, "DJANGO_SETTINGS_MODULE": "crm.settings"},
        cwd=BASE_DIR, capture_output=True, text=True, check=True,
    ).stdout.strip()
    if os.access("/dev/shm", os.W_OK):
        assert location.startswith("/dev/shm/crm-cache-")
    else:
        assert location == str(Path(BASE_DIR) / "var" / "cache")
