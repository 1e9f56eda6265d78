"""A replica of how ECG-QA derived its numeric-feature answers, as a baseline for templates 68-70.

ECG-QA computed RR, P duration, PR, QRS, QT and QTc with NeuroKit2 on lead II at 500 Hz
(ecg_clean, ecg_peaks, ecg_delineate with the DWT method), QT from the Q peak to the T offset and
QTc = QT / sqrt(RR) (Bazett), and compared them with its normal ranges (../shared/data/README.md).
The other boundaries are NeuroKit2's: P from P onset to P offset, PR from P onset to R onset, QRS
from R onset to R offset; each feature is the mean over the beats where it was delineated. How
close this replica comes to the dataset's labels shows what measurement alone can reach.
"""

from __future__ import annotations

import warnings
from fractions import Fraction
from typing import Mapping

import numpy as np
from scipy.signal import resample_poly

from ecg.criteria import numeric_range
from ecg.record import ECGRecord
from eval.baselines import NUMERIC_COMPARISON_TEMPLATES, RANGE_STATE
from eval.cache import ECGCache
from eval.ecgqa_data import NONE_ANSWER, EcgId, Question

ECGQA_FS = 500  # ECG-QA delineated PTB-XL's records500
ECGQA_LEAD = "II"
# ECG-QA feature name -> (NeuroKit2 start wave, end wave); RR and QTc are derived.
WAVE_SPANS = {"p duration": ("ECG_P_Onsets", "ECG_P_Offsets"), "pr interval": ("ECG_P_Onsets", "ECG_R_Onsets"),
              "qrs duration": ("ECG_R_Onsets", "ECG_R_Offsets"), "qt interval": ("ECG_Q_Peaks", "ECG_T_Offsets")}


def ecgqa_features(record: ECGRecord) -> dict[str, float | None]:
    """ECG-QA's six numeric features of one record, in seconds; None where NeuroKit2 finds none."""
    import neurokit2 as nk

    signal = np.nan_to_num(record.lead(ECGQA_LEAD).astype(np.float64))
    ratio = Fraction(ECGQA_FS / record.fs).limit_denominator(1000)
    signal = resample_poly(signal, ratio.numerator, ratio.denominator) if ratio != 1 else signal
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            cleaned = nk.ecg_clean(signal, sampling_rate=ECGQA_FS)
            _, peaks = nk.ecg_peaks(cleaned, sampling_rate=ECGQA_FS)
            r_peaks = np.asarray(peaks["ECG_R_Peaks"])
            _, waves = nk.ecg_delineate(cleaned, r_peaks, sampling_rate=ECGQA_FS, method="dwt")
        except (ValueError, IndexError, ZeroDivisionError):
            return dict.fromkeys(("rr interval", *WAVE_SPANS, "qt corrected"))
        features = {"rr interval": _mean(np.diff(r_peaks) / ECGQA_FS)}
        for name, (start, end) in WAVE_SPANS.items():
            span = np.asarray(waves.get(end, []), dtype=float) - np.asarray(waves.get(start, []), dtype=float)
            features[name] = _mean(span / ECGQA_FS)
    rr, qt = features["rr interval"], features["qt interval"]
    features["qt corrected"] = qt / np.sqrt(rr) if rr and qt else None
    return features


class NeuroKitReplicaBaseline:
    """Answers ECG-QA's numeric comparisons (templates 68-70) from ``ecgqa_features``; "none"
    to every other question."""

    name = "neurokit-replica"

    def __init__(self, cache: ECGCache | None = None):
        self.cache = cache or ECGCache(None)

    def predict(self, batch: list[Question], ecgs: Mapping[EcgId, ECGRecord]) -> list[list[str]]:
        answers = []
        for question in batch:
            if question.template_id not in NUMERIC_COMPARISON_TEMPLATES or len(question.ecg_ids) != 2:
                answers.append([NONE_ANSWER])
                continue
            first, second = (self.cache.get("ecgqa_features", e, lambda e=e: ecgqa_features(ecgs[e]))
                             for e in question.ecg_ids)
            wanted = NUMERIC_COMPARISON_TEMPLATES[question.template_id]
            found = [name for name in first if (_state(name, first[name]), _state(name, second[name])) == wanted]
            answers.append(found or [NONE_ANSWER])
        return answers


def _state(feature: str, seconds: float | None) -> str | None:
    range_name = numeric_range(feature, None if seconds is None else seconds * 1000.0)
    return RANGE_STATE.get(range_name) if range_name else None


def _mean(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else None
