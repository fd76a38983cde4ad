# govkit: `make report` builds the demo trust's reports; `make test` runs every test.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?=
TERM_ID ?=
AXE_VERSION ?= 4.14.1
AXE    := .cache/npm/node_modules/axe-core/axe.min.js

.PHONY: help install report test browser-deps pack lint lab bench bench-evaluate demo-data contract-docs wheel-check clean

help:
	@echo "make report   build the demo trust's reports for its latest term"
	@echo "make test     run the whole test suite (unit, notebooks, end to end)"
	@echo "make lab      open the notebooks in JupyterLab"
	@echo "make bench    the batch against the naive loop, warm, on Dask (BIG=1: 300 schools)"
	@echo "make bench-evaluate   time evaluating the whole plan"
	@echo "make pack     the board pack PDF of the demo term (after make report)"
	@echo "make lint     ruff and mypy"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

report: $(STAMP)
	$(BIN)/govkit run --params params --data data/demo --out outputs $(if $(TERM_ID),--term $(TERM_ID)) $(if $(JOBS),--jobs $(JOBS))

test: $(STAMP) browser-deps
	$(BIN)/ruff check lib tests benchmarks notebooks
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadscope -q

# What the browser tests need: Debian's Chromium (installed where we are root and apt-get
# exists) and axe-core from npm into .cache/npm (ignored). Never fatal here: without them
# the browser tests skip with one line saying what to install (CI makes that a failure).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      echo "installing Chromium for the browser tests (apt-get install chromium)"; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	        >/dev/null || echo "apt-get install chromium failed: the browser tests will skip"; \
	    fi; }
	@test -f $(AXE) || { command -v npm >/dev/null 2>&1 && \
	  npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@$(AXE_VERSION) \
	  >/dev/null || echo "npm install axe-core failed: the browser tests will skip"; }

# The board pack PDF of the demo trust's latest term (after make report)
pack: $(STAMP)
	$(BIN)/govkit pack --params params --out outputs $(if $(TERM_ID),--term $(TERM_ID))

# ruff, and mypy on lib/govkit as [tool.mypy] in pyproject.toml says (a few seconds once cached)
lint: $(STAMP)
	$(BIN)/ruff check lib tests benchmarks notebooks
	$(BIN)/mypy

$(VENV)/.lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,lab]'
	@touch $(VENV)/.lab

# Opens at the project root (params/ and data/ reachable) showing notebooks/mine/, the
# leader's own copies of the reports (made here the first time, never overwritten); the
# project's jupyter_server_config.py keeps the shipped notebooks/ as shipped. Jupyter refuses
# to start as root unless told; in a container root is usual. LAB_ARGS: e.g. --no-browser.
LAB_ARGS ?=
lab: $(VENV)/.lab
	$(BIN)/govkit copy-notebooks --params params --to notebooks/mine
	$(BIN)/jupyter lab --config=jupyter_server_config.py --ServerApp.root_dir=. \
		--LabApp.default_url=/lab/tree/notebooks/mine $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# one table: naive loop, cold, warm, Dask; BIG=1 adds the 300-school run (about 30 min more on 2 cores)
bench: $(STAMP)
	$(BIN)/python benchmarks/batch.py $(if $(JOBS),--jobs $(JOBS)) $(if $(BIG),--big)

bench-evaluate: $(STAMP)
	$(BIN)/python benchmarks/evaluate.py

demo-data: $(STAMP)
	$(BIN)/govkit demo-data data/demo --params params

contract-docs: $(STAMP)
	$(BIN)/govkit contract-docs docs/data-contract.md

# The package as a user installs it: the wheel into a fresh venv with every dependency, then
# `govkit init --demo` and `govkit run` in an empty folder outside the checkout (CI runs it).
wheel-check: $(STAMP)
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(BIN)/python -m pip wheel . --no-deps --no-build-isolation --quiet --wheel-dir "$$tmp/dist"; \
	$(PYTHON) -m venv "$$tmp/venv" 2>/dev/null || python3 -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet "$$tmp"/dist/govkit-*.whl; \
	mkdir "$$tmp/trust"; cd "$$tmp/trust"; \
	env -u GOVKIT_ROOT -u GOVKIT_DATA "$$tmp/venv/bin/govkit" init --demo; \
	env -u GOVKIT_ROOT -u GOVKIT_DATA PATH="$$tmp/venv/bin:$$PATH" "$$tmp/venv/bin/govkit" run; \
	ls outputs/*/index.html outputs/*/trust/trust_overview.html >/dev/null; \
	echo "wheel-check: the installed wheel built the demo term in an empty folder"

clean:
	rm -rf outputs .pytest_cache .ruff_cache
