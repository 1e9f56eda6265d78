"""Reports tables in PTB-XL and MIMIC-IV-ECG layouts over synthetic WFDB records."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import wfdb

LEADS = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]
# (offset from the R peak in s, width in s, amplitude in mV) of the P, Q, R, S and T waves
WAVES = ((-0.16, 0.025, 0.15), (-0.03, 0.01, -0.1), (0.0, 0.012, 1.0), (0.03, 0.01, -0.25), (0.25, 0.05, 0.3))

# ecg_id -> (patient_id, strat_fold, heart rate, report): two ECGs of patient 7, one of each other
PTBXL_ROWS = {1: (7, 3, 60, "sinus rhythm, normal ecg"), 2: (7, 3, 62, "sinus rhythm, normal ecg"),
              3: (8, 10, 110, "sinus tachycardia"), 4: (9, 1, 64, "sinus rhythm"), 5: (10, 9, 100, "tachycardia")}


def synthetic_beats(heart_rate: int, seed: int, fs: int = 100, seconds: float = 10.0) -> np.ndarray:
    """(samples, 12) mV: Gaussian P-QRS-T waves at ``heart_rate`` with lead gains and noise
    (fast, unlike a full simulator, and enough for an encoder to tell rates apart)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(fs * seconds)) / fs
    beat = np.zeros_like(t)
    for r_peak in np.arange(0.3, seconds, 60 / heart_rate):
        for offset, width, amplitude in WAVES:
            beat += amplitude * np.exp(-0.5 * ((t - r_peak - offset) / width) ** 2)
    gains = rng.uniform(-1.2, 1.5, 12)
    return beat[:, None] * gains + 0.02 * rng.standard_normal((len(t), 12))


def write_record(path: Path, heart_rate: int, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wfdb.wrsamp(path.name, fs=100, units=["mV"] * 12, sig_name=LEADS, p_signal=synthetic_beats(heart_rate, seed),
                fmt=["16"] * 12, write_dir=str(path.parent))


def write_ptbxl(root: Path) -> Path:
    lines = ["ecg_id,patient_id,report,scp_codes,strat_fold,filename_lr,filename_hr"]
    for ecg_id, (patient, fold, rate, report) in PTBXL_ROWS.items():
        name = f"records100/00000/{ecg_id:05d}_lr"
        write_record(root / name, rate, seed=ecg_id)
        lines.append(f'{ecg_id},{patient}.0,"{report}","{{\'NORM\': 100.0, \'SR\': 0.0}}",{fold},{name},'
                     f"records500/00000/{ecg_id:05d}_hr")
    (root / "ptbxl_database.csv").write_text("\n".join(lines) + "\n")
    return root


def write_mimic(root: Path) -> Path:
    records = ["subject_id,study_id,file_name,ecg_time,path"]
    reports = ["subject_id,study_id,report_0,report_1,report_2"]
    for i, (subject, study) in enumerate([(100, 4000), (100, 4001), (101, 4002)]):
        path = f"files/p1000/p{subject}/s{study}/{study}"
        write_record(root / path, 60 + 20 * i, seed=i)
        records.append(f"{subject},{study},{study},2180-01-01 00:00:00,{path}")
        reports.append(f"{subject},{study},Sinus rhythm,{'Normal ECG' if i < 2 else 'Sinus tachycardia'},")
    (root / "record_list.csv").write_text("\n".join(records) + "\n")
    (root / "machine_measurements.csv").write_text("\n".join(reports) + "\n")
    return root
