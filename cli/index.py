"""`ecg-agent index build`: the historical-ECG (reports) and knowledge retrieval indexes."""

from __future__ import annotations

import argparse
from pathlib import Path

from tqdm import tqdm

from retrieval import DEFAULT_INDEX_FOLDER
from retrieval.knowledge import KNOWLEDGE_INDEX_NAME, build_knowledge_index, minilm_embedding
from retrieval.reports import LAYOUTS, REPORTS_INDEX_NAME, build_reports_index, encoder_embedding, historical_ecgs
from retrieval.store import KINDS

DEFAULT_LUDB = Path(__file__).resolve().parents[2] / "shared" / "data" / "ludb"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("index", help="build the retrieval indexes")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = actions.add_parser("build", help="embed records with their reports and/or the knowledge snippets")
    build.add_argument("--kind", choices=("reports", "knowledge", "all"), default="all")
    build.add_argument("--layout", choices=LAYOUTS, default="ludb", help="layout of the reports table")
    build.add_argument("--root", default=str(DEFAULT_LUDB),
                       help="folder of the records and reports table (default: ../shared/data/ludb)")
    build.add_argument("--fs", type=int, default=100, choices=(100, 500), help="PTB-XL records to read")
    build.add_argument("--index-type", choices=("auto", *KINDS), default="auto",
                       help="FAISS index of the reports (auto: exact up to 20k records, else IVF)")
    build.add_argument("--out", default=str(DEFAULT_INDEX_FOLDER), help="folder to write NAME.faiss + NAME.json")
    build.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.kind in ("reports", "all"):
        ecgs = historical_ecgs(args.layout, args.root, args.fs)
        embed, embedder_name = encoder_embedding()
        index = build_reports_index(tqdm(ecgs, desc="embedding ECGs", unit="ECG"), embed, embedder_name,
                                    args.index_type)
        index.save(args.out, REPORTS_INDEX_NAME)
        print(f"{REPORTS_INDEX_NAME}: {len(index)} ECGs ({index.kind}) -> {Path(args.out) / REPORTS_INDEX_NAME}.*")
    if args.kind in ("knowledge", "all"):
        index = build_knowledge_index(minilm_embedding())
        index.save(args.out, KNOWLEDGE_INDEX_NAME)
        print(f"{KNOWLEDGE_INDEX_NAME}: {len(index)} snippets -> {Path(args.out) / KNOWLEDGE_INDEX_NAME}.*")
    return 0
