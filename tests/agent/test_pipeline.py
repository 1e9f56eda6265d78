import pytest

from agent.backends import TransformersBackend, choose_options
from agent.pipeline import Agent
from ecg.errors import ECGError
from finetune.prompt import ANSWER_SEPARATOR
from tests.finetune.tiny_lm import tiny_model_folder

VERIFY = ["yes", "no", "not sure"]


def test_abstains_with_a_quality_warning_when_every_lead_is_noise(noise_record):
    answer = Agent(retrieval=False).ask([noise_record], "Does this ECG show atrial fibrillation?", VERIFY)
    assert answer.abstained and answer.answer == ["not sure"]
    assert "unusable" in answer.warnings[0] and answer.decided_by == "abstained"


def test_abstains_without_a_model_when_evidence_does_not_decide(example_hea):
    answer = Agent(retrieval=False).ask([example_hea], "What is the most likely cause of this rhythm?")
    assert answer.abstained and answer.text.startswith("not sure")


def test_follow_up_keeps_the_ecg_and_earlier_answers(example_hea):
    conversation = Agent(retrieval=False).conversation([example_hea])
    first = conversation.ask("Does this ECG show sinus bradycardia?", VERIFY)
    second = conversation.ask("Does it show atrial fibrillation?", VERIFY)
    assert first.answer == ["yes"] and second.answer == ["no"]
    assert len(conversation.contexts) == 1 and [q for q, _ in conversation.history] == [
        "Does this ECG show sinus bradycardia?", "Does it show atrial fibrillation?"]


def test_more_than_two_ecgs_is_a_user_error(example_hea):
    with pytest.raises(ECGError, match="one or two ECGs"):
        Agent(retrieval=False).ask([example_hea] * 3, "Which is different?")


def test_multi_answer_rule_keeps_options_near_the_best():
    scores = {"a": -1.0, "b": -1.3, "c": -2.0}
    assert choose_options(scores, multi=False) == ["a"]
    assert choose_options(scores, multi=True) == ["a", "b"]


@pytest.fixture(scope="module")
def tiny_backend(tmp_path_factory):
    return TransformersBackend(str(tiny_model_folder(tmp_path_factory.mktemp("tiny"))), max_new_tokens=4)


def test_undecided_questions_go_to_the_model_constrained_to_options(example_hea, tiny_backend):
    class Recording:
        def __init__(self):
            self.messages = None

        def generate(self, messages, options=None, multi=False):
            self.messages = messages
            return tiny_backend.generate(messages, options, multi)

    backend = Recording()
    options = ["myocardial infarction", "hypertrophy", "conduction disturbance"]
    answer = Agent(backend, retrieval=False).ask([example_hea], "Which superclass does this ECG belong to?",
                                                  options)
    assert answer.decided_by == "llm" and len(answer.answer) == 1 and answer.answer[0] in options
    user = backend.messages[1]["content"]
    assert "ECG: <ecg_" in user and "ECG measurements: heart rate" in user
    assert "Options: " + ANSWER_SEPARATOR.join(options) in user


def test_option_scores_from_the_cached_prompt_equal_a_full_forward_pass(tiny_backend):
    import torch

    from finetune.prompt import format_answer

    messages = [{"role": "user", "content": "Question: Which rhythm? Options: sinus rhythm; atrial fibrillation"}]
    options = ["sinus rhythm", "atrial fibrillation", "a"]
    prompt = tiny_backend._prompt_ids(messages)
    for option, score in tiny_backend.option_scores(messages, options).items():
        reply = tiny_backend.tokenizer(format_answer([option]), add_special_tokens=False)["input_ids"]
        with torch.no_grad():
            logits = tiny_backend.model(torch.tensor([prompt + reply])).logits[0, len(prompt) - 1:-1]
        full = torch.log_softmax(logits.float(), dim=-1)[torch.arange(len(reply)), torch.tensor(reply)].mean()
        assert score == pytest.approx(float(full), abs=1e-4)


def test_free_text_generation_returns_a_string(tiny_backend):
    reply = tiny_backend.generate([{"role": "user", "content": "Question: What rhythm?"}])
    assert isinstance(reply, str)


@pytest.mark.slow
def test_default_base_answers_an_option_constrained_question(example_hea):
    from finetune.base_model import BaseModelError

    try:
        backend = TransformersBackend()
    except BaseModelError as exc:
        pytest.skip(str(exc))
    answer = Agent(backend, retrieval=False).ask(
        [example_hea], "Which rhythm does this ECG show?", ["sinus tachycardia", "atrial flutter"])
    assert answer.decided_by == "llm" and len(answer.answer) == 1
    assert answer.answer[0] in ("sinus tachycardia", "atrial flutter")


def test_the_context_cache_keeps_only_the_most_recently_used_ecgs(monkeypatch, example_hea):
    import agent.pipeline as pipeline

    monkeypatch.setattr(pipeline, "CONTEXT_CACHE_SIZE", 2)
    agent = Agent(retrieval=False)
    records = [agent.context(example_hea).record]
    records += [pipeline.read_ecg(example_hea) for _ in range(2)]
    first = agent.context(records[0])
    agent.context(records[1])
    assert agent.context(records[0]) is first  # used again: now the most recent
    agent.context(records[2])
    assert len(agent._contexts) == 2 and agent.context(records[0]) is first
