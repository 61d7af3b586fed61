# The README names these targets; keep them true.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck lab sandbox bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: create the environment, start the sandbox and run the example notebooks against it
demo: $(STAMP)
	$(BIN)/procore-nb demo --out reports

## test: create the environment and run every test
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

## lab: JupyterLab on the example notebooks, signed in against the embedded sandbox
lab: $(STAMP)
	$(BIN)/procore-nb lab

## sandbox: the Procore-compatible server on 127.0.0.1, in the foreground
sandbox: $(STAMP)
	$(BIN)/procore-nb sandbox

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) reports .pytest_cache .mypy_cache .ruff_cache
