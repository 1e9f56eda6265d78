"""How long the chat page takes per step, driven by Streamlit's AppTest on LUDB records.

Per record, in one session: attach the .hea and .dat in the chat input (store, read, measure,
plot, report draft and its PDF), ask a question the evidence decides, and reload the page from
the session id. The agent answers from evidence only (no language model); ``--retrieval`` adds
similar reports and knowledge snippets. Prints a Markdown table of seconds per step.

    .venv/bin/python benchmarks/ui_chat.py --data ../shared/data --limit 10
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Does this ECG show sinus rhythm?"


def timed(step) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def run_page(page) -> None:
    page.run()
    if page.exception:
        raise RuntimeError(page.exception[0].message)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"), help="the shared data folder")
    parser.add_argument("--limit", type=int, default=10, help="LUDB records to attach (default 10)")
    parser.add_argument("--retrieval", action="store_true", help="with similar reports and knowledge")
    args = parser.parse_args()
    records = sorted((Path(args.data) / "ludb" / "data").glob("*.hea"), key=lambda p: int(p.stem))[: args.limit]
    if not records:
        print(f"no LUDB records under {args.data}/ludb/data", file=sys.stderr)
        return 2
    os.environ.update({"ECG_AGENT_UI_DATA": tempfile.mkdtemp(prefix="ui-bench-"), "ECG_AGENT_UI_NO_LLM": "1",
                       "ECG_AGENT_UI_NO_RETRIEVAL": "" if args.retrieval else "1"})
    sys.path.insert(0, str(ROOT))
    from streamlit.testing.v1 import AppTest

    app = str(ROOT / "ui" / "app.py")
    page = AppTest.from_file(app, default_timeout=600)
    times = {"first page (agent loaded)": [timed(lambda: run_page(page))]}
    session = page.query_params["session"]
    for header in records:
        page = AppTest.from_file(app, default_timeout=600)
        page.query_params["session"] = session
        run_page(page)
        for path in (header, header.with_suffix(".dat")):
            page.chat_input[0].upload(path.name, path.read_bytes())
        times.setdefault("attach .hea + .dat -> plot, table, draft", []).append(timed(lambda: run_page(page)))
        page.chat_input[0].set_value(QUESTION)
        times.setdefault(f"ask \"{QUESTION}\" (evidence)", []).append(timed(lambda: run_page(page)))
        reloaded = AppTest.from_file(app, default_timeout=600)
        reloaded.query_params["session"] = session
        times.setdefault("reload the session (whole chat so far)", []).append(timed(lambda: run_page(reloaded)))
    print(f"LUDB records: {len(records)}; retrieval: {'on' if args.retrieval else 'off'}\n")
    print("| step | runs | median s | max s |\n|---|---|---|---|")
    for step, values in times.items():
        print(f"| {step} | {len(values)} | {statistics.median(values):.2f} | {max(values):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
