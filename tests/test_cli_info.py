"""`ecg-agent info`: what was read and its quality, as JSON, on real and synthetic WFDB files."""

import json

import numpy as np
import pytest
import wfdb

from cli.main import main
from ecg.leads import STANDARD_LEADS
from tests.conftest import synthetic_12lead

FS = 500


def _write_wfdb(folder, name: str, signal: np.ndarray) -> str:
    wfdb.wrsamp(name, fs=FS, units=["mV"] * 12, sig_name=list(STANDARD_LEADS), p_signal=signal.T,
                fmt=["16"] * 12, adc_gain=[1000.0] * 12, baseline=[0] * 12, write_dir=str(folder))
    return str(folder / f"{name}.hea")


@pytest.fixture(scope="module")
def clean_signal() -> np.ndarray:
    signal, _ = synthetic_12lead(duration_s=12)
    return signal[:, 2 * FS:].astype(np.float64)  # past the simulator's start transient


def _info(capsys, *args) -> list[dict]:
    assert main(["info", *args]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_info_on_the_vendored_example(capsys, example_hea):
    (info,) = _info(capsys, str(example_hea))
    assert info["format"] == "wfdb" and info["fs"] == 500 and info["duration_s"] == 10.0
    assert info["leads"] == list(STANDARD_LEADS)
    quality = info["quality"]
    assert quality["verdict"] in ("good", "acceptable")
    assert quality["usable_leads"] == list(STANDARD_LEADS)
    assert set(quality["leads"]) == set(STANDARD_LEADS)
    assert quality["suspected_reversal"] is None


def test_info_reports_the_defects_of_a_synthetic_record(capsys, tmp_path, clean_signal):
    signal = clean_signal.copy()
    t = np.arange(signal.shape[1]) / FS
    signal[2] += 0.1 * np.sin(2 * np.pi * 60 * t)          # hum on III
    signal[7] += 1.5 * np.sin(2 * np.pi * 0.3 * t)         # drift on V2
    (info,) = _info(capsys, _write_wfdb(tmp_path, "defects", signal))
    leads = info["quality"]["leads"]
    assert [p["name"] for p in leads["III"]["problems"]] == ["power-line interference"]
    assert info["quality"]["line_frequency_hz"] == 60.0
    assert leads["V2"]["ecgqa_noise"] == ["baseline drift"]
    assert leads["V2"]["measures"]["baseline_drift_mv"] == pytest.approx(3.0, rel=0.1)
    assert all(leads[name]["verdict"] == "good" for name in STANDARD_LEADS if name not in ("III", "V2"))
    assert info["quality"]["verdict"] == "acceptable"


def test_info_prints_one_object_per_record(capsys, tmp_path, clean_signal):
    first = _write_wfdb(tmp_path, "a", clean_signal)
    second = _write_wfdb(tmp_path, "b", clean_signal * 0.5)
    infos = _info(capsys, first, second, first.replace(".hea", ".dat"))  # the .dat is the same record
    assert [i["source"] for i in infos] == [first, second]
    assert all(i["quality"]["verdict"] == "good" for i in infos)


def test_pretty_output_is_indented(capsys, example_hea):
    assert main(["info", "--pretty", str(example_hea)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("{\n  ") and json.loads(out)["quality"]["verdict"]


def test_a_missing_file_is_one_clear_error(capsys, tmp_path):
    assert main(["info", str(tmp_path / "nothing.hea")]) == 2
    err = capsys.readouterr().err
    assert "nothing.hea" in err and "no such file" in err and "Traceback" not in err
