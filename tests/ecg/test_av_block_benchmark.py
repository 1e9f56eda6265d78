"""benchmarks/av_block.py on a LUDB layout of two vendored records: a paced complete AV block and
a sinus rhythm."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LUDB = ROOT / "tests" / "fixtures" / "ludb"


def test_ludb_tables_score_complete_block_and_look_for_blocked_p_waves(tmp_path):
    (tmp_path / "data").mkdir()
    for record in ("2", "111"):
        for file in LUDB.glob(f"{record}.*"):
            shutil.copy(file, tmp_path / "data" / file.name)
    with open(tmp_path / "ludb.csv", "w", newline="") as table:
        writer = csv.writer(table)
        writer.writerow(["ID", "Rhythms", "Conduction abnormalities", "Cardiac pacing"])
        writer.writerow(["2", "Sinus rhythm", "", ""])
        writer.writerow(["111", "Sinus rhythm", "Iii degree av-block", "Bipolar ventricular pacing"])
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "av_block.py"), "--data", str(tmp_path),
                             "--no-synthetic"], capture_output=True, text=True, check=True, cwd=ROOT)
    assert "| 111 | Sinus rhythm | Iii degree av-block | Bipolar ventricular pacing | 60 | 0.65 | 74 | present |" \
        in result.stdout
    assert "1 of 1 LUDB blocks stated, 0 false" in result.stdout
    assert "| Sinus rhythm | 0 uV | 2 |" in result.stdout and "| Sinus rhythm | 50 uV | 2 |" in result.stdout
