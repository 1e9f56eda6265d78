"""Lead names: the standard twelve, the aliases files use for them, and derived limb leads."""

from __future__ import annotations

import re

import numpy as np

STANDARD_LEADS: tuple[str, ...] = (
    "I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6",
)
LIMB_LEADS: tuple[str, ...] = STANDARD_LEADS[:6]
PRECORDIAL_LEADS: tuple[str, ...] = STANDARD_LEADS[6:]

# Right-sided and posterior leads keep their own standard names.
EXTRA_LEADS: tuple[str, ...] = ("V3R", "V4R", "V5R", "V6R", "V7", "V8", "V9", "X", "Y", "Z")

_CANONICAL = {name.upper(): name for name in STANDARD_LEADS + EXTRA_LEADS}
_ROMAN = {"1": "I", "2": "II", "3": "III"}
_ALIASES = {
    # Modified limb leads of ambulatory (Holter) recordings: MIT-BIH's MLII is lead II.
    "MLI": "I", "MLII": "II", "MLIII": "III", "ML2": "II",
    # V1R is recorded at the V2 position and V2R at the V1 position.
    "V1R": "V2", "V2R": "V1",
    "AVR": "aVR", "AVL": "aVL", "AVF": "aVF",
    "D1": "I", "D2": "II", "D3": "III", "DI": "I", "DII": "II", "DIII": "III",
}
_PREFIXES = re.compile(r"^(ECG|EKG|LEAD|DERIVATION|MDC_ECG_LEAD_)[\s_\-:]*", re.IGNORECASE)


def canonical_lead_name(name: str) -> str:
    """Map a lead label from a file ("MLII", "ECG 1", "lead v1", "MDC_ECG_LEAD_AVR") to a standard name.

    Labels that name no known lead come back stripped but otherwise unchanged.
    An Arabic numeral 1-3 after an "ECG"/"lead" prefix means limb lead I-III, as in "ECG 1".
    """
    label = name.strip()
    bare = _PREFIXES.sub("", label).strip().replace(" ", "")
    key = bare.upper()
    if key in _CANONICAL:
        return _CANONICAL[key]
    if key in _ALIASES:
        return _ALIASES[key]
    if bare != label.replace(" ", "") and key in _ROMAN:
        return _ROMAN[key]
    return label


def canonical_lead_names(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Canonical names for a record's leads; numbered channels "1".."12" of a 12-channel file
    take the standard order. Duplicates after mapping keep their original labels."""
    labels = [n.strip() for n in names]
    if len(labels) == 12 and [_PREFIXES.sub("", n).strip() for n in labels] == [
        str(i) for i in range(1, 13)
    ]:
        return STANDARD_LEADS
    mapped = [canonical_lead_name(n) for n in labels]
    seen: dict[str, int] = {}
    for m in mapped:
        seen[m] = seen.get(m, 0) + 1
    return tuple(m if seen[m] == 1 else orig for m, orig in zip(mapped, labels))


def derive_limb_leads(signal: np.ndarray, leads: tuple[str, ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Add III, aVR, aVL and aVF from I and II (Einthoven's and Goldberger's relations)
    where they are missing. Returns the signal and lead names, the derived leads appended."""
    if "I" not in leads or "II" not in leads:
        return signal, leads
    lead_i = signal[leads.index("I")]
    lead_ii = signal[leads.index("II")]
    formulas = {
        "III": lambda: lead_ii - lead_i,
        "aVR": lambda: -(lead_i + lead_ii) / 2,
        "aVL": lambda: lead_i - lead_ii / 2,
        "aVF": lambda: lead_ii - lead_i / 2,
    }
    missing = [name for name in formulas if name not in leads]
    if not missing:
        return signal, leads
    extra = np.stack([formulas[name]() for name in missing]).astype(signal.dtype)
    return np.concatenate([signal, extra]), leads + tuple(missing)
