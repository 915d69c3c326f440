# One command each: `make run` serves Podscape on http://127.0.0.1:8000, `make test` runs every test.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint test-scale mutation bench-load install install-run migrate chromium clean screenshot

# uv, pinned, installs the venv (from PyPI, into .tools/ by the interpreter's own pip). A fresh clone's first
# `make run` spent 13 of its 21 s in pip (resolving against the index package by package) and 3.7 s in the
# venv's ensurepip; uv creates the venv in 0.1 s and installs the same pinned set in about 3 s, cold.
UV_VERSION := 0.13.9
UV     := .tools/uv-$(UV_VERSION)/bin/uv

$(UV):
	$(PYTHON) -m pip install -q --disable-pip-version-check --target .tools/uv-$(UV_VERSION) uv==$(UV_VERSION)

$(PY): | $(UV)
	$(UV) venv -q --python $(PYTHON) $(VENV)

# Reinstall only when pyproject.toml changed since the last install. `make run` needs only the runtime
# dependencies; the test and lint extras (pytest, Playwright, Hypothesis, ruff, mypy) come with `make install`
# and `make test` (they were most of a fresh clone's first `make run`: see README "Running it").
# uv does not byte-compile what it installs; Python compiles the few modules the server imports when it
# first imports them (pip's compiling of every file of every dependency was 15 s of a fresh start).
$(STAMP): pyproject.toml | $(PY) $(UV)
	$(UV) pip install -q --python $(PY) -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(UV) pip install -q --python $(PY) -e '.[test,lint]'
	touch $(DEV_STAMP)

# Byte-compile our sources too: with PYTHONDONTWRITEBYTECODE set (as in CI images) every process would
# otherwise compile them again, which was most of `manage.py sim`'s start-up (0.31 s of CPU, 0.12 s with).
install-run: $(STAMP)
	@$(PY) -m compileall -q playground lessons >/dev/null

# Everything a developer needs: the runtime, the test and the lint dependencies.
install: install-run $(DEV_STAMP)

migrate: install-run
	$(PY) manage.py migrate --noinput

# Migrate, load the lessons and the demo users in one Django process (each costs 1.6 s of start-up).
run: install-run
	@$(PY) manage.py prepare_run
	@echo "Podscape: http://$(HOST):$(PORT)/"
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(VENV)/bin/daphne -b $(HOST) -p $(PORT) playground.asgi:application

# Headless Chromium for the browser tests: installed when we are root and it is missing.
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi

# Two passes (issue 7): the whole suite on the embedded defaults (SQLite, in-memory channel layer), then
# everything that touches the database or the channel layer again on PostgreSQL + Redis (test-scale),
# including the two-worker tests. Measured: see README "Running at scale".
# The suite may write only under ignored paths (tests/artifacts/): what git sees must not change.
test: install chromium lint
	@mkdir -p tests/artifacts && (git status --porcelain 2>/dev/null || true) > tests/artifacts/git-status-before
	$(VENV)/bin/pytest tests -q -rs -p no:cacheprovider
	$(MAKE) --no-print-directory test-scale
	$(MAKE) --no-print-directory mutation
	@(git status --porcelain 2>/dev/null || true) | diff tests/artifacts/git-status-before - \
		|| (echo "make test changed files git tracks (tests may write only under tests/artifacts/)"; exit 1)

# Ten core behaviours broken one at a time on a scratch copy; each must make its guarding tests fail
# (tests/tools/mutation_check.py; about 45 s).
mutation: install
	$(PY) -m tests.tools.mutation_check

# ruff (lint rules in pyproject.toml), mypy over the engine, and TypeScript's checker over static/js in
# JSDoc mode (tsconfig.json; static/vendor is not ours). npm installs the checker from package-lock.json.
lint: install node_modules/.installed
	$(VENV)/bin/ruff check playground lessons tests manage.py
	$(VENV)/bin/mypy
	node_modules/.bin/tsc -p tsconfig.json

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The scale path: PostgreSQL and Redis on 127.0.0.1 (trust auth). pytest-django creates and drops its own
# database, test_podscape_<pid>, so runs never meet; Redis db 15 holds the tests' cache and channels.
# The scale tests' daphne workers get a fresh database each (tests/scale/stack.py).
SCALE_PG_HOST    ?= postgres://postgres@127.0.0.1:5432
SCALE_REDIS_URL  ?= redis://127.0.0.1:6379/15
SCALE_TESTS      ?= tests/web tests/lessons tests/security tests/lti tests/scale
test-scale: install
	DATABASE_URL=$(SCALE_PG_HOST)/podscape_$$$$ REDIS_URL=$(SCALE_REDIS_URL) SCALE_REDIS_URL=$(SCALE_REDIS_URL) \
		$(VENV)/bin/pytest $(SCALE_TESTS) -q -rs -p no:cacheprovider

# The load benchmark (README "Load figures"): both set-ups, N = 25..500 learners, a command every 5 s;
# the largest N whose p95 stays under 50 ms is reported. Prints the load average with each run: compare
# figures only from a quiet machine.
bench-load: install
	$(PY) -m tests.bench.load --setup embedded --find-max --steps 25,50,100,200,300,400,500 --think 5 --duration 40 --target-p95 50
	$(PY) -m tests.bench.load --setup pgredis --workers 2 --find-max --steps 25,50,100,200,300,400,500 --think 5 --duration 40 --target-p95 50

# docs/screenshot.png, refreshed on purpose (the tests never write it): the end of lesson 1 at 1600x900.
screenshot: install chromium
	$(PY) tests/browser/screenshot.py

clean:
	rm -rf $(VENV) .tools/uv-* db.sqlite3 staticfiles
