"""Small ECG-QA question files and WFDB record trees written by the tests themselves."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

TEMPLATE_CSV = """template_id,classes
1,"['no', 'not sure', 'yes']"
21,"['extreme axis deviation', 'left axis deviation', 'none', 'normal heart axis', 'right axis deviation']"
68,"['none', 'p duration', 'pr interval', 'qrs duration', 'qt corrected', 'qt interval', 'rr interval']"
"""


def question(sample_id: int, ecg_id, answer, template_id=68, question_type="comparison_irrelevant-query",
             attribute_type="numeric_feature", text=None, attribute=None, **extra) -> dict:
    item = {"template_id": template_id, "question_id": template_id, "sample_id": sample_id,
            "question_type": question_type, "attribute_type": attribute_type,
            "question": text or f"question {sample_id}", "answer": answer,
            "ecg_id": ecg_id if isinstance(ecg_id, list) else [ecg_id], "attribute": attribute}
    item.update(extra)
    return item


def write_questions(path: Path, items: list[dict], with_csv: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(items), encoding="utf-8")
    if with_csv:
        (path.parent / "answers_for_each_template.csv").write_text(TEMPLATE_CSV, encoding="utf-8")
    return path


def write_wfdb(folder: Path, name: str, fs: int = 100, seconds: float = 2.0, seed: int = 0) -> Path:
    """A 12-lead WFDB record (sine waves plus noise, mV) named ``name`` in ``folder``."""
    import wfdb

    folder.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(fs * seconds)) / fs
    rng = np.random.default_rng(seed)
    signal = np.stack([0.5 * np.sin(2 * np.pi * (1 + lead / 10) * t) for lead in range(12)], axis=1)
    signal = signal + 0.01 * rng.standard_normal(signal.shape)
    leads = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]
    wfdb.wrsamp(name, fs=fs, units=["mV"] * 12, sig_name=leads, p_signal=signal, fmt=["16"] * 12,
                write_dir=str(folder))
    return folder / f"{name}.hea"
