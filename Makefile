# OpenHEXA Assistant — `make run` to try it, `make test` to check it. See README.md.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: install run serve test bench stop clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

explorer/node_modules/.installed: explorer/package-lock.json
	npm ci --prefix explorer --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed explorer/node_modules/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@$(MAKE) --no-print-directory serve

serve:
	$(PY) config/launch.py

test: install
	$(PY) -m pytest

bench: install
	$(PY) manage.py migrate --noinput
	$(PY) -m bench

# Stops the embedded PostgreSQL server (it keeps running between commands otherwise).
stop:
	@[ ! -x $(PY) ] || $(PY) config/local_postgres.py stop

clean: stop
	rm -rf .data $(VENV) explorer/node_modules
