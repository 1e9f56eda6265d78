"""ECG-QA's numeric features (RR, P duration, PR, QRS, QT, QTc) against its normal ranges."""

from __future__ import annotations

from ecg.criteria_types import Outcome, Undetermined, Unmeasured, check, statement
from ecg.errors import ECGError
from ecg.measurements import Measurements
from ecg.scp_codes import NUMERIC_FEATURES, NUMERIC_RANGES, NumericFeature, numeric_statement_code

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


def range_codes(spec: NumericFeature) -> list[str]:
    """The codes of a feature's ranges, e.g. PR_BELOW, PR_WITHIN, PR_ABOVE (no BELOW without a low limit)."""
    return [numeric_statement_code(spec, name) for name in NUMERIC_RANGES if name != "below" or spec.low]


def numeric_results(m: Measurements, spec: NumericFeature) -> list[Outcome]:
    """The statement of the range the value is in; every range Undetermined when it is unmeasured."""
    value = getattr(m, spec.field)
    range_name = numeric_range(spec.field, value)
    if range_name is None:
        return [Undetermined(code, (Unmeasured(spec.field),)) for code in range_codes(spec)]
    evidence = {
        "below": [check(spec.field, value, "<", spec.low)] if spec.low else [None],
        "within": ([check(spec.field, value, ">=", spec.low)] if spec.low else [])
                  + [check(spec.field, value, "<=", spec.high)],
        "above": [check(spec.field, value, ">", spec.high)],
    }[range_name]
    return [statement(numeric_statement_code(spec, range_name), evidence)]


def results(m: Measurements) -> list[Outcome]:
    return [outcome for spec in NUMERIC_FEATURES for outcome in numeric_results(m, spec)]
