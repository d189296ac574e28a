"""Requests per second over HTTP: the app under gunicorn against the floor under the same gunicorn.

    python -m bench.http --size M            # needs the crm_bench_m data set (python -m bench.run builds it)

Starts gunicorn on a free loopback port with the deployment settings (crm/gunicorn.conf.py, DEBUG
off, no throttling) and bench/wsgi.py as its application: the app's paths unchanged, plus the
raw-SQL floor of bench/peers.py. For each case, wrk (apt-get install -y wrk) runs a fixed time
with a fixed number of connections against the app's list, with an API token, and against the
floor's; the table shows requests per second, p50/p95 latency, errors, the app's rate as a share
of the floor's, and the workers' resident memory. Figures only: nothing here fails on them.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from bench.run import DEFAULT_URL, configure_environment, print_table

# wrk's summary as one JSON line: latency percentiles in microseconds, errors by kind.
WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d, "bytes": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors.connect, errors.read, errors.write, errors.status, errors.timeout, summary.bytes))
end
"""
RSS_TARGET_MB = 150
# Issue 16: the organisation list at half the raw-SQL floor's rate or better; a partner list,
# read from the kept partnership relation, at ten times the floor, which walks the link tables.
RATE_TARGETS = {"organisations": 0.5, "partners": 10.0}
USERNAME, PASSWORD = "bench-http", "bench-http-password"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_user_and_cases(url):
    """A superuser for the token, and the organisation whose partner list is measured: one with
    about as many agreements as a busy partner has (the 90th percentile), not the largest hub."""
    configure_environment(url)
    from django.contrib.auth import get_user_model
    from django.db import connection

    user_model = get_user_model()
    user = user_model.objects.filter(username=USERNAME).first() or user_model(username=USERNAME, is_staff=True,
                                                                                  is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH counts AS (SELECT organization_id, count(*) AS n FROM agreements_agreementparty GROUP BY 1) "
            "SELECT organization_id, n FROM counts "
            "ORDER BY abs(n - (SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY n) FROM counts)), organization_id LIMIT 1"
        )
        organization, agreements = cursor.fetchone()
    connection.close()
    return organization, agreements


def worker_pids(master):
    children = set()
    for task in os.listdir(f"/proc/{master}/task"):
        try:
            with open(f"/proc/{master}/task/{task}/children") as handle:
                children.update(int(pid) for pid in handle.read().split())
        except OSError:
            continue
    return sorted(children)


def memory_mb(pid, field="VmRSS"):
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def wait_until_up(port, process, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited while starting; see its log above")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/floor/organizations/", timeout=5).read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within a minute")


def token_for(port):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/auth/token/",
        data=json.dumps({"username": USERNAME, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["token"]


def check(port, path, headers):
    """One request before the timed run: the status and the number of results (the run counts
    only requests, so a page of errors must not pass for a fast page)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = json.loads(response.read())
            return response.status, len(body.get("results", body) if isinstance(body, dict) else body)
    except urllib.error.HTTPError as error:
        return error.code, None
    except OSError:
        return "no answer in 60 s", None


def drain(port, seconds=180):
    """Wait until the workers answer the floor again: requests wrk left behind (a slow list) go on
    running after it stops, and would eat into the next variant's time."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/floor/organizations/", timeout=5).read()
            return
        except OSError:
            time.sleep(1)


def wrk(port, path, headers, seconds, connections, threads, script, sampler):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", "-s", script]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    while process.poll() is None:
        sampler()
        time.sleep(0.5)
    output = process.stdout.read()
    match = re.search(r"WRK_JSON (\{.*\})", output)
    if not match:
        raise SystemExit(f"wrk gave no summary:\n{output}")
    return json.loads(match.group(1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="M", help="S, M or L: the data set's database")
    parser.add_argument("--database-url", default=DEFAULT_URL, help="with {size} for the lower-case size letter")
    parser.add_argument("--duration", type=int, default=20, help="seconds of each timed wrk run")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")),
                        help="gunicorn worker processes (WEB_CONCURRENCY)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    if not os.path.exists(gunicorn):
        raise SystemExit("gunicorn is missing from the virtualenv: make install")
    url = args.database_url.format(size=args.size.lower())
    organization, agreements = prepare_user_and_cases(url)

    port = free_port()
    environment = {
        **os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "crm.settings", "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-not-a-secret"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_API_THROTTLE_RATE": "1000000000/second",
        "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(args.workers),
    }
    log = tempfile.NamedTemporaryFile("w+", prefix="bench-gunicorn-", suffix=".log", delete=False)
    # The deployment's settings file; bench/wsgi.py in place of crm.wsgi adds the floor's paths.
    server = subprocess.Popen([gunicorn, "-c", "crm/gunicorn.conf.py", "bench.wsgi:application"],
                              env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    script = tempfile.NamedTemporaryFile("w", prefix="bench-wrk-", suffix=".lua", delete=False)
    script.write(WRK_REPORT)
    script.close()
    seen, peak = set(), {}

    def sample():
        for pid in worker_pids(server.pid):
            seen.add(pid)
            rss = memory_mb(pid)
            if rss is not None:
                peak[pid] = max(peak.get(pid, 0), rss)

    try:
        wait_until_up(port, server)
        token = token_for(port)
        auth = {"Authorization": f"Token {token}"}
        cases = [
            ("organisations: first page", "/api/organizations/?page_size=50", auth, "/bench/floor/organizations/"),
            (f"partners of {organization} ({agreements} agreements): first page",
             f"/api/organizations/{organization}/partners/", auth, f"/bench/floor/partners/{organization}/"),
        ]
        threads = min(args.connections, 2)
        rows = []
        print(f"gunicorn: {args.workers} worker(s), crm/gunicorn.conf.py, port {port}, log {log.name}; "
              f"wrk: {args.duration} s, {args.connections} connections, {threads} threads; size {args.size}", flush=True)
        results = {}
        for name, app_path, headers, floor_path in cases:
            for variant, path, variant_headers in [("app", app_path, headers), ("floor", floor_path, {})]:
                status, count = check(port, path, variant_headers)
                if status != 200:
                    results[(name, variant)] = {"status": status}
                    continue
                wrk(port, path, variant_headers, 3, args.connections, threads, script.name, sample)  # warm-up, untimed
                result = wrk(port, path, variant_headers, args.duration, args.connections, threads, script.name, sample)
                result["rows"] = count
                results[(name, variant)] = result
                drain(port)
        for name, *_ in cases:
            floor = results.get((name, "floor"), {})
            for variant in ("app", "floor"):
                result = results.get((name, variant), {})
                if "requests" not in result:
                    rows.append([name if variant == "app" else "", variant, f"{result.get('status')}", "", "", "", "", "", ""])
                    continue
                rate = result["requests"] / result["seconds"]
                errors = sum(result[kind] for kind in ("connect", "read", "write", "status", "timeout"))
                share = ""
                if variant == "app" and "requests" in floor:
                    share = f"{rate / (floor['requests'] / floor['seconds']):.2f}×"
                rows.append([name if variant == "app" else "", variant, f"{result['requests']:,}", f"{rate:,.1f}",
                             f"{result['p50'] / 1000:.1f}",
                             f"{result['p95'] / 1000:.1f}", str(errors), str(result["rows"]), share])
        sample()
        after = {pid: memory_mb(pid) for pid in worker_pids(server.pid)}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        os.unlink(script.name)

    print()
    print_table(["case", "variant", "requests", "requests/s", "p50 ms", "p95 ms", "errors", "rows", "× floor's rate"], rows)
    rss_now = [value for value in after.values() if value is not None]
    print(f"\nworkers' RSS after the run: {', '.join(f'{value:.0f} MB' for value in rss_now) or 'n/a'}; "
          f"highest seen during it: {max(peak.values(), default=0):.0f} MB; "
          f"worker processes seen: {len(seen)} (max_requests in crm/gunicorn.conf.py replaces workers)")

    print(f"\ntargets over HTTP at {args.size} (issue 16):")
    for name, *_ in cases:
        app, floor = results.get((name, "app"), {}), results.get((name, "floor"), {})
        if "requests" in app and "requests" in floor:
            share = (app["requests"] / app["seconds"]) / (floor["requests"] / floor["seconds"])
            errors = sum(app[kind] for kind in ("connect", "read", "write", "status", "timeout"))
            target = RATE_TARGETS[name.split()[0].rstrip(":")]
            ok = share >= target and errors == 0
            print(f"  {'met' if ok else 'MISSED':<7} {name}: ≥ {target:g}× the floor's requests/s: {share:.2f}×, {errors} errors")
        else:
            print(f"  n/a     {name}: " + ", ".join(f"{label}: {result['status']}"
                                                  for label, result in [("app", app), ("floor", floor)] if "status" in result))
    highest = max([*rss_now, *peak.values()], default=None)
    if highest is None:
        print("  n/a     gunicorn worker memory ≤ 150 MB after the run")
    else:
        print(f"  {'met' if highest <= RSS_TARGET_MB else 'MISSED':<7} gunicorn worker memory ≤ {RSS_TARGET_MB} MB: "
              f"highest {highest:.0f} MB (after the run or during it)")


if __name__ == "__main__":
    main()
