# Two commands for a fresh machine (Python 3.11, pip, git, make):
#   make demo   set up .venv, serve samples/ on 127.0.0.1, poll them, print a chain
#   make test   set up .venv with dev extras, run ruff, mypy and pytest
#   make test-fast  the same without the tests marked slow (a quick loop while editing)
# Each compiles tracer's hot modules with mypyc first (`make compiled`, quick when they
# are up to date; TRACER_PURE_PYTHON=1 or no C compiler: pure Python, see README).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test test-fast lint typecheck bench clean compiled

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

# Always run: the script itself compares the sources with what was compiled
# (tracer/native.json) and returns at once when nothing changed.
compiled: $(STAMP)
	$(PY) scripts/build_compiled.py

demo: compiled
	$(PY) scripts/demo.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

test: compiled
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

test-fast: compiled
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest -q -m "not slow"

bench: compiled
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) .bench build dist .pytest_cache .ruff_cache
	rm -f tracer/*.so tracer/native.json
