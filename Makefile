# OpenHEXA Assistant — `make run` to try it, `make test` to check it. See README.md.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: install run serve test test-lane-alone test-lane-browser test-lane-compute test-backend test-backend-parallel test-backend-alone test-alone-first test-alone-rest test-frontend test-e2e frontend-build bench stop clean FORCE

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The OpenHEXA SDK in the app's environment too, for the tests that run its own client code against
# this server (connections, datasets), without its declared dependencies: its run-time needs are
# pinned in pyproject.toml, and its code generator (ariadne-codegen) would hold graphql-core below
# 3.3. Its version is the one pipelines run with (hexa/pipelines/runtime-requirements.txt).
OPENHEXA_SDK := $(shell grep -E '^openhexa-sdk==' hexa/pipelines/runtime-requirements.txt)

$(VENV)/.installed: pyproject.toml hexa/pipelines/runtime-requirements.txt Makefile | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m pip install --quiet --no-deps '$(OPENHEXA_SDK)'
	touch $@

# Pipelines run in an environment of their own: the openhexa-sdk and what the demo pipelines use
# (hexa/pipelines/runtime-requirements.txt), apart from the app's (their pins conflict).
RUNTIME_VENV := .venv-pipelines
$(RUNTIME_VENV)/.installed: hexa/pipelines/runtime-requirements.txt | $(PY)
	$(PYTHON) -m venv $(RUNTIME_VENV)
	$(RUNTIME_VENV)/bin/python -m pip install --quiet -r hexa/pipelines/runtime-requirements.txt
	touch $@

# Pipeline runs are sandboxed with bubblewrap (Debian's `bubblewrap`), installed as chromium is.
BWRAP ?= /usr/bin/bwrap
$(BWRAP):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap

explorer/node_modules/.installed: explorer/package-lock.json
	npm ci --prefix explorer --no-audit --no-fund --loglevel=error
	touch $@

# --- The assistant page (frontend/: Next.js) -----------------------------------------
# `npm ci` again only when the lockfile changes; a build again only when a source changes.
# The rewrites to the backend are fixed at build time: `make run` builds frontend/.next for
# BACKEND_URL, the browser tests build frontend/.next-e2e for their own backend.
WEB_PORT ?= 3000
BACKEND_URL ?= http://127.0.0.1:$(PORT)
E2E_BACKEND_PORT ?= 8100
CHROMIUM ?= /usr/bin/chromium
NEXT := node_modules/.bin/next
export WEB_PORT E2E_BACKEND_PORT
export NEXT_TELEMETRY_DISABLED := 1
# Next would try to add other platforms' compiler packages to the lockfile over the network.
export NEXT_IGNORE_INCORRECT_LOCKFILE := 1
FRONTEND_SOURCES := $(shell find frontend/src -type f ! -name '*.test.*' ! -path '*/__mocks__/*' 2>/dev/null) frontend/next.config.mjs \
	frontend/postcss.config.mjs frontend/tsconfig.json frontend/package-lock.json

frontend/node_modules/.installed: frontend/package-lock.json
	npm ci --prefix frontend --no-audit --no-fund --loglevel=error
	touch $@

frontend/.backend-url: FORCE
	@echo '$(BACKEND_URL)' | cmp -s - $@ || echo '$(BACKEND_URL)' > $@

frontend/.next/BUILD_ID: $(FRONTEND_SOURCES) frontend/.backend-url frontend/node_modules/.installed
	cd frontend && BACKEND_URL=$(BACKEND_URL) $(NEXT) build

frontend/.next-e2e/BUILD_ID: $(FRONTEND_SOURCES) frontend/node_modules/.installed
	cd frontend && NEXT_DIST_DIR=.next-e2e NEXT_SKIP_TYPECHECK=1 BACKEND_URL=http://127.0.0.1:$(E2E_BACKEND_PORT) $(TIMED) $(NEXT) build

frontend-build: frontend/.next/BUILD_ID

# The browser tests drive Debian's chromium (a browser downloaded by a tool cannot be had here).
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

install: $(VENV)/.installed $(RUNTIME_VENV)/.installed $(BWRAP) explorer/node_modules/.installed frontend/node_modules/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@$(MAKE) --no-print-directory serve

serve: frontend/.next/BUILD_ID
	$(PY) config/launch.py

# `make test`: the installs at once (pip and both npm ci), then three lanes at once. The parts
# that time work mostly wait (the `alone` tests; the browser tests): they run at normal
# priority, each in a lane of its own. The parts that only compute (the page build, ruff and
# the parallel backend tests, jest) run at the lowest priority (nice 19, inherited by their
# servers and PostgreSQL), on the CPU the timed parts leave: a timed part gets a core as soon
# as it needs one. jest follows the `alone` tests in their lane, which ends first. Each part
# prints its wall and CPU time (README: how long each takes).
# `-O`: the output of each part comes out whole, when the part ends.
NICE := nice -n 19
test:
	@$(MAKE) --no-print-directory -j 3 install
	@$(MAKE) --no-print-directory -j 3 -O test-lane-alone test-lane-browser test-lane-compute

test-lane-alone: install
	@$(MAKE) --no-print-directory test-backend-alone
	@$(NICE) $(MAKE) --no-print-directory test-frontend

# The page build at normal priority: the browser tests wait for it (1.2 min, rather than 4-5
# at nice 19 behind the parallel backend tests), and the `alone` tests beside it bound their
# work by what it proves, not by how fast a shared CPU runs it.
test-lane-browser: install
	@$(MAKE) --no-print-directory frontend/.next-e2e/BUILD_ID
	@$(MAKE) --no-print-directory test-e2e

test-lane-compute: install
	@$(NICE) $(MAKE) --no-print-directory test-backend-parallel

TIME_FORMAT = '[$@] %e s wall, %U s user + %S s sys'
TIMED = $(if $(wildcard /usr/bin/time),/usr/bin/time -f $(TIME_FORMAT))

# The backend suite on every core (pytest-xdist, a test database per worker process; each test
# file on one worker, so that its module-wide servers and databases are made once; the files
# in the order tests/conftest.py gives them, those that start server processes first), then the
# tests marked `alone`, after them:
# they stop their PostgreSQL server, kill workers or time work, so they run without -n on
# servers of their own (HEXA_DATA_DIR: embedded PostgreSQL under .data/alone*); under `make
# test`, beside only the parts that yield them the CPU (nice 19) and the browser tests.
TEST_WORKERS ?= auto
ALONE_DATA_DIR := $(CURDIR)/.data/alone
test-backend: test-backend-parallel test-backend-alone

test-backend-parallel: install
	$(VENV)/bin/ruff check .
	$(TIMED) $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not alone"

# The `alone` tests mostly wait (for processes to start, die, take over; for PostgreSQL to come
# back), so they run as two pytest processes at once, each on a PostgreSQL server of its own
# (a test that stops its server stops only its half's): the worker crashes in one; the
# outages, billing gaps, pipeline waits and timed queries in the other (about as long).
ALONE_FIRST := tests/test_worker_crashes.py
test-backend-alone: install
	@$(MAKE) --no-print-directory -j 2 -O test-alone-first test-alone-rest

test-alone-first: install
	HEXA_DATA_DIR=$(ALONE_DATA_DIR) $(TIMED) $(PY) -m pytest -m alone $(ALONE_FIRST)

# The files holding tests marked `alone`, found by their mark (tests/conftest.py refuses a
# test marked any other way): the second half collects these, not the whole suite again.
ALONE_FILES := $(shell grep -l 'mark\.alone' tests/test_*.py)
test-alone-rest: install
	HEXA_DATA_DIR=$(ALONE_DATA_DIR)-rest $(TIMED) $(PY) -m pytest -m alone $(filter-out $(ALONE_FIRST),$(ALONE_FILES))

# The generated GraphQL hooks must match the backend's SDL; the page's types (the one type
# check of `make test`: the browser tests' build skips its own); then the component tests (jsdom).
test-frontend: frontend/node_modules/.installed
	cd frontend && node scripts/check-codegen.mjs
	cd frontend && $(TIMED) node_modules/.bin/tsc --noEmit
	cd frontend && $(TIMED) node_modules/.bin/jest --ci

# The page in chromium against its own stack (.data/e2e, ports 8100/8187/3100, offline model),
# started once for every test file; the files three at a time, each as people of its own
# (e2e/run.mjs).
test-e2e: install frontend/.next-e2e/BUILD_ID $(CHROMIUM)
	cd frontend && $(TIMED) node e2e/run.mjs

bench: install
	$(PY) manage.py migrate --noinput
	$(PY) -m bench

# Stops the embedded PostgreSQL server (it keeps running between commands otherwise).
stop:
	@[ ! -x $(PY) ] || $(PY) config/local_postgres.py stop
	@[ ! -x $(PY) ] || [ ! -d $(ALONE_DATA_DIR) ] || HEXA_DATA_DIR=$(ALONE_DATA_DIR) $(PY) config/local_postgres.py stop
	@[ ! -x $(PY) ] || [ ! -d $(ALONE_DATA_DIR)-rest ] || HEXA_DATA_DIR=$(ALONE_DATA_DIR)-rest $(PY) config/local_postgres.py stop

clean: stop
	rm -rf .data $(VENV) $(RUNTIME_VENV) explorer/node_modules frontend/node_modules frontend/.next frontend/.next-e2e \
		frontend/test-results frontend/.backend-url
