"""benchmarks/atrial.py --ptbxl scores flutter on a PTB-XL layout (here three synthetic records)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import wfdb

from tests.ecg.synthetic_waves import LEADS, fibrillation_waves, flutter_record, synthetic_record

ROOT = Path(__file__).resolve().parents[2]


def _write(root: Path, ecg_id: int, signal: np.ndarray) -> str:
    name = f"records500/00000/{ecg_id:05d}_hr"
    folder = (root / name).parent
    folder.mkdir(parents=True, exist_ok=True)
    wfdb.wrsamp(Path(name).name, fs=500, units=["mV"] * 12, sig_name=list(LEADS), p_signal=signal.T.astype(float),
                fmt=["16"] * 12, write_dir=str(folder))
    return name


def test_ptbxl_table_counts_flutter_found_and_false(tmp_path):
    sinus, _ = synthetic_record(rr_s=[0.8] * 12)
    irregular, _ = synthetic_record(rr_s=list(np.random.default_rng(3).uniform(0.45, 1.1, 14)), with_p=False)
    fibrillation = irregular + fibrillation_waves(irregular.shape[1], 500.0)
    rows = [(1, "{'AFLT': 100.0}", flutter_record(260.0)), (2, "{'NORM': 100.0, 'SR': 0.0}", sinus),
            (3, "{'AFIB': 100.0}", fibrillation)]
    lines = ["ecg_id,patient_id,report,scp_codes,strat_fold,filename_lr,filename_hr"]
    for ecg_id, codes, signal in rows:
        name = _write(tmp_path, ecg_id, signal)
        lines.append(f'{ecg_id},{ecg_id}.0,"report","{codes}",1,x,{name}')
    lines.append('4,4.0,"report","{\'SR\': 0.0}",1,x,records500/00000/00004_hr')  # listed, not on disk
    (tmp_path / "ptbxl_database.csv").write_text("\n".join(lines) + "\n")
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "atrial.py"), "--data", str(tmp_path / "no"),
                             "--ptbxl", str(tmp_path), "--no-synthetic"],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    assert "| AFLT | 1 |" in result.stdout and "| AFIB | 1 |" in result.stdout
    assert ("found in 1 of 1 AFLT records, stated on 0 of 2 others; 1 listed records not on disk"
            in result.stdout)
