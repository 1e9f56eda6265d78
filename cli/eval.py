"""`ecg-agent eval ecgqa|reports|intervals`: ECG-QA exact match, report-draft metrics, and the
interval benchmark against LUDB's expert annotations."""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

from cli.ask import add_agent_arguments
from cli.common import to_json
from ecg.errors import ECGError

REPO_ROOT = Path(__file__).resolve().parents[1]
INTERVAL_BENCHMARK = REPO_ROOT / "benchmarks" / "intervals.py"
PREDICTORS = ("rules", "majority", "neurokit-replica", "agent")


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("eval", help="evaluate: ECG-QA exact match, report metrics, intervals")
    tasks = parser.add_subparsers(dest="task", required=True, metavar="TASK")

    qa = tasks.add_parser("ecgqa", help="ECG-QA exact match per question type, attribute type, template")
    qa.add_argument("--qa", nargs="+", required=True, metavar="FILE_OR_DIR",
                    help="ECG-QA JSON files or split folders (template or paraphrased)")
    qa.add_argument("--records", required=True, metavar="ROOT",
                    help="PTB-XL or MIMIC-IV-ECG root, a folder of WFDB records, or an .npz")
    qa.add_argument("--layout", required=True, choices=("ptbxl", "mimic", "flat", "npz"),
                    help="ptbxl: records500|records100; mimic: record_list.csv; flat: ROOT/{ecg_id}.hea; "
                         "npz: ecg_id/signal/fs/leads arrays")
    qa.add_argument("--out", default="out/ecgqa", metavar="DIR",
                    help="run folder (predictions.jsonl, results.json, results.md); rerun to resume; "
                         "a name ending in .json also gets a copy of the results")
    qa.add_argument("--predictor", choices=PREDICTORS, default="rules",
                    help="rules: measurement + criteria engines; majority: most frequent answer per template; "
                         "neurokit-replica: ECG-QA's own NeuroKit2 derivation of numeric features (68-70); "
                         "agent: the ECG agent (its options below)")
    qa.add_argument("--train", nargs="+", metavar="FILE_OR_DIR", help="training questions (majority)")
    qa.add_argument("--sample", action="store_true", help="ECG-QA's 10%% evaluation sample (seed 42)")
    qa.add_argument("--limit", type=int, default=None, help="the first N answerable questions only")
    qa.add_argument("--no-options", action="store_true", help="do not show the answer options to the predictor")
    qa.add_argument("--answers", default=None, metavar="CSV",
                    help="answers_for_each_template.csv (default: found beside the question files)")
    qa.add_argument("--batch-size", type=int, default=16)
    qa.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_agent_arguments(qa)
    qa.set_defaults(run=run_ecgqa, fs=None, units=None)  # the layout reads the records, not the agent

    reports = tasks.add_parser("reports", help="BLEU-1..4, METEOR, ROUGE-L (BERTScore) of report drafts")
    reports.add_argument("--drafts", required=True, help="JSON lines {id, report} or one report per line")
    reports.add_argument("--references", required=True, help="the reference reports, same format")
    reports.add_argument("--bertscore-model", default=None, metavar="DIR", help="a local BERTScore model folder")
    reports.add_argument("--bertscore-layers", type=int, default=None,
                         help="the model layer BERTScore reads (needed for models bert-score does not know)")
    reports.set_defaults(run=run_reports)

    intervals = tasks.add_parser("intervals", help="interval measurement against LUDB's expert annotations")
    intervals.add_argument("--data", default=None, help="the LUDB folder (default ../shared/data/ludb)")
    intervals.add_argument("--limit", type=int, default=None)
    intervals.add_argument("--no-neurokit", action="store_true")
    intervals.set_defaults(run=run_intervals)


def run_ecgqa(args: argparse.Namespace) -> int:
    from eval.cache import ECGCache
    from eval.ecgqa_data import load_questions
    from eval.records import open_records
    from eval.run import run_ecgqa as run
    from eval.sampling import official_sample

    questions = load_questions(args.qa, args.answers)
    if args.sample:
        questions = official_sample(questions)
    out = Path(args.out)
    run_dir = out.with_suffix("") if out.suffix == ".json" else out
    source = open_records(args.records, args.layout)
    predictor = _predictor(args, ECGCache(run_dir / "cache"))
    results = run(questions, source, predictor, run_dir, batch_size=args.batch_size,
                  options_in_prompt=not args.no_options, limit=args.limit,
                  progress=not args.no_progress)
    if out.suffix == ".json":
        out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print((run_dir / "results.md").read_text(encoding="utf-8"))
    return 0


def _predictor(args: argparse.Namespace, cache):
    from eval.baselines import MajorityBaseline, RulesBaseline
    from eval.ecgqa_data import load_questions
    from eval.neurokit_baseline import NeuroKitReplicaBaseline

    if args.predictor == "majority":
        if not args.train:
            raise ECGError(None, "the majority baseline needs training questions: --train FILE_OR_DIR")
        return MajorityBaseline(load_questions(args.train, args.answers))
    if args.predictor == "neurokit-replica":
        return NeuroKitReplicaBaseline(cache)
    if args.predictor == "agent":
        return _agent_predictor(args, cache)
    return RulesBaseline(cache)


def _agent_predictor(args: argparse.Namespace, cache):
    from cli.ask import agent_settings
    from eval.agent_predictor import AgentPredictor
    from finetune.base_model import BaseModelError

    try:
        return AgentPredictor(agent_settings(args), cache)
    except BaseModelError as exc:
        raise ECGError(args.model or "base model", str(exc)) from None


def run_reports(args: argparse.Namespace) -> int:
    from eval.report_metrics import paired_reports, read_reports, report_metrics
    from eval.wordnet import load_wordnet

    drafts, references = paired_reports(read_reports(args.drafts), read_reports(args.references), args.drafts)
    results = report_metrics(drafts, references, wordnet=load_wordnet(),
                             bertscore_model=args.bertscore_model, bertscore_layers=args.bertscore_layers)
    print(to_json(results, indent=2))
    return 0


def run_intervals(args: argparse.Namespace) -> int:
    if not INTERVAL_BENCHMARK.is_file():
        raise ECGError(INTERVAL_BENCHMARK, "the interval benchmark ships with the repository checkout only")
    spec = importlib.util.spec_from_file_location("benchmark_intervals", INTERVAL_BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    argv = (["--data", args.data] if args.data else []) + (["--limit", str(args.limit)] if args.limit else [])
    argv += ["--no-neurokit"] if args.no_neurokit else []
    sys.stdout.flush()
    return int(module.main(argv) or 0)
