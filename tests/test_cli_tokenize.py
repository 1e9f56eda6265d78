"""`ecg-agent tokenize` with the embedded default tokenizer (models/default, no network)."""

import json

from cli.main import main


def test_tokenize_json_of_the_example(example_hea, capsys):
    assert main(["tokenize", str(example_hea), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"n_tokens", "tokens", "ids"}
    assert result["n_tokens"] == len(result["tokens"]) == len(result["ids"]) <= 320
    assert result["tokens"][0] == "<ecg_seg>"
    assert "<ecg_lead_V6>" in result["tokens"]


def test_tokenize_text_is_the_token_strings(example_hea, capsys):
    assert main(["tokenize", str(example_hea)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("<ecg_seg><ecg_rr_") and line.endswith(">")


def test_tokenize_twice_gives_the_same_ids(example_hea, capsys):
    main(["tokenize", str(example_hea), "--json"])
    first = json.loads(capsys.readouterr().out)["ids"]
    main(["tokenize", str(example_hea), "--json"])
    assert json.loads(capsys.readouterr().out)["ids"] == first


def test_tokenize_a_missing_file_is_a_clear_error(tmp_path, capsys):
    assert main(["tokenize", str(tmp_path / "none.hea")]) == 2
    assert "no such file" in capsys.readouterr().err
