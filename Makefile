# One command each: `make run` serves Podscape on http://127.0.0.1:8000, `make test` runs every test.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-scale install migrate chromium clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate
	@if $(PY) manage.py help loadlessons >/dev/null 2>&1; then $(PY) manage.py loadlessons; fi
	@echo "Demo logins:"
	@$(PY) manage.py ensure_demo_users
	@echo "Podscape: http://$(HOST):$(PORT)/"
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(VENV)/bin/daphne -b $(HOST) -p $(PORT) playground.asgi:application

# Headless Chromium for the browser tests: installed when we are root and it is missing.
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi

test: install chromium
	$(VENV)/bin/pytest tests -q -p no:cacheprovider

# The scale path: PostgreSQL and the Redis channel layer (the services this machine runs locally).
SCALE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/podscape
SCALE_REDIS_URL    ?= redis://127.0.0.1:6379/0
test-scale: install
	DATABASE_URL=$(SCALE_DATABASE_URL) REDIS_URL=$(SCALE_REDIS_URL) $(VENV)/bin/pytest tests/web -q -p no:cacheprovider

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
