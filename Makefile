# Two commands do everything on a fresh machine: `make demo` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: setup demo test lint services chromium bench messages

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

demo: setup
	$(BIN)/tandem demo

test: setup services chromium
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# PostgreSQL and Redis: start them when they are not running (tests against PostgreSQL are required in CI)
services:
	@pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	@for i in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 && break; sleep 1; done

# Debian's Chromium for the browser tests (never a downloaded browser build)
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# Customer-facing messages: extract tandem.pot from the code and merge it into every catalog (docs/assistant.md)
LOCALES := sv nb da fi de fr es it nl pl pt
messages: setup
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords -k _t:2 -k N_ -k _l --no-wrap --sort-output \
	    --add-location=file -o src/tandem/locale/tandem.pot src/tandem
	@for l in $(LOCALES); do \
	  if [ -f src/tandem/locale/$$l/LC_MESSAGES/tandem.po ]; then \
	    $(BIN)/pybabel update -i src/tandem/locale/tandem.pot -d src/tandem/locale -D tandem -l $$l --no-wrap \
	        --ignore-obsolete --no-fuzzy-matching; \
	  else $(BIN)/pybabel init -i src/tandem/locale/tandem.pot -d src/tandem/locale -D tandem -l $$l --no-wrap; fi; \
	done
