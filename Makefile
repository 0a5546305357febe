# bphub: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# Python 3.12+: pyenv reads .python-version; otherwise the first python3.1x found.
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 python3; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

.PHONY: run code test install install-dev migrate demo lint e2e bench lock messages clean

$(VENV)/bin/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (apt install python3.12 python3.12-venv, or pyenv)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

# A stamp per lock-file content: a second run installs nothing.
$(VENV)/.runtime-%: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q --require-hashes -r requirements.txt
	@rm -f $(VENV)/.runtime-* && touch $@
$(VENV)/.dev-%: requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q --require-hashes -r requirements-dev.txt
	@rm -f $(VENV)/.dev-* && touch $@

RUNTIME_STAMP := $(VENV)/.runtime-$(shell sha1sum requirements.txt | cut -c1-12)
DEV_STAMP := $(VENV)/.dev-$(shell sha1sum requirements-dev.txt | cut -c1-12)

install: $(RUNTIME_STAMP)
install-dev: $(DEV_STAMP)

migrate: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py createcachetable
	$(PY) manage.py load_reference

demo: migrate
	BPHUB_DEMO=1 $(PY) manage.py load_demo

# Serve on SQLite with a task worker beside the web server; Ctrl+C stops both. The worker runs
# under a small supervising loop: if it dies (exit status not 0) it is started again after a
# pause that doubles up to a minute (back to 2 s once it has run for a minute). Exit status 0
# means it was asked to stop (Ctrl+C, SIGTERM), so the loop ends too.
WORKER_LOOP = trap 'kill $$w 2>/dev/null; wait $$w; exit 0' INT TERM; pause=2; \
	while :; do \
	  started=$$SECONDS; $(PY) manage.py worker & w=$$!; wait $$w; status=$$?; \
	  [ $$status -eq 0 ] && exit 0; \
	  [ $$((SECONDS - started)) -ge 60 ] && pause=2; \
	  echo "Task worker exited with status $$status; restarting it in $$pause s." >&2; \
	  sleep $$pause & w=$$!; wait $$w; pause=$$((pause * 2 > 60 ? 60 : pause * 2)); \
	done
run: demo
	@BPHUB_DEMO=1 SITE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py demo_accounts
	@echo "Serving on http://127.0.0.1:$(PORT)/  (task worker running alongside, restarted if it dies; Ctrl+C stops both)"
	@export BPHUB_DEMO=1 SITE_URL=http://127.0.0.1:$(PORT); ( $(WORKER_LOOP) ) & supervisor=$$!; \
	  trap "kill $$supervisor 2>/dev/null; wait $$supervisor 2>/dev/null" EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

# The current code of the demo accounts' shared authenticator secret.
code: install
	@BPHUB_DEMO=1 $(PY) manage.py demo_accounts --code

# axe-core for the browser tests' accessibility check (e2e/package-lock.json); needs npm.
E2E_TOOLS := e2e/node_modules/.package-lock.json
$(E2E_TOOLS): e2e/package-lock.json
	npm ci --prefix e2e --no-audit --no-fund

# PYTEST_ARGS passes options through, e.g. make test PYTEST_ARGS="-x --durations=10".
# With two cores or more the suite runs in one pytest-xdist worker per core, up to 8 (each with its
# own test database and media folder); TEST_JOBS=0 runs it in one process.
TEST_JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); if [ "$$n" -ge 8 ]; then echo 8; elif [ "$$n" -ge 2 ]; then echo "$$n"; else echo 0; fi)
test: install-dev $(if $(shell command -v npm),$(E2E_TOOLS))
	BPHUB_ENV=test $(PY) -m pytest -n $(TEST_JOBS) $(PYTEST_ARGS)

# The browser tests alone (Debian's chromium: apt install chromium; skipped without it).
e2e: install-dev $(E2E_TOOLS)
	BPHUB_ENV=test $(PY) -m pytest -n $(TEST_JOBS) e2e $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

lock: install-dev
	$(VENV)/bin/pip install -q uv
	$(VENV)/bin/uv pip compile --python-version 3.12 --generate-hashes -q requirements.in -o requirements.txt
	$(VENV)/bin/uv pip compile --python-version 3.12 --generate-hashes -q requirements-dev.in -o requirements-dev.txt

bench: install-dev
	bench/run.sh

# Interface translations (locale/): collect new strings into the .po files, keeping the
# translations already there, then compile the .mo files, which are committed so that
# running the app needs no gettext. Needs GNU gettext (apt install gettext).
MESSAGE_IGNORES := --ignore=.venv --ignore=var --ignore=e2e --ignore=bench --ignore=staticfiles
messages: install
	@command -v msgfmt >/dev/null || { echo "GNU gettext is needed (apt install gettext)."; exit 1; }
	$(PY) manage.py makemessages -l id -l th $(MESSAGE_IGNORES)
	$(PY) manage.py compilemessages $(MESSAGE_IGNORES)

clean:
	rm -rf $(VENV) var
