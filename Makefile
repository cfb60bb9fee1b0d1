# Two commands on a fresh machine: `make run` (demo on SQLite) and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
DEV_ENV := DEBUG=1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format messages lock e2e

# Development installs the runtime set plus tests and linters; production installs only
# requirements/base.txt (README, Deployment).
$(VENV)/.installed: requirements/base.txt requirements/dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv -v0
	$(DEV_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEV_ENV) $(PY) manage.py seed_demo
	@# The remaining signed PDFs of the demo logins' centres, rendered beside the server.
	@mkdir -p var && ($(DEV_ENV) $(PY) manage.py freeze_demo_documents > var/freeze_demo_documents.log 2>&1 &)
	@echo "Serving on http://$(HOST):$(PORT)/ - log in with one of the demo logins above."
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv -v0
	$(VENV)/bin/pytest $(PYTEST_ARGS)

e2e: install
	$(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the message catalogues after changing user-facing strings.
messages: install
	$(DEV_ENV) $(PY) manage.py makemessages -l de -l en --ignore=.venv --ignore=node_modules --ignore=static/vendor --no-obsolete
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv -v0

# Pin requirements/*.in into *.txt. Pins already in the .txt files are kept unless asked:
# `make lock LOCK_ARGS=--upgrade` (or `LOCK_ARGS="--upgrade-package django"`).
# No index URL or host is written: the files must hold for any mirror.
LOCK_FLAGS := --quiet --no-emit-index-url --no-emit-trusted-host --no-emit-find-links \
	--strip-extras --annotation-style=line
lock: install
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) $(LOCK_ARGS) --output-file=requirements/base.txt requirements/base.in
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) $(LOCK_ARGS) --output-file=requirements/dev.txt requirements/dev.in
