# monoql — the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
VENV_STAMP := .venv/.requirements.stamp
ASSETS_STAMP := assets/static/graphiql/graphiql.min.js
# Tests run against PostgreSQL + Redis; override DATABASE_URL / REDIS_URL to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/monoql
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test lint schema venv assets messages oidc migrate demo lock

venv: $(VENV_STAMP)
$(VENV_STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3.11 -m venv .venv || python3 -m venv .venv
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $(VENV_STAMP)

# Re-compile the locks (every transitive pin, with hashes) from requirements.in / requirements-dev.in.
# Versions already locked are kept; `make lock LOCK_ARGS=--upgrade` moves everything to the newest allowed.
lock: venv
	CUSTOM_COMPILE_COMMAND="make lock" .venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras \
	  --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) --output-file requirements.txt requirements.in
	CUSTOM_COMPILE_COMMAND="make lock" .venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras \
	  --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) --output-file requirements-dev.txt requirements-dev.in

assets: $(ASSETS_STAMP)
$(ASSETS_STAMP): assets/package-lock.json scripts/install_graphiql_assets.sh
	scripts/install_graphiql_assets.sh

# The fan site's translations (locale/*/LC_MESSAGES/django.po → .mo; GNU gettext's msgfmt, Debian package gettext).
MESSAGES_MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
messages: $(MESSAGES_MO)
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | venv
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --locale $* >/dev/null

# The OpenID Connect provider the sign-in tests run (npm oidc-provider, pinned in tests/oidc_provider/package-lock.json).
OIDC_STAMP := tests/oidc_provider/node_modules/.package-lock.json
oidc: $(OIDC_STAMP)
$(OIDC_STAMP): tests/oidc_provider/package-lock.json
	npm ci --prefix tests/oidc_provider --no-audit --no-fund --silent

migrate: venv messages
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=$${DEBUG:-true} $(PY) manage.py load_demo

run: venv assets messages demo
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver 127.0.0.1:8000

# The whole suite on PostgreSQL + Redis under coverage; then, without PYTEST_ARGS (the whole suite), the apps' tests
# that need no PostgreSQL once more on SQLite (the portable twins of wave prep, selection, the bot score and the
# exports: the embedded default's code) and each file against the coverage floor (.ci/coverage_floor.py).
PORTABLE_TESTS := entries codes exports tests/test_bot_score.py tests/test_live_scoring.py
test: venv assets messages oidc
	rm -f .coverage
	DB_CONN_MAX_AGE=0 DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} $(PY) -m coverage run -m pytest -q $(PYTEST_ARGS)
	@if [ -z "$(PYTEST_ARGS)" ]; then \
	  portable=$$(mktemp -d) && \
	  env -u REDIS_URL DATABASE_URL=sqlite:///$$portable/portable.sqlite3 $(PY) -m coverage run -a -m pytest -q -m "not postgres" $(PORTABLE_TESTS) && \
	  $(PY) .ci/coverage_floor.py; \
	fi

lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache
	.venv/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

schema: venv
	$(PY) manage.py graphql_schema --out schema.graphql
