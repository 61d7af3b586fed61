# The README names these targets; keep them true.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make demo` installs only what the demo needs (the `demo` extra: kernels, reports, maps, the
# sandbox and the store; no JupyterLab or test tools); `make test` and the rest add `dev`.
DEMO_STAMP := $(VENV)/.installed-demo

.PHONY: demo test lint typecheck lab sandbox bench clean

$(BIN)/python:
	@echo "creating the virtual environment $(VENV) ..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "installing procore_nb with its development tools ('.[dev]', about a minute) ..."
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	@if [ -f $(STAMP) ] && [ $(STAMP) -nt pyproject.toml ]; then \
		echo "the development environment in $(VENV) has what the demo needs"; \
	else \
		echo "installing procore_nb with what the demo needs ('.[demo]', 547 MB, a minute or two) ..."; \
		$(BIN)/python -m pip install --quiet -e '.[demo]'; \
	fi
	@touch $(DEMO_STAMP)

## demo: create the environment, start the sandbox and run the example notebooks against it
demo: $(DEMO_STAMP)
	$(BIN)/procore-nb demo --out reports --pdf

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
