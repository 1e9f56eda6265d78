"""EDF/EDF+/BDF, CSV and NumPy readers: round trips of synthetic ECGs and the errors users cause."""

import edfio
import numpy as np
import pytest

from ecg import ECGError, ReadLimits, ReadOptions, read_ecg, read_ecgs
from ecg.leads import STANDARD_LEADS

FS = 500


@pytest.fixture(scope="module")
def ecg(synthetic_ecg):
    """Four seconds of the synthetic 12-lead ECG, in mV."""
    signal, leads = synthetic_ecg
    return signal[:, : 4 * FS].astype(np.float64), leads


# ---- EDF / EDF+ / BDF ---------------------------------------------------------------------------

def _edf_signals(signal, leads, unit="uV", scale=1000.0, prefix="ECG "):
    return [edfio.EdfSignal(row * scale, FS, label=f"{prefix}{name}", physical_dimension=unit)
            for row, name in zip(signal, leads)]


def test_edf_plus_12_leads_round_trip(tmp_path, ecg):
    signal, leads = ecg
    edfio.Edf(_edf_signals(signal, leads), annotations=[edfio.EdfAnnotation(1.5, None, "PVC")]).write(
        tmp_path / "rec.edf")
    record = read_ecg(tmp_path / "rec.edf")
    assert record.format == "edf" and record.fs == FS
    assert record.leads == STANDARD_LEADS
    assert record.metadata["edf_type"] == "EDF+C"
    assert record.metadata["annotations"] == [{"onset_s": 1.5, "duration_s": None, "text": "PVC"}]
    step = (signal.max() - signal.min()) * 1000 / 65535 / 1000  # one digital step in mV
    np.testing.assert_allclose(record.signal, signal, atol=2 * step + 1e-3)


@pytest.mark.parametrize("unit, scale", [("mV", 1.0), ("uV", 1000.0), ("V", 1e-3)])
def test_edf_units_from_physical_dimension(tmp_path, ecg, unit, scale):
    signal, leads = ecg
    edfio.Edf(_edf_signals(signal[:2], leads[:2], unit=unit, scale=scale, prefix="EKG ")).write(
        tmp_path / "u.edf")
    np.testing.assert_allclose(read_ecg(tmp_path / "u.edf").lead("I"), signal[0], atol=0.005)


def test_bdf_round_trip(tmp_path, ecg):
    signal, leads = ecg
    bdf = edfio.Bdf([edfio.BdfSignal(row, FS, label=name, physical_dimension="mV", physical_range=(-10, 10))
                     for row, name in zip(signal, leads)])
    bdf.write(tmp_path / "rec.bdf")
    record = read_ecg(tmp_path / "rec.bdf")
    assert record.leads == STANDARD_LEADS
    np.testing.assert_allclose(record.signal, signal, atol=20 / 2**24 * 2)


def test_edf_skips_non_ecg_channels_with_a_warning(tmp_path, ecg):
    signal, leads = ecg
    others = [edfio.EdfSignal(np.full(4 * 100, 97.0), 100, label="SpO2", physical_dimension="%"),
              edfio.EdfSignal(signal[0] * 20, FS, label="EEG C3-A2", physical_dimension="uV")]
    edfio.Edf(_edf_signals(signal[:2], leads[:2]) + others).write(tmp_path / "psg.edf")
    record = read_ecg(tmp_path / "psg.edf")
    assert record.leads == ("I", "II", "III", "aVR", "aVL", "aVF")
    [warning] = record.metadata["warnings"]
    assert "SpO2 (%)" in warning and "EEG C3-A2 (uV)" in warning


def test_edf_resamples_channels_at_another_rate(tmp_path, ecg):
    signal, leads = ecg
    slow = edfio.EdfSignal(signal[6, ::2] * 1000, FS // 2, label="ECG V1", physical_dimension="uV")
    edfio.Edf(_edf_signals(signal[:2], leads[:2]) + [slow]).write(tmp_path / "mixed.edf")
    record = read_ecg(tmp_path / "mixed.edf")
    assert record.fs == FS and record.n_samples == signal.shape[1]
    assert any("'ECG V1' resampled from 250 to 500 Hz" in w for w in record.metadata["warnings"])
    # Band-limited resampling: the interpolated V1 follows the original closely away from the edges.
    np.testing.assert_allclose(record.lead("V1")[50:-50], signal[6, 50:-50], atol=0.05)


def test_edf_without_voltage_channels_is_refused(tmp_path):
    edfio.Edf([edfio.EdfSignal(np.full(400, 97.0), 100, label="SpO2", physical_dimension="%")]).write(
        tmp_path / "spo2.edf")
    with pytest.raises(ECGError, match="spo2.edf: no ECG channel"):
        read_ecg(tmp_path / "spo2.edf")


def _edf_d(data: bytes, onsets: dict[int, int]) -> bytes:
    """Mark an EDF+C file as EDF+D and move data records: {old onset s: new onset s}."""
    data = data.replace(b"EDF+C", b"EDF+D", 1)
    for old, new in onsets.items():
        assert f"+{old}\x14\x14\x00".encode() in data
        data = data.replace(f"+{old}\x14\x14\x00".encode(), f"+{new}\x14\x14\x00".encode(), 1)
    return data


@pytest.fixture
def edf_plus(tmp_path, ecg) -> bytes:
    """A 4 s EDF+C file of leads I and II with 1 s data records and time-keeping annotations."""
    signal, leads = ecg
    edfio.Edf(_edf_signals(signal[:2], leads[:2]), annotations=[edfio.EdfAnnotation(0.5, None, "start")]).write(
        tmp_path / "c.edf")
    return (tmp_path / "c.edf").read_bytes()


def test_discontinuous_edf_gaps_become_missing_samples(tmp_path, ecg, edf_plus):
    signal, _ = ecg
    (tmp_path / "contiguous.edf").write_bytes(_edf_d(edf_plus, {}))
    np.testing.assert_allclose(read_ecg(tmp_path / "contiguous.edf").lead("I"), signal[0], atol=1e-3)
    (tmp_path / "gap.edf").write_bytes(_edf_d(edf_plus, {3: 5}))  # records at 0, 1, 2 and 5 s
    record = read_ecg(tmp_path / "gap.edf")
    assert record.n_samples == 6 * FS
    lead_i = record.lead("I")
    assert np.isnan(lead_i[3 * FS:5 * FS]).all()
    np.testing.assert_allclose(lead_i[:3 * FS], signal[0, :3 * FS], atol=1e-3)
    np.testing.assert_allclose(lead_i[5 * FS:], signal[0, 3 * FS:], atol=1e-3)
    assert any("2 s between its data records are missing" in w for w in record.metadata["warnings"])


def test_edf_d_records_out_of_order_are_refused(tmp_path, edf_plus):
    (tmp_path / "back.edf").write_bytes(_edf_d(edf_plus, {2: 0}))
    with pytest.raises(ECGError, match="back.edf: data record 3 starts at 0 s, before record 2 ends"):
        read_ecg(tmp_path / "back.edf")


def test_truncated_edf_is_named(tmp_path, ecg):
    signal, leads = ecg
    edfio.Edf(_edf_signals(signal[:2], leads[:2])).write(tmp_path / "t.edf")
    data = (tmp_path / "t.edf").read_bytes()
    (tmp_path / "t.edf").write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(ECGError, match="t.edf: the file is truncated: the header promises 4 data records"):
        read_ecg(tmp_path / "t.edf")


def test_edf_over_the_sample_limit_is_refused_before_loading(tmp_path, ecg):
    signal, leads = ecg
    edfio.Edf(_edf_signals(signal[:2], leads[:2])).write(tmp_path / "long.edf")
    with pytest.raises(ECGError, match="long.edf: 2 channels with 4000 samples in all exceed the limit of 3000"):
        read_ecg(tmp_path / "long.edf", ReadOptions(limits=ReadLimits(max_total_samples=3000)))


def test_edf_header_garbage_is_named(tmp_path, ecg):
    signal, leads = ecg
    edfio.Edf(_edf_signals(signal[:2], leads[:2])).write(tmp_path / "g.edf")
    data = bytearray((tmp_path / "g.edf").read_bytes())
    data[252:256] = b"xx  "  # the number of signals
    (tmp_path / "g.edf").write_bytes(bytes(data))
    with pytest.raises(ECGError, match="g.edf: unreadable EDF header"):
        read_ecg(tmp_path / "g.edf")


# ---- CSV ----------------------------------------------------------------------------------------

def _rows(columns, fmt="{:.5f}", delimiter=","):
    return "\n".join(delimiter.join(fmt.format(v) for v in row) for row in zip(*columns)) + "\n"


def test_csv_with_time_column_in_seconds(tmp_path, ecg):
    signal, leads = ecg
    time = np.arange(signal.shape[1]) / FS
    (tmp_path / "a.csv").write_text("time," + ",".join(leads) + "\n" + _rows([time, *signal]))
    record = read_ecg(tmp_path / "a.csv")
    assert record.format == "csv" and record.fs == FS and record.leads == STANDARD_LEADS
    np.testing.assert_allclose(record.signal, signal, atol=1e-5)
    assert record.metadata["time_column"] == "time"


def test_csv_semicolons_decimal_commas_ms_time_and_unit_suffixes(tmp_path, ecg):
    signal, _ = ecg
    time_ms = np.arange(signal.shape[1]) * 1000 / FS
    body = _rows([time_ms, signal[0] * 1000, signal[1] * 1000], fmt="{:.1f}", delimiter=";").replace(".", ",")
    (tmp_path / "b.csv").write_text("time_ms;ECG I (uV);ECG II [uV]\n" + body)
    record = read_ecg(tmp_path / "b.csv")
    assert record.fs == FS
    np.testing.assert_allclose(record.lead("II"), signal[1], atol=1e-4)


def test_csv_time_unit_inferred_from_steps_and_units_row(tmp_path, ecg):
    signal, _ = ecg
    time_ms = np.arange(signal.shape[1]) * 1000 / 360  # 360 Hz in whole milliseconds: steps 2, 3, 3
    text = "# exported by a monitor\n\nt\tV1\tV2\n\tuV\tmV\n" + _rows(
        [np.round(time_ms), signal[6] * 1000, signal[7]], fmt="{:.4f}", delimiter="\t")
    (tmp_path / "c.tsv").write_text(text)
    record = read_ecg(tmp_path / "c.tsv")
    assert record.fs == 360
    assert record.leads == ("V1", "V2")
    np.testing.assert_allclose(record.signal, signal[6:8], atol=1e-4)


def test_csv_time_unit_from_the_units_row(tmp_path, ecg):
    signal, _ = ecg
    time_ms = np.arange(signal.shape[1]) * 1000 / FS
    (tmp_path / "r.csv").write_text("time,I\nms,mV\n" + _rows([time_ms, signal[0]]))
    assert read_ecg(tmp_path / "r.csv").fs == FS
    # The same 2 ms steps labelled as seconds are a 0.5 Hz rate, which the limits refuse.
    (tmp_path / "s.csv").write_text("time,I\ns,mV\n" + _rows([time_ms, signal[0]]))
    with pytest.raises(ECGError, match="s.csv: a sampling rate of 0.5 Hz is outside"):
        read_ecg(tmp_path / "s.csv")


def test_csv_whitespace_columns_and_exponents(tmp_path, ecg):
    signal, _ = ecg
    (tmp_path / "w.txt").write_text("  II      V5\n" + _rows(signal[[1, 10]], fmt="{:.6e}", delimiter="   "))
    record = read_ecg(tmp_path / "w.txt", ReadOptions(fs=FS))
    assert record.leads == ("II", "V5")
    np.testing.assert_allclose(record.signal, signal[[1, 10]], rtol=1e-5, atol=1e-9)


def test_csv_timestamps(tmp_path, ecg):
    signal, _ = ecg
    stamps = [f"2024-03-01 08:00:{i / FS:06.3f}" for i in range(signal.shape[1])]
    lines = [f"{s},{v:.5f}" for s, v in zip(stamps, signal[1])]
    (tmp_path / "ts.csv").write_text("timestamp,II\n" + "\n".join(lines) + "\n")
    assert read_ecg(tmp_path / "ts.csv").fs == FS


def test_headerless_csv_needs_fs_and_takes_standard_names_for_12_columns(tmp_path, ecg):
    signal, _ = ecg
    (tmp_path / "n.csv").write_text(_rows(signal))
    with pytest.raises(ECGError, match="n.csv: no sampling rate: .*pass --fs"):
        read_ecg(tmp_path / "n.csv")
    record = read_ecg(tmp_path / "n.csv", ReadOptions(fs=FS))
    assert record.leads == STANDARD_LEADS
    (tmp_path / "three.csv").write_text(_rows(signal[:3]))
    assert read_ecg(tmp_path / "three.csv", ReadOptions(fs=FS)).leads == ("ch1", "ch2", "ch3")


def test_csv_units_option_overrides_the_file(tmp_path, ecg):
    signal, _ = ecg
    (tmp_path / "u.csv").write_text("I,II\n" + _rows(signal[:2] * 1000, fmt="{:.2f}"))
    record = read_ecg(tmp_path / "u.csv", ReadOptions(fs=FS, units="uV"))
    np.testing.assert_allclose(record.lead("I"), signal[0], atol=1e-5)


def test_csv_missing_cells_are_nan(tmp_path, ecg):
    signal, _ = ecg
    lines = _rows(signal[:2]).splitlines()
    lines[10] = lines[10].split(",")[0] + ","
    (tmp_path / "gap.csv").write_text("I,II\n" + "\n".join(lines) + "\n")
    record = read_ecg(tmp_path / "gap.csv", ReadOptions(fs=FS))
    assert np.isnan(record.lead("II")[10]) and np.isfinite(record.lead("I")).all()


@pytest.mark.parametrize("edit, message", [
    (lambda lines: lines.__setitem__(16, lines[16].rsplit(",", 1)[0] + ",abc"),
     "column 'V1' has text 'abc' on line 18"),
    (lambda lines: lines.__delitem__(slice(100, 110)),
     "the time steps are irregular: on line 102 the time jumps from 0.198 s to 0.22 s"),
    (lambda lines: lines.__setitem__(5, "0.001," + lines[5].split(",", 1)[1]),
     "the time does not increase on line 7"),
    (lambda lines: lines.__setitem__(300, lines[300] + ",1.0"),
     "malformed delimited text (ParserError: Error tokenizing data. C error: Expected 3 fields in line 302"),
])
def test_csv_errors_name_the_line(tmp_path, ecg, edit, message):
    signal, _ = ecg
    time = np.arange(signal.shape[1]) / FS
    lines = _rows([time, signal[0], signal[6]], fmt="{:.3f}").splitlines()
    edit(lines)
    (tmp_path / "upload.csv").write_text("time,I,V1\n" + "\n".join(lines) + "\n")
    with pytest.raises(ECGError, match="upload.csv: " + message.replace("(", r"\(").replace(".", r"\.")):
        read_ecg(tmp_path / "upload.csv")


def test_csv_header_data_mismatch(tmp_path, ecg):
    signal, _ = ecg
    (tmp_path / "m.csv").write_text("I,II\n" + _rows(signal[:3]))
    with pytest.raises(ECGError, match="m.csv: the header names 2 columns but the data has 3"):
        read_ecg(tmp_path / "m.csv", ReadOptions(fs=FS))


def test_csv_with_only_a_header(tmp_path):
    (tmp_path / "h.csv").write_text("time,I,II\n0,1,2\n")
    with pytest.raises(ECGError, match="h.csv: a single row gives no sampling rate"):
        read_ecg(tmp_path / "h.csv")


# ---- NumPy --------------------------------------------------------------------------------------

@pytest.mark.parametrize("transpose", [False, True])
def test_npy_either_orientation_and_float16(tmp_path, ecg, transpose):
    signal, _ = ecg
    array = signal.astype(np.float16)
    np.save(tmp_path / "a.npy", array.T if transpose else array)
    record = read_ecg(tmp_path / "a.npy", ReadOptions(fs=FS))
    assert record.format == "npy" and record.leads == STANDARD_LEADS
    np.testing.assert_allclose(record.signal, signal, atol=2e-3)


def test_npy_needs_fs(tmp_path, ecg):
    np.save(tmp_path / "a.npy", ecg[0])
    with pytest.raises(ECGError, match="a.npy: no sampling rate: pass --fs"):
        read_ecg(tmp_path / "a.npy")


def test_npz_carries_rate_leads_and_units(tmp_path, ecg):
    signal, leads = ecg
    np.savez_compressed(tmp_path / "r.npz", ecg=signal[[1, 6]].T * 1000, sampling_rate=np.float32(FS),
                        lead_names=np.array(["MLII", "V1"]), units=np.array("uV"))
    record = read_ecg(tmp_path / "r.npz")
    assert record.format == "npz" and record.fs == FS and record.leads == ("II", "V1")
    np.testing.assert_allclose(record.signal, signal[[1, 6]], atol=1e-4)


def test_npz_batch_gives_one_record_per_ecg(tmp_path, ecg):
    signal, _ = ecg
    np.savez(tmp_path / "batch.npz", signal=np.stack([signal, -signal, signal]).astype(np.float16), fs=FS,
             ecg_id=np.array([17, 4, 99]), label=np.array(["NORM", "MI", "STTC"]))
    records = read_ecgs(tmp_path / "batch.npz")
    assert [r.source.rsplit("/", 1)[-1] for r in records] == ["batch.npz[0]", "batch.npz[1]", "batch.npz[2]"]
    assert records[1].metadata == {"index": 1, "ecg_id": 4, "label": "MI"}
    np.testing.assert_allclose(records[1].signal, -signal, atol=2e-3)


def test_npz_only_array_is_the_signal_and_several_need_a_name(tmp_path, ecg):
    np.savez(tmp_path / "one.npz", anything=ecg[0])
    assert read_ecg(tmp_path / "one.npz", ReadOptions(fs=FS)).leads == STANDARD_LEADS
    np.savez(tmp_path / "two.npz", a=ecg[0], b=ecg[0])
    with pytest.raises(ECGError, match="two.npz: cannot tell which array is the signal"):
        read_ecg(tmp_path / "two.npz", ReadOptions(fs=FS))


@pytest.mark.parametrize("shape", [(12, 12), (20, 3000)])
def test_npy_ambiguous_shapes_are_refused(tmp_path, shape):
    np.save(tmp_path / "s.npy", np.zeros(shape, dtype=np.float32))
    with pytest.raises(ECGError, match="s.npy: cannot tell leads from samples"):
        read_ecg(tmp_path / "s.npy", ReadOptions(fs=FS))


def test_npy_and_npz_with_pickled_objects_are_never_unpickled(tmp_path):
    objects = np.array([{"__reduce__": "payload"}], dtype=object)
    np.save(tmp_path / "o.npy", objects, allow_pickle=True)
    with pytest.raises(ECGError, match="o.npy: .*Python objects"):
        read_ecg(tmp_path / "o.npy", ReadOptions(fs=FS))
    np.savez(tmp_path / "o.npz", signal=objects, fs=FS)
    with pytest.raises(ECGError, match="o.npz: array 'signal' holds Python objects"):
        read_ecg(tmp_path / "o.npz")


def test_npy_of_text_is_refused(tmp_path):
    np.save(tmp_path / "t.npy", np.array(["a", "b"]))
    with pytest.raises(ECGError, match="t.npy: the array holds <U1 values, not real numbers"):
        read_ecg(tmp_path / "t.npy", ReadOptions(fs=FS))


def test_npz_lead_names_must_match_the_data(tmp_path, ecg):
    np.savez(tmp_path / "l.npz", signal=ecg[0], fs=FS, leads=np.array(["I", "II", "V1"]))
    with pytest.raises(ECGError, match="l.npz: the header names 3 leads but the data has 12"):
        read_ecg(tmp_path / "l.npz")


# ---- shared checks: NaN, infinities, zero rate, oversize, empty, unknown -------------------------

def test_nan_and_infinite_samples(tmp_path, ecg):
    signal = ecg[0].copy()
    signal[:, ::3] = np.nan  # a third missing: kept as gaps
    np.save(tmp_path / "gaps.npy", signal)
    assert np.isnan(read_ecg(tmp_path / "gaps.npy", ReadOptions(fs=FS)).signal).mean() == pytest.approx(1 / 3, 0.01)
    signal[:, 1::3] = np.nan  # two thirds missing: refused
    np.save(tmp_path / "holes.npy", signal)
    with pytest.raises(ECGError, match="holes.npy: 67% of the samples are missing"):
        read_ecg(tmp_path / "holes.npy", ReadOptions(fs=FS))
    signal = ecg[0].copy()
    signal[2, 7] = np.inf
    np.save(tmp_path / "inf.npy", signal)
    with pytest.raises(ECGError, match="inf.npy: the signal contains infinite values"):
        read_ecg(tmp_path / "inf.npy", ReadOptions(fs=FS))


def test_zero_sampling_rate(tmp_path, ecg):
    np.savez(tmp_path / "z.npz", signal=ecg[0], fs=0)
    with pytest.raises(ECGError, match="z.npz: the sampling rate 0.0 Hz is not a positive number"):
        read_ecg(tmp_path / "z.npz")
    (tmp_path / "z.csv").write_text("time,I\n" + "\n".join(f"0,{v}" for v in range(10)) + "\n")
    with pytest.raises(ECGError, match="z.csv: the time does not increase on line 3"):
        read_ecg(tmp_path / "z.csv")


def test_oversize_file_is_refused_before_reading(tmp_path, ecg):
    np.save(tmp_path / "big.npy", ecg[0])
    with pytest.raises(ECGError, match="big.npy: the file is 0 MB, more than the 0 MB allowed"):
        read_ecg(tmp_path / "big.npy", ReadOptions(fs=FS, limits=ReadLimits(max_file_bytes=1000)))


def test_empty_and_unknown_files(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(ECGError, match="empty.csv: the file is empty"):
        read_ecg(tmp_path / "empty.csv")
    (tmp_path / "noise.edf").write_bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with pytest.raises(ECGError, match="noise.edf: unknown format"):
        read_ecg(tmp_path / "noise.edf")
