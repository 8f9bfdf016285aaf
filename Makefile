# evac: every target installs what it needs on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: demo serve test installed bench lint format chromium java clean screenshots

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

test: $(STAMP) chromium java installed  ## all tests, on SQLite and on a throwaway PostgreSQL
	$(BIN)/pytest

# The browser tests save their pictures in a temporary folder; this runs them again and keeps
# the pictures in docs/screenshots, where docs/workspace.md and docs/gate.md show them.
screenshots: $(STAMP) chromium  ## the browser tests, saving the pictures the docs show
	EVAC_SCREENSHOTS=docs $(BIN)/pytest -m browser

# evac as a user gets it: `pip install` with no extras into a fresh virtual environment outside
# the tree, then a small demo (Kabul 2021, intake, linkage) and `evac link file`. A module
# imported at run time but brought only by an extra fails here, loudly. The tree is copied
# first (what git would commit, plus new files) so that pip's build/ stays out of the checkout.
# About 2 minutes with pip's cache warm (docs/benchmarks.md has no figure: it is not a product
# speed); --no-compile saves two of them.
installed:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	mkdir "$$tmp/evac"; \
	git ls-files -z --cached --others --exclude-standard | \
	  xargs -0 sh -c 'for f; do if [ -e "$$f" ]; then cp --parents "$$f" "$$0"; fi; done' "$$tmp/evac"; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/pip" install --quiet --no-compile "$$tmp/evac" -c constraints.txt \
	  >"$$tmp/pip.log" 2>&1 || { cat "$$tmp/pip.log"; exit 1; }; \
	cd "$$tmp"; \
	COLUMNS=200 venv/bin/evac demo --persons 300 --database-url "sqlite:///$$tmp/demo.db" >demo.log 2>&1 \
	  || { cat demo.log; echo "evac demo failed in a fresh install without extras"; exit 1; }; \
	grep -q "Globemaster" demo.log || { cat demo.log; echo "no Kabul sorties in the demo"; exit 1; }; \
	venv/bin/evac link file demo-files/linkage-input.csv -o clusters.csv >link.log 2>&1 \
	  || { cat link.log; echo "evac link file failed in a fresh install without extras"; exit 1; }; \
	echo "installed without extras: evac demo and evac link file ran"

# One script per figure; bench/gate/locustfile.py and bench/worlds/ are their tools, not figures.
BENCHES := $(wildcard bench/*.py) bench/gate/checkins.py bench/notify/outbox.py \
	bench/passes/verify.py bench/planning/plan_kabul.py bench/simulation/replay.py

bench: $(STAMP)  ## every benchmark in bench/, each printing its figure and ratio
	@for script in $(BENCHES); do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) evac-demo.db* .pytest_cache
