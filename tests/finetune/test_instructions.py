"""Instruction data generated from labels: all seven ECG-QA question types, answers right, split by patient."""

import json
import random
from collections import Counter

import pytest

from ecg.errors import ECGError
from finetune.instructions import QUESTION_TYPES, LabelledECG, generate_questions, patient_split, split_examples
from finetune.questions_ecgqa import read_ecgqa_questions, read_template_options
from finetune.questions_ludb import VOCABULARIES, labels_of_row, read_ludb_labels
from finetune.questions_measured import labels_from_measurements, numeric_range_questions

LUDB_HEADER = ("ID,Sex,Age,Rhythms,Electric axis of the heart,Conduction abnormalities,Extrasystolies,"
               "Hypertrophies,Cardiac pacing,Ischemia,Non-specific repolarization abnormalities,Other states\n")


def _ecg(ecg_id, patient, scp, axis, order=0.0):
    return LabelledECG(ecg_id, patient, {"scp_code": frozenset(scp), "axis": frozenset({axis})}, order)


VOCAB = {"scp_code": ("atrial fibrillation", "first degree av block", "sinus rhythm"),
         "axis": ("left axis deviation", "normal heart axis", "right axis deviation")}


def _cohort():
    ecgs = [_ecg(f"{p}-{k}", str(p), {"sinus rhythm"} if (p + k) % 2 else {"atrial fibrillation", "first degree av block"},
                 "normal heart axis" if p % 3 else "left axis deviation", order=k)
            for p in range(40) for k in range(2)]
    return ecgs


def test_every_question_type_is_generated_with_answers_true_to_the_labels():
    ecgs = _cohort()
    by_id = {e.ecg_id: e for e in ecgs}
    examples = generate_questions(ecgs, VOCAB, seed=3)
    assert set(Counter(e.question_type for e in examples)) == set(QUESTION_TYPES)
    for e in examples:
        assert set(e.answer) <= set(e.options) | {"none"}
        first = by_id[e.ecg_ids[0]].labels[e.attribute_type]
        if e.question_type == "single-verify":
            assert e.answer == (("yes",) if e.meta["attribute"] in first else ("no",))
        if e.question_type == "single-query":
            assert set(e.answer) == set(first)
        if e.question_type.startswith("comparison"):
            second = by_id[e.ecg_ids[1]].labels[e.attribute_type]
            same_patient = by_id[e.ecg_ids[0]].patient_id == by_id[e.ecg_ids[1]].patient_id
            assert same_patient == ("consecutive" in e.question_type)
            if e.question_type.endswith("query") and e.meta["change"] == "newly":
                assert set(e.answer) == (set(second - first) or {"none"})


def test_split_by_patient_never_shares_a_patient():
    splits = split_examples(generate_questions(_cohort(), VOCAB, seed=1))
    patients = {name: {p for e in items for p in e.patient_ids} for name, items in splits.items()}
    assert splits["train"] and splits["test"]
    assert not patients["train"] & patients["test"]
    assert patient_split("17") == patient_split("17")


def test_ludb_rows_map_to_ecgqa_attributes(tmp_path):
    row = {"Rhythms": "Sinus bradycardia\n", "Electric axis of the heart": "Electric axis of the heart: vertical",
           "Conduction abnormalities": "I degree AV block\nLeft anterior hemiblock",
           "Extrasystolies": "Ventricular extrasystole, type: single pvc", "Hypertrophies": "Left atrial hypertrophy",
           "Cardiac pacing": "", "Ischemia": "Scar formation: septal\nIschemia: apical"}
    labels = labels_of_row(row)
    assert labels["scp_code"] == {"sinus bradycardia", "first degree av block", "left anterior fascicular block",
                                  "ventricular premature complex", "left atrial overload/enlargement"}
    assert labels["axis"] == {"normal heart axis"}
    assert labels["extrasystole"] == {"ventricular extrasystoles"}
    assert labels["infarction_stage"] == {"old stage of myocardial infarction"}
    assert all(labels[k] <= set(VOCABULARIES[k]) for k in labels)
    csv_path = tmp_path / "ludb.csv"
    csv_path.write_text(LUDB_HEADER + '7,M,60,Atrial fibrillation,"Electric axis of the heart: left axis deviation"'
                        ",,,,,,,\n")
    (record,) = read_ludb_labels(csv_path)
    assert record.patient_id == "7" and record.labels["scp_code"] == {"atrial fibrillation"}


def test_not_ludb_csv_is_an_ecg_error(tmp_path):
    bad = tmp_path / "other.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ECGError, match="other.csv"):
        read_ludb_labels(bad)


def test_measured_labels_and_range_questions_follow_ecgqa_ranges():
    m = {"rr_ms": 1300.0, "p_duration_ms": 100.0, "pr_interval_ms": 150.0, "qrs_duration_median_lead_ms": 130.0,
         "qt_interval_ms": 400.0, "qtc_bazett_ms": 420.0, "statements": [{"name": "left axis deviation"}]}
    labelled = labels_from_measurements("a", "p", m)
    assert labelled.labels == {"numeric_feature": {"rr interval", "qrs duration"}, "axis": {"left axis deviation"}}
    (question,) = numeric_range_questions("a", "p", m, random.Random(0))
    feature = question.meta["attribute"]
    expected = {"rr interval": "above", "qrs duration": "above"}.get(feature, "within")
    assert question.answer == (f"{expected} the normal range",)
    assert "numeric_feature" not in labels_from_measurements("b", "p", {**m, "qt_interval_ms": None}).labels


def test_ecgqa_json_gets_template_options_and_patients(tmp_path):
    templates = tmp_path / "answers_for_each_template.csv"
    templates.write_text('template_id,classes\n70,"[\'none\', \'qt interval\', \'rr interval\']"\n')
    questions = tmp_path / "q.json"
    questions.write_text(json.dumps([{"template_id": 70, "question_id": 1, "sample_id": 0,
                                      "question_type": "comparison_irrelevant-query", "attribute_type": "numeric_feature",
                                      "question": "What ...?", "answer": ["qt interval"], "ecg_id": [11, 12],
                                      "attribute": None}]))
    (example,) = read_ecgqa_questions(questions, read_template_options(templates), {"11": "p1"})
    assert example.options == ("none", "qt interval", "rr interval")
    assert example.patient_ids == ("p1", "12") and example.ecg_ids == ("11", "12")
    questions.write_text(json.dumps([{"question": "no type"}]))
    with pytest.raises(ECGError, match="lacks"):
        read_ecgqa_questions(questions, {})
