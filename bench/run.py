"""Time every benchmark case against its peers, in one process, and print one table per size.

    python -m bench.run --sizes S,M          # builds a size's database first if it is missing or stale
    python -m bench.run --smoke              # size S, 2 repetitions: the CI run

The app is called in-process through django.test.Client, logged in as a superuser; the peers
(bench/peers.py) read the same database. Variants are interleaved round-robin over cases and
repetitions after a warm-up, so a slow minute on a shared machine hits every variant alike.
Figures only: nothing here fails on a timing.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, urlencode, urlsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/crm_bench_{size}"
# A statement that filters on a search key (not one that merely selects the column).
# A search statement: one that filters on a search key, or reads the organisations' kept words.
SEARCH_CONDITION = re.compile(r'search_key"?(::text)?\)?\s+(LIKE|%>|%%>)|"partners_organizationword"\."word" =')
PAGE_SIZE = 50
# An ordinary organisation's partner list: one party to this many agreements.
ORDINARY_AGREEMENTS = 7
# Rows per request while walking a cursor list to a deep page (the API's largest page size).
WALK_PAGE_SIZE = 500
# Failed timed calls a variant may have before it is reported as an error.
MAX_ERRORS = 3


def configure_environment(url):
    """Production-like settings for an in-process run: no DEBUG (no query log), no throttling."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "crm.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ["DJANGO_API_THROTTLE_RATE"] = "1000000/second"
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.urls"


# ---------------------------------------------------------------------------------------------
# Databases

def database_is_ready(url, size, seed):
    """Whether the database holds this size's data set and every migration is applied."""
    import psycopg2

    try:
        connection = psycopg2.connect(url)
    except psycopg2.OperationalError:
        return False, "database missing"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_info') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return False, "no data set"
            cursor.execute("SELECT value FROM bench_info WHERE key = 'dataset'")
            row = cursor.fetchone()
            if row is None or row[0].get("size") != size or row[0].get("seed") != seed:
                return False, "another data set"
    finally:
        connection.close()
    switch_database(url)
    from django.db import connection as django_connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(django_connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return False, "unapplied migrations"
    return True, "ready"


def generate(url, size, seed):
    command = [sys.executable, "-m", "bench.generate", "--size", size, "--database-url", url, "--seed", str(seed)]
    print(f"$ {' '.join(command)}", flush=True)
    # The generator prints its table on stdout and its progress on stderr, shown only if it fails.
    finished = subprocess.run(command, stderr=subprocess.PIPE, text=True)
    if finished.returncode:
        sys.stderr.write(finished.stderr[-4000:])
        raise SystemExit(f"bench.generate failed for size {size}")


def switch_database(url, timeout=None):
    """Point Django's connection at `url`; with `timeout` (seconds) every statement is cancelled after it."""
    import dj_database_url
    from django.db import connections

    connection = connections["default"]
    connection.close()
    parsed = dj_database_url.parse(url)
    for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
        connection.settings_dict[key] = parsed.get(key, connection.settings_dict.get(key))
    if timeout:
        options = connection.settings_dict.setdefault("OPTIONS", {})
        kept = " -c ".join(part for part in options.get("options", "").split(" -c ") if part and "statement_timeout" not in part)
        options["options"] = (kept + " " if kept else "") + f"-c statement_timeout={int(timeout * 1000)}"


def is_timeout(error):
    """Whether an exception (or its cause) is PostgreSQL cancelling a statement at statement_timeout."""
    while error is not None:
        if type(error).__name__ == "QueryCanceled" or "statement timeout" in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


# ---------------------------------------------------------------------------------------------
# Variants and measurement

@dataclass
class Variant:
    name: str
    call: object  # () -> (status, bytes)
    count_queries: object  # () -> int, around one call
    status: str = "ok"
    samples: list = field(default_factory=list)
    queries: object = None
    rows: object = None
    ids: object = None
    peak_bytes: object = None
    drain: object = None  # () -> status: one call that reads the body chunk by chunk, keeping none
    repetitions: int = 0
    errors: int = 0
    overhead: int = 0  # statements around the data ones: transaction, session and user
    captured: list = field(default_factory=list)


@dataclass
class Case:
    name: str
    variants: list
    kind: str = "page"  # page, export, other
    explain: bool = False

    @property
    def key(self):
        """The name without the figures that change with the size: the same case at S, M and L."""
        return re.sub(r"\s+", " ", re.sub(r"«[^»]*»|\(all [\d,]+\)|\([^)]*\d[^)]*\)|\d[\d,/]*", "", self.name)).strip()

    @property
    def group(self):
        """Which query-count target applies: list, detail, summary, admin or export."""
        for prefix, group in [("admin:", "admin"), ("funding summary", "summary"), ("organisation detail", "detail")]:
            if self.name.startswith(prefix):
                return group
        return "export" if self.kind == "export" else "list"


def with_query(url, **params):
    """The path and query of `url` (absolute or not) with `params` set in its query."""
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    query.update({key: [str(value)] for key, value in params.items()})
    return f"{parts.path}?{urlencode(query, doseq=True)}"


OVERHEAD = re.compile(r'^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b|FROM "(django_session|auth_user|authtoken_token)"', re.IGNORECASE)


def data_queries(sqls):
    """Statements that read or write the request's data: not the transaction of ATOMIC_REQUESTS,
    nor the session and user lookups of authentication (the same for every request)."""
    return sum(1 for sql in sqls if not OVERHEAD.search(sql))


def percentile(samples, share):
    ordered = sorted(samples)
    if not ordered:
        return None
    index = max(0, math.ceil(share * len(ordered)) - 1)
    return ordered[index]


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def summarise(body, kind):
    """(rows, ids) of a response body: the page's results or the export's lines."""
    if kind == "export":
        text = body.decode("utf-8-sig")
        return max(0, text.count("\n") - 1), None
    try:
        data = json.loads(body)
    except ValueError:
        return None, None
    results = data.get("results") if isinstance(data, dict) else data
    if isinstance(results, list):
        ids = []
        for item in results:
            if isinstance(item, dict):
                inner = item.get("organization") if isinstance(item.get("organization"), dict) else item
                ids.append(inner.get("id"))
        return len(results), ids
    return None, None


class Runner:
    def __init__(self, size, url, repeat, warmup, budget, timeout):
        import psycopg2
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from bench import peers

        self.size, self.url, self.repeat, self.warmup, self.budget = size, url, repeat, warmup, budget
        self.timeout = timeout
        self.connection = connection
        self.capture = CaptureQueriesContext
        # The app's session settings (the pg_trgm threshold, the statement timeout) for the peers too.
        options = connection.settings_dict.get("OPTIONS", {}).get("options", "")
        raw_connection = psycopg2.connect(url, options=options)
        raw_connection.autocommit = True
        agg_connection = psycopg2.connect(url, options=options)
        agg_connection.autocommit = True
        self.floor = peers.RawPeer(raw_connection)
        self.agg = peers.JsonAggPeer(agg_connection)
        self.peers = peers
        user_model = get_user_model()
        user = user_model.objects.filter(username="bench").first()
        if user is None:
            user = user_model.objects.create_superuser("bench", "bench@example.org", None)
        # A view that raises answers 500 here, as it would to a real client, instead of stopping the run.
        self.client = Client(raise_request_exception=False)
        self.client.force_login(user)
        self.info = self.sql_one("SELECT value FROM bench_info WHERE key = 'dataset'")
        self.walk_notes = {}
        self.pagination = "page number"

    def sql_one(self, sql, params=None):
        with self.floor.connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return row[0] if row and len(row) == 1 else row

    # -- variant factories ------------------------------------------------------------------
    def http(self, name, path):
        if path is None:
            return Variant(name, None, None, status="n/a (no deep page: see notes)")
        client = self.client

        def call():
            response = client.get(path)
            return response.status_code, body_of(response)

        def count():
            with self.capture(self.connection) as context:
                result = call()
            return result, len(context.captured_queries), [query["sql"] for query in context.captured_queries]

        def drain():
            response = client.get(path)
            for _chunk in response.streaming_content if response.streaming else [response.content]:
                pass
            return response.status_code

        return Variant(name, call, count, drain=drain)

    def peer(self, name, peer, method, *args, **kwargs):
        bound = getattr(peer, method)

        def call():
            return 200, bound(*args, **kwargs)

        def count():
            before = peer.queries
            result = call()
            return result, peer.queries - before, []

        return Variant(name, call, count)

    # -- the cases ----------------------------------------------------------------------------
    def cases(self):
        floor, agg, T = self.floor, self.agg, self.peers.T
        terms = self.info["terms"]
        organizations = self.sql_one(f"SELECT count(*) FROM {T['organization']}")
        pages = max(1, math.ceil(organizations / PAGE_SIZE))
        deep = max(2, pages * 9 // 10)
        position = self.sql_one(
            f"SELECT name_en, name_ar, id FROM {T['organization']} ORDER BY name_en, name_ar, id OFFSET %s LIMIT 1",
            [(deep - 1) * PAGE_SIZE - 1],
        )
        hub, hub_agreements = self.sql_one(
            f"SELECT organization_id, count(*) FROM {T['party']} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
        )
        ordinary = self.sql_one(
            f"SELECT organization_id FROM {T['party']} GROUP BY 1 HAVING count(*) = %s ORDER BY 1 LIMIT 1", [ORDINARY_AGREEMENTS]
        )
        partner_rows = floor.partner_page(hub, limit=None)
        partner_pages = max(1, math.ceil(len(partner_rows) / PAGE_SIZE))
        partner_deep = max(2, partner_pages * 9 // 10)
        before = partner_rows[(partner_deep - 1) * PAGE_SIZE - 1] if len(partner_rows) > PAGE_SIZE else None
        partner_position = (before[6], before[1], before[2], before[0]) if before else None
        focal = "pcve"
        self.facts = {
            "organizations": organizations, "deep page": deep, "hub": hub, "hub agreements": hub_agreements,
            "hub partners": len(partner_rows), "partner deep page": partner_deep,
        }

        def organization_case(title, query, peer_filters, after=None, naive_query=None, explain=False, app_path=None):
            variants = [
                self.http("app", app_path or f"/api/organizations/?{query}"),
                self.peer("floor", floor, "organization_page", after=after, **peer_filters),
                self.peer("json_agg", agg, "organization_page", after=after, **peer_filters),
                self.http("naive DRF", f"/bench/naive/organizations/?{naive_query or query}"),
            ]
            return Case(title, variants, explain=explain)

        cases = [
            organization_case("organisations: first page", "page_size=50", {}),
            organization_case(f"organisations: deep page {deep}/{pages}", "", {}, after=position,
                              naive_query=f"page={deep}", app_path=self.page_url("/api/organizations/", (deep - 1) * PAGE_SIZE)),
            organization_case("organisations: QA member state, pcve", f"country=QA&kind=member_state&focal_area={focal}",
                              {"country": "QA", "kind": "member_state", "focal_area": focal}),
            organization_case("organisations: QA government body, pcve", f"country=QA&kind=government_body&focal_area={focal}",
                              {"country": "QA", "kind": "government_body", "focal_area": focal}),
        ]
        for label, key in [("rare Arabic name", "rare_ar"), ("rare English name", "rare_en"), ("common word", "common_en"),
                           ("common Arabic word", "common_ar"), ("misspelt Arabic", "misspelt_ar"), ("2-letter term", "two_letters")]:
            term = terms[key]
            matches = self.info["matches"].get(key)
            cases.append(organization_case(f"search {label} «{term}» ({matches} rows)", "search=" + quote(term),
                                           {"search": term}, explain=True))
        cases += [
            Case(f"organisation detail ({hub_agreements} agreements)", [
                self.http("app", f"/api/organizations/{hub}/"),
                self.peer("floor", floor, "organization_detail", hub),
                self.peer("json_agg", agg, "organization_detail", hub),
            ], kind="other"),
            Case(f"partners of {hub}: first page ({len(partner_rows)} partners)", [
                self.http("app", f"/api/organizations/{hub}/partners/"),
                self.peer("floor", floor, "partner_page_json", hub),
                self.peer("json_agg", agg, "partner_page_json", hub),
            ]),
            Case(f"partners of {hub}: deep page {partner_deep}/{partner_pages}", [
                self.http("app", self.page_url(f"/api/organizations/{hub}/partners/", (partner_deep - 1) * PAGE_SIZE)),
                self.peer("floor", floor, "partner_page_json", hub, after=partner_position),
                self.peer("json_agg", agg, "partner_page_json", hub, after=partner_position),
            ]),
            Case(f"partners of {hub} with its units: first page", [
                self.http("app", f"/api/organizations/{hub}/partners/?include_units=true"),
            ]),
            Case(f"partners of {ordinary}: first page ({ORDINARY_AGREEMENTS} agreements)", [
                self.http("app", f"/api/organizations/{ordinary}/partners/"),
                self.peer("floor", floor, "partner_page_json", ordinary),
                self.peer("json_agg", agg, "partner_page_json", ordinary),
            ]),
            Case(f"partners of {hub}: CSV export", [
                self.http("app", f"/api/organizations/{hub}/partners/?format=csv"),
                self.peer("floor", floor, "partner_export_csv", hub),
                self.peer("COPY csv", agg, "partner_export_csv", hub),
            ], kind="export"),
            Case("funding summary by donor", [
                self.http("app", "/api/funding-commitments/summary/?group_by=donor"),
                self.peer("floor", floor, "funding_summary", "donor"),
                self.peer("json_agg", agg, "funding_summary", "donor"),
            ], kind="other"),
            Case("funding summary by year", [
                self.http("app", "/api/funding-commitments/summary/?group_by=year"),
                self.peer("floor", floor, "funding_summary", "year"),
                self.peer("json_agg", agg, "funding_summary", "year"),
            ], kind="other"),
            # A filtered summary is summed when asked, not read from the kept totals.
            Case("funding summary by year, filtered to USD", [
                self.http("app", "/api/funding-commitments/summary/?group_by=year&currency=USD"),
            ], kind="other"),
            Case(f"organisations: CSV export (all {organizations:,})", [
                self.http("app", "/api/organizations/?format=csv"),
                self.peer("floor", floor, "organization_export_csv"),
            ], kind="export"),
            Case("admin: organisations", [self.http("app", "/admin/partners/organization/")], kind="other"),
            Case("admin: organisations ?q=centre", [self.http("app", "/admin/partners/organization/?q=centre")], kind="other"),
            Case("admin: agreements", [self.http("app", "/admin/agreements/agreement/")], kind="other"),
            Case(f"admin: agreements ?q={terms['rare_en']}", [self.http("app", f"/admin/agreements/agreement/?q={quote(terms['rare_en'])}")],
                 kind="other"),
        ]
        return cases

    def page_url(self, path, rows_before, deadline=300.0):
        """The URL of the list page that starts after `rows_before` rows, for the timed calls.

        A page-number list (a `count` and `?page=` links) gives ?page=N. A cursor list is walked
        from its first page along its `next` links, untimed, with the largest page size it takes,
        and the last link is asked for PAGE_SIZE rows; so the token is the app's own, opaque.
        None (with the reason in self.walk_notes) if the list fails or the walk exceeds `deadline`."""
        separator = "&" if "?" in path else "?"
        status, body = self.http("probe", f"{path}{separator}page_size={PAGE_SIZE}").call()
        if status != 200:
            self.walk_notes[path] = f"first page answered HTTP {status}"
            return None
        data = json.loads(body)
        following = data.get("next") or ""
        if "count" in data and "cursor=" not in following:
            return f"{path}{separator}page_size={PAGE_SIZE}&page={rows_before // PAGE_SIZE + 1}"
        self.pagination = "cursor"
        started = time.perf_counter()
        url, remaining, requests = f"{path}{separator}page_size={min(WALK_PAGE_SIZE, rows_before)}", rows_before, 0
        while remaining > 0:
            if time.perf_counter() - started > deadline:
                self.walk_notes[path] = f"walk stopped after {deadline:g} s ({requests} requests)"
                return None
            status, body = self.http("walk", url).call()
            requests += 1
            if status != 200:
                self.walk_notes[path] = f"walk answered HTTP {status} after {requests} requests"
                return None
            data = json.loads(body)
            remaining -= len(data["results"])
            if not data.get("next"):
                self.walk_notes[path] = f"the list ended {remaining} rows early"
                return None
            url = with_query(data["next"], page_size=min(WALK_PAGE_SIZE, remaining) if remaining > 0 else PAGE_SIZE)
        self.walk_notes[path] = f"walked {requests} pages in {time.perf_counter() - started:.1f} s"
        return url

    # -- measuring ----------------------------------------------------------------------------
    def failed(self, variant, error):
        if is_timeout(error):
            variant.status = f"timeout (> {self.timeout:g} s)"
        else:
            variant.status = f"error ({type(error).__name__}: {str(error).splitlines()[0][:60] if str(error) else ''})"
        variant.samples = []
        self.connection.close()

    def prepare(self, case, variant):
        """One checked call: status, queries per request, rows; n/a for an endpoint that is not there
        yet. A variant slower than the budget gets no warm-up and fewer repetitions."""
        if variant.status != "ok":
            return
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                (status, body), queries, sqls = variant.count_queries()
                break
            except Exception as error:  # noqa: BLE001 - report the endpoint as broken, keep measuring the rest
                # Once more on a new connection unless it timed out: another bench may restart PostgreSQL.
                self.failed(variant, error)
                if attempt == 2 or is_timeout(error):
                    return
                variant.status = "ok"
                time.sleep(2)
        first = time.perf_counter() - started
        if status == 404:
            variant.status = "n/a (404)"
            return
        if status != 200:
            variant.status = f"error (HTTP {status})"
            return
        variant.queries = data_queries(sqls) if sqls else queries
        variant.overhead = queries - variant.queries
        variant.captured = sqls
        variant.rows, variant.ids = summarise(body, case.kind)
        once = first
        if first * self.warmup < self.budget / 2:
            started = time.perf_counter()
            try:
                for _ in range(self.warmup):
                    variant.call()
            except Exception as error:  # noqa: BLE001
                self.failed(variant, error)
                return
            once = (time.perf_counter() - started) / max(1, self.warmup) or first
        variant.repetitions = max(1, min(self.repeat, int(self.budget / once) if once > 0 else self.repeat))

    def measure(self, cases):
        for case in cases:
            for variant in case.variants:
                self.prepare(case, variant)
        rounds = max((variant.repetitions for case in cases for variant in case.variants), default=0) + MAX_ERRORS
        for round_number in range(rounds):
            for case in cases:
                active = [variant for variant in case.variants if variant.status == "ok" and len(variant.samples) < variant.repetitions]
                if not active:
                    continue
                shift = round_number % len(active)
                for variant in active[shift:] + active[:shift]:
                    started = time.perf_counter()
                    try:
                        status, _body = variant.call()
                    except Exception as error:  # noqa: BLE001
                        status = error
                        self.connection.close()
                    if status == 200:
                        variant.samples.append(time.perf_counter() - started)
                        continue
                    # A failed call is no sample; a few (PostgreSQL restarted by another bench) are
                    # retried in the next rounds, more end the variant.
                    variant.errors += 1
                    if variant.errors > MAX_ERRORS:
                        if isinstance(status, Exception):
                            self.failed(variant, status)
                        else:
                            variant.status, variant.samples = f"error (HTTP {status} while timing)", []
        for case in cases:
            if case.kind != "export":
                continue
            for variant in case.variants:
                if variant.status != "ok":
                    continue
                tracemalloc.start()
                try:
                    # A streamed body is read and dropped chunk by chunk, as a client socket would.
                    (variant.drain or variant.call)()
                    variant.peak_bytes = tracemalloc.get_traced_memory()[1]
                except Exception as error:  # noqa: BLE001
                    self.failed(variant, error)
                finally:
                    tracemalloc.stop()

    # -- reporting ----------------------------------------------------------------------------
    def explain(self, cases):
        """Per search case: EXPLAIN (ANALYZE, BUFFERS) of the app's statements that filter on a
        search key (which scans serve them), and the database time of all the request's
        statements, re-run `repeat` times (p50/p95). A lost connection (PostgreSQL restarted by
        another bench) is retried once per case."""
        for case in cases:
            if not case.explain:
                continue
            for attempt in (1, 2):
                try:
                    self.explain_case(case)
                    break
                except Exception as error:  # noqa: BLE001 - report it in the table, measure the rest
                    self.connection.close()
                    case.plans, case.db_samples = [{"error": f"{type(error).__name__} (attempt {attempt})"}], []

    def explain_case(self, case):
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%%search_key%%' OR tablename = 'partners_organizationword'"
            )
            key_indexes = {row[0] for row in cursor.fetchall()}
        app = case.variants[0]
        case.plans, case.db_samples = [], []
        if app.status != "ok":
            return
        for sql in app.captured:
            if not SEARCH_CONDITION.search(sql):
                continue
            try:
                with self.connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                    plan = cursor.fetchone()[0]
                    plan = json.loads(plan) if isinstance(plan, str) else plan
            except Exception as error:  # noqa: BLE001
                case.plans.append({"error": "timeout" if is_timeout(error) else type(error).__name__})
                self.connection.close()
                continue
            case.plans.append(plan_facts(plan[0], key_indexes))
        for _ in range(self.repeat):
            started = time.perf_counter()
            with self.connection.cursor() as cursor:
                for sql in app.captured:
                    cursor.execute(sql)
                    if cursor.description:
                        cursor.fetchall()
            case.db_samples.append(time.perf_counter() - started)

    def report(self, cases):
        facts = ", ".join(f"{key} {value:,}" if isinstance(value, int) else f"{key} {value}" for key, value in self.facts.items())
        print(f"\n=== size {self.size}: {facts}; app pagination: {self.pagination}")
        for path, note in self.walk_notes.items():
            print(f"  deep page of {path}: {note}")
        headers = ["case", "variant", "p50 ms", "p95 ms", "queries", "rows", "same rows", "× floor", "× json_agg", "× naive"]
        table = []
        for case in cases:
            peers = {name: next((v for v in case.variants if v.name == name and v.samples), None)
                     for name in ("floor", "json_agg", "naive DRF")}
            app = next((v for v in case.variants if v.name == "app" and v.ids is not None), None)
            for index, variant in enumerate(case.variants):
                label = case.name if index == 0 else ""
                if variant.status != "ok":
                    table.append([label, variant.name, variant.status, "", "", "", "", "", "", ""])
                    continue
                p50, p95 = percentile(variant.samples, 0.5), percentile(variant.samples, 0.95)
                same = ""
                if case.kind == "page" and app is not None and variant is not app and variant.ids is not None:
                    same = "yes" if variant.ids == app.ids else "no"
                table.append([
                    label, variant.name, f"{p50 * 1000:.1f}", f"{p95 * 1000:.1f}",
                    f"{variant.queries} (+{variant.overhead})" if variant.overhead else str(variant.queries),
                    "" if variant.rows is None else f"{variant.rows:,}", same,
                    *(ratio(p50, peers[name]) if variant.name != name else "" for name in ("floor", "json_agg", "naive DRF")),
                ])
        print_table(headers, table)
        print("  queries: the request's data statements (+ its transaction, session and user lookups); targets count the first")
        exports = [(case, variant) for case in cases if case.kind == "export" for variant in case.variants if variant.samples]
        if exports:
            print()
            print_table(["export", "variant", "rows", "rows/s", "peak MB (tracemalloc)"], [
                [case.name, variant.name, f"{variant.rows:,}", f"{variant.rows / percentile(variant.samples, 0.5):,.0f}",
                 "" if variant.peak_bytes is None else f"{variant.peak_bytes / 1e6:.1f}"]
                for case, variant in exports
            ])
        admins = [(case, case.variants[0]) for case in cases if case.group == "admin"]
        if admins:
            print()
            print_table(["admin changelist", "p50 ms", "queries", "full-table COUNT(*)"], [
                [case.name, *([f"{percentile(app.samples, 0.5) * 1000:.1f}", str(app.queries),
                               ", ".join(full_table_counts(app.captured)) or "none"] if app.samples else [app.status, "", ""])]
                for case, app in admins
            ])
        searches = [case for case in cases if case.explain]
        if searches:
            print("\nsearch plans (EXPLAIN ANALYZE of the app's statements that filter on search_key or read the kept words; db ms = all the request's statements re-run):")
            rows = []
            for case in searches:
                app = case.variants[0]
                if app.status != "ok":
                    rows.append([case.name, app.status, "", "", "", "", ""])
                    continue
                plans = getattr(case, "plans", [])
                db = getattr(case, "db_samples", [])
                rows.append([
                    case.name, "" if app.rows is None else f"{app.rows:,}",
                    "yes" if plans and all(plan.get("index") for plan in plans) else "no",
                    ", ".join(sorted({table for plan in plans for table in plan.get("seq_scans", [])})) or "none",
                    f"{percentile(db, 0.5) * 1000:.1f}" if db else "", f"{percentile(db, 0.95) * 1000:.1f}" if db else "",
                    "; ".join(plan.get("error") or plan["scans"] for plan in plans)[:160],
                ])
            print_table(["search", "rows", "index", "seq scan on", "db p50 ms", "db p95 ms", "scans"], rows)
        self.print_targets(cases)

    def print_targets(self, cases):
        """The issue's targets that one size can show, each met or missed (with the figure)."""
        results = targets_at(self.size, cases)
        print(f"\ntargets at {self.size} (issue 6):")
        for target, verdict, figure in results:
            print(f"  {verdict:<7} {target}: {figure}")
        print(f"\ntargets at {self.size} (issue 16; M and L, each as the issue says):")
        for target, verdict, figure in hub_targets_at(self.size, cases):
            print(f"  {verdict:<7} {target}: {figure}")


# ---------------------------------------------------------------------------------------------
# Targets (issue 6); figures only, the process never fails on them

TARGET_SIZES = {"M", "L"}
QUERY_LIMITS = {"list": 2, "detail": 4, "summary": 2, "admin": 6}
FULL_COUNT = re.compile(r"^\s*SELECT\s+COUNT\(", re.IGNORECASE)


def full_table_counts(sqls):
    """The tables a statement counts without a WHERE clause (what a changelist does on every load)."""
    tables = []
    for sql in sqls:
        if FULL_COUNT.match(sql) and not re.search(r"\bWHERE\b", sql, re.IGNORECASE):
            match = re.search(r'FROM\s+"?(\w+)"?', sql)
            tables.append(match.group(1) if match else "?")
    return tables


def verdict(ok, size, sizes=TARGET_SIZES):
    if ok is None:
        return "n/a"
    if size not in sizes:
        return "(info)"
    return "met" if ok else "MISSED"


def p50_of(case, name):
    variant = next((v for v in case.variants if v.name == name and v.samples), None)
    return percentile(variant.samples, 0.5) if variant else None


def targets_at(size, cases):
    results = []
    lists = [case for case in cases if case.kind == "page"]

    ratios = [(p50_of(c, "app") / p50_of(c, "floor"), c.name) for c in lists if p50_of(c, "app") and p50_of(c, "floor")]
    missing = [c.name for c in lists if not p50_of(c, "app")]
    worst = max(ratios, default=None)
    ok = None if not ratios else (worst[0] <= 1.5 and not missing)
    figure = f"worst {worst[0]:.1f}× ({worst[1]})" if worst else "no list measured"
    if missing:
        figure += f"; not measured: {len(missing)} ({missing[0]}…)"
    results.append(("API list pages within 1.5× the floor (M, L)", verdict(ok, size), figure))

    speedups = [(p50_of(c, "naive DRF") / p50_of(c, "app"), c.name) for c in lists if p50_of(c, "app") and p50_of(c, "naive DRF")]
    least = min(speedups, default=None)
    results.append(("at least 20× faster than the naive peer (L)", verdict(None if not least else least[0] >= 20, size, {"L"}),
                    f"least {least[0]:.1f}× ({least[1]})" if least else "n/a"))

    for group, limit in QUERY_LIMITS.items():
        measured = [(c.variants[0].queries, c.name) for c in cases if c.group == group and c.variants[0].queries is not None]
        most = max(measured, default=None)
        results.append((f"queries per request, {group} ≤ {limit}",
                        verdict(None if not most else most[0] <= limit, size, {"S", "M", "L"}),
                        f"most {most[0]} ({most[1]})" if most else "n/a"))

    searches = [c for c in cases if c.explain and "2-letter" not in c.name]
    indexed = [c for c in searches if getattr(c, "plans", None)
               and all(p.get("index") and not p.get("seq_scans") for p in c.plans)]
    results.append(("search of 3+ letters uses an index, no seq scan of the searched tables (EXPLAIN)",
                    verdict(len(indexed) == len(searches) if searches else None, size),
                    f"{len(indexed)} of {len(searches)} searches"))
    db95 = [(percentile(c.db_samples, 0.95), c.name) for c in searches if getattr(c, "db_samples", None)]
    slowest = max(db95, default=None)
    results.append(("search p95 database time ≤ 20 ms (L)", verdict(None if not slowest else slowest[0] <= 0.020, size, {"L"}),
                    f"slowest {slowest[0] * 1000:.1f} ms ({slowest[1]})" if slowest else "n/a"))
    misspelt = next((c for c in cases if "misspelt" in c.name), None)
    found = misspelt.variants[0].rows if misspelt and misspelt.variants[0].status == "ok" else None
    results.append(("tolerant of a one-letter misspelling", verdict(None if found is None else found > 0, size, {"S", "M", "L"}),
                    f"{found} rows" if found is not None else "n/a"))
    short = next((c for c in cases if "2-letter" in c.name), None)
    if short is not None:
        app = short.variants[0]
        if app.status == "error (HTTP 400)":
            ok, figure = True, "answers 400"
        elif app.status == "ok" and getattr(short, "plans", None):
            scans = sorted({t for p in short.plans for t in p.get("seq_scans", [])})
            ok, figure = not scans, f"{app.rows} rows; seq scan on {', '.join(scans) or 'nothing'}"
        else:
            ok, figure = None, app.status
        results.append(("shorter terms: prefix match or 400, never a full scan", verdict(ok, size), figure))

    for case in cases:
        if case.group == "summary" and "filtered" not in case.name:
            p50 = p50_of(case, "app")
            limit = {"M": 50, "L": 100}.get(size, 50)
            results.append((f"{case.name} p50 ≤ {limit} ms (M 50, L 100)", verdict(None if p50 is None else p50 * 1000 <= limit, size),
                            f"{p50 * 1000:.1f} ms" if p50 is not None else case.variants[0].status))

    for case in cases:
        if case.group == "admin" and "?" not in case.name:
            app = case.variants[0]
            counts = full_table_counts(app.captured) if app.queries is not None else []
            ok = None if app.queries is None else app.queries <= 6 and not counts
            results.append((f"{case.name}: ≤ 6 queries, no full-table count (M)", verdict(ok, size),
                            f"{app.queries} queries, full-table COUNT(*) on {', '.join(counts) or 'nothing'}"
                            if app.queries is not None else app.status))
    results.append(("≥ 0.7× the floor's requests/s over HTTP; worker RSS ≤ 150 MB", "see", "python -m bench.http"))
    return results


def p50_ms(case, name="app"):
    p50 = p50_of(case, name)
    return None if p50 is None else p50 * 1000


def rows_per_second(case):
    app = case.variants[0]
    p50 = p50_of(case, "app")
    return None if not p50 or app.rows is None else app.rows / p50


def hub_targets_at(size, cases):
    """Issue 16's targets: hub partner lists, exports, common-word search, filtered lists and
    totals, detail pages and the cost of a request; each met, MISSED or n/a (not measured)."""
    results = []

    def add(target, ok, figure, sizes=TARGET_SIZES):
        results.append((target, verdict(ok, size, sizes), figure))

    def named(*words):
        return [case for case in cases if all(word in case.name for word in words)]

    def at_most(target, found, limit, sizes=TARGET_SIZES):
        for case in found:
            p50 = p50_ms(case)
            add(f"{target}: {case.name} p50 ≤ {limit} ms", None if p50 is None else p50 <= limit,
                f"{p50:.1f} ms" if p50 is not None else case.variants[0].status, sizes)

    at_most("partner lists", [c for c in named("partners of", "page") if "agreements)" not in c.name], 50, {"L"})
    for case in named("partners of", "agreements)"):
        app, floor = p50_ms(case), p50_ms(case, "floor")
        ok = None if app is None or floor is None else floor / app >= 10
        add(f"an ordinary organisation's partner list ≥ 10× the floor's rate: {case.name}", ok,
            f"app {app:.1f} ms, floor {floor:.1f} ms ({floor / app:.1f}×)" if ok is not None else "n/a")
    exports = [(c, 20_000) for c in named("partners of", "CSV export")] + [(c, 50_000) for c in named("organisations: CSV export")]
    for case, limit in exports:
        rate = rows_per_second(case)
        add(f"{case.name} ≥ {limit:,} rows/s", None if rate is None else rate >= limit,
            f"{rate:,.0f} rows/s" if rate is not None else case.variants[0].status, {"L"})
    for case in named("search common word") + named("search 2-letter"):
        p50 = p50_ms(case)
        db = getattr(case, "db_samples", None)
        db95 = percentile(db, 0.95) * 1000 if db else None
        ok = None if p50 is None or db95 is None else p50 <= 50 and db95 <= 50
        add(f"{case.name}: p50 and database p95 ≤ 50 ms", ok,
            f"p50 {p50:.1f} ms, db p95 {db95:.1f} ms" if ok is not None else case.variants[0].status, {"L"})
    for case in [c for c in named("organisations: ") if "," in c.name and c.kind == "page"]:
        app, naive = p50_ms(case), p50_ms(case, "naive DRF")
        ok = None if app is None else app <= 50 and (naive is None or app <= naive)
        add(f"filtered list {case.name}: ≤ 50 ms and never slower than the naive peer", ok,
            f"app {app:.1f} ms, naive {naive:.1f} ms" if app is not None and naive is not None else "n/a", {"L"})
    at_most("filtered funding summary", named("funding summary", "filtered"), 100, {"L"})
    at_most("a hub's detail", named("organisation detail"), 50, {"L"})
    for case in named("organisations: first page"):
        app, floor = p50_ms(case), p50_ms(case, "floor")
        ok = None if app is None or floor is None else app <= 3 * floor
        add("organisation list ≤ 3× the floor in-process", ok,
            f"{app / floor:.1f}× ({app:.1f} ms against {floor:.1f} ms)" if ok is not None else "n/a")
    results.append(("≥ 0.5× the floor's requests/s over HTTP at M; worker RSS ≤ 150 MB", "see", "make bench-http"))
    return results


def print_cross_size_targets(measured):
    """The targets that compare sizes: lists at L against S, export memory at L against M."""
    print("\ntargets across sizes (issue 6):")
    if "S" in measured and "L" in measured:
        small = {c.key: p50_of(c, "app") for c in measured["S"] if c.kind == "page"}
        growth = [(p50_of(c, "app") / small[c.key], c.name) for c in measured["L"]
                  if c.kind == "page" and p50_of(c, "app") and small.get(c.key)]
        worst = max(growth, default=None)
        print(f"  {'met' if worst and worst[0] <= 1.2 else 'MISSED' if worst else 'n/a':<7} list pages at L ≤ 1.2× their time at S: "
              + (f"worst {worst[0]:.2f}× ({worst[1]})" if worst else "n/a"))
    else:
        print("  n/a     list pages at L ≤ 1.2× their time at S: needs --sizes S,…,L")
    if "M" in measured and "L" in measured:
        rows = []
        for case in measured["L"]:
            if case.kind != "export":
                continue
            other = next((c for c in measured["M"] if c.key == case.key), None)
            big, medium = case.variants[0].peak_bytes, other.variants[0].peak_bytes if other else None
            if big is None or medium is None:
                rows.append(f"  n/a     {case.key}: peak memory the same at M and L")
                continue
            same = big <= medium * 1.25 + 1e6
            rows.append(f"  {'met' if same else 'MISSED':<7} {case.key}: peak memory the same at M and L: "
                        f"M {medium / 1e6:.1f} MB, L {big / 1e6:.1f} MB")
        print("\n".join(rows) or "  n/a     exports: none measured")
    else:
        print("  n/a     exports stream (peak memory the same at M and L): needs --sizes M,L")


def ratio(p50, reference):
    if reference is None or not reference.samples:
        return ""
    base = percentile(reference.samples, 0.5)
    return f"{p50 / base:.1f}×" if base else ""


def print_table(headers, rows):
    widths = [max(len(str(row[index])) for row in [headers, *rows]) for index in range(len(headers))]
    numeric = {index for index, header in enumerate(headers) if index >= 2}
    for row in [headers, ["-" * width for width in widths], *rows]:
        cells = [str(cell).rjust(widths[i]) if i in numeric else str(cell).ljust(widths[i]) for i, cell in enumerate(row)]
        print("  ".join(cells).rstrip())


SEARCH_TABLES = {"partners_organization", "partners_organizationname", "partners_organizationword"}


def plan_facts(plan, key_indexes):
    """What an EXPLAIN ANALYZE plan shows: whether an index on search_key serves it, which search
    tables it reads whole, and its scans."""
    nodes = []

    def walk(node):
        nodes.append(node)
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    scans = []
    for node in nodes:
        if "Scan" in node["Node Type"]:
            target = node.get("Index Name") or node.get("Relation Name") or ""
            entry = f"{node['Node Type']} {target} ({node.get('Actual Rows', 0)}×{node.get('Actual Loops', 1)})"
            if entry not in scans:
                scans.append(entry)
    return {
        "index": any(node.get("Index Name") in key_indexes for node in nodes),
        "seq_scans": [node["Relation Name"] for node in nodes
                      if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in SEARCH_TABLES],
        "ms": plan.get("Execution Time", 0),
        "scans": "; ".join(scans[:5]),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="S,M", help="comma-separated sizes: S, M, L")
    parser.add_argument("--smoke", action="store_true", help="size S, 2 repetitions, 5 s statement timeout: for CI")
    parser.add_argument("--repeat", type=int, default=15, help="timed repetitions per variant")
    parser.add_argument("--warmup", type=int, default=2, help="untimed calls per variant before timing")
    parser.add_argument("--budget", type=float, default=20.0,
                        help="seconds of timed calls per variant: slower variants get fewer repetitions (at least 1)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds after which PostgreSQL cancels a statement; the case shows 'timeout'")
    parser.add_argument("--database-url", default=DEFAULT_URL, help="with {size} for the lower-case size letter")
    parser.add_argument("--seed", type=int, default=None, help="data-set seed (default: bench.generate's)")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data sets even if they are there")
    parser.add_argument("--cases", default="",
                        help="comma-separated words: measure only the cases whose name holds one, and none whose name "
                             "holds a word given with a leading '-' (targets of the others show n/a)")
    args = parser.parse_args(argv)
    sizes = ["S"] if args.smoke else [size.strip().upper() for size in args.sizes.split(",") if size.strip()]
    repeat, warmup, budget, timeout = (2, 1, 3.0, 5.0) if args.smoke else (args.repeat, args.warmup, args.budget, args.timeout)

    from bench.generate import DEFAULT_SEED, SIZES

    seed = DEFAULT_SEED if args.seed is None else args.seed
    for size in sizes:
        if size not in SIZES:
            parser.error(f"unknown size {size}")
    urls = {size: args.database_url.format(size=size.lower()) for size in sizes}
    configure_environment(urls[sizes[0]])
    from bench import urls as bench_urls

    if bench_urls.APP_URLS_ERROR:
        print(f"warning: the app's URLs did not load ({bench_urls.APP_URLS_ERROR}); measuring the admin and peers only")

    started = time.perf_counter()
    measured = {}
    for size in sizes:
        url = urls[size]
        ready, reason = (False, "--regenerate") if args.regenerate else database_is_ready(url, size, seed)
        if not ready:
            print(f"size {size}: {reason}; generating", flush=True)
            began = time.perf_counter()
            generate(url, size, seed)
            print(f"size {size}: generated in {time.perf_counter() - began:.1f} s", flush=True)
        switch_database(url, timeout)
        runner = Runner(size, url, repeat, warmup, budget, timeout)
        cases = runner.cases()
        if args.cases:
            words = [word.strip() for word in args.cases.split(",") if word.strip()]
            wanted = [word for word in words if not word.startswith("-")]
            unwanted = [word[1:] for word in words if word.startswith("-")]
            cases = [case for case in cases if (not wanted or any(word in case.name for word in wanted))
                     and not any(word in case.name for word in unwanted)]
        began = time.perf_counter()
        runner.measure(cases)
        runner.explain(cases)
        runner.report(cases)
        measured[size] = cases
        print(f"\nsize {size}: measured in {time.perf_counter() - began:.1f} s")
    if len(sizes) > 1:
        print_cross_size_targets(measured)
    print(f"\nbench done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
