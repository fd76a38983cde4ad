# govkit: `make report` builds the demo trust's reports; `make test` runs every test.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?=
TERM_ID ?=

.PHONY: help install report test lint lab bench demo-data contract-docs clean

help:
	@echo "make report   build the demo trust's reports for its latest term"
	@echo "make test     run the whole test suite (unit, notebooks, end to end)"
	@echo "make lab      open the notebooks in JupyterLab"
	@echo "make bench    time evaluating the plan, then the batch against the naive loop"
	@echo "make lint     ruff"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

report: $(STAMP)
	$(BIN)/govkit run --params params --data data/demo --out outputs $(if $(TERM_ID),--term $(TERM_ID)) $(if $(JOBS),--jobs $(JOBS))

test: $(STAMP)
	$(BIN)/ruff check lib tests benchmarks notebooks
	$(BIN)/python -m pytest -n 2 --dist loadscope -q

lint: $(STAMP)
	$(BIN)/ruff check lib tests benchmarks notebooks

$(VENV)/.lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,lab]'
	@touch $(VENV)/.lab

# Opens at the project root (params/ and data/ reachable) showing notebooks/; the project's
# jupyter_server_config.py tidies report notebooks as Lab saves them. Jupyter refuses to
# start as root unless told; in a container root is usual. LAB_ARGS: e.g. --no-browser.
LAB_ARGS ?=
lab: $(VENV)/.lab
	$(BIN)/jupyter lab --config=jupyter_server_config.py --ServerApp.root_dir=. \
		--LabApp.default_url=/lab/tree/notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/evaluate.py
	$(BIN)/python benchmarks/batch.py

demo-data: $(STAMP)
	$(BIN)/govkit demo-data data/demo --params params

contract-docs: $(STAMP)
	$(BIN)/govkit contract-docs docs/data-contract.md

clean:
	rm -rf outputs .pytest_cache .ruff_cache
