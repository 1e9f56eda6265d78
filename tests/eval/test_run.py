"""The batched ECG-QA run: coverage, resuming after an interruption, the run files."""

from __future__ import annotations

import json

import pytest

from ecg.errors import ECGError
from eval.ecgqa_data import load_questions
from eval.records import open_records
from eval.run import PREDICTIONS_FILE, run_ecgqa
from tests.eval.helpers import question, write_questions, write_wfdb


class FirstOptionPredictor:
    """Answers "qt interval" to odd keys and "none" to even ones; can stop as if interrupted."""

    name = "first-option"

    def __init__(self, interrupt_after: int | None = None):
        self.asked: list[str] = []
        self.interrupt_after = interrupt_after

    def predict(self, batch, ecgs):
        if self.interrupt_after is not None and len(self.asked) >= self.interrupt_after:
            raise KeyboardInterrupt
        self.asked += [q.key for q in batch]
        assert all(e in ecgs and ecgs[e].fs == 100 for q in batch for e in q.ecg_ids)
        return [["qt interval"] if int(q.key) % 2 else ["none"] for q in batch]


@pytest.fixture
def setup(tmp_path):
    records = tmp_path / "records"
    for name in ("1", "2", "3", "4"):
        write_wfdb(records, name)
    answers = [["qt interval"], [], ["qt interval"], ["rr interval"], [], ["qt interval"], ["none"]]
    items = [question(i, [1 + i % 4, 1 + (i + 1) % 4], answers[i]) for i in range(7)]
    items.append(question(7, [1, 99], ["none"]))  # its second ECG is not there
    questions = load_questions([write_questions(tmp_path / "qa" / "1.json", items)])
    return questions, open_records(records, "flat")


def test_coverage_and_scores(setup, tmp_path):
    questions, source = setup
    results = run_ecgqa(questions, source, FirstOptionPredictor(), tmp_path / "run", batch_size=3, progress=False)
    assert results["coverage"]["questions"] == 8 and results["coverage"]["answerable"] == 7
    assert results["coverage"]["missing_ecgs"] == 1
    # odd keys answer "qt interval": right for 1? no (truth none), 3? no (rr), 5 yes; even keys
    # answer "none": 0 no, 2 no, 4 yes, 6 yes -> 3 of 7
    assert results["overall"] == {"correct": 3, "total": 7, "exact_match": round(3 / 7, 4)}
    assert results["template_id"]["68"]["total"] == 7
    assert json.loads((tmp_path / "run" / "results.json").read_text())["overall"]["correct"] == 3
    assert "Coverage: 7 of 8" in (tmp_path / "run" / "results.md").read_text()


def test_an_interrupted_run_resumes_without_redoing_finished_questions(setup, tmp_path):
    questions, source = setup
    with pytest.raises(KeyboardInterrupt):
        run_ecgqa(questions, source, FirstOptionPredictor(interrupt_after=4), tmp_path / "run",
                  batch_size=2, progress=False)
    written = (tmp_path / "run" / PREDICTIONS_FILE).read_text().splitlines()
    assert len(written) == 4
    # the interruption also cut a line short while it was being written
    with open(tmp_path / "run" / PREDICTIONS_FILE, "a") as handle:
        handle.write('{"key": "6", "prediction": ["none"]}')  # complete JSON, but no newline yet
    finished = {json.loads(line)["key"] for line in written}

    second = FirstOptionPredictor()
    resumed = run_ecgqa(questions, source, second, tmp_path / "run", batch_size=2, progress=False)
    assert sorted(second.asked) == sorted({"0", "1", "2", "3", "4", "5", "6"} - finished)
    assert resumed["throughput"]["questions"] == 3
    lines = (tmp_path / "run" / PREDICTIONS_FILE).read_text().splitlines()
    assert len(lines) == 7 and len({json.loads(line)["key"] for line in lines}) == 7

    whole = run_ecgqa(questions, source, FirstOptionPredictor(), tmp_path / "whole", batch_size=2, progress=False)
    for name in ("overall", "question_type", "attribute_type", "template_id"):
        assert resumed[name] == whole[name]

    third = FirstOptionPredictor()
    run_ecgqa(questions, source, third, tmp_path / "run", batch_size=2, progress=False)
    assert third.asked == []


def test_a_different_run_is_not_resumed_into_the_same_folder(setup, tmp_path):
    questions, source = setup
    run_ecgqa(questions, source, FirstOptionPredictor(), tmp_path / "run", progress=False)
    with pytest.raises(ECGError, match="another options_in_prompt"):
        run_ecgqa(questions, source, FirstOptionPredictor(), tmp_path / "run", options_in_prompt=False,
                  progress=False)
    with pytest.raises(ECGError, match="another questions_sha256"):
        run_ecgqa(questions[:3], source, FirstOptionPredictor(), tmp_path / "run", progress=False)


def test_limit_and_hidden_options(setup, tmp_path):
    questions, source = setup
    seen = []

    class Spy(FirstOptionPredictor):
        def predict(self, batch, ecgs):
            seen.extend(q.options for q in batch)
            return super().predict(batch, ecgs)

    results = run_ecgqa(questions, source, Spy(), tmp_path / "run", limit=2, options_in_prompt=False,
                        progress=False)
    assert results["overall"]["total"] == 2 and results["coverage"]["evaluated"] == 2
    assert seen == [None, None]
    # the same run may then go further
    spy = Spy()
    results = run_ecgqa(questions, source, spy, tmp_path / "run", limit=5, options_in_prompt=False, progress=False)
    assert results["overall"]["total"] == 5 and len(spy.asked) == 3


def test_a_damaged_predictions_file_is_refused(setup, tmp_path):
    questions, source = setup
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / PREDICTIONS_FILE).write_text('{"key": "1"}\nnot json\n{"key": "2"}\n')
    with pytest.raises(ECGError, match="line 2 is not JSON"):
        run_ecgqa(questions, source, FirstOptionPredictor(), tmp_path / "run", progress=False)


def test_a_predictor_answering_too_few_is_an_error(setup, tmp_path):
    questions, source = setup

    class Short(FirstOptionPredictor):
        def predict(self, batch, ecgs):
            return []

    with pytest.raises(ECGError, match="returned 0 answers"):
        run_ecgqa(questions, source, Short(), tmp_path / "run", progress=False)
