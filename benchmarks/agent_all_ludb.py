"""`ecg-agent ask` and `ecg-agent report` on every LUDB record at hand, offline, with the embedded default.

The agent is built once, in this process, the way `ecg-agent ask` builds it (the CLI's own
argument parser, then cli.ask.build_agent -> agent.factory), with HF_HUB_OFFLINE=1 and
TRANSFORMERS_OFFLINE=1. For each record it asks one question that no evidence rule decides, so
that the language model answers it ("Which stage of myocardial infarction does this ECG show?",
options early / old / none; LUDB's diagnoses give the truth: STEMI early, scar formation old),
and drafts a report. A record passes when the answer comes from the LLM (or is an abstention
with a reason) and every measurement in the answer's and the report's evidence equals what
`ecg-agent measure --json` computes on the same file; criteria statements cited by the report
must be among measure's statements. Prints per-record failures, counts and timings.

    nice -n 5 .venv/bin/python benchmarks/agent_all_ludb.py [--data ../shared/data/ludb] [--limit N]
        [-- extra `ecg-agent ask` options, e.g. --no-retrieval]
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cli.ask import build_agent  # noqa: E402
from cli.common import to_json  # noqa: E402
from cli.main import build_parser  # noqa: E402
from cli.measure import measure_with_statements  # noqa: E402
from ecg.io import read_ecg  # noqa: E402
from finetune.questions_ludb import read_ludb_labels  # noqa: E402

QUESTION = "Which stage of myocardial infarction does this ECG show?"
OPTIONS = ["early stage of myocardial infarction", "old stage of myocardial infarction", "none"]


def measured(path: Path) -> dict:
    """What `ecg-agent measure --json` prints for the file, as JSON values."""
    return json.loads(to_json(measure_with_statements(read_ecg(path)).to_dict()))


def evidence_mismatches(items: list[dict], reference: dict) -> list[str]:
    """Measurement items whose value differs from measure's; statement ids measure did not make."""
    made = {s["code"] for s in reference.get("statements", [])}
    wrong = []
    for item in json.loads(to_json(items)):
        if item["kind"] == "measurement" and item["value"] != reference.get(item["measure"]):
            wrong.append(f"{item['id']}={item['value']} (measure: {reference.get(item['measure'])})")
        if item["kind"] == "statement" and item["code"] not in made:
            wrong.append(f"{item['id']} not among measure's statements")
    return wrong


def check_record(agent, hea: Path) -> tuple[dict, list[str]]:
    """Ask, report and compare with measure; the timings and the problems found."""
    started = time.perf_counter()
    answer = agent.ask([hea], QUESTION, OPTIONS)
    asked = time.perf_counter()
    report = agent.report(hea)
    reported = time.perf_counter()
    reference = measured(hea)
    problems = []
    if answer.decided_by not in ("llm", "abstained") or (answer.abstained and not answer.text):
        problems.append(f"answer decided by {answer.decided_by}, not the LLM")
    problems += evidence_mismatches(answer.evidence, reference)
    by_id = {item["id"]: item for item in report.evidence}
    cited = [by_id[i] for finding in report.findings for i in finding["evidence"] if i in by_id]
    problems += evidence_mismatches(report.evidence, reference)
    if any(i not in by_id for finding in report.findings for i in finding["evidence"]):
        problems.append("a report finding cites evidence the report does not carry")
    timing = {"ask_s": asked - started, "report_s": reported - asked, "answer": answer.answer,
              "decided_by": answer.decided_by, "cited": len(cited)}
    return timing, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ludb")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("ask_options", nargs="*", help="options of `ecg-agent ask` (after --)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    headers = sorted((args.data / "data").glob("*.hea"), key=lambda p: int(p.stem))[: args.limit]
    truth = {e.ecg_id: e.labels.get("infarction_stage", frozenset()) for e in read_ludb_labels(args.data / "ludb.csv")}

    started = time.perf_counter()
    cli_args = build_parser().parse_args(["ask", str(headers[0]), QUESTION, *args.ask_options])
    agent = build_agent(cli_args)
    load_s = time.perf_counter() - started

    timings, failed, right = [], [], 0
    for hea in headers:
        try:
            timing, problems = check_record(agent, hea)
        except Exception as exc:  # noqa: BLE001 - a failure of any kind is what this check counts
            timing, problems = None, [f"{type(exc).__name__}: {exc}"]
        if problems:
            failed.append(hea.stem)
            print(f"FAILED {hea.stem}: " + "; ".join(problems[:5]))
        if timing:
            timings.append(timing)
            expected = sorted(truth.get(hea.stem, frozenset()) - {"none"}) or ["none"]
            right += timing["answer"] == expected

    decided = {k: sum(t["decided_by"] == k for t in timings) for k in ("llm", "abstained", "evidence")}
    print(f"\nrecords: {len(headers)}, ok: {len(headers) - len(failed)}, failed: {len(failed)} {failed}")
    print(f"agent built once in {load_s:.1f} s (ecg-agent ask {' '.join(args.ask_options)})")
    print(f"answers by the LLM: {decided['llm']}, abstained: {decided['abstained']}, by evidence: "
          f"{decided['evidence']}; matching LUDB's infarction stage: {right} of {len(timings)}")
    for key, label in (("ask_s", "ask (first question on the record)"), ("report_s", "report draft")):
        values = sorted(t[key] for t in timings)
        if values:
            print(f"{label}: median {statistics.median(values):.2f} s, p90 "
                  f"{values[min(len(values) - 1, int(0.9 * len(values)))]:.2f} s, max {values[-1]:.2f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
