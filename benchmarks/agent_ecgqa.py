"""The agent on ECG-QA-style questions about held-out LUDB records: exact match, where answers
come from, latency, throughput, and an estimate for the full PTB-XL ECG-QA test set.

Questions: those benchmarks/ecgqa.py (section 3) generates from the cardiologists' diagnoses in
ludb.csv (finetune.questions_ludb + finetune.instructions), patients of the held-out split only;
every question type the labels allow. Runs (each through eval.run, ECG-QA's exact match):

- rules: the rules baseline (eval.baselines), for reference, on every question;
- evidence: the agent without an LLM (--no-llm; abstains where the evidence does not decide),
  on every question;
- full, no-retrieval, no-ecg-tokens: the agent with the default in-process LLM (transformers)
  and its two ablations, on a sample of --per-type questions of each question type (seed 0),
  as the LLM scores every option with a forward pass on CPU; rules and evidence are scored on
  the same sample beside them.

Abstentions are read as ECG-QA reads a reply naming no option ("none"); "strict" counts them
wrong. The estimate for 82,146 questions over 3,214 ECGs combines measured CPU figures:
ECGs x (read + measure + retrieve + tokens per ECG) + questions x (share answered by the LLM x
seconds per LLM answer + the rest x seconds per evidence answer).

    nice -n 5 .venv/bin/python benchmarks/agent_ecgqa.py [--data ../shared/data] [--per-type 20]
        [--runs rules evidence full no-retrieval no-ecg-tokens] [--out out/bench_agent_ecgqa]

Each run writes {out}/{run}/ (predictions, results, trace.json); the tables are printed from
every run found there, so runs can be made one at a time (--runs) and tabled together.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", str(os.cpu_count() or 1))  # the LLM may use every core

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from dataclasses import asdict  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.factory import AgentSettings  # noqa: E402
from ecgqa import FULL_TEST_ECGS, FULL_TEST_QUESTIONS, ludb_questions  # noqa: E402
from eval.agent_predictor import AgentPredictor  # noqa: E402
from eval.baselines import RulesBaseline  # noqa: E402
from eval.ecgqa_data import Question, load_questions  # noqa: E402
from eval.records import open_records  # noqa: E402
from eval.run import PREDICTIONS_FILE, read_predictions, run_ecgqa  # noqa: E402

AGENT_RUNS = {"evidence": AgentSettings(use_llm=False), "full": AgentSettings(),
              "no-retrieval": AgentSettings(retrieval=False), "no-ecg-tokens": AgentSettings(ecg_tokens=False)}
RUNS = ("rules", *AGENT_RUNS)
LLM_RUNS = ("full", "no-retrieval", "no-ecg-tokens")
TRACE_FILE = "trace.json"


def sample_per_type(questions: list[Question], per_type: int, seed: int = 0) -> list[Question]:
    """Up to ``per_type`` questions of each question type, drawn with a fixed seed."""
    rng = random.Random(seed)
    by_type: dict[str, list[Question]] = {}
    for question in questions:
        by_type.setdefault(question.question_type, []).append(question)
    return [q for kind in sorted(by_type) for q in rng.sample(by_type[kind], min(per_type, len(by_type[kind])))]


def run(name: str, questions: list[Question], records, out: Path) -> None:
    """One run from scratch into out/name, with the agent's trace beside its predictions."""
    folder = out / name
    shutil.rmtree(folder, ignore_errors=True)
    predictor = RulesBaseline() if name == "rules" else AgentPredictor(AGENT_RUNS[name])
    run_ecgqa(questions, records, predictor, folder, progress=True)
    if name != "rules":
        (folder / TRACE_FILE).write_text(json.dumps([asdict(t) for t in predictor.trace]), encoding="utf-8")


def percent(rows: list[dict]) -> str:
    return f"{100 * sum(r['correct'] for r in rows) / len(rows):.1f}" if rows else "-"


def exact_match_table(out: Path, names: list[str], keys: set[str] | None, types: list[str]) -> list[str]:
    """Exact match % per question type (and overall) of each run, on the questions in ``keys``."""
    if not names:
        return ["(no run made yet)"]
    runs = {n: [r for r in read_predictions(out / n / PREDICTIONS_FILE).values() if keys is None or r["key"] in keys]
            for n in names}
    lines = ["| question type | questions | " + " | ".join(names) + " |", "|---|---:|" + "---:|" * len(names)]
    for kind in [*types, "all"]:
        per_run = {n: [r for r in rows if kind in ("all", r["question_type"])] for n, rows in runs.items()}
        count = max(len(rows) for rows in per_run.values())
        lines.append(f"| {kind} | {count} | " + " | ".join(percent(per_run[n]) for n in names) + " |")
    return lines


def trace_of(out: Path, name: str) -> list[dict]:
    path = out / name / TRACE_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1] if len(values) > 1 \
        else (values[0] if values else float("nan"))


def answer_sources(out: Path, names: list[str]) -> list[str]:
    lines = ["| run | questions | decided by evidence % | by the LLM % | abstained % | exact match % "
             "| strict % (abstentions wrong) |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name in names:
        trace = trace_of(out, name)
        if not trace:
            continue
        rows = read_predictions(out / name / PREDICTIONS_FILE)
        share = {k: 100 * sum(t["decided_by"] == k for t in trace) / len(trace) for k in ("evidence", "llm", "abstained")}
        strict = sum(rows[t["key"]]["correct"] and not t["abstained"] for t in trace)
        lines.append(f"| {name} | {len(trace)} | {share['evidence']:.1f} | {share['llm']:.1f} | "
                     f"{share['abstained']:.1f} | {percent(list(rows.values()))} | {100 * strict / len(trace):.1f} |")
    return lines


def latency(out: Path, names: list[str]) -> list[str]:
    """Median / p90 seconds of a first question on a new ECG and of a follow-up, and questions/s."""
    lines = ["| run | first question on a new ECG: median / p90 s | follow-up: median / p90 s "
             "| LLM-answered: median / p90 s | questions/s |", "|---|---:|---:|---:|---:|"]
    for name in names:
        trace = trace_of(out, name)
        if not trace:
            continue
        groups = [[t["seconds"] for t in trace if t["new_ecgs"]], [t["seconds"] for t in trace if not t["new_ecgs"]],
                  [t["seconds"] for t in trace if t["decided_by"] == "llm"]]
        cells = [f"{statistics.median(g):.3f} / {quantile(g, 0.9):.3f}" if g else "-" for g in groups]
        speed = json.loads((out / name / "results.json").read_text())["throughput"]["questions_per_s"]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {speed} |")
    return lines


def estimate(out: Path, name: str) -> str:
    """The full PTB-XL ECG-QA test set's time with this run's measured per-ECG and per-question costs."""
    trace = trace_of(out, name)
    llm = [t["seconds"] - t["context_seconds"] for t in trace if t["decided_by"] == "llm"]
    rest = [t["seconds"] - t["context_seconds"] for t in trace if t["decided_by"] != "llm"]
    ecgs = sum(t["new_ecgs"] for t in trace)
    if not trace or not ecgs:
        return f"({name}: no trace)"
    per_ecg = sum(t["context_seconds"] for t in trace) / ecgs
    share = len(llm) / len(trace)
    per_llm = statistics.mean(llm) if llm else 0.0
    per_rest = statistics.mean(rest) if rest else 0.0
    hours = (FULL_TEST_ECGS * per_ecg + FULL_TEST_QUESTIONS * (share * per_llm + (1 - share) * per_rest)) / 3600
    return (f"{name}: {per_ecg:.2f} s per ECG ({ecgs} ECGs), {per_llm:.2f} s per LLM answer, "
            f"{1000 * per_rest:.1f} ms per other answer, {100 * share:.1f}% of questions to the LLM -> "
            f"ESTIMATE {FULL_TEST_ECGS:,} x {per_ecg:.2f} s + {FULL_TEST_QUESTIONS:,} x "
            f"({share:.3f} x {per_llm:.2f} s + {1 - share:.3f} x {per_rest:.3f} s) = {hours:.1f} h on this CPU")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "bench_agent_ecgqa")
    parser.add_argument("--per-type", type=int, default=20, help="questions per question type for the LLM runs")
    parser.add_argument("--runs", nargs="*", choices=RUNS, default=list(RUNS), help="runs to make (none: table only)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    args.out.mkdir(parents=True, exist_ok=True)
    _, test_path = ludb_questions(args.data / "ludb", args.out)
    held_out = load_questions([test_path])
    sample = sample_per_type(held_out, args.per_type)
    records = open_records(args.data / "ludb" / "data", "flat")
    for name in args.runs:
        print(f"run {name}", file=sys.stderr)
        run(name, sample if name in LLM_RUNS else held_out, records, args.out)

    made = [n for n in RUNS if (args.out / n / "results.json").is_file()]
    types = sorted({q.question_type for q in held_out})
    n_ecgs = len({e for q in held_out for e in q.ecg_ids})
    print(f"## LUDB-derived held-out questions: {len(held_out)} questions over {n_ecgs} records\n")
    print("Exact match % on every held-out question:\n")
    print("\n".join(exact_match_table(args.out, [n for n in made if n not in LLM_RUNS], None, types)))
    print(f"\nExact match % on the sample of {args.per_type} questions per type (seed 0) that the LLM runs answer:\n")
    print("\n".join(exact_match_table(args.out, made, {q.key for q in sample}, types)))
    agent_runs = [n for n in made if n != "rules"]
    print("\nWhere the answers come from:\n")
    print("\n".join(answer_sources(args.out, agent_runs)))
    print("\nLatency per question (wall time, this process) and throughput:\n")
    print("\n".join(latency(args.out, agent_runs)))
    print("\nEstimate for the full PTB-XL ECG-QA test set from these CPU measurements (no GPU was lent):\n")
    for name in agent_runs:
        print("- " + estimate(args.out, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
