"""ecg_id -> record in each layout, on tiny WFDB trees written by the tests."""

from __future__ import annotations

import numpy as np
import pytest

from ecg.errors import ECGError
from eval.records import open_records
from tests.eval.helpers import write_wfdb


def test_ptbxl_records500_layout(tmp_path):
    write_wfdb(tmp_path / "records500" / "01000", "01234_hr", fs=500)
    write_wfdb(tmp_path / "records100" / "01000", "01234_lr", fs=100)
    source = open_records(tmp_path, "ptbxl")
    assert source.has(1234) and source.has("1234") and not source.has(1235) and not source.has("x")
    record = source.read(1234)
    assert record.fs == 500 and record.leads[:2] == ("I", "II")
    with pytest.raises(ECGError, match="ECG 1235 is not in PTB-XL"):
        source.read(1235)


def test_ptbxl_records100_layout_when_there_is_no_records500(tmp_path):
    write_wfdb(tmp_path / "records100" / "00000", "00007_lr", fs=100)
    source = open_records(tmp_path, "ptbxl")
    assert source.read(7).fs == 100
    with pytest.raises(ECGError, match="neither records500/ nor records100/"):
        open_records(tmp_path / "records100", "ptbxl")


def test_mimic_layout_through_record_list(tmp_path):
    relative = "files/p1000/p10000032/s40689238/40689238"
    write_wfdb(tmp_path / "files" / "p1000" / "p10000032" / "s40689238", "40689238", fs=500)
    (tmp_path / "record_list.csv").write_text(
        "subject_id,study_id,file_name,ecg_time,path\n"
        f"10000032,40689238,40689238,2180-07-23 08:44:00,{relative}\n", encoding="utf-8")
    source = open_records(tmp_path, "mimic")
    assert source.has(40689238) and not source.has(1)
    assert source.read("40689238").n_samples == 1000
    (tmp_path / "record_list.csv").write_text("subject_id,path\n1,x\n", encoding="utf-8")
    with pytest.raises(ECGError, match="lacks the column 'study_id'"):
        open_records(tmp_path, "mimic")
    with pytest.raises(ECGError, match="record_list.csv is missing"):
        open_records(tmp_path / "files", "mimic")


def test_flat_layout(tmp_path):
    write_wfdb(tmp_path, "rec7")
    source = open_records(tmp_path, "flat")
    assert source.has("rec7") and not source.has("rec8")
    assert source.read("rec7").source.endswith("rec7.hea")
    with pytest.raises(ECGError, match="no such folder"):
        open_records(tmp_path / "nope", "flat")


def test_npz_layout_marks_its_records_as_z_scored_and_excludes_noise(tmp_path):
    path = tmp_path / "subset.npz"
    signal = np.random.default_rng(0).standard_normal((2, 12, 1000)).astype(np.float16)
    leads = np.array(["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"])
    np.savez(path, ecg_id=np.array([9, 24]), signal=signal, fs=np.array(100), leads=leads)
    source = open_records(path, "npz")
    assert source.has(24) and not source.has(25)
    record = source.read(24)
    assert record.fs == 100 and record.signal.shape == (12, 1000)
    assert np.allclose(record.signal, signal[1].astype(np.float32))
    assert "z-scored" in record.metadata["amplitude_scale"]
    assert source.excluded_attribute_types == {"noise"}
    np.savez(path, ecg_id=np.array([1]), signal=signal, fs=np.array(100), leads=leads)
    with pytest.raises(ECGError, match=r"found \(2, 12, 1000\) for 1"):
        open_records(path, "npz")


def test_unknown_layout(tmp_path):
    with pytest.raises(ECGError, match="unknown record layout"):
        open_records(tmp_path, "dicomdir")
