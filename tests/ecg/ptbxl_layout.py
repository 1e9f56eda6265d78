"""A PTB-XL copy in miniature for the benchmark tests: 500 Hz WFDB records under records500/ and
a ptbxl_database.csv that lists them, plus one record listed but not on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import wfdb

from tests.ecg.synthetic_waves import LEADS


def write_ptbxl(root: Path, rows: list[tuple[int, str, np.ndarray]]) -> None:
    """Each (ecg_id, scp_codes text, (12, samples) mV signal) as a record; ecg_id max + 1 is listed
    with {'SR': 0.0} and no files."""
    lines = ["ecg_id,patient_id,report,scp_codes,strat_fold,filename_lr,filename_hr"]
    for ecg_id, codes, signal in rows:
        name = f"records500/00000/{ecg_id:05d}_hr"
        folder = (root / name).parent
        folder.mkdir(parents=True, exist_ok=True)
        wfdb.wrsamp(Path(name).name, fs=500, units=["mV"] * 12, sig_name=list(LEADS),
                    p_signal=signal.T.astype(float), fmt=["16"] * 12, write_dir=str(folder))
        lines.append(f'{ecg_id},{ecg_id}.0,"report","{codes}",1,x,{name}')
    absent = max(ecg_id for ecg_id, _, _ in rows) + 1
    lines.append(f'{absent},{absent}.0,"report","{{\'SR\': 0.0}}",1,x,records500/00000/{absent:05d}_hr')
    (root / "ptbxl_database.csv").write_text("\n".join(lines) + "\n")
