"""Time every benchmark case against its peers, in one process, and print one table per size.

    python -m bench.run --sizes S,M          # builds a size's database first if it is missing or stale
    python -m bench.run --smoke              # size S, 3 repetitions: the CI run

The app is called in-process through django.test.Client, logged in as a superuser; the peers
(bench/peers.py) read the same database. Variants are interleaved round-robin over cases and
repetitions after a warm-up, so a slow minute on a shared machine hits every variant alike.
Figures only: nothing here fails on a timing.
"""
import argparse
import base64
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
SEARCH_CONDITION = re.compile(r'search_key"?(::text)?\)?\s+(LIKE|%>|%%>)')
PAGE_SIZE = 50


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
    repetitions: int = 0
    captured: list = field(default_factory=list)


@dataclass
class Case:
    name: str
    variants: list
    kind: str = "page"  # page, export, other
    explain: bool = False


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
        self.client = Client()
        self.client.force_login(user)
        self.info = self.sql_one("SELECT value FROM bench_info WHERE key = 'dataset'")

    def sql_one(self, sql, params=None):
        with self.floor.connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return row[0] if row and len(row) == 1 else row

    # -- variant factories ------------------------------------------------------------------
    def http(self, name, path):
        client = self.client

        def call():
            response = client.get(path)
            return response.status_code, body_of(response)

        def count():
            with self.capture(self.connection) as context:
                result = call()
            return result, len(context.captured_queries), [query["sql"] for query in context.captured_queries]

        return Variant(name, call, count)

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

        def organization_case(title, query, peer_filters, after=None, naive_query=None, explain=False):
            variants = [
                self.http("app", f"/api/organizations/?{query}"),
                self.peer("floor", floor, "organization_page", after=after, **peer_filters),
                self.peer("json_agg", agg, "organization_page", after=after, **peer_filters),
                self.http("naive DRF", f"/bench/naive/organizations/?{naive_query or query}"),
            ]
            return Case(title, variants, explain=explain)

        cases = [
            organization_case("organisations: first page", "page_size=50", {}),
            organization_case(f"organisations: deep page {deep}/{pages}", self.deep_query(deep, position), {}, after=position,
                              naive_query=f"page={deep}"),
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
                self.http("app", f"/api/organizations/{hub}/partners/?page={partner_deep}"),
                self.peer("floor", floor, "partner_page_json", hub, after=partner_position),
                self.peer("json_agg", agg, "partner_page_json", hub, after=partner_position),
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
            Case("admin: organisations", [self.http("app", "/admin/partners/organization/")], kind="other"),
            Case("admin: organisations ?q=centre", [self.http("app", "/admin/partners/organization/?q=centre")], kind="other"),
            Case("admin: agreements", [self.http("app", "/admin/agreements/agreement/")], kind="other"),
            Case(f"admin: agreements ?q={terms['rare_en']}", [self.http("app", f"/admin/agreements/agreement/?q={quote(terms['rare_en'])}")],
                 kind="other"),
        ]
        return cases

    def deep_query(self, deep, position):
        """The app's deep page: ?page=N, or a cursor to the same row if the list paginates by cursor."""
        status, body = self.http("probe", "/api/organizations/?page_size=50").call()
        following = ""
        if status == 200:
            try:
                following = json.loads(body).get("next") or ""
            except ValueError:
                following = ""
        if "cursor=" not in following:
            return f"page_size=50&page={deep}"
        # DRF's CursorPagination: base64 of "p=<value of the first ordering field>" of the row before.
        token = base64.b64encode(urlencode({"p": position[0]}).encode()).decode()
        query = parse_qs(urlsplit(following).query)
        query["cursor"] = [token]
        return urlencode(query, doseq=True)

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
        started = time.perf_counter()
        try:
            (status, body), queries, sqls = variant.count_queries()
        except Exception as error:  # noqa: BLE001 - report the endpoint as broken, keep measuring the rest
            self.failed(variant, error)
            return
        first = time.perf_counter() - started
        if status == 404:
            variant.status = "n/a (404)"
            return
        if status != 200:
            variant.status = f"error (HTTP {status})"
            return
        variant.queries = queries
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
        rounds = max((variant.repetitions for case in cases for variant in case.variants), default=0)
        for round_number in range(rounds):
            for case in cases:
                active = [variant for variant in case.variants if variant.status == "ok" and len(variant.samples) < variant.repetitions]
                if not active:
                    continue
                shift = round_number % len(active)
                for variant in active[shift:] + active[:shift]:
                    started = time.perf_counter()
                    try:
                        variant.call()
                    except Exception as error:  # noqa: BLE001
                        self.failed(variant, error)
                        continue
                    variant.samples.append(time.perf_counter() - started)
        for case in cases:
            if case.kind != "export":
                continue
            for variant in case.variants:
                if variant.status != "ok":
                    continue
                tracemalloc.start()
                try:
                    variant.call()
                    variant.peak_bytes = tracemalloc.get_traced_memory()[1]
                except Exception as error:  # noqa: BLE001
                    self.failed(variant, error)
                finally:
                    tracemalloc.stop()

    # -- reporting ----------------------------------------------------------------------------
    def explain(self, cases):
        """EXPLAIN (ANALYZE, BUFFERS) of the app's search queries: what scans serve them."""
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%%search_key%%'")
            key_indexes = {row[0] for row in cursor.fetchall()}
        lines = []
        for case in cases:
            if not case.explain:
                continue
            app = case.variants[0]
            if app.status != "ok":
                lines.append(f"{case.name}: app {app.status}")
                continue
            for sql in app.captured:
                if not SEARCH_CONDITION.search(sql):
                    continue
                try:
                    with self.connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                        plan = cursor.fetchone()[0]
                        plan = json.loads(plan) if isinstance(plan, str) else plan
                except Exception as error:  # noqa: BLE001
                    lines.append(f"{case.name}: EXPLAIN failed ({'timeout' if is_timeout(error) else type(error).__name__})")
                    self.connection.close()
                    continue
                lines.append(f"{case.name} [{'count' if sql.lstrip().upper().startswith('SELECT COUNT') else 'page'}]: "
                             + plan_summary(plan[0], key_indexes))
        return lines

    def report(self, cases, generate_seconds=None):
        facts = ", ".join(f"{key} {value:,}" if isinstance(value, int) else f"{key} {value}" for key, value in self.facts.items())
        print(f"\n=== size {self.size}: {facts}")
        headers = ["case", "variant", "p50 ms", "p95 ms", "queries", "rows", "same rows", "× floor", "× naive"]
        table = []
        for case in cases:
            floor = next((v for v in case.variants if v.name == "floor" and v.samples), None)
            naive = next((v for v in case.variants if v.name == "naive DRF" and v.samples), None)
            app = next((v for v in case.variants if v.name == "app" and v.ids is not None), None)
            for index, variant in enumerate(case.variants):
                label = case.name if index == 0 else ""
                if variant.status != "ok":
                    table.append([label, variant.name, variant.status, "", "", "", "", "", ""])
                    continue
                p50, p95 = percentile(variant.samples, 0.5), percentile(variant.samples, 0.95)
                same = ""
                if case.kind == "page" and app is not None and variant is not app and variant.ids is not None:
                    same = "yes" if variant.ids == app.ids else "no"
                table.append([
                    label, variant.name, f"{p50 * 1000:.1f}", f"{p95 * 1000:.1f}", str(variant.queries),
                    "" if variant.rows is None else f"{variant.rows:,}", same,
                    ratio(p50, floor), ratio(p50, naive),
                ])
        print_table(headers, table)
        exports = [(case, variant) for case in cases if case.kind == "export" for variant in case.variants if variant.samples]
        if exports:
            print()
            print_table(["export", "variant", "rows", "rows/s", "peak MB (tracemalloc)"], [
                [case.name, variant.name, f"{variant.rows:,}", f"{variant.rows / percentile(variant.samples, 0.5):,.0f}",
                 "" if variant.peak_bytes is None else f"{variant.peak_bytes / 1e6:.1f}"]
                for case, variant in exports
            ])
        lines = self.explain(cases)
        if lines:
            print("\nsearch plans (EXPLAIN ANALYZE, BUFFERS of the app's queries):")
            for line in lines:
                print("  " + line)


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


def plan_summary(plan, key_indexes):
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
            entry = f"{node['Node Type']} {target} ({node.get('Actual Rows', 0)} rows × {node.get('Actual Loops', 1)})"
            if entry not in scans:
                scans.append(entry)
    top = plan["Plan"]
    uses_key_index = any(node.get("Index Name") in key_indexes for node in nodes)
    return (
        f"{plan.get('Execution Time', 0):.1f} ms; buffers hit {top.get('Shared Hit Blocks', 0)} read {top.get('Shared Read Blocks', 0)}; "
        f"index on search_key used: {'yes' if uses_key_index else 'no'}; " + "; ".join(scans[:6])
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="S,M", help="comma-separated sizes: S, M, L")
    parser.add_argument("--smoke", action="store_true", help="size S, 3 repetitions: for CI")
    parser.add_argument("--repeat", type=int, default=15, help="timed repetitions per variant")
    parser.add_argument("--warmup", type=int, default=2, help="untimed calls per variant before timing")
    parser.add_argument("--budget", type=float, default=20.0,
                        help="seconds of timed calls per variant: slower variants get fewer repetitions (at least 1)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds after which PostgreSQL cancels a statement; the case shows 'timeout'")
    parser.add_argument("--database-url", default=DEFAULT_URL, help="with {size} for the lower-case size letter")
    parser.add_argument("--seed", type=int, default=None, help="data-set seed (default: bench.generate's)")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data sets even if they are there")
    args = parser.parse_args(argv)
    sizes = ["S"] if args.smoke else [size.strip().upper() for size in args.sizes.split(",") if size.strip()]
    repeat, warmup, budget, timeout = (3, 1, 5.0, 10.0) if args.smoke else (args.repeat, args.warmup, args.budget, args.timeout)

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
        began = time.perf_counter()
        runner.measure(cases)
        runner.report(cases)
        print(f"\nsize {size}: measured in {time.perf_counter() - began:.1f} s")
    print(f"\nbench done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
