# The two commands every newcomer needs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Tests run on the real servers; these defaults are the local ones (override in the environment).
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/envcrime)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/1)
TEST_CACHE_URL ?= $(or $(CACHE_URL),redis://127.0.0.1:6379/2)
PYTEST_ARGS ?=
# pytest-xdist worker processes for `make test` (each with its own test database and Redis
# databases, see tests/fixtures/parallel.py); TEST_WORKERS=0 runs the suite serially in one process.
TEST_WORKERS ?= 2
# Sending email is I/O-bound: 4 pool processes on 2 cores, persistent database connections.
BENCH_ARGS ?= --concurrency 4 --conn-max-age 60 --contacts 190 10000
BENCH_FOLLOWUP_ARGS ?= --concurrency 4 --conn-max-age 60
# gunicorn -w 2, wrk -t2 -c16; e.g. BENCH_PAGES_ARGS="--duration 10" or "--only home,sign-in --reuse".
BENCH_PAGES_ARGS ?=

.PHONY: run test lint format worker beat bench bench-followup bench-pages bench-quick clean install install-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip>=24"

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

## make run: embedded default (SQLite, in-process tasks, console email) with demo data, served at SITE_URL
run: $(VENV)/.runtime-installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runsite

## make test: the whole suite on PostgreSQL and Redis
test: $(VENV)/.dev-installed
	@$(BIN)/python .ci/check_services.py "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" CACHE_URL="$(TEST_CACHE_URL)" \
		$(BIN)/pytest -n $(TEST_WORKERS) --durations=10 $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: $(VENV)/.runtime-installed
	$(BIN)/celery -A envcrime worker --loglevel=info

beat: $(VENV)/.runtime-installed
	$(BIN)/celery -A envcrime beat --loglevel=info

## make bench: distribution, follow-up and page benchmarks on PostgreSQL, Redis and a local SMTP sink (see README)
bench: $(VENV)/.dev-installed
	@$(BIN)/python .ci/check_services.py "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(BIN)/python bench/distribution.py $(BENCH_ARGS)
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(BIN)/python bench/followup.py $(BENCH_FOLLOWUP_ARGS)
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(BIN)/python bench/pages.py $(BENCH_PAGES_ARGS)

## make bench-pages: only the page benchmark (gunicorn + wrk against the key pages and a bare view)
bench-pages: $(VENV)/.dev-installed
	@$(BIN)/python .ci/check_services.py "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(BIN)/python bench/pages.py $(BENCH_PAGES_ARGS)

## make bench-followup: only the follow-up benchmark (dashboard, matrix exports, one reminder round)
bench-followup: $(VENV)/.dev-installed
	@$(BIN)/python .ci/check_services.py "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(BIN)/python bench/followup.py $(BENCH_FOLLOWUP_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache test-artifacts
