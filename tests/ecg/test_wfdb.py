"""WFDB records: real LUDB record, every format code wfdb writes, and broken files."""

import shutil

import numpy as np
import pytest
import wfdb
import wfdb.io.convert.matlab

from ecg import ECGError, detect_format, read_ecg
from ecg.leads import STANDARD_LEADS


def test_reads_vendored_ludb_record(example_hea):
    record = read_ecg(example_hea)
    assert record.format == "wfdb"
    assert record.fs == 500
    assert record.leads == STANDARD_LEADS
    assert record.signal.shape == (12, 5000)
    assert record.signal.dtype == np.float32
    assert any("Sinus bradycardia" in c for c in record.metadata["comments"])


def test_data_file_path_reads_the_same_record(example_hea):
    by_header = read_ecg(example_hea)
    by_data = read_ecg(example_hea.with_suffix(".dat"))
    np.testing.assert_array_equal(by_header.signal, by_data.signal)


@pytest.mark.parametrize("fmt", ["16", "24", "32", "80", "508", "516", "524"])
def test_format_codes_wfdb_writes_round_trip(tmp_path, synthetic_ecg, fmt):
    signal, leads = synthetic_ecg
    gain = 50.0 if fmt in ("80", "508") else 1000.0
    wfdb.wrsamp("rec", fs=500, units=["mV"] * 12, sig_name=leads, p_signal=signal.T.astype(np.float64),
                fmt=[fmt] * 12, adc_gain=[gain] * 12, baseline=[0] * 12, write_dir=str(tmp_path))
    record = read_ecg(tmp_path / "rec.hea")
    np.testing.assert_allclose(record.signal, signal, atol=1.0 / gain)


def _pack(fmt: str, digital: np.ndarray) -> bytes:
    """Interleaved samples (samples, channels) in a format wfdb reads but does not write."""
    flat = digital.astype(np.int64).ravel()
    if fmt == "212":  # two 12-bit samples in three bytes
        u = (flat & 0xFFF).reshape(-1, 2)
        return np.stack([u[:, 0] & 0xFF, ((u[:, 0] >> 8) & 0x0F) | ((u[:, 1] >> 4) & 0xF0), u[:, 1] & 0xFF],
                        axis=1).astype(np.uint8).tobytes()
    if fmt == "61":  # 16-bit big-endian
        return flat.astype(">i2").tobytes()
    if fmt == "160":  # 16-bit offset binary
        return (flat + 32768).astype("<u2").tobytes()
    raise ValueError(fmt)


@pytest.mark.parametrize("fmt", ["212", "61", "160"])
def test_format_codes_wfdb_only_reads(tmp_path, synthetic_ecg, fmt):
    signal, leads = synthetic_ecg
    gain = 400.0
    digital = np.round(signal.T * gain)
    lines = [f"rec 12 500 {signal.shape[1]}"]
    lines += [f"rec.dat {fmt} {gain:g}/mV 12 0 0 0 0 {name}" for name in leads]
    (tmp_path / "rec.hea").write_text("\n".join(lines) + "\n")
    (tmp_path / "rec.dat").write_bytes(_pack(fmt, digital))
    np.testing.assert_allclose(read_ecg(tmp_path / "rec.hea").signal, signal, atol=1.0 / gain)


def test_matlab_signal_file(tmp_path, synthetic_ecg, monkeypatch):
    signal, leads = synthetic_ecg
    wfdb.wrsamp("m", fs=500, units=["mV"] * 12, sig_name=leads, p_signal=signal.T.astype(np.float64),
                fmt=["16"] * 12, write_dir=str(tmp_path))
    monkeypatch.chdir(tmp_path)  # wfdb_to_mat writes beside the working directory
    wfdb.io.convert.matlab.wfdb_to_mat("m")
    record = read_ecg(tmp_path / "mm.mat")
    assert "mm.mat" in (tmp_path / "mm.hea").read_text()
    np.testing.assert_allclose(record.signal, signal, atol=0.005)


def test_microvolt_units_are_converted(tmp_path, synthetic_ecg):
    signal, leads = synthetic_ecg
    wfdb.wrsamp("uv", fs=500, units=["uV"] * 12, sig_name=leads, p_signal=signal.T * 1000.0,
                fmt=["16"] * 12, write_dir=str(tmp_path))
    np.testing.assert_allclose(read_ecg(tmp_path / "uv.hea").signal, signal, atol=0.005)


def test_truncated_data_is_named(tmp_path, example_hea):
    shutil.copy(example_hea, tmp_path / "ludb_1.hea")
    data = example_hea.with_suffix(".dat").read_bytes()
    (tmp_path / "ludb_1.dat").write_bytes(data[: len(data) // 3])
    with pytest.raises(ECGError, match="truncated") as error:
        read_ecg(tmp_path / "ludb_1.hea")
    assert "ludb_1.dat" in str(error.value)


def test_missing_data_file_is_named(tmp_path, example_hea):
    shutil.copy(example_hea, tmp_path / "ludb_1.hea")
    with pytest.raises(ECGError, match="ludb_1.dat named by the header is missing"):
        read_ecg(tmp_path / "ludb_1.hea")


@pytest.mark.parametrize("header, message", [
    ("rec 2 0 1000\nrec.dat 16 200 16 0 0 0 0 I\nrec.dat 16 200 16 0 0 0 0 II\n", "sampling rate"),
    ("rec 2 500 1000\nrec.dat 16 200 16 0 0 0 0 I\n", "declares 2 signals but describes 1"),
    ("rec 3 2\n", "declares 3 signals but describes 0"),
    ("rec 1 500 1000\nrec.dat 16 200 16 0 0 0 0 I\n", "truncated"),
    ("rec 1 500 1000\nother.dat 16 200 16 0 0 0 0 I\n", "other.dat named by the header is missing"),
])
def test_broken_headers(tmp_path, header, message):
    (tmp_path / "rec.hea").write_text(header)
    (tmp_path / "rec.dat").write_bytes(b"\x00" * 1000)
    with pytest.raises(ECGError, match=message):
        read_ecg(tmp_path / "rec.hea")


def test_format_is_detected_by_content_not_name(tmp_path, example_hea):
    header = tmp_path / "header.txt"
    header.write_bytes(example_hea.read_bytes())
    assert detect_format(header) == "wfdb"
    empty = tmp_path / "empty.hea"
    empty.write_bytes(b"")
    with pytest.raises(ECGError, match="empty"):
        detect_format(empty)
    junk = tmp_path / "junk.edf"
    junk.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ECGError, match="unknown format"):
        detect_format(junk)
