"""`ecg-agent train lm`: build instruction data from labelled ECGs and tune the language model.

``add_parser`` adds the ``lm`` subcommand to the subparsers of ``ecg-agent train``.
``python -m cli.train_lm OPTIONS`` is the same command without the other subcommands' imports
(matplotlib, faiss): with ``--data`` it needs torch, transformers and peft only (docs/GPU_TRAINING.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from finetune.lora import LoraSettings
from finetune.train import TrainConfig


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("lm", help="tune the ECG language model (LoRA; QLoRA on CUDA)",
                                   description=__doc__.splitlines()[0])
    data = parser.add_argument_group("data (any subset)")
    data.add_argument("--ludb", type=Path, help="LUDB folder with ludb.csv and data/")
    data.add_argument("--ecgqa", type=Path, nargs="+", default=[], help="ECG-QA question JSON files")
    data.add_argument("--ecgqa-templates", type=Path, help="ECG-QA answers_for_each_template.csv")
    data.add_argument("--records", type=Path, help="root of the ECG-QA records")
    data.add_argument("--layout", choices=("ptbxl", "flat"), default="ptbxl")
    data.add_argument("--ptbxl-database", type=Path, help="ptbxl_database.csv (patient ids for the split)")
    data.add_argument("--ecg", type=Path, nargs="+", default=[], help="unlabelled ECG files (measured labels)")
    data.add_argument("--forecast", action="store_true", help="add next-ECG-token forecasting examples")
    data.add_argument("--held-out", type=float, default=0.2, help="share of patients held out for testing")
    data.add_argument("--data", type=Path, help="prebuilt instruction data instead of the sources above: a folder "
                                                "with train.jsonl, test.jsonl, contexts.json (an earlier OUT/data)")
    data.add_argument("--data-only", action="store_true", help="write OUT/data and stop (no model is loaded)")
    model = parser.add_argument_group("model and training")
    model.add_argument("--base", default=None, help="base model: default SmolLM2-135M-Instruct, a folder or hub id")
    model.add_argument("--ecg-tokenizer", type=Path, default=None, help="ECG tokenizer folder (default: embedded)")
    model.add_argument("--init-adapter", type=Path, default=None, metavar="DIR",
                       help="start from this adapter (e.g. models/default/lm_adapter) and tune it further")
    model.add_argument("--out", type=Path, required=True, help="output folder (checkpoints, loss log, adapter)")
    model.add_argument("--steps", type=int, default=TrainConfig.steps)
    model.add_argument("--batch-size", type=int, default=TrainConfig.batch_size)
    model.add_argument("--lr", type=float, default=TrainConfig.learning_rate)
    model.add_argument("--max-length", type=int, default=TrainConfig.max_length)
    model.add_argument("--rank", type=int, default=LoraSettings.rank)
    model.add_argument("--save-every", type=int, default=TrainConfig.save_every)
    model.add_argument("--gradient-checkpointing", action="store_true")
    model.add_argument("--no-4bit", action="store_true", help="plain LoRA even on CUDA")
    model.add_argument("--device", default=None, help="cpu or cuda (default: cuda when present)")
    model.add_argument("--seed", type=int, default=0)
    model.add_argument("--max-minutes", type=float, default=None,
                       help="wall-clock guard: stop after the step that passes it, saving as after a last step")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from finetune.pipeline import DataSources, build_data, read_data, train_lm
    from tokenizer.ecg_tokenizer import DEFAULT_FOLDER, ECGTokenizer

    sources = DataSources(ludb=args.ludb, ecgqa_questions=tuple(args.ecgqa), ecgqa_templates=args.ecgqa_templates,
                          records_root=args.records, layout=args.layout, ptbxl_database=args.ptbxl_database,
                          unlabelled=tuple(args.ecg), forecast=args.forecast, held_out_share=args.held_out)
    given = sources.ludb or sources.ecgqa_questions or sources.unlabelled
    if bool(given) == bool(args.data):
        raise SystemExit("ecg-agent train lm: give --data, or at least one of --ludb, --ecgqa, --ecg")
    if args.ecgqa and not (args.ecgqa_templates and args.records):
        raise SystemExit("ecg-agent train lm: --ecgqa needs --ecgqa-templates and --records")
    ecg_tokenizer = ECGTokenizer.load(args.ecg_tokenizer or DEFAULT_FOLDER)
    if args.data:
        try:
            splits, contexts = read_data(args.data, args.out)
        except FileNotFoundError as exc:
            raise SystemExit(f"ecg-agent train lm: {exc}") from None
    else:
        splits, contexts = build_data(sources, ecg_tokenizer, args.out, args.seed,
                                      progress=lambda items: tqdm(items, desc="read and tokenize ECGs"))
    counts = {"train_examples": len(splits["train"]), "test_examples": len(splits["test"])}
    if args.data_only:
        print(json.dumps({"data": str(args.out / "data"), **counts}))
        return 0
    config = TrainConfig(steps=args.steps, batch_size=args.batch_size, learning_rate=args.lr,
                         max_length=args.max_length, seed=args.seed, save_every=args.save_every,
                         gradient_checkpointing=args.gradient_checkpointing,
                         quantize_4bit=False if args.no_4bit else None, max_minutes=args.max_minutes,
                         init_adapter=str(args.init_adapter) if args.init_adapter else None,
                         lora=LoraSettings(rank=args.rank, alpha=2 * args.rank))
    try:
        result = train_lm(splits["train"], contexts, ecg_tokenizer, args.out, config, args.base, args.device)
    except ValueError as exc:  # no examples, or an --init-adapter that does not fit
        raise SystemExit(f"ecg-agent train lm: {exc}") from None
    print(json.dumps({"adapter": str(result.adapter_dir), "steps": result.steps, "final_loss": result.final_loss,
                      "tokens_per_s": round(result.tokens_per_s, 1), **counts}))
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m cli.train_lm OPTIONS``: the options of `ecg-agent train lm`."""
    return run(add_parser(argparse.ArgumentParser().add_subparsers(prog="ecg-agent train")).parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
