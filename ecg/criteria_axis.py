"""Frontal QRS axis statements, with ECG-QA's ranges: normal -30..90, left -90..-30,
right 90..180, extreme -180..-90 degrees."""

from __future__ import annotations

from ecg import thresholds as t
from ecg.criteria_types import Outcome, check, statement
from ecg.measurements import Measurements


def wrapped_axis(degrees: float | None) -> float | None:
    """The angle in (-180, 180] degrees."""
    if degrees is None:
        return None
    angle = degrees % 360.0
    return angle - 360.0 if angle > 180.0 else angle


def normal_axis(m: Measurements) -> Outcome:
    axis = wrapped_axis(m.qrs_axis_deg)
    return statement("MID", [check("qrs_axis_deg", axis, ">=", t.AXIS_NORMAL_MIN_DEG),
                             check("qrs_axis_deg", axis, "<=", t.AXIS_NORMAL_MAX_DEG)])


def left_axis_deviation(m: Measurements) -> Outcome:
    axis = wrapped_axis(m.qrs_axis_deg)
    return statement("LAD", [check("qrs_axis_deg", axis, "<", t.AXIS_NORMAL_MIN_DEG),
                             check("qrs_axis_deg", axis, ">=", t.AXIS_LEFT_MIN_DEG)])


def right_axis_deviation(m: Measurements) -> Outcome:
    axis = wrapped_axis(m.qrs_axis_deg)
    return statement("RAD", [check("qrs_axis_deg", axis, ">", t.AXIS_NORMAL_MAX_DEG)])


def extreme_axis_deviation(m: Measurements) -> Outcome:
    axis = wrapped_axis(m.qrs_axis_deg)
    return statement("EAD", [check("qrs_axis_deg", axis, "<", t.AXIS_LEFT_MIN_DEG)])


RULES = (normal_axis, left_axis_deviation, right_axis_deviation, extreme_axis_deviation)
