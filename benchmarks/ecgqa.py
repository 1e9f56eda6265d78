"""ECG-QA evaluation on the data at hand: coverage, baseline exact match, throughput.

1. Coverage: how many questions of each ECG-QA file at hand have all their ECGs in the PTB-XL
   subset (ptbxl_subset_100hz.npz); noise questions are not asked of it (it was band-pass
   filtered before it reached us).
2. ECG-QA numeric-feature comparisons (templates 68-70, template and paraphrased versions):
   the rules baseline and the replica of ECG-QA's own NeuroKit2 derivation on every answerable
   question; the majority baseline fit on the template train shard 260000 and scored on the
   answerable valid questions.
3. LUDB-derived ECG-QA-style questions (finetune.questions_ludb + finetune.instructions, from the
   cardiologists' diagnoses in ludb.csv), patients of the held-out split only: the rules
   baseline (records read from ludb/data) and the majority baseline fit on the training split.
4. Throughput of the rules baseline: questions/s with an empty measurement cache (every ECG
   measured once) and with a full one, and from them an estimate for the full PTB-XL ECG-QA
   test set (82,146 questions over 3,214 ECGs).

    .venv/bin/python benchmarks/ecgqa.py [--data ../shared/data] [--out out/bench_ecgqa]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.baselines import MajorityBaseline, RulesBaseline  # noqa: E402
from eval.cache import ECGCache  # noqa: E402
from eval.ecgqa_data import load_questions  # noqa: E402
from eval.neurokit_baseline import NeuroKitReplicaBaseline  # noqa: E402
from eval.records import open_records  # noqa: E402
from eval.run import coverage, run_ecgqa  # noqa: E402

FULL_TEST_QUESTIONS = 82_146
FULL_TEST_ECGS = 3_214
SHARDS = [f"{version}/{split}/{shard}.json" for version in ("template", "paraphrased")
          for split, shard in (("train", 120000), ("train", 260000), ("valid", 60000))]


def coverage_table(ecgqa: Path, subset) -> None:
    print("\n| ECG-QA file | questions | all ECGs in subset | of which noise (not asked) | answerable |")
    print("|---|---:|---:|---:|---:|")
    for shard in SHARDS:
        questions = load_questions([ecgqa / shard])
        in_subset = [q for q in questions if all(subset.has(e) for e in q.ecg_ids)]
        answerable, _ = coverage(questions, subset)
        noise = sum(q.attribute_type == "noise" for q in in_subset)
        print(f"| {shard} | {len(questions)} | {len(in_subset)} ({100 * len(in_subset) / len(questions):.1f}%) "
              f"| {noise} | {len(answerable)} |")


def result_rows(name: str, results: dict) -> list[str]:
    rows = [f"| {name} | all | {results['overall']['total']} | {100 * results['overall']['exact_match']:.1f} |"]
    for key in ("question_type", "attribute_type"):
        rows += [f"| {name} | {value} | {t['total']} | {100 * t['exact_match']:.1f} |"
                 for value, t in results[key].items()]
    return rows


def ludb_questions(ludb: Path, out: Path) -> tuple[Path, Path]:
    """LUDB-derived questions (diagnoses only) split by patient, written as ECG-QA-style JSON."""
    from finetune.instructions import generate_questions, split_examples
    from finetune.questions_ludb import VOCABULARIES, read_ludb_labels

    examples = generate_questions(read_ludb_labels(ludb / "ludb.csv"), VOCABULARIES, seed=0)
    paths = []
    for split, items in split_examples(examples).items():
        path = out / f"ludb_{split}.json"
        path.write_text(json.dumps([e.to_dict() for e in items]), encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "bench_ecgqa")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    shutil.rmtree(args.out, ignore_errors=True)  # cold caches: throughput includes measuring
    args.out.mkdir(parents=True)
    ecgqa = args.data / "ecgqa" / "ptbxl"
    subset = open_records(args.data / "ptbxl_subset" / "ptbxl_subset_100hz.npz", "npz")

    print("## Coverage of the ECG-QA files at hand by the PTB-XL subset (1,819 ECGs, 100 Hz)")
    coverage_table(ecgqa, subset)

    table = ["| run | group | questions | exact match % |", "|---|---|---:|---:|"]
    speeds = []
    cache = ECGCache(args.out / "cache_ptbxl")
    for version in ("template", "paraphrased"):
        questions = load_questions([ecgqa / version / "train" / "260000.json", ecgqa / version / "valid"])
        results = run_ecgqa(questions, subset, RulesBaseline(cache), args.out / f"rules_{version}", progress=False)
        table += result_rows(f"rules, ECG-QA {version} 260000+60000", results)
        cached = "cold cache" if version == "template" else "warm cache"
        speeds.append((f"rules, ECG-QA {version} (PTB-XL subset, 100 Hz, {cached})", results["throughput"]))
    replica = run_ecgqa(load_questions([ecgqa / "template" / "train" / "260000.json", ecgqa / "template" / "valid"]),
                        subset, NeuroKitReplicaBaseline(cache), args.out / "neurokit_template", progress=False)
    table += result_rows("neurokit-replica, ECG-QA template 260000+60000", replica)
    majority = MajorityBaseline(load_questions([ecgqa / "template" / "train" / "260000.json"]))
    valid = load_questions([ecgqa / "template" / "valid"])
    table += result_rows("majority, ECG-QA template valid 60000",
                         run_ecgqa(valid, subset, majority, args.out / "majority_template", progress=False))

    train_path, test_path = ludb_questions(args.data / "ludb", args.out)
    ludb_records = open_records(args.data / "ludb" / "data", "flat")
    held_out = load_questions([test_path])
    results = run_ecgqa(held_out, ludb_records, RulesBaseline(ECGCache(args.out / "cache_ludb")),
                        args.out / "rules_ludb", progress=False)
    table += result_rows("rules, LUDB-derived held-out", results)
    speeds.append(("rules, LUDB-derived (500 Hz, cold cache)", results["throughput"]))
    warm = run_ecgqa(held_out, ludb_records, RulesBaseline(ECGCache(args.out / "cache_ludb")),
                     args.out / "rules_ludb_warm", progress=False)
    speeds.append(("rules, LUDB-derived (500 Hz, warm cache)", warm["throughput"]))
    table += result_rows("majority, LUDB-derived held-out",
                         run_ecgqa(held_out, ludb_records, MajorityBaseline(load_questions([train_path])),
                                   args.out / "majority_ludb", progress=False))

    print("\n## Exact match\n")
    print("\n".join(table))
    print("\n## Throughput (one process, OMP_NUM_THREADS=1)\n")
    print("| run | questions | s | questions/s |")
    print("|---|---:|---:|---:|")
    for name, speed in speeds:
        print(f"| {name} | {speed['questions']} | {speed['seconds']:.1f} | {speed['questions_per_s']} |")
    n_ludb_ecgs = len({e for q in held_out for e in q.ecg_ids})
    per_ecg_s = (speeds[-2][1]["seconds"] - speeds[-1][1]["seconds"]) / n_ludb_ecgs
    per_question_s = speeds[-1][1]["seconds"] / speeds[-1][1]["questions"]
    estimate_h = (FULL_TEST_ECGS * per_ecg_s + FULL_TEST_QUESTIONS * per_question_s) / 3600
    print(f"\nMeasuring one 500 Hz 12-lead ECG: {per_ecg_s:.2f} s ({n_ludb_ecgs} LUDB ECGs); answering one question "
          f"from cached measurements: {1000 * per_question_s:.1f} ms. Estimate for the full PTB-XL ECG-QA "
          f"test set ({FULL_TEST_QUESTIONS:,} questions, {FULL_TEST_ECGS:,} ECGs at 500 Hz) with the rules "
          f"baseline on one core: {estimate_h:.2f} h.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
