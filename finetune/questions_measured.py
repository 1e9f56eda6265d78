"""Labels for unlabelled ECGs from the measurement engine: ECG-QA numeric features and axis.

``labels_from_measurements`` reads a ``Measurements.to_dict()``: the numeric features outside
ECG-QA's normal ranges (ecg.criteria.numeric_range, bounds inclusive) and the axis statement of
the criteria engine. ``numeric_range_questions`` asks ECG-QA's per-feature range question
("In which range is the qt interval of this ECG?").
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from ecg.criteria import numeric_range
from ecg.scp_codes import NUMERIC_FEATURES
from finetune.instructions import NONE, Example, LabelledECG

AXIS_NAMES = ("left axis deviation", "normal heart axis", "right axis deviation", "extreme axis deviation")
RANGE_ANSWERS = {"below": "below the normal range", "within": "within the normal range",
                 "above": "above the normal range"}
VOCABULARIES = {
    "numeric_feature": tuple(sorted(f.name for f in NUMERIC_FEATURES)) + (NONE,),
    "axis": AXIS_NAMES,
}


def labels_from_measurements(ecg_id: str, patient_id: str, measurements: Mapping,
                             time_order: float = 0.0) -> LabelledECG:
    """Abnormal numeric features (all six measured, else not labelled) and the measured axis."""
    ranges = {f.name: numeric_range(f.field, measurements.get(f.field)) for f in NUMERIC_FEATURES}
    labels: dict[str, frozenset[str]] = {}
    if all(r is not None for r in ranges.values()):
        abnormal = {name for name, r in ranges.items() if r != "within"}
        labels["numeric_feature"] = frozenset(abnormal or {NONE})
    axis = {s["name"] for s in measurements.get("statements") or [] if s.get("name") in AXIS_NAMES}
    if axis:
        labels["axis"] = frozenset(axis)
    return LabelledECG(str(ecg_id), str(patient_id), labels, time_order)


def numeric_range_questions(ecg_id: str, patient_id: str, measurements: Mapping,
                            rng: random.Random) -> list[Example]:
    """One range question for a randomly chosen measured feature (single-query, ECG-QA template 41)."""
    measured = [f for f in NUMERIC_FEATURES if numeric_range(f.field, measurements.get(f.field))]
    if not measured:
        return []
    feature = rng.choice(measured)
    answer = RANGE_ANSWERS[numeric_range(feature.field, measurements[feature.field])]
    return [Example("single-query", "numeric_feature",
                    f"In which range is the {feature.name} of this ECG?", (answer,),
                    tuple(sorted(RANGE_ANSWERS.values())), (str(ecg_id),), (str(patient_id),),
                    meta={"attribute": feature.name})]
