"""The agent as an ECG-QA predictor: evidence answers, ablations reaching the agent, resuming, the CLI."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from agent.factory import AgentSettings
from cli.main import main as cli_main
from eval.agent_predictor import AgentPredictor, predictor_name
from eval.cache import ECGCache
from eval.ecgqa_data import load_questions
from eval.records import open_records
from eval.run import PREDICTIONS_FILE, run_ecgqa
from tests.eval.helpers import question, write_questions

REPO = Path(__file__).resolve().parents[2]
RECORDS = {"ludb_1": REPO / "examples" / "ludb_1.hea", **{
    name: REPO / "tests" / "fixtures" / "ludb" / f"{name}.hea" for name in ("2", "44", "74")}}
YES_NO = ["no", "yes"]
# Hand-written ECG-QA-style questions about the LUDB records. Truth from their headers (2 sinus
# rhythm, 44 atrial fibrillation with complete LBBB and scars, 74 paced with left axis deviation,
# ludb_1 sinus bradycardia at 45 bpm) and, for numeric features, from the experts' lead II
# boundaries (44: QRS 120-140 ms, QT 416-468 ms; 2: RR 910 ms, QRS 82-100 ms).
ITEMS = [
    question(0, "44", ["yes"], None, "single-verify", "scp_code", "Does this ECG show atrial fibrillation?",
             options=YES_NO),
    question(1, "2", ["no"], None, "single-verify", "scp_code", "Does this ECG show atrial fibrillation?",
             options=YES_NO),
    question(2, "74", ["left axis deviation"], None, "single-choose", "axis",
             "Which one does this ECG show, left axis deviation or normal heart axis?",
             options=["left axis deviation", "normal heart axis", "none"]),
    question(3, "44", ["qrs duration", "qt interval"], None, "single-query", "numeric_feature",
             "Which numeric features of this ECG are above the normal range?",
             options=["qrs duration", "qt interval", "rr interval", "none"]),
    question(4, ["2", "44"], ["yes"], None, "comparison_irrelevant-verify", "scp_code",
             "Does the second ECG newly show atrial fibrillation compared to the first ECG?", options=YES_NO),
    question(5, ["ludb_1", "2"], ["rr interval"], None, text="Which numeric features of the second ECG now "
             "have become normal as compared to the first ECG?", options=["qrs duration", "rr interval", "none"]),
    # no rule decides an infarction stage: the evidence-only agent abstains (scored wrong)
    question(6, "44", ["yes"], None, "single-verify", "infarction_stage",
             "Does this ECG show old stage of myocardial infarction?", options=YES_NO),
]
EVIDENCE_ONLY = AgentSettings(use_llm=False, retrieval=False)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("agent_ecgqa")
    (root / "records").mkdir()
    for hea in RECORDS.values():
        for part in (hea, hea.with_suffix(".dat")):
            shutil.copy(part, root / "records" / part.name)
    qa = write_questions(root / "qa" / "questions.json", ITEMS, with_csv=False)
    return load_questions([qa]), open_records(root / "records", "flat"), root


class Recording:
    """A backend that records the prompts it is given and answers the first option."""

    def __init__(self):
        self.messages: list[list[dict]] = []

    def generate(self, messages, options=None, multi=False):
        self.messages.append(messages)
        return options[0] if options else "no idea"


@pytest.fixture
def recording(monkeypatch):
    backend = Recording()
    monkeypatch.setattr("agent.factory.build_backend", lambda settings: backend if settings.use_llm else None)
    return backend


def test_the_evidence_only_agent_answers_from_measurements_and_abstains_otherwise(setup, tmp_path):
    questions, source, _ = setup
    predictor = AgentPredictor(EVIDENCE_ONLY)
    results = run_ecgqa(questions, source, predictor, tmp_path / "run", batch_size=3, progress=False)
    rows = {json.loads(line)["key"]: json.loads(line)
            for line in (tmp_path / "run" / PREDICTIONS_FILE).read_text().splitlines()}
    assert [key for key, row in rows.items() if not row["correct"]] == ["6"]
    assert rows["6"]["prediction"] == ["not sure"] and rows["6"]["read_as"] == ["none"]
    assert results["overall"] == {"correct": 6, "total": 7, "exact_match": round(6 / 7, 4)}
    by_key = {t.key: t for t in predictor.trace}
    assert by_key["6"].abstained and by_key["6"].decided_by == "abstained"
    assert all(by_key[k].decided_by == "evidence" for k in "012345")
    # every ECG is read into a context once across the batches: four ECGs, four new
    assert sum(t.new_ecgs for t in predictor.trace) == 4 and len(predictor._contexts) == 4
    assert results["predictor"] == "agent(no-llm, no-retrieval)"


def test_not_sure_is_the_answer_where_ecgqa_offers_it(setup, recording):
    questions, source, _ = setup
    asked = replace(questions[6], options=("no", "not sure", "yes"))
    answers = AgentPredictor(EVIDENCE_ONLY).predict([asked], {"44": source.read("44")})
    assert answers == [["not sure"]]


def test_ablation_flags_reach_the_agent_and_its_prompt(setup, recording, tmp_path):
    questions, source, _ = setup
    undecided, ecgs = [questions[6]], {"44": source.read("44")}
    without = AgentPredictor(AgentSettings(retrieval=False, ecg_tokens=False), ECGCache(tmp_path / "a"))
    assert without.agent.retrieval is False and without.agent.ecg_tokens is False
    assert without.predict(undecided, ecgs) == [["no"]] and without.trace[0].decided_by == "llm"
    assert "<ecg_" not in recording.messages[-1][1]["content"]
    assert not (tmp_path / "a" / "ecg_tokens").exists()

    with_tokens = AgentPredictor(AgentSettings(retrieval=False), ECGCache(tmp_path / "b"))
    assert with_tokens.name == "agent(no-retrieval)"
    with_tokens.predict(undecided * 2, ecgs)
    assert "ECG: <ecg_" in recording.messages[-1][1]["content"]
    cached = json.loads((tmp_path / "b" / "ecg_tokens" / "44.json").read_text())
    assert cached and all(t.startswith("<ecg_") for t in cached)


def test_tokens_cached_on_disk_are_not_computed_again(setup, recording, tmp_path, monkeypatch):
    questions, source, _ = setup
    undecided, ecgs = [questions[6]], {"44": source.read("44")}
    AgentPredictor(AgentSettings(retrieval=False), ECGCache(tmp_path)).predict(undecided, ecgs)

    def no_tokenizer():
        raise AssertionError("the ECG tokens were computed again")

    monkeypatch.setattr("tokenizer.ecg_tokenizer.load_default_tokenizer", no_tokenizer)
    restarted = AgentPredictor(AgentSettings(retrieval=False), ECGCache(tmp_path))
    restarted.predict(undecided, ecgs)
    assert "ECG: <ecg_" in recording.messages[-1][1]["content"]


def test_names_tell_builds_apart():
    assert predictor_name(AgentSettings()) == "agent"
    assert predictor_name(AgentSettings(ecg_tokens=False)) == "agent(no-ecg-tokens)"
    assert predictor_name(AgentSettings(llm_url="http://127.0.0.1:8000/v1", llm_model="m")) == \
        "agent(llm-url=http://127.0.0.1:8000/v1, llm-model=m)"


def test_an_interrupted_agent_run_resumes_without_redoing_questions(setup, tmp_path):
    questions, source, _ = setup

    class Interrupted(AgentPredictor):
        def predict(self, batch, ecgs):
            if self.trace:
                raise KeyboardInterrupt
            return super().predict(batch, ecgs)

    with pytest.raises(KeyboardInterrupt):
        run_ecgqa(questions, source, Interrupted(EVIDENCE_ONLY), tmp_path / "run", batch_size=2, progress=False)
    finished = {json.loads(line)["key"] for line in (tmp_path / "run" / PREDICTIONS_FILE).read_text().splitlines()}
    assert len(finished) == 2

    resumed = AgentPredictor(EVIDENCE_ONLY)
    results = run_ecgqa(questions, source, resumed, tmp_path / "run", batch_size=2, progress=False)
    assert sorted(t.key for t in resumed.trace) == sorted({q.key for q in questions} - finished)
    assert results["overall"]["correct"] == 6 and results["throughput"]["questions"] == 5

    again = AgentPredictor(EVIDENCE_ONLY)
    run_ecgqa(questions, source, again, tmp_path / "run", batch_size=2, progress=False)
    assert again.trace == []


@pytest.mark.slow  # loads the default retrieval indexes and their MiniLM embedder (about 30 s)
def test_cli_runs_the_evidence_only_agent_end_to_end(setup, tmp_path, capsys):
    _, _, root = setup
    out = tmp_path / "agent.json"
    code = cli_main(["eval", "ecgqa", "--qa", str(root / "qa"), "--records", str(root / "records"),
                     "--layout", "flat", "--out", str(out), "--predictor", "agent", "--no-llm", "--no-progress"])
    assert code == 0
    results = json.loads(out.read_text())
    assert results["predictor"] == "agent(no-llm)" and results["overall"]["correct"] == 6
    assert results["question_type"]["comparison_irrelevant-query"] == {"correct": 1, "total": 1,
                                                                       "exact_match": 1.0}
    assert "# ECG-QA: agent(no-llm)" in capsys.readouterr().out
