# shieldgap — run `make help` for the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
LAB_VENV := .venv-lab
EXTRAS := pdf,ingest,embed,test
OUT ?= reports
FORMAT ?= html,pdf

.DEFAULT_GOAL := help
.PHONY: help install system-deps npm-deps check export docs suggest report test test-fast lint bench lab clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  %-12s %s\n", $$1, $$2}'

system-deps: ## Debian packages: headless Chromium (PDF, browser tests) and poppler (apt-get, when root)
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  need=""; for p in chromium-headless-shell chromium poppler-utils fonts-dejavu-core; do \
	    dpkg -s $$p >/dev/null 2>&1 || need="$$need $$p"; done; \
	  if [ -n "$$need" ]; then echo "apt-get install$$need"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$need) >/dev/null \
	    || echo "warning: could not install$$need (PDF falls back to WeasyPrint; browser tests skip)"; fi; \
	else echo "not root or no apt-get: skipping Debian packages (PDF falls back to WeasyPrint)"; fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[$(EXTRAS)]"
	@# pip compiles the bytecode of every package it installs but this editable one; with PYTHONDONTWRITEBYTECODE
	@# set, each process (renderer, kernel) would compile the package's modules again
	$(BIN)/python -m compileall -q src/shieldgap
	$(BIN)/python -m ipykernel install --sys-prefix --name shieldgap --display-name "shieldgap (Python 3)" >/dev/null
	touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

npm-deps: ## The npm tools the tests read exports with (@argdown/cli, pinned in package-lock.json), if npm exists
	@if command -v npm >/dev/null; then \
	  $(MAKE) --no-print-directory $(NPM_STAMP) || echo "warning: npm ci failed: the Argdown export test will skip"; \
	else echo "npm not found: skipping @argdown/cli (the Argdown export test will skip)"; fi

install: system-deps $(STAMP) npm-deps ## Create .venv and install the package with its extras (and the npm test tools)

check: $(STAMP) ## Validate the ledger (quotes, ids, values) and record quote spans
	$(BIN)/shieldgap check

export: check ## Write the ledger to reports/ as JSON, Argdown, AIF, GraphML and ClaimReview JSON-LD
	$(BIN)/shieldgap export --format json --out $(OUT)/ledger.json
	$(BIN)/shieldgap export --format argdown --out $(OUT)/ledger.argdown
	$(BIN)/shieldgap export --format aif --out $(OUT)/ledger.aif.json
	$(BIN)/shieldgap export --format graphml --out $(OUT)/ledger.graphml
	$(BIN)/shieldgap export --format claimreview --out $(OUT)/claimreview.jsonld

docs: $(STAMP) ## Regenerate the data dictionary in data/README.md
	$(BIN)/shieldgap docs

suggest: $(STAMP) ## Suggest candidate claims for articles not yet curated
	$(BIN)/shieldgap suggest

report: install export ## Render reports/report.{html,pdf} and reports/brief.{html,pdf} (set FORMAT, OUT, PARAMS=file.yaml)
	$(BIN)/shieldgap suggest --quiet
	$(BIN)/shieldgap render --document report,brief --format $(FORMAT) --out $(OUT) $(if $(PARAMS),--params $(PARAMS),)

test: install lint ## Lint, then run the whole test suite (end-to-end renders, browser audits and exports included)
	$(BIN)/python -m pytest -q

test-fast: install ## The fast lane: every test not marked slow (no kernel, no browser), under a minute
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(STAMP) ## ruff (configured in pyproject.toml) over the package, tests and benchmarks
	$(BIN)/ruff check src tests benchmarks

bench: install ## Run the benchmarks in benchmarks/ and print their ratios
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_suggest_quality.py
	$(BIN)/python benchmarks/bench_scale.py

lab: install ## JupyterLab at the project root (NOTEBOOK=explore|curate; separate .venv-lab, render path untouched)
	@test -x $(LAB_VENV)/bin/jupyter-lab || ($(PYTHON) -m venv $(LAB_VENV) && $(LAB_VENV)/bin/pip install -q -e ".[lab,$(EXTRAS)]")
	$(LAB_VENV)/bin/python -m ipykernel install --sys-prefix --name shieldgap --display-name "shieldgap (Python 3)" >/dev/null
	$(LAB_VENV)/bin/jupyter-lab $(if $(filter 0,$(shell id -u)),--allow-root,) --ServerApp.root_dir=$(CURDIR) \
	  --ContentsManager.pre_save_hook=shieldgap.lab.scrub_outputs \
	  notebooks/$(or $(NOTEBOOK),explore).ipynb

clean: ## Remove the virtual environments and generated files (never the curated data)
	rm -rf $(VENV) $(LAB_VENV) node_modules .cache data/derived reports/*.html reports/*.pdf reports/*.ipynb reports/ledger.json \
	  reports/manifest.json reports/ledger-claims.csv reports/.shieldgap.lock \
	  reports/ledger.argdown reports/ledger.aif.json reports/ledger.graphml reports/claimreview.jsonld
