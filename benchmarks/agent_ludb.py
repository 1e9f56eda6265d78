"""The agent's deterministic pipeline on LUDB: rhythm verify questions against the headers, and time.

For each LUDB record at hand the agent (no LLM, no retrieval unless --retrieval) answers
"Does this ECG show <rhythm>?" with options yes / no / not sure for four rhythms; the reference
is the record's "#Rhythm:" header line (LUDB's cardiologists). "Irregular sinus rhythm" and
"Sinus arrhythmia" count as neither sinus rhythm nor another asked rhythm, as in PTB-XL's codes.
The table gives per question the records, answers that match, abstentions and accuracy over the
answered; then the median wall time of the first question (read, quality, measure, criteria
[, retrieval]), of a follow-up on the cached ECG, and of a report draft.

    .venv/bin/python benchmarks/agent_ludb.py [--data ../shared/data/ludb] [--limit N] [--retrieval]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.pipeline import Agent  # noqa: E402

QUESTIONS = {  # asked rhythm -> the LUDB header rhythm that makes the answer "yes"
    "sinus rhythm": "Sinus rhythm.",
    "sinus bradycardia": "Sinus bradycardia.",
    "sinus tachycardia": "Sinus tachycardia.",
    "atrial fibrillation": "Atrial fibrillation.",
}
OPTIONS = ["yes", "no", "not sure"]


def header_rhythm(hea: Path) -> str:
    for line in hea.read_text().splitlines():
        if line.startswith("#Rhythm:"):
            return line.split(":", 1)[1].strip()
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ludb")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--retrieval", action="store_true")
    args = parser.parse_args()
    headers = sorted((args.data / "data").glob("*.hea"), key=lambda p: int(p.stem))[: args.limit]
    counts = {q: {"n": 0, "correct": 0, "abstained": 0} for q in QUESTIONS}
    first_s, follow_s, report_s = [], [], []
    for hea in headers:
        agent = Agent(retrieval=args.retrieval)
        truth = header_rhythm(hea)
        for i, (rhythm, yes_when) in enumerate(QUESTIONS.items()):
            start = time.perf_counter()
            answer = agent.ask([hea], f"Does this ECG show {rhythm}?", OPTIONS)
            (first_s if i == 0 else follow_s).append(time.perf_counter() - start)
            row = counts[rhythm]
            row["n"] += 1
            if answer.abstained:
                row["abstained"] += 1
            elif answer.answer == (["yes"] if truth == yes_when else ["no"]):
                row["correct"] += 1
        start = time.perf_counter()
        agent.report(hea)
        report_s.append(time.perf_counter() - start)
    print(f"{'question':<42} {'records':>7} {'correct':>7} {'abstained':>9} {'accuracy':>8}")
    for rhythm, row in counts.items():
        answered = row["n"] - row["abstained"]
        accuracy = row["correct"] / answered if answered else float("nan")
        print(f"{'Does this ECG show ' + rhythm + '?':<42} {row['n']:>7} {row['correct']:>7} "
              f"{row['abstained']:>9} {accuracy:>8.3f}")
    print(f"\nmedian s: first question {statistics.median(first_s):.2f}, follow-up "
          f"{statistics.median(follow_s) * 1000:.1f} ms, report {statistics.median(report_s) * 1000:.1f} ms "
          f"(retrieval {'on' if args.retrieval else 'off'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
