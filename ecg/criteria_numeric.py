"""ECG-QA's numeric features (RR, P duration, PR, QRS, QT, QTc) against its normal ranges."""

from __future__ import annotations

from ecg.criteria_types import Statement, check, statement
from ecg.errors import ECGError
from ecg.measurements import Measurements
from ecg.scp_codes import NUMERIC_FEATURES, NumericFeature, numeric_statement_code

_BY_KEY = {key.lower(): feature for feature in NUMERIC_FEATURES for key in (feature.name, feature.field, feature.code)}


def numeric_feature(feature: str) -> NumericFeature:
    """The feature named as ECG-QA does ("qt corrected"), by Measurements field or by code."""
    found = _BY_KEY.get(str(feature).strip().lower())
    if found is None:
        known = ", ".join(repr(f.name) for f in NUMERIC_FEATURES)
        raise ECGError(None, f"unknown numeric feature {feature!r}; known: {known}")
    return found


def numeric_range(feature: str, value: float | None) -> str | None:
    """"below", "within" or "above" ECG-QA's normal range (bounds inclusive); None if unmeasured."""
    spec = numeric_feature(feature)
    if value is None:
        return None
    if spec.low is not None and value < spec.low.value:
        return "below"
    return "above" if value > spec.high.value else "within"


def numeric_ranges(m: Measurements) -> dict[str, str | None]:
    """Each ECG-QA numeric feature ("qt corrected", ...) -> its range, None when unmeasured."""
    return {spec.name: numeric_range(spec.field, getattr(m, spec.field)) for spec in NUMERIC_FEATURES}


def numeric_statement(m: Measurements, spec: NumericFeature) -> Statement | None:
    value = getattr(m, spec.field)
    range_name = numeric_range(spec.field, value)
    if range_name is None:
        return None
    evidence = {
        "below": [check(spec.field, value, "<", spec.low)] if spec.low else [None],
        "within": ([check(spec.field, value, ">=", spec.low)] if spec.low else [])
                  + [check(spec.field, value, "<=", spec.high)],
        "above": [check(spec.field, value, ">", spec.high)],
    }[range_name]
    return statement(numeric_statement_code(spec, range_name), evidence)


def statements(m: Measurements) -> list[Statement]:
    found = [numeric_statement(m, spec) for spec in NUMERIC_FEATURES]
    return [s for s in found if s is not None]
