"""A limb electrode's step is no beat; chest leads that are alike in every beat are still beats."""

from __future__ import annotations

import numpy as np

from tests.ecg.measured import measure_signal, stated_codes
from tests.ecg.synthetic_waves import LEADS, synthetic_record

# A potential at the left-arm electrode in each lead: I = LA - RA, III = LL - LA, the augmented
# leads against the other two limbs' mean, V1-V6 against Wilson's terminal (RA + LA + LL) / 3.
LEFT_ARM = np.array([1.0, 0.0, -1.0, -0.5, 1.0, -0.5] + [-1.0 / 3.0] * 6)


def _with_left_arm_steps(signal: np.ndarray, starts_s: tuple[float, ...], fs: float = 500.0) -> np.ndarray:
    """The signal with a 1 mV step at the left-arm electrode at each start, decaying over 0.3 s."""
    out = signal.copy()
    for start in (int(s * fs) for s in starts_s):
        decay = np.exp(-np.arange(out.shape[1] - start) / (0.3 * fs))
        out[:, start:] += LEFT_ARM[:, None] * decay
    return out


def test_a_moving_limb_electrode_makes_no_beat_and_no_pvc():
    """The step reaches every chest lead alike through Wilson's terminal: LUDB with such steps
    read PVC on 27 of 160 records (benchmarks/noise_robustness.py)."""
    signal, onsets = synthetic_record(rr_s=[0.8] * 11, noise_mv=0.02)
    between = tuple((onsets[k] / 500.0) + 0.55 for k in (2, 6))   # in the T-P segment
    m = measure_signal(_with_left_arm_steps(signal, between))
    assert m.n_beats == len(onsets) and m.ventricular_ectopic_beats == 0
    assert "PVC" not in stated_codes(m)


def test_chest_leads_alike_in_every_beat_keep_their_beats():
    """A record whose six chest leads are one and the same in every beat (PTB-XL subset 16504
    comes close): no beat stands out from the record's own, so none is dropped."""
    signal, onsets = synthetic_record(rr_s=[0.8] * 11, noise_mv=0.02)
    chest = [LEADS.index(name) for name in ("V1", "V2", "V3", "V4", "V5", "V6")]
    signal[chest] = signal[LEADS.index("V4")]
    assert measure_signal(signal).n_beats == len(onsets)
