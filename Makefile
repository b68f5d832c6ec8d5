# Switchyard: every target does its own set-up and is safe to run twice.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
FRONTEND_BUILD := builder/static/app/.vite/manifest.json

.PHONY: help run test bench up setup venv frontend migrate lint pytest vitest e2e clean
.DEFAULT_GOAL := help

help: ## this list
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## (.*)/\1\t\2/' | expand -t 10

## Python environment: re-installed only when pyproject.toml changes.
.venv/.stamp: pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e ".[dev]"
	touch $@

venv: .venv/.stamp ## the Python environment in .venv/ (re-installed when pyproject.toml changes)

## Frontend: npm ci when the lock file changes, build when sources change.
frontend/node_modules/.stamp: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

$(FRONTEND_BUILD): frontend/node_modules/.stamp $(shell find frontend/src frontend/index.html frontend/vite.config.ts -type f 2>/dev/null)
	cd frontend && npm run build

frontend: $(if $(wildcard frontend/package.json),$(FRONTEND_BUILD),) ## npm ci and the frontend build, when their inputs changed

## The official JS SDK and useStream, for tests/clients (pinned by their lock file).
JS_CLIENTS := tests/clients/js/node_modules/.stamp
$(JS_CLIENTS): tests/clients/js/package-lock.json
	cd tests/clients/js && npm ci --no-audit --no-fund
	touch $@

migrate: venv ## apply the database migrations
	$(PY) manage.py migrate --noinput

setup: venv frontend migrate ## venv, frontend and migrate

## Code-defined graphs: the demos' graphs.json unless GRAPHS_CONFIG names another file.
run up: export GRAPHS_CONFIG ?= $(CURDIR)/runtime/examples/graphs.json
run: setup ## set up, load the demo data and serve the app on HOST:PORT (default 127.0.0.1:8000; login demo / demo)
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  Switchyard is running at http://$(HOST):$(PORT)/  (log in as demo / demo)"
	@echo ""
	.venv/bin/daphne -b $(HOST) -p $(PORT) builder.asgi:application

lint: venv ## ruff, ruff format and mypy
	.venv/bin/ruff check runtime builder tests
	.venv/bin/ruff format --check runtime builder tests
	.venv/bin/mypy runtime

pytest: venv frontend $(JS_CLIENTS) ## the Python suite (PYTEST_ARGS passes options)
	$(PY) -m pytest tests --ignore=tests/bench -q $(PYTEST_ARGS)

vitest: frontend/node_modules/.stamp ## the frontend's unit tests
	cd frontend && npm test --silent

test: setup lint pytest $(if $(wildcard frontend/package.json),vitest,) ## set up, then lint, the Python suite, vitest and the browser tests

bench: setup ## every benchmark, one table each
	bash .ci/services
	@echo "== engine: runtime vs LangGraph 1.2 =="
	$(PY) -m tests.bench
	@echo "== graph specs: validate + compile a 300-node spec =="
	$(PY) -m tests.bench.bench_spec
	@echo "== checkpointers on Postgres: DjangoCheckpointer vs LangGraph PostgresSaver =="
	$(PY) -m tests.bench.bench_pg
	@echo "== SSE: time to first event, events per second (daphne) =="
	$(PY) -m tests.bench.bench_sse
	@echo "== websockets: 200 viewers of one thread (daphne + Redis layer) =="
	$(PY) -m tests.bench.bench_ws
	@echo "== editor: open a 300-node graph, drag a node (Chromium, live server) =="
	$(PY) -m tests.bench.bench_frontend

## The production topology on one machine, configured from the environment:
## daphne, $(WORKERS) Celery workers with beat (the crons and sweeps, from the database:
## django-celery-beat), Postgres and Redis (started if down).
up: export REDIS_URL ?= redis://127.0.0.1:6379/0
up: export CELERY_BROKER_URL ?= redis://127.0.0.1:6379/1
up: setup ## the production topology on one machine: daphne, Celery workers, Postgres, Redis
	bash .ci/services
	RUN_EXECUTOR=celery $(PY) manage.py migrate --noinput
	RUN_EXECUTOR=celery .venv/bin/celery -A builder worker -B --concurrency=$(WORKERS) --loglevel=info & \
	RUN_EXECUTOR=celery .venv/bin/daphne -b $(HOST) -p $(PORT) builder.asgi:application

clean: ## remove .venv, node_modules, the frontend build and var/
	rm -rf .venv frontend/node_modules builder/static/app var
