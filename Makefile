# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# Each creates (or reuses) the virtual environment in .venv and installs what it needs.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXAMPLE ?= examples/ludb_1.hea

.PHONY: run test install clean

run: $(STAMP)
	$(VENV)/bin/ecg-agent info --pretty $(EXAMPLE)
	$(VENV)/bin/ecg-agent plot $(EXAMPLE) -o out/ludb_1.png
	@echo "12-lead plot written to out/ludb_1.png"

test: $(STAMP)
	$(PY) -m pytest -n auto -q

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
