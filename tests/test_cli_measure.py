"""`ecg-agent measure`: JSON lines with their source, a readable table, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from cli.main import main

LUDB = Path(__file__).resolve().parent / "fixtures" / "ludb"


def test_json_one_object_per_record_with_its_source(capsys):
    assert main(["measure", "--json", str(LUDB / "2.hea"), str(LUDB / "44.hea")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["source"].endswith("2.hea") and second["source"].endswith("44.hea")
    assert first["qrs_duration_ms"] > 0 and first["pr_interval_ms"] > 0
    assert second["pr_interval_ms"] is None and "pr_interval_ms" in second["notes"]
    assert isinstance(first["statements"], list) and isinstance(first["beats"], list)


def test_signal_file_and_header_of_one_record_are_measured_once(capsys):
    assert main(["measure", "--json", str(LUDB / "2.hea"), str(LUDB / "2.dat")]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1


def test_table_shows_values_with_units_and_notes(capsys):
    assert main(["measure", str(LUDB / "44.hea")]) == 0
    out = capsys.readouterr().out
    assert "QRS duration" in out and " ms" in out and "bpm" in out
    assert "Notes:" in out and "atrial fibrillation" in out


def test_missing_file_is_a_clear_error(capsys, tmp_path):
    assert main(["measure", str(tmp_path / "nothing.hea")]) == 2
    err = capsys.readouterr().err
    assert "nothing.hea" in err and "no such file" in err
