"""The API with the default agent: the embedded language model answers a free-text question."""

from __future__ import annotations

import openai
import pytest

from serve.app import create_app
from serve.config import ServeConfig
from tests.serve.conftest import file_part, running, user


@pytest.mark.slow
def test_free_text_question_answered_by_the_language_model(ludb_zip, tmp_path):
    from agent.factory import AgentSettings, build_agent

    agent = build_agent(AgentSettings(retrieval=False))
    # Generous limits: 128 new tokens take seconds on an idle CPU, minutes on a crowded one.
    with running(create_app(ServeConfig(data_dir=tmp_path, timeout_s=1800), agent)) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0, timeout=1800)
        stream = client.chat.completions.create(
            model="ecg-agent", stream=True,
            messages=[user(file_part(ludb_zip, "ludb_1.zip"), text="Describe the rhythm of this ECG.")])
        chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    final = chunks[-1].model_extra
    assert final["ecg_decided_by"] == "llm" and text.strip() and final["ecg_answer"]
    assert any(e["id"] == "m:heart_rate_bpm" for e in final["ecg_evidence"])
