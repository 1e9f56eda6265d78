"""What the measurement engine reports about one ECG: global intervals, per-lead amplitudes, beats.

This is the contract between ``ecg.measure.measure`` (which fills it) and ``ecg.criteria``
(which reads it). Times are milliseconds, amplitudes millivolts, angles degrees; a value that
cannot be measured is None and ``notes[field]`` says why.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class LeadMeasurements:
    """One lead's values, taken from that lead's representative (median) beat."""

    p_amplitude_mv: float | None = None
    q_amplitude_mv: float | None = None   # negative or 0
    r_amplitude_mv: float | None = None
    s_amplitude_mv: float | None = None   # negative or 0
    t_amplitude_mv: float | None = None   # signed (negative = inverted T)
    st_j_mv: float | None = None          # ST level at the J point (QRS offset) vs the PR-segment baseline
    st_j60_mv: float | None = None        # at J + 60 ms
    qrs_area_mvms: float | None = None    # net QRS area, for axis and bundle-branch morphology
    r_prime_present: bool | None = None   # rSR' / M-shaped QRS
    q_duration_ms: float | None = None    # initial negative QRS deflection (0 without one; a QS complex's)
    qrs_duration_ms: float | None = None  # this lead's own QRS, inside the global one


@dataclass
class Beat:
    """One detected beat and what was measured on it."""

    r_peak_ms: float               # from the record's start
    rr_ms: float | None            # to the previous beat
    kind: str                      # "N" sinus-conducted, "V" ventricular ectopic, "S" supraventricular
    #                                ectopic, "P" paced, "Q" unclassifiable
    p_wave: bool | None            # a P wave found before this QRS
    pr_ms: float | None
    qrs_ms: float | None
    qt_ms: float | None


@dataclass
class Measurements:
    """Everything measured on one ECG.

    ``rr_irregularity`` is the RMSSD of successive RR intervals divided by the mean RR
    (dimensionless): about 0.02-0.05 in sinus rhythm, above 0.1 in atrial fibrillation.
    ``fiducials_ms`` holds the global fiducials of the representative beat in ms relative to
    its R peak (the alignment point of the median beat; negative = before it):
    p_onset, p_offset, qrs_onset, qrs_offset, t_peak, t_offset.
    """

    source: str
    fs: float
    leads: list[str]
    heart_rate_bpm: float | None = None
    rr_ms: float | None = None            # mean RR
    rr_sd_ms: float | None = None
    rr_irregularity: float | None = None  # RMSSD / mean RR
    p_duration_ms: float | None = None
    pr_interval_ms: float | None = None
    qrs_duration_ms: float | None = None
    qrs_duration_median_lead_ms: float | None = None  # median of the leads' own QRS (what criteria read)
    qt_interval_ms: float | None = None
    qtc_bazett_ms: float | None = None
    qtc_fridericia_ms: float | None = None
    qtc_framingham_ms: float | None = None
    qtc_hodges_ms: float | None = None
    p_axis_deg: float | None = None
    qrs_axis_deg: float | None = None
    t_axis_deg: float | None = None
    sokolow_lyon_mv: float | None = None  # S(V1) + max(R(V5), R(V6))
    cornell_mv: float | None = None       # R(aVL) + S(V3)
    n_beats: int = 0
    ventricular_ectopic_beats: int = 0
    supraventricular_ectopic_beats: int = 0
    paced_beats: int = 0
    p_wave_present_share: float | None = None   # share of beats with a P wave, ventricular ectopics left out
    atrial_rate_bpm: float | None = None        # from P/F waves where measurable
    atrial_periodicity: float | None = None     # outside the QRS, the repeat at that cycle (ecg.atrial)
    dissociated_p_periodicity: float | None = None  # P waves apart from the QRS (ecg.dissociation)
    blocked_p_correlation: float | None = None  # a P wave half an RR after the conducted one (ecg.blocked_p)
    dropped_p_correlation: float | None = None  # a P wave in the pauses (ecg.dropped_beats)
    pr_shortening_after_pause_ms: float | None = None  # PR before a pause minus PR after it (ecg.dropped_beats)
    blocked_pac_correlation: float | None = None  # an early P wave before the pauses (ecg.blocked_pac)
    blocked_premature_beats: int | None = None  # pauses it explains: non-conducted premature atrial beats
    longest_pause_ms: float | None = None  # longest RR between two normal beats (ecg.pauses)
    pause_sinus_cycles: float | None = None  # ... over the sinus cycle (median of the shorter RRs)
    sinus_rr_spread: float | None = None  # range of the other RRs between normal beats over that cycle
    sinus_rate_outside_pauses_bpm: float | None = None  # the rate of those other RRs
    fiducials_ms: dict[str, float | None] = field(default_factory=dict)
    per_lead: dict[str, LeadMeasurements] = field(default_factory=dict)
    beats: list[Beat] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    statements: list[dict] = field(default_factory=list)

    def drop_p_waves(self, reason: str) -> None:
        """P duration, PR (each beat's too), P axis and the atrial rate null with ``reason``."""
        self.p_duration_ms = self.pr_interval_ms = self.atrial_rate_bpm = None
        for beat in self.beats:
            beat.pr_ms = None
        for name in ("p_duration_ms", "pr_interval_ms", "p_axis_deg", "atrial_rate_bpm"):
            self.notes[name] = reason

    def to_dict(self) -> dict[str, Any]:
        """The public JSON object (see DESIGN.md): every field, NaN and infinities as None."""
        return _finite(asdict(self))


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _finite(value.item())
    return value
