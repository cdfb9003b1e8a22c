# Backchannel: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# The local profile: debug on, demo URLs on loopback; the site and a task worker run side by side.
# The apps' one-way dependencies and private names (contracts in pyproject.toml).
LINT_IMPORTS := PYTHONPATH=site:scripts $(VENV)/bin/lint-imports --no-cache --no-logo
RUN_ENV := DEBUG=true SITE_URL=http://$(HOST):$(PORT) SAFEFETCH_ALLOWED_NETWORKS=$${SAFEFETCH_ALLOWED_NETWORKS:-$${LINKBACK_ALLOWED_NETWORKS:-127.0.0.0/8}}

.PHONY: run install install-test test test-postgres test-production test-interop soak bench lint browser-deps clean

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.test-installed: requirements-test.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-test.txt
	@touch $@

# Test-only front-end tools (axe-core for the accessibility suite), from package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.test-installed node_modules/.installed

run: install
	$(RUN_ENV) $(MANAGE) migrate --noinput
	$(RUN_ENV) $(MANAGE) load_demo
	$(RUN_ENV) $(MANAGE) ensure_admin
	@echo "Serving on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/), with a task worker. Ctrl-C stops both."
	$(RUN_ENV) $(PY) scripts/supervise -- $(MANAGE) runserver $(HOST):$(PORT) -- $(MANAGE) task_worker

browser-deps:
	@bash scripts/ensure-system-packages chromium redis-server nginx wrk

test: install-test browser-deps
	$(VENV)/bin/ruff check .
	$(LINT_IMPORTS)
	$(VENV)/bin/pytest

test-postgres: install-test browser-deps
	@bash scripts/ensure-system-packages postgresql
	bash scripts/with-postgres $(VENV)/bin/pytest -p no:cacheprovider

# The production topology on loopback (PostgreSQL, Redis, nginx, two gunicorn processes, a worker).
test-production: install-test
	@bash scripts/ensure-system-packages postgresql redis-server nginx
	BACKCHANNEL_TOPOLOGY=1 bash scripts/with-postgres $(VENV)/bin/pytest -p no:cacheprovider tests/production

# Pingback, trackback, webmention, export/import and feeds against a real WordPress 6.1 (Debian's packages)
# on loopback: private mariadbd, php-fpm and nginx, started once by tests/interop/peer.py.
WORDPRESS_PACKAGES := wordpress wordpress-theme-twentytwentyone mariadb-server mariadb-client php-fpm php-mysql \
	php-xml php-mbstring php-curl nginx
test-interop: install-test
	@bash scripts/ensure-system-packages $(WORDPRESS_PACKAGES)
	BACKCHANNEL_INTEROP=1 $(VENV)/bin/pytest -p no:cacheprovider tests/interop

# Comment POSTs against that topology while Akismet, SMTP, linkback sources and processes fail;
# figures printed, exit 1 on a lost row or a 5xx. SOAK_N=10000 for the full run (default 300, as in CI).
soak: install-test
	@bash scripts/ensure-system-packages postgresql redis-server nginx
	bash scripts/with-postgres $(PY) -m bench.soak

bench: install
	@bash scripts/ensure-system-packages wrk nginx
	$(PY) -m bench.run

lint: install-test
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(LINT_IMPORTS)

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
