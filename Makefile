# Every target creates or refreshes .venv itself, so each works from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED_EVAL ?= ../shared/eval

.PHONY: demo test eval bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	rm -f newsevents.duckdb newsevents.duckdb.wal
	$(BIN)/newsevents run examples/articles --db newsevents.duckdb --published 2024-11-20
	$(BIN)/newsevents stats --db newsevents.duckdb

test: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/python -m pytest -q -p no:cacheprovider

eval: $(STAMP)
	$(BIN)/newsevents eval --check-floors eval/floors.json --gold-dir $(SHARED_EVAL)
	$(BIN)/newsevents eval eval/actors/tune.jsonl eval/actors/check.jsonl --kind actors --check-floors eval/floors.json

bench: $(STAMP)
	$(BIN)/python bench/throughput.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) newsevents.duckdb newsevents.duckdb.wal .pytest_cache
