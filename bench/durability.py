"""Durability under failure, through the real server: `python -m bench.durability`.

Starts the application under gunicorn (crm/gunicorn.conf.py) on 127.0.0.1 against a PostgreSQL
database of its own (created UTF-8, dropped at the end), then:

1. write load: a few clients create organisations through the API for a fixed time while
   gunicorn workers are SIGKILLed (the master starts new ones) and PostgreSQL is restarted
   once; every acknowledged (2xx) write must be in the database afterwards,
   and no request may fail once PostgreSQL is back (connections are health-checked before reuse);
2. lost updates: clients read one record and PATCH its notes with a mark appended, first without
   If-Match (updates are lost, which is the point) and then with the ETag as If-Match, re-reading
   on 412 (none may be lost).

Figures only, no timing is judged; exits 1 if an acknowledged write or an If-Match update is lost.
Restarting PostgreSQL disturbs everyone using the cluster (a few seconds, more when other
sessions run long queries); --no-postgres-restart leaves it alone.
"""
import argparse
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

BASE_DIR = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
NAME_PREFIX = "Durability"
EDIT_MARK = re.compile(r"\[\d+\.\d+\]")


# ---------------------------------------------------------------------------------------------
# The server and its database

def admin_connection():
    connection = psycopg2.connect(ADMIN_URL)
    connection.autocommit = True
    return connection


def create_database(name):
    connection = admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            # pg_trgm finds no Arabic trigrams in a database whose character type is C.
            cursor.execute(
                f"""CREATE DATABASE "{name}" TEMPLATE template0 ENCODING 'UTF8' """
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
    finally:
        connection.close()


def drop_database(name):
    connection = admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn as `make serve` starts it, on a free port, DEBUG off, plain HTTP."""

    def __init__(self, database_url, workers, log_path):
        self.port = free_port()
        self.env = dict(
            os.environ,
            DATABASE_URL=database_url,
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_API_THROTTLE_RATE="1000000/minute",
            HOST="127.0.0.1",
            PORT=str(self.port),
            WEB_CONCURRENCY=str(workers),
        )
        self.log_path = log_path
        self.process = None

    def manage(self, *args, **env):
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=dict(self.env, **env), check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self):
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "crm/gunicorn.conf.py"],
                cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                status, _, _ = request(self.port, "GET", "/api/")
                if status in {200, 401, 403}:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer; see {self.log_path}")

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        return [int(pid) for pid in children.split()]

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def postgres_checkpoint():
    """Done while still up, so that starting again has little write-ahead log to replay."""
    connection = admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    finally:
        connection.close()


def postgres_restart():
    """Stop the local cluster (fast mode: open sessions are cut) and start it again.

    Not immediate mode, a crash: starting after one fsyncs the whole data directory, 14 s on a
    cluster holding the large bench databases. Fast mode usually takes a few seconds, but waits
    for other sessions' long queries to notice their cancellation (40 s once, on a loaded machine).
    """
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True, stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError("PostgreSQL did not come back")


# ---------------------------------------------------------------------------------------------
# HTTP

def request(port, method, path, body=None, headers=None, connection=None, timeout=10):
    """One request; returns (status, headers, parsed JSON or None). Raises OSError/HTTPException."""
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = None if body is None else json.dumps(body).encode()
        all_headers = {"Accept": "application/json", **(headers or {})}
        if payload is not None:
            all_headers["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=all_headers)
        response = connection.getresponse()
        raw = response.read()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = None
        return response.status, response.headers, data
    finally:
        if own:
            connection.close()


class Client:
    """A keep-alive connection with a token that reconnects after any transport error."""

    def __init__(self, port, token):
        self.port = port
        self.headers = {"Authorization": f"Token {token}"}
        self.connection = None

    def send(self, method, path, body=None, headers=None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            return request(self.port, method, path, body, {**self.headers, **(headers or {})}, self.connection)
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise


def obtain_token(port, username, password):
    status, _, data = request(port, "POST", "/api/auth/token/", {"username": username, "password": password})
    if status != 200:
        raise RuntimeError(f"token request answered {status}: {data}")
    return data["token"]


# ---------------------------------------------------------------------------------------------
# 1. Acknowledged writes under failures

@dataclass
class WriteLoad:
    sent: int = 0
    outcomes: Counter = field(default_factory=Counter)
    acknowledged_ids: list = field(default_factory=list)
    # (start time, outcome) of every request that was not acknowledged
    failures: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, started, outcome, record_id=None):
        with self.lock:
            self.sent += 1
            self.outcomes[outcome] += 1
            if record_id is not None:
                self.acknowledged_ids.append(record_id)
            else:
                self.failures.append((started, outcome))


def write_client(port, token, number, stop_at, load):
    client = Client(port, token)
    sequence = 0
    while time.monotonic() < stop_at:
        sequence += 1
        body = {"name_en": f"{NAME_PREFIX} {number}-{sequence}", "kind": "other"}
        started = time.monotonic()
        try:
            status, headers, data = client.send("POST", "/api/organizations/", body)
        except (OSError, http.client.HTTPException) as error:
            load.record(started, f"connection error ({type(error).__name__})")
            time.sleep(0.2)
            continue
        if 200 <= status < 300:
            load.record(started, "2xx", data["id"])
        else:
            load.record(started, str(status))
            # A real client waits Retry-After; a shorter pause keeps counting through the outage.
            time.sleep(0.5 if status == 503 else 0.1)


def run_write_load(server, token, clients, duration, restart_postgres):
    load = WriteLoad()
    events = []
    start = time.monotonic()
    stop_at = start + duration
    threads = [
        threading.Thread(target=write_client, args=(server.port, token, number, stop_at, load))
        for number in range(clients)
    ]
    for thread in threads:
        thread.start()

    def at(fraction):
        time.sleep(max(0.0, start + duration * fraction - time.monotonic()))

    def kill_worker(label):
        pid = server.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        events.append((time.monotonic() - start, f"SIGKILL worker {pid} ({label})"))

    # Workers first, then PostgreSQL, then nothing: every failure after PostgreSQL is back would
    # be a stale connection that the health check should have replaced.
    at(0.15)
    kill_worker("first")
    at(0.3)
    kill_worker("second")
    at(0.45)
    kill_worker("third")
    postgres_back = None
    if restart_postgres:
        at(0.6)
        postgres_checkpoint()
        began = time.monotonic()
        postgres_restart()
        postgres_back = time.monotonic()
        events.append((began - start, f"PostgreSQL restarted, down for {postgres_back - began:.1f} s"))
    for thread in threads:
        thread.join()
    return load, events, postgres_back


def lost_acknowledged_writes(database_url, load):
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM partners_organization WHERE id = ANY(%s)", [load.acknowledged_ids])
            found = {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT count(*) FROM partners_organization WHERE name_en LIKE %s", [f"{NAME_PREFIX} %"])
            stored = cursor.fetchone()[0]
    finally:
        connection.close()
    return len(set(load.acknowledged_ids) - found), stored


# ---------------------------------------------------------------------------------------------
# 2. Lost updates under concurrent edits

def edit_client(port, token, number, record_path, edits, use_if_match, tally):
    client = Client(port, token)
    done = 0
    while done < edits:
        try:
            status, headers, data = client.send("GET", record_path)
            if status != 200:
                continue
            # One mark per edit, no whitespace: the API trims it from the ends of a text.
            mark = f"[{number}.{done}]"
            extra = {"If-Match": headers["ETag"]} if use_if_match else {}
            status, _, _ = client.send("PATCH", record_path, {"notes": data["notes"] + mark}, extra)
        except (OSError, http.client.HTTPException):
            continue
        with tally["lock"]:
            tally[status] = tally.get(status, 0) + 1
        if 200 <= status < 300:
            done += 1
        elif not use_if_match:
            done += 1  # a client that does not send If-Match does not retry either


def run_edits(port, token, clients, edits, use_if_match):
    status, _, data = Client(port, token).send(
        "POST", "/api/organizations/", {"name_en": f"{NAME_PREFIX} counter {use_if_match}", "kind": "other"}
    )
    record_path = f"/api/organizations/{data['id']}/"
    tally = {"lock": threading.Lock()}
    threads = [
        threading.Thread(target=edit_client, args=(port, token, number, record_path, edits, use_if_match, tally))
        for number in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _, _, final = Client(port, token).send("GET", record_path)
    tally.pop("lock")
    acknowledged = sum(count for status, count in tally.items() if 200 <= status < 300)
    kept = len(EDIT_MARK.findall(final["notes"]))
    return {"acknowledged": acknowledged, "kept": kept, "lost": acknowledged - kept, "statuses": tally}


# ---------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=40, help="seconds of write load (default 40)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent writers (default 4)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--editors", type=int, default=8, help="concurrent editors of one record (default 8)")
    parser.add_argument("--edits", type=int, default=25, help="acknowledged edits per editor (default 25)")
    parser.add_argument("--no-postgres-restart", action="store_true", help="leave the PostgreSQL cluster alone")
    args = parser.parse_args()

    database = f"crm_durability_{os.getpid()}"
    database_url = f"postgres://postgres@127.0.0.1:5432/{database}"
    out = BASE_DIR / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    server = Server(database_url, args.workers, out / "durability-gunicorn.log")
    create_database(database)
    try:
        print(f"database {database}: migrating", flush=True)
        server.manage("migrate", "--noinput", "-v0")
        password = secrets.token_urlsafe(16)
        server.manage(
            "createsuperuser", "--noinput", "--username", "bench", "--email", "bench@example.org",
            DJANGO_SUPERUSER_PASSWORD=password,
        )
        server.start()
        print(f"gunicorn on 127.0.0.1:{server.port}, {args.workers} workers (log: {server.log_path})", flush=True)
        token = obtain_token(server.port, "bench", password)

        print(f"write load: {args.clients} clients for {args.duration:.0f} s", flush=True)
        load, events, postgres_back = run_write_load(
            server, token, args.clients, args.duration, not args.no_postgres_restart
        )
        lost, stored = lost_acknowledged_writes(database_url, load)
        after_back = (
            sum(1 for started, _ in load.failures if started >= postgres_back) if postgres_back else None
        )

        print(f"lost updates: {args.editors} editors x {args.edits} edits of one record", flush=True)
        without = run_edits(server.port, token, args.editors, args.edits, use_if_match=False)
        with_if_match = run_edits(server.port, token, args.editors, args.edits, use_if_match=True)
    finally:
        server.stop()
        drop_database(database)

    print()
    for moment, event in events:
        print(f"  {moment:5.1f} s  {event}")
    print()
    rows = [
        ("write requests sent", load.sent),
        ("  acknowledged (2xx)", load.outcomes["2xx"]),
        *[(f"  failed: {outcome}", count) for outcome, count in sorted(load.outcomes.items()) if outcome != "2xx"],
        ("  failed after PostgreSQL was back", "n/a" if after_back is None else after_back),
        ("records stored (acknowledged or not)", stored),
        ("acknowledged writes lost", lost),
        ("edits without If-Match: acknowledged", without["acknowledged"]),
        ("  kept / lost", f"{without['kept']} / {without['lost']}"),
        ("  refused (status: count)", ", ".join(f"{s}: {c}" for s, c in sorted(without["statuses"].items()) if s >= 300) or "none"),
        ("edits with If-Match: acknowledged", with_if_match["acknowledged"]),
        ("  kept / lost", f"{with_if_match['kept']} / {with_if_match['lost']}"),
        ("  412 answers re-read and retried", with_if_match["statuses"].get(412, 0)),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value:>10}")

    problems = []
    if lost:
        problems.append(f"{lost} acknowledged writes are missing from the database")
    if with_if_match["lost"]:
        problems.append(f"{with_if_match['lost']} updates sent with If-Match were lost")
    if problems:
        print("\nFAILED: " + "; ".join(problems))
        return 1
    print("\nNo acknowledged write lost; no update lost with If-Match.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
