# Two commands on a fresh machine: `make demo` and `make test` (README).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test lint graph messages bench clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

# Quiet until the logins: seed_demo ends with them and the address, then the server starts.
demo: $(VENV)/.runtime
	@echo "Databank bijwerken…"
	@$(PY) manage.py migrate --noinput --verbosity 0
	@$(PY) manage.py seed_demo
	@echo ""
	@$(PY) manage.py runserver 127.0.0.1:8000

APPS := ocmw_activation common organisations clients leefloon gpmi employers trajectories groupmodules ladder reminders matching caseload audit reporting documents demo web

test: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit --quiet --recursive $(APPS) --severity-level medium --exclude "*/migrations/*"
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

# Issue 9's benchmarks in one table (a throwaway database on this PostgreSQL; 3 to 5 minutes).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ocmw_bench
bench: $(VENV)/.dev
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/pages.py

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# Which app imports which, and any cycle between apps (the layers are in .importlinter).
graph: $(VENV)/.dev
	$(PY) tools/app_graph.py

# Refresh the Dutch catalogue after changing user-facing text (needs GNU gettext).
messages: $(VENV)/.dev
	$(PY) manage.py makemessages -l nl --ignore=.venv --ignore=tests --ignore=staticfiles --no-obsolete
	$(PY) manage.py compilemessages -l nl --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles test-artifacts db.sqlite3
