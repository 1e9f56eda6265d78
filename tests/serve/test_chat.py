"""The API driven with the official openai client: answers with evidence, streaming, files, reports."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import openai
import pytest

from tests.serve.conftest import API_KEY, ROOT, file_part, user, wfdb_zip

QUESTION = "Does this ECG show sinus bradycardia?"
OPTIONS = ["yes", "no", "not sure"]


@pytest.fixture(scope="module")
def ask(client, ludb_zip):
    def ask_(question=QUESTION, options=OPTIONS, **kwargs):
        extra = {"ecg_options": options} if options else {}
        messages = [user(file_part(ludb_zip, "ludb_1.zip"), text=question)]
        return client.chat.completions.create(model="ecg-agent", messages=messages, extra_body=extra, **kwargs)
    return ask_


def test_models_lists_the_served_model(client):
    assert [m.id for m in client.models.list()] == ["ecg-agent"]
    assert client.models.retrieve("ecg-agent").id == "ecg-agent"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-5")


def test_wfdb_zip_as_file_part_gets_an_answer_with_evidence(ask):
    completion = ask()
    extra = completion.model_extra
    assert completion.object == "chat.completion" and completion.choices[0].finish_reason == "stop"
    assert extra["ecg_answer"] == ["yes"]  # LUDB record 1: sinus bradycardia, 45 bpm
    assert extra["ecg_decided_by"] == "evidence"
    ids = [item["id"] for item in extra["ecg_evidence"]]
    assert ids[0] == "s:SBRAD" and "m:heart_rate_bpm" in ids
    assert completion.choices[0].message.content.startswith("yes: sinus bradycardia")
    usage = completion.usage
    assert usage.prompt_tokens == 7 and usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_streaming_sends_the_same_answer_in_pieces_and_evidence_last(ask):
    whole = ask().choices[0].message.content
    chunks = list(ask(stream=True, stream_options={"include_usage": True}))
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole and len(chunks) > 5
    final = [c for c in chunks if c.choices and c.choices[0].finish_reason == "stop"]
    assert len(final) == 1 and final[0].model_extra["ecg_answer"] == ["yes"]
    assert any(e["id"] == "s:SBRAD" for e in final[0].model_extra["ecg_evidence"])
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens > 0
    assert len({c.id for c in chunks}) == 1


def test_raw_stream_is_server_sent_events_ending_with_done(base_url, ludb_zip):
    body = {"model": "ecg-agent", "stream": True, "messages": [user(file_part(ludb_zip, "a.zip"), text=QUESTION)]}
    with httpx.stream("POST", f"{base_url}/v1/chat/completions", json=body, timeout=60,
                      headers={"Authorization": f"Bearer {API_KEY}"}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        raw = response.read().decode()
    events = raw.split("\n\n")
    assert events[-1] == "" and events[-2] == "data: [DONE]"
    assert all(e.startswith("data: {") and "\n" not in e for e in events[:-2])


def test_free_text_question_without_options(ask):
    completion = ask("What is the heart rate?", options=None)
    # The evidence-only agent abstains on questions its rules do not decide, with the measurements.
    assert completion.model_extra["ecg_decided_by"] == "abstained"
    assert completion.choices[0].message.content.startswith("not sure")
    assert any(e["id"] == "m:heart_rate_bpm" for e in completion.model_extra["ecg_evidence"])


def test_uploaded_file_referenced_by_id(client, ludb_zip):
    uploaded = client.files.create(file=("../../ludb_1.zip", ludb_zip), purpose="user_data")
    assert uploaded.id.startswith("file-") and uploaded.bytes == len(ludb_zip)
    assert uploaded.filename == "ludb_1.zip"
    assert client.files.retrieve(uploaded.id).filename == "ludb_1.zip"
    messages = [user({"type": "file", "file": {"file_id": uploaded.id}}, text=QUESTION)]
    completion = client.chat.completions.create(model="ecg-agent", messages=messages,
                                                extra_body={"ecg_options": OPTIONS})
    assert completion.model_extra["ecg_answer"] == ["yes"]
    assert client.files.delete(uploaded.id).deleted
    with pytest.raises(openai.NotFoundError, match="No such file"):
        client.chat.completions.create(model="ecg-agent", messages=messages)


def test_report_mode(client, ludb_zip):
    messages = [user(file_part(ludb_zip, "ludb_1.zip"), text="Draft a report.")]
    completion = client.chat.completions.create(model="ecg-agent", messages=messages,
                                                extra_body={"ecg_mode": "report"})
    report = completion.model_extra["ecg_report"]
    content = completion.choices[0].message.content
    assert content.startswith("# ECG report draft: ludb_1.zip:ludb_1.hea")
    assert "/ecgs/" not in content and report["source"] == "ludb_1.zip:ludb_1.hea"
    assert "sinus bradycardia" in report["sections"]["rate"]
    ids = {e["id"] for e in completion.model_extra["ecg_evidence"]}
    assert report["findings"] and all(set(f["evidence"]) <= ids for f in report["findings"])


def test_follow_up_keeps_the_ecg_and_two_ecgs_compare(client, ludb_zip):
    first = user(file_part(ludb_zip, "ludb_1.zip"), text=QUESTION)
    follow_up = [first, {"role": "assistant", "content": "yes"}, user(text="Does this ECG show normal heart axis?")]
    completion = client.chat.completions.create(model="ecg-agent", messages=follow_up,
                                                extra_body={"ecg_options": OPTIONS})
    assert completion.model_extra["ecg_answer"] == ["yes"]
    assert any(e["id"] == "s:MID" for e in completion.model_extra["ecg_evidence"])

    second = wfdb_zip(ROOT / "tests" / "fixtures" / "ludb" / "2.hea")
    both = [user(file_part(ludb_zip, "ludb_1.zip"), file_part(second, "2.zip"),
                 text="What is the heart rate of the second ECG?")]
    completion = client.chat.completions.create(model="ecg-agent", messages=both)
    ids = {e["id"] for e in completion.model_extra["ecg_evidence"]}
    assert {"ecg1/m:heart_rate_bpm", "ecg2/m:heart_rate_bpm"} <= ids


def test_sixteen_concurrent_clients_are_all_served(base_url, ludb_zip):
    def one(i: int):
        client = openai.OpenAI(base_url=f"{base_url}/v1", api_key=API_KEY, max_retries=0)
        stream = i % 2 == 1
        reply = client.chat.completions.create(model="ecg-agent", stream=stream, extra_body={"ecg_options": OPTIONS},
                                               messages=[user(file_part(ludb_zip, "ludb_1.zip"), text=QUESTION)])
        if stream:
            return [c.model_extra["ecg_answer"] for c in reply if c.choices and c.choices[0].finish_reason][0]
        return reply.model_extra["ecg_answer"]

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(one, range(16)))
    assert answers == [["yes"]] * 16


def test_csv_and_npy_files(client):
    import io

    import numpy as np

    from tests.conftest import synthetic_12lead

    signal, leads = synthetic_12lead(heart_rate=70)
    time_s = np.arange(signal.shape[1]) / 500
    table = np.column_stack([time_s, signal.T])
    text = io.StringIO()
    np.savetxt(text, table, delimiter=",", fmt="%.5f", header=",".join(["time_s", *leads]), comments="")
    completion = client.chat.completions.create(model="ecg-agent", messages=[
        user(file_part(text.getvalue().encode(), "sim.csv", "text/csv"), text="What is the heart rate?")])
    rate = next(e for e in completion.model_extra["ecg_evidence"] if e["id"] == "m:heart_rate_bpm")
    assert abs(rate["value"] - 70) < 3

    array = io.BytesIO()
    np.save(array, signal)  # no sampling rate in an .npy: the server cannot guess one
    with pytest.raises(openai.BadRequestError, match=r"^Error code: 400 - .*sim\.npy: .*(sampling rate|fs)"):
        client.chat.completions.create(model="ecg-agent", messages=[
            user(file_part(array.getvalue(), "sim.npy", "application/octet-stream"), text="What is the heart rate?")])
