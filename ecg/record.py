"""The one record type every layer works with, and the checks that make a record trustworthy."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ecg.errors import ECGError
from ecg.leads import STANDARD_LEADS, canonical_lead_names, derive_limb_leads
from ecg.limits import ReadLimits

# Physical units accepted for ECG channels, as factors to millivolts.
UNIT_TO_MV: dict[str, float] = {
    "mv": 1.0, "millivolt": 1.0, "millivolts": 1.0,
    "uv": 1e-3, "µv": 1e-3, "μv": 1e-3, "microvolt": 1e-3, "microvolts": 1e-3,
    "v": 1e3, "volt": 1e3, "volts": 1e3,
    "nv": 1e-6,
}
# Above this, "mV" values are not a body-surface ECG: the file's units are almost surely wrong.
MAX_PLAUSIBLE_MV = 50.0


@dataclass(frozen=True)
class ECGRecord:
    """An ECG: float32 signal shaped (leads, samples) in mV, its sampling rate and lead names.

    NaN samples mark missing data (gaps); everything else is finite.
    """

    signal: np.ndarray
    fs: float
    leads: tuple[str, ...]
    source: str = ""
    format: str = ""
    units: str = "mV"
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        return int(self.signal.shape[1])

    @property
    def duration_s(self) -> float:
        return self.n_samples / self.fs

    def lead(self, name: str) -> np.ndarray:
        """One lead's samples; raises ECGError naming the lead when the record lacks it."""
        if name not in self.leads:
            raise ECGError(self.source, f"lead {name} is missing (the record has {', '.join(self.leads)})")
        return self.signal[self.leads.index(name)]

    def select(self, names: list[str] | tuple[str, ...]) -> "ECGRecord":
        """A record with only the named leads, in the given order."""
        rows = [self.leads.index(n) for n in names if n in self.leads]
        return replace(self, signal=self.signal[rows], leads=tuple(self.leads[r] for r in rows))

    def with_signal(self, signal: np.ndarray, fs: float | None = None) -> "ECGRecord":
        """The same record with a processed signal (and a new rate when resampled)."""
        return replace(self, signal=np.ascontiguousarray(signal, dtype=np.float32),
                       fs=float(fs if fs is not None else self.fs))


def make_record(
    signal: np.ndarray,
    fs: float,
    leads: list[str] | tuple[str, ...],
    *,
    source: str,
    format: str,
    units: str | list[str] | tuple[str, ...] = "mV",
    metadata: dict[str, Any] | None = None,
    limits: ReadLimits | None = None,
) -> ECGRecord:
    """Check and normalise what a reader found into an ECGRecord.

    Converts units to mV (one unit for all leads, or one per lead), maps lead aliases to
    standard names, derives missing limb leads from I and II, puts the standard leads first in
    their usual order, and raises ECGError naming the file for anything unusable.
    """
    limits = limits or ReadLimits()
    notes: list[str] = list((metadata or {}).get("warnings", []))
    data = _as_2d_float(signal, source)
    n_leads, n_samples = data.shape
    if len(leads) != n_leads:
        raise ECGError(source, f"the header names {len(leads)} leads but the data has {n_leads}")
    fs = _checked_fs(fs, source, limits)
    if n_leads > limits.max_leads:
        raise ECGError(source, f"{n_leads} channels is more than the {limits.max_leads} allowed")
    if n_leads * n_samples > limits.max_total_samples:
        raise ECGError(source, f"{n_leads} x {n_samples} samples exceed the limit of {limits.max_total_samples}")
    if n_samples / fs < limits.min_duration_s:
        raise ECGError(source, f"the signal lasts {n_samples / fs:.2f} s, shorter than {limits.min_duration_s} s")
    if np.isinf(data).any():
        raise ECGError(source, "the signal contains infinite values")

    data = data * _unit_factors(units, n_leads, source)[:, None]
    names = canonical_lead_names([str(name) for name in leads])

    empty = [name for name, row in zip(names, data) if np.isnan(row).all()]
    if len(empty) == n_leads:
        raise ECGError(source, "every sample is missing (NaN)")
    if empty:
        keep = [i for i, name in enumerate(names) if name not in empty]
        data, names = data[keep], tuple(names[i] for i in keep)
        notes.append(f"leads without any sample dropped: {', '.join(empty)}")
    missing_share = float(np.isnan(data).mean())
    if missing_share > limits.max_missing_share:
        raise ECGError(source, f"{missing_share:.0%} of the samples are missing (NaN)")

    peak = float(np.nanpercentile(np.abs(data), 99.9))
    if peak > MAX_PLAUSIBLE_MV:
        raise ECGError(source, f"amplitudes reach {peak:.0f} mV, which no ECG does: the units "
                               f"are probably wrong (microvolts stored as millivolts?)")

    data, names = derive_limb_leads(data, names)
    order = sorted(range(len(names)), key=lambda i: _lead_rank(names[i], i))
    meta = dict(metadata or {})
    if notes:
        meta["warnings"] = notes
    return ECGRecord(
        signal=np.ascontiguousarray(data[order], dtype=np.float32),
        fs=fs,
        leads=tuple(names[i] for i in order),
        source=source,
        format=format,
        metadata=meta,
    )


def _as_2d_float(signal: np.ndarray, source: str) -> np.ndarray:
    try:
        data = np.asarray(signal, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ECGError(source, f"the samples are not numbers ({exc})") from None
    if data.ndim == 1:
        data = data[None, :]
    if data.ndim != 2 or data.size == 0:
        raise ECGError(source, f"expected a (leads, samples) signal, found shape {data.shape}")
    return data


def _checked_fs(fs: float, source: str, limits: ReadLimits) -> float:
    try:
        value = float(fs)
    except (TypeError, ValueError):
        raise ECGError(source, f"the sampling rate {fs!r} is not a number") from None
    if not np.isfinite(value) or value <= 0:
        raise ECGError(source, f"the sampling rate {fs!r} Hz is not a positive number")
    if not limits.min_fs <= value <= limits.max_fs:
        raise ECGError(source, f"a sampling rate of {value:g} Hz is outside "
                               f"{limits.min_fs:g}-{limits.max_fs:g} Hz")
    return value


def _unit_factors(units: str | list[str] | tuple[str, ...], n_leads: int, source: str) -> np.ndarray:
    per_lead = [units] * n_leads if isinstance(units, str) else list(units)
    if len(per_lead) != n_leads:
        raise ECGError(source, f"{len(per_lead)} units given for {n_leads} leads")
    factors = []
    for unit in per_lead:
        key = (unit or "mV").strip().lower()
        if key not in UNIT_TO_MV:
            raise ECGError(source, f"unit {unit!r} is not a voltage (expected mV, uV or V)")
        factors.append(UNIT_TO_MV[key])
    return np.asarray(factors)


def _lead_rank(name: str, position: int) -> tuple[int, int]:
    if name in STANDARD_LEADS:
        return (0, STANDARD_LEADS.index(name))
    return (1, position)
