# Two commands on a fresh machine: `make run` (demo on SQLite) and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
DEV_ENV := DEBUG=1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format messages lock e2e

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

run: install
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv -v0
	$(DEV_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEV_ENV) $(PY) manage.py seed_demo
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

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the message catalogues after changing user-facing strings.
messages: install
	$(DEV_ENV) $(PY) manage.py makemessages -l de -l en --ignore=.venv --ignore=node_modules --ignore=static/vendor --no-obsolete
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv -v0

lock:
	$(PY) -m pip freeze --exclude-editable | sed '1i # Pinned versions of every dependency (runtime and test); regenerate with `make lock`.' > requirements.lock
