"""benchmarks/atrial.py --ptbxl scores flutter on a PTB-XL layout (here three synthetic records)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from tests.ecg.ptbxl_layout import write_ptbxl
from tests.ecg.synthetic_waves import fibrillation_waves, flutter_record, synthetic_record

ROOT = Path(__file__).resolve().parents[2]


def test_ptbxl_table_counts_flutter_found_and_false(tmp_path):
    sinus, _ = synthetic_record(rr_s=[0.8] * 12)
    irregular, _ = synthetic_record(rr_s=list(np.random.default_rng(3).uniform(0.45, 1.1, 14)), with_p=False)
    fibrillation = irregular + fibrillation_waves(irregular.shape[1], 500.0)
    rows = [(1, "{'AFLT': 100.0}", flutter_record(260.0)), (2, "{'NORM': 100.0, 'SR': 0.0}", sinus),
            (3, "{'AFIB': 100.0}", fibrillation)]
    write_ptbxl(tmp_path, rows)
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "atrial.py"), "--data", str(tmp_path / "no"),
                             "--ptbxl", str(tmp_path), "--no-synthetic"],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    assert "| AFLT | 1 |" in result.stdout and "| AFIB | 1 |" in result.stdout
    assert ("found in 1 of 1 AFLT records, stated on 0 of 2 others; 1 listed records not on disk"
            in result.stdout)
