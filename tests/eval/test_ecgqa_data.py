"""Loading ECG-QA question files, their answer options, and the official 10% sample."""

from __future__ import annotations

import itertools
import random

import pytest

from ecg.errors import ECGError
from eval.ecgqa_data import load_questions, question_files
from eval.sampling import GROUP_ORDER, official_sample
from tests.eval.helpers import question, write_questions


def test_a_split_folder_is_its_json_files_sorted_by_name(tmp_path):
    split = tmp_path / "template" / "valid"
    write_questions(split / "60000.json", [question(60000, [1, 2], ["qt interval"])])
    write_questions(split / "100000.json", [question(100000, [3, 4], [])])
    # string order, as ECG-QA's preprocessing globs and sorts: "100000.json" < "60000.json"
    assert [p.name for p in question_files([split])] == ["100000.json", "60000.json"]
    questions = load_questions([split])
    assert [q.key for q in questions] == ["100000", "60000"]
    assert questions[1].ecg_ids == (1, 2) and questions[1].answer == ("qt interval",)


def test_template_options_come_from_the_csv_above_the_files(tmp_path):
    path = write_questions(tmp_path / "ptbxl" / "x.json", [], with_csv=True)
    nested = tmp_path / "ptbxl" / "paraphrased" / "valid" / "1.json"
    write_questions(nested, [
        question(1, [5, 6], ["rr interval"], text="Which numerical values returned to normal?"),
        question(2, 7, ["yes"], template_id=1, question_type="single-verify", attribute_type="scp_code",
                 attribute=["sinus rhythm"]),
        question(3, 7, ["above the normal range"], template_id=41, question_type="single-choose",
                 attribute_type="numeric_feature",
                 attribute=["above the normal range of qt interval", "within the normal range of qt interval"]),
    ], with_csv=False)
    assert path.exists()
    comparison, verify, choose = load_questions([nested])
    assert comparison.options == ("p duration", "pr interval", "qrs duration", "qt corrected", "qt interval",
                                  "rr interval", "none")
    assert verify.options == ("no", "not sure", "yes")          # verify questions: no "none"
    assert choose.options == ("above the normal range", "within the normal range", "none")
    assert choose.kind == "choose"


def test_a_users_own_question_carries_its_options(tmp_path):
    path = write_questions(tmp_path / "mine.json", [
        {"question": "Is the rhythm regular?", "answer": ["yes"], "ecg_id": "rec7",
         "question_type": "single-verify", "attribute_type": "rhythm", "template_id": None,
         "options": ["yes", "no"]}], with_csv=False)
    (q,) = load_questions([path])
    assert q.template_id is None and q.options == ("yes", "no")
    assert q.ecg_ids == ("rec7",) and q.key == "mine:0"


@pytest.mark.parametrize("content, problem", [
    ("{not json", "not a readable JSON"),
    ('{"a": 1}', "expected a JSON list"),
    ('[{"question": "q", "answer": ["yes"]}]', "lacks ecg_id"),
    ('[{"question": "q", "answer": [], "ecg_id": [], "question_type": "single-verify", '
     '"attribute_type": "noise"}]', "ecg_id must be"),
])
def test_bad_question_files_raise_ecgerror_naming_the_file(tmp_path, content, problem):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ECGError, match=problem) as caught:
        load_questions([path])
    assert "bad.json" in str(caught.value)


def test_a_sample_id_twice_is_refused(tmp_path):
    a = write_questions(tmp_path / "template" / "1.json", [question(7, [1, 2], [])])
    b = write_questions(tmp_path / "paraphrased" / "1.json", [question(7, [1, 2], [])])
    with pytest.raises(ECGError, match="sample_id 7 also occurs"):
        load_questions([a, b])
    with pytest.raises(ECGError, match="no such question file"):
        load_questions([tmp_path / "missing.json"])


def _questions(counts: dict[tuple[str, str], int]):
    from eval.ecgqa_data import Question

    out, key = [], 0
    for (question_type, attribute_type), n in counts.items():
        for _ in range(n):
            out.append(Question(str(key), "q", (key,), ("yes",), question_type, attribute_type))
            key += 1
    return out


def test_the_sample_follows_ecg_qas_random_sample_procedure():
    counts = {("single-verify", "scp_code"): 25, ("comparison_irrelevant-query", "numeric_feature"): 35,
              ("single-verify", "noise"): 14, ("single-query", "heart_axis"): 4}
    questions = _questions(counts)
    sample = official_sample(questions)
    # round(n / 10) per group, Python's rounding half to even: 25 -> 2, 35 -> 4, 14 -> 1, 4 -> 0
    assert len(sample) == 2 + 4 + 1 + 0
    # the official script, written out: one generator seeded with 42, groups in its fixed order
    random.seed(42)
    groups = {key: [q for q in questions if (q.question_type, q.attribute_type) == key] for key in GROUP_ORDER}
    expected = [q for members in groups.values() for q in random.sample(members, round(len(members) / 10))]
    assert [q.key for q in sample] == [q.key for q in expected]
    assert official_sample(list(reversed(questions))) != sample  # it depends on the file order
    assert len(GROUP_ORDER) == 54 and GROUP_ORDER[0] == ("single-verify", "scp_code")
    assert GROUP_ORDER[-1] == ("comparison_irrelevant-query", "numeric_feature")
    assert list(itertools.islice((g for g in GROUP_ORDER if g[1] == "noise"), 2)) == [
        ("single-verify", "noise"), ("single-choose", "noise")]


def test_types_outside_ecg_qa_form_groups_of_their_own():
    questions = _questions({("single-verify", "my_attribute"): 20})
    assert len(official_sample(questions)) == 2
