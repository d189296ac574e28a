# Two commands on a fresh machine: `make run` (SQLite, seed data loaded) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: install run serve seed test test-postgres check clean bench bench-http bench-durability extract-eval

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# The Arabic catalogue is compiled at set-up (msgfmt comes with gettext; installed if missing).
locale/ar/LC_MESSAGES/django.mo: locale/ar/LC_MESSAGES/django.po | $(VENV)/.installed
	command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	DJANGO_DEBUG=1 $(MANAGE) compilemessages --ignore=.venv -v0

install: $(VENV)/.installed locale/ar/LC_MESSAGES/django.mo

# The browser tests drive Debian's Chromium (Playwright never downloads one); installed if missing.
/usr/bin/chromium:
	apt-get update -qq && apt-get install -y -qq chromium

# Migrate, load the seed data (idempotent), make sure a superuser exists, and serve.
run: export DJANGO_DEBUG ?= 1
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_seeds
	$(MANAGE) sync_roles
	$(MANAGE) ensure_superuser
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# As deployed (README, Serving in production): DEBUG off, deployment checks, migrations, static
# files collected for WhiteNoise, gunicorn on HOST:PORT. DJANGO_SECRET_KEY must be set.
HOST ?= 127.0.0.1
serve: export DJANGO_DEBUG := 0
serve: install
	@test -n "$$DJANGO_SECRET_KEY" || { echo "Set DJANGO_SECRET_KEY (README: Serving in production)." >&2; exit 1; }
	$(MANAGE) check --deploy --fail-level WARNING
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput -v0
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c crm/gunicorn.conf.py

seed: export DJANGO_DEBUG ?= 1
seed: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_seeds

# The whole suite; on PostgreSQL when DATABASE_URL points there.
test: install /usr/bin/chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks on PostgreSQL (figures only, never pass/fail): builds the S and M data sets if missing;
# prints each case's p50/p95, queries and ratio to each peer, and issue 6's targets as met or missed.
BENCH_SIZES ?= S,M
bench: install
	$(BIN)/python -m bench.run --sizes $(BENCH_SIZES)

# Requests per second under gunicorn with wrk (apt-get install -y wrk) against the raw-SQL floor,
# and the workers' memory; on the data set of BENCH_HTTP_SIZE (run `make bench` first to build it).
BENCH_HTTP_SIZE ?= M
bench-http: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench.http --size $(BENCH_HTTP_SIZE)

# Acknowledged writes survive killed workers and a PostgreSQL restart; If-Match stops lost updates.
# The press-release extractor on the five seed releases: facts found, wrong, missed, invented.
extract-eval: install
	$(BIN)/python -m bench.extract_eval

bench-durability: install
	$(BIN)/python -m bench.durability

check: export DJANGO_DEBUG ?= 1
check: install
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache
