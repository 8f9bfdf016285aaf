# evac: every target installs what it needs on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: demo serve test bench lint format chromium java clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' -c constraints.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: $(STAMP)  ## generate a realistic scenario and run evac on it (SQLite)
	$(BIN)/evac demo

serve: $(STAMP)  ## serve the pages and the API on http://127.0.0.1:8000
	$(BIN)/evac init
	$(BIN)/evac serve

# Debian's Chromium for the browser tests; Playwright never downloads a browser here.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
	  else \
	    echo "Chromium is missing: run 'sudo apt-get install chromium fonts-noto-core'"; exit 1; \
	  fi; \
	fi

# Debian's Java runtime for the Spark engine's tests (pyspark starts a JVM).
java:
	@if ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	  else \
	    echo "Java is missing: run 'sudo apt-get install openjdk-17-jre-headless'"; exit 1; \
	  fi; \
	fi

test: $(STAMP) chromium java  ## all tests, on SQLite and on a throwaway PostgreSQL
	$(BIN)/pytest

bench: $(STAMP)  ## every benchmark in bench/, each printing its figure and ratio
	@for script in $(wildcard bench/*.py); do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) evac-demo.db* .pytest_cache
