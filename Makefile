# campuseval: `make run` serves the product, `make test` runs the whole suite.
# A fresh machine needs only Python 3.11+, Node 20+ and make; everything else installs here.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
CONSTRAINTS := requirements/constraints.txt
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest bench load assets install clean browser libreoffice prod-tools serve-prod stop-prod

run: $(VENV)/.installed assets
	@mkdir -p var
	$(VENV)/bin/campuseval migrate --noinput
	$(VENV)/bin/campuseval load_rubrics
	@# On an empty database: the demo city, its accounts and five campaigns (prints the accounts).
	$(VENV)/bin/campuseval demo --if-empty --url http://$(HOST):$(PORT)/
	@echo ""
	@echo "campuseval: http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@echo ""
	@# The background worker (imports) runs beside the web server and stops with it.
	$(VENV)/bin/campuseval worker --interval 1 > var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=$${DEBUG:-1} $(VENV)/bin/campuseval runserver $(HOST):$(PORT)

test: $(VENV)/.installed-test assets browser libreoffice prod-tools lint typecheck pytest

# The production stack on this machine (docs/deployment.md): nginx with HTTPS, gunicorn,
# PgBouncer, the worker, on the local PostgreSQL; `make stop-prod` ends it.
serve-prod: $(VENV)/.installed assets prod-tools
	@scripts/serve-prod.sh start

stop-prod:
	@scripts/serve-prod.sh stop

# Debian's nginx and PgBouncer for the production stack and its test (the browser's rule).
prod-tools:
	@scripts/ensure-prod.sh

# Debian's chromium for the browser tests (installed when missing and allowed; see the script).
browser:
	@scripts/ensure-chromium.sh

# Debian's LibreOffice for the forms' PDF page-count tests (the same rule as the browser).
libreoffice:
	@scripts/ensure-libreoffice.sh

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .

typecheck: $(VENV)/.installed-test
	$(VENV)/bin/mypy campuseval

# The suite runs on SQLite, then once more on PostgreSQL when TEST_DATABASE_URL names one;
# one worker per core (pytest-xdist), a test module stays on one worker.
PYTEST := $(VENV)/bin/pytest -n auto --dist loadfile
pytest: $(VENV)/.installed-test assets
	env -u TEST_DATABASE_URL CAMPUSEVAL_TESTING=1 $(PYTEST)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$TEST_DATABASE_URL)"; \
		CAMPUSEVAL_TESTING=1 $(PYTEST) ; \
	fi

# Every benchmark (bench/run_all.py), figures into BENCHMARKS.md; about 40 minutes at the
# issue's sizes (BENCH_ARGS=--quick: a few minutes at small sizes; --only NAME,NAME).
bench: $(VENV)/.installed assets
	$(PY) bench/run_all.py $(BENCH_ARGS)

# Deadline day, simulated (bench/load_test.py, docs/deployment.md): locust against the stack of
# serve-prod, 200 school users for 5 minutes (about 10 minutes in all); not part of `make test`.
# LOAD_ARGS=--quick: 20 users for 30 seconds.
load: $(VENV)/.installed-load assets prod-tools
	$(PY) bench/load_test.py $(LOAD_ARGS)

$(VENV)/.installed-load: $(VENV)/.installed requirements/load.in $(CONSTRAINTS)
	$(PIP) install -q -c $(CONSTRAINTS) -r requirements/load.in
	@touch $@

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed" or 0)'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q -c $(CONSTRAINTS) -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements/test.in $(CONSTRAINTS)
	$(PIP) install -q -c $(CONSTRAINTS) -r requirements/test.in
	@touch $@

assets: campuseval/static/vendor/.done

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

campuseval/static/vendor/.done: node_modules/.package-lock.json scripts/vendor-assets.mjs
	node scripts/vendor-assets.mjs
	@touch $@

clean:
	rm -rf $(VENV) node_modules campuseval/static/vendor var/static
