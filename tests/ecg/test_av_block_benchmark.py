"""benchmarks/av_block.py on a LUDB layout of two vendored records (a paced complete AV block and a
sinus rhythm) and on a PTB-XL layout of synthetic blocks."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from tests.ecg.ptbxl_layout import write_ptbxl
from tests.ecg.synthetic_waves import LEADS, dissociated_record, dropped_beat_record, synthetic_record

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


def test_ptbxl_table_scores_second_and_third_degree_block(tmp_path):
    sinus, _ = synthetic_record(rr_s=[0.8] * 12)
    rows = [(1, "{'2AVB': 100.0, 'SR': 0.0}", dropped_beat_record(75.0, (0.16, 0.24, 0.28))),
            (2, "{'3AVB': 100.0}", dissociated_record(75.0, 40.0)), (3, "{'NORM': 100.0, 'SR': 0.0}", sinus)]
    write_ptbxl(tmp_path, rows)
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "av_block.py"), "--data", str(tmp_path / "no"),
                             "--ptbxl", str(tmp_path), "--no-synthetic"],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    assert "| 2AVB | 1 | 1 | 0 |" in result.stdout and "| 3AVB | 1 | 0 | 1 |" in result.stdout
    assert "| SR | 1 | 0 | 0 |" in result.stdout
    assert "2AVB: found in 1 of 1 records, stated on 0 of 1 records of the other classes." in result.stdout
    assert "1 listed records not on disk." in result.stdout


def test_subset_count_names_the_ecgs_with_a_block(tmp_path):
    sinus, _ = synthetic_record(rr_s=[0.8] * 12)
    blocked = dropped_beat_record(75.0, (0.16, 0.16))
    n = min(sinus.shape[1], blocked.shape[1])
    np.savez(tmp_path / "subset.npz", ecg_id=np.array([7, 9]), signal=np.stack([sinus[:, :n], blocked[:, :n]]),
             fs=500.0, leads=np.array(LEADS))
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "av_block.py"), "--data", str(tmp_path / "no"),
                             "--no-synthetic", "--subset", str(tmp_path / "subset.npz")],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    assert "PTB-XL subset (2 ECGs, 500 Hz, no labels): 2AVB stated on 1 [9]; 3AVB stated on 0 []" in result.stdout
