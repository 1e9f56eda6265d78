"""Tiny data folders in the real layouts (LUDB: ludb.csv + data/; PTB-XL: ptbxl_database.csv +
records100/), written from NeuroKit2-simulated ECGs, for the loaders and training tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import wfdb

from tests.conftest import synthetic_12lead

LUDB_COLUMNS = ["ID", "Sex", "Age", "Rhythms", "Electric axis of the heart", "Conduction abnormalities",
                "Extrasystolies", "Hypertrophies", "Cardiac pacing", "Ischemia",
                "Non-specific repolarization abnormalities", "Other states"]


def _write(folder: Path, name: str, signal: np.ndarray, fs: int, leads: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    wfdb.wrsamp(name, fs=fs, units=["mV"] * len(leads), sig_name=leads, p_signal=signal.T.astype(np.float64),
                fmt=["16"] * len(leads), adc_gain=[1000.0] * len(leads), baseline=[0] * len(leads),
                write_dir=str(folder))


@pytest.fixture(scope="session")
def ludb_like(tmp_path_factory) -> Path:
    """data/ with 8 records (ids 1-8), ludb.csv with LVH on odd ids, AF on 3 and 4."""
    root = tmp_path_factory.mktemp("shared") / "ludb"
    rows = []
    for record_id in range(1, 9):
        signal, leads = synthetic_12lead(duration_s=10, heart_rate=60 + 5 * record_id, seed=record_id)
        _write(root / "data", str(record_id), signal, 500, leads)
        rows.append({"ID": record_id, "Sex": "F\n", "Age": "50\n",
                     "Rhythms": "Atrial fibrillation" if record_id in (3, 4) else "Sinus rhythm",
                     "Electric axis of the heart": "Electric axis of the heart: normal",
                     "Hypertrophies": "Left atrial hypertrophy\nLeft ventricular hypertrophy" if record_id % 2 else None,
                     "Ischemia": "Ischemia: inferior wall" if record_id == 2 else None})
    pd.DataFrame(rows, columns=LUDB_COLUMNS).to_csv(root / "ludb.csv", index=False)
    return root


@pytest.fixture(scope="session")
def ptbxl_like(tmp_path_factory) -> Path:
    """ptbxl_database.csv with 6 ECGs of 4 patients (patient 4 in fold 10), 100 Hz records."""
    root = tmp_path_factory.mktemp("ptbxl")
    rows = []
    plan = [(1, 1, "{'NORM': 100.0, 'SR': 0.0}", 1), (2, 1, "{'IMI': 50.0, 'SR': 0.0}", 1),
            (3, 2, "{'LVH': 100.0}", 3), (4, 3, "{'AFIB': 100.0, 'NDT': 100.0}", 9),
            (5, 4, "{'NORM': 80.0}", 10), (6, 4, "{'LVH': 100.0, 'IMI': 100.0}", 10)]
    for ecg_id, patient, codes, fold in plan:
        signal, leads = synthetic_12lead(duration_s=10, fs=100, seed=ecg_id)
        name = f"{ecg_id:05d}_lr"
        _write(root / "records100" / "00000", name, signal, 100, leads)
        rows.append({"ecg_id": ecg_id, "patient_id": float(patient), "scp_codes": codes, "strat_fold": fold,
                     "filename_lr": f"records100/00000/{name}", "filename_hr": f"records500/00000/{ecg_id:05d}_hr"})
    pd.DataFrame(rows).to_csv(root / "ptbxl_database.csv", index=False)
    return root
