"""Vendor formats: real Philips, GE MUSE, HL7 aECG and DICOM files against their own metadata, spec-following
round trips for all five formats, and malformed files that must raise ECGError."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from scipy.signal import find_peaks

from ecg import ECGError, detect_format, read_ecg
from ecg.io import ReadOptions
from ecg.leads import STANDARD_LEADS
from tests import vendor_writers as writers

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "vendor"
PHILIPS_REAL = FIXTURES / "philips_sierra_129DYPRG.xml"
MUSE_LEADS = ["I", "II", "V1", "V2", "V3", "V4", "V5", "V6"]  # what MUSE stores; the rest are derived
FS = 500


def _dicom_test_file(name: str) -> Path:
    return Path(get_testdata_file(name, download=False))


# --- real files ---------------------------------------------------------------------------------

def test_real_philips_file_matches_its_own_measurements():
    """HeartStart MRx export (sierra-ecg-tools): XLI-compressed, 1.03; the file's own lead
    measurements are QRS peak-to-peak amplitudes in uV and a mean RR interval of 1464 ms."""
    record = read_ecg(PHILIPS_REAL)
    assert (record.format, record.fs, record.leads) == ("philips", 500.0, STANDARD_LEADS)
    # 11 s per channel, of which the last 0.47 s are zero padding around the device's 1 mV
    # calibration pulse: it reads 1000 uV, so the scale is right, and it is cut off.
    assert record.signal.shape == (12, 5264)
    assert record.metadata["warnings"] == [
        "the last 0.47 s carry the same value in every lead (0, 1000 uV): a calibration pulse "
        "or padding, not ECG, removed"]
    ecg = record.signal.astype(np.float64)
    # Limb leads rebuilt from the XLI residuals obey Einthoven within two 5 uV steps.
    assert np.abs(ecg[2] - (ecg[1] - ecg[0])).max() <= 0.0101
    activity = np.abs(np.diff(ecg, axis=1)).sum(axis=0)
    beats, _ = find_peaks(activity, distance=int(0.8 * FS), height=0.5 * np.percentile(activity, 99))
    assert len(beats) == 7
    assert np.median(np.diff(beats)) * 1000 / FS == pytest.approx(1464, rel=0.02)
    qrs_peak_to_peak_uv = {"I": 1032, "II": 724, "V1": 991, "V2": 839, "V3": 650, "V4": 629,
                           "V5": 750, "V6": 878}
    for lead, expected_uv in qrs_peak_to_peak_uv.items():
        row = ecg[record.leads.index(lead)]
        measured = np.median([np.ptp(row[b - 40:b + 40]) for b in beats])
        assert measured == pytest.approx(expected_uv / 1000, abs=0.03), lead


def test_real_philips_file_metadata():
    meta = read_ecg(PHILIPS_REAL).metadata
    assert meta["patient"] == {"age_years": 50, "sex": "M"}
    assert meta["acquired_at"] == "2011-12-01T07:27:34"
    assert meta["device"]["model"] == "HeartstartMRx"
    assert meta["statements"][0] == "Sinus bradycardia rate< 50"
    assert ">>> Acute MI <<<" in meta["statements"]
    assert meta["device_measurements"]["heart_rate_bpm"] == 41
    assert meta["device_measurements"]["qrs_duration_ms"] == 135


def test_real_dicom_file_matches_pydicom():
    """pydicom's 12-lead ECG sample (Mortara ELI 250): the rhythm group, not the median beats."""
    path = _dicom_test_file("waveform_ecg.dcm")
    record = read_ecg(path)
    assert (record.format, record.fs, record.leads) == ("dicom", 1000.0, STANDARD_LEADS)
    reference_uv = pydicom.dcmread(path).waveform_array(0)  # channels in file order, uV
    np.testing.assert_allclose(record.signal, reference_uv.T / 1000, atol=1e-6)
    signal = record.signal
    np.testing.assert_allclose(signal[2], signal[1] - signal[0], atol=1e-6)  # III = II - I
    assert 0.3 < np.ptp(signal[1]) < 3.0
    meta = record.metadata
    assert meta["patient"] == {"age_years": 42, "sex": "F"}
    assert meta["acquired_at"] == "2013-01-25T10:59:19"
    assert meta["statements"] == ["RITMO SINUSALE", "ECG NORMALE"]
    assert meta["median_beats_in_file"] == 12


def test_dicom_that_is_not_an_ecg_is_refused():
    with pytest.raises(ECGError, match="CT Image Storage, not an ECG waveform") as error:
        read_ecg(_dicom_test_file("CT_small.dcm"))
    assert "CT_small.dcm" in str(error.value)


# --- round trips through spec-following writers -------------------------------------------------

WRITERS = {
    "muse": (writers.write_muse, MUSE_LEADS),
    "hl7aecg": (writers.write_hl7aecg, list(STANDARD_LEADS)),
    "philips": (writers.write_philips, list(STANDARD_LEADS)),
    "scp": (writers.write_scp, list(STANDARD_LEADS)),
    "dicom": (writers.write_dicom, list(STANDARD_LEADS)),
}


def _write(fmt: str, folder: Path, synthetic, **kwargs) -> tuple[Path, np.ndarray, list[str], float]:
    signal, names = synthetic
    write, leads = WRITERS[fmt]
    stored = signal[[names.index(lead) for lead in leads]]
    path = folder / f"{fmt}.upload"  # a name that tells nothing: detection reads the content
    step = write(path, stored, leads, FS, **kwargs)
    return path, stored, leads, step


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_round_trip_within_quantisation(tmp_path, synthetic_ecg, fmt):
    path, stored, leads, step = _write(fmt, tmp_path, synthetic_ecg)
    assert detect_format(path) == fmt
    record = read_ecg(path)
    assert record.format == fmt
    assert record.fs == FS
    assert record.leads == STANDARD_LEADS
    assert record.signal.shape == (12, stored.shape[1])
    read_back = record.signal[[record.leads.index(lead) for lead in leads]]
    np.testing.assert_allclose(read_back, stored, atol=step / 2 + 1e-6)


def test_muse_limb_leads_are_derived_from_i_and_ii(tmp_path, synthetic_ecg):
    path, stored, _, _ = _write("muse", tmp_path, synthetic_ecg)
    record = read_ecg(path)
    lead_i, lead_ii = record.lead("I"), record.lead("II")
    np.testing.assert_allclose(record.lead("III"), lead_ii - lead_i, atol=1e-6)
    np.testing.assert_allclose(record.lead("aVR"), -(lead_i + lead_ii) / 2, atol=1e-6)


@pytest.mark.parametrize("fmt, expected", [
    ("muse", {"patient": {"age_years": 54, "sex": "F"}, "statements": ["Sinus rhythm", "Normal ECG"]}),
    ("hl7aecg", {"patient": {"age_years": 54, "sex": "M"}, "statements": ["Sinus rhythm"]}),
    ("philips", {"patient": {"age_years": 61, "sex": "M"}, "statements": ["Sinus rhythm"]}),
    ("scp", {"patient": {"age_years": 47, "sex": "F"}, "statements": ["Sinus rhythm"]}),
    ("dicom", {"patient": {"age_years": 66, "sex": "M"}}),
])
def test_metadata_keeps_patient_time_and_statements(tmp_path, synthetic_ecg, fmt, expected):
    path, *_ = _write(fmt, tmp_path, synthetic_ecg)
    meta = read_ecg(path).metadata
    assert meta["acquired_at"] == "2024-03-14T09:30:15"
    for key, value in expected.items():
        assert meta[key] == value
    assert "TEST0001" not in str(meta) and "SUBJ-001" not in str(meta)  # no identifiers copied


def test_muse_device_measurements(tmp_path, synthetic_ecg):
    path, *_ = _write("muse", tmp_path, synthetic_ecg)
    measured = read_ecg(path).metadata["device_measurements"]
    assert measured == {"heart_rate_bpm": 70, "pr_interval_ms": 160, "qrs_duration_ms": 92,
                        "qt_interval_ms": 380, "qrs_axis_deg": 45}


def test_hl7_origin_and_scale_are_applied(tmp_path, synthetic_ecg):
    path, stored, _, step = _write("hl7aecg", tmp_path, synthetic_ecg, scale_uv=5.0, origin_uv=-120.0)
    np.testing.assert_allclose(read_ecg(path).signal, stored, atol=step / 2 + 1e-6)


def test_hl7_right_sided_lead_codes_map_to_their_positions(tmp_path, synthetic_ecg):
    """MDC_ECG_LEAD_V2R sits where V1 does and MDC_ECG_LEAD_V1R where V2 does."""
    signal, names = synthetic_ecg
    columns = [names.index(n) for n in ("I", "II", "V1", "V2")]
    codes = ["I", "II", "V2R", "V1R"]
    step = writers.write_hl7aecg(tmp_path / "right.xml", signal[columns], codes, FS)
    record = read_ecg(tmp_path / "right.xml")
    assert "MDC_ECG_LEAD_V2R" in (tmp_path / "right.xml").read_text()
    np.testing.assert_allclose(record.lead("V1"), signal[names.index("V1")], atol=step / 2 + 1e-6)
    np.testing.assert_allclose(record.lead("V2"), signal[names.index("V2")], atol=step / 2 + 1e-6)


def test_scp_leads_starting_late_are_padded_with_nan(tmp_path, synthetic_ecg):
    starts = [1] * 11 + [1001]
    path, stored, _, step = _write("scp", tmp_path, synthetic_ecg, start_samples=starts)
    record = read_ecg(path)
    v6 = record.lead("V6")
    assert np.isnan(v6[:1000]).all()
    np.testing.assert_allclose(v6[1000:], stored[11, 1000:], atol=step / 2 + 1e-6)


def test_scp_without_scpecg_mark_is_detected(tmp_path, synthetic_ecg):
    """Files before EN 1064:2005 leave section 0's reserved bytes blank."""
    path, stored, _, step = _write("scp", tmp_path, synthetic_ecg, marker=False)
    assert path.read_bytes()[16:22] == b"\x00" * 6
    assert detect_format(path) == "scp"
    np.testing.assert_allclose(read_ecg(path).signal, stored, atol=step / 2 + 1e-6)


def test_scp_crc_mismatch_is_reported_not_fatal(tmp_path, synthetic_ecg):
    path, *_ = _write("scp", tmp_path, synthetic_ecg)
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01  # one bit of the last statement's terminator
    path.write_bytes(bytes(data))
    warnings = read_ecg(path).metadata["warnings"]
    assert any("CRC" in w for w in warnings)


def test_calibration_pulse_at_either_end_is_cut(tmp_path, synthetic_ecg):
    signal, names = synthetic_ecg
    marked = signal.copy()
    marked[:, :50] = 0.0  # 0.1 s of padding in every lead
    marked[:, -100:] = 1.0  # a 1 mV, 0.2 s calibration pulse in every lead
    step = writers.write_scp(tmp_path / "marked.scp", marked, names, FS)
    record = read_ecg(tmp_path / "marked.scp")
    assert record.n_samples == signal.shape[1] - 150
    np.testing.assert_allclose(record.signal, signal[:, 50:-100], atol=step / 2 + 1e-6)
    assert [w.split(" carry")[0] for w in record.metadata["warnings"]] == [
        "the first 0.10 s", "the last 0.20 s"]


def test_units_option_reads_muse_without_amplitude_units(tmp_path, synthetic_ecg):
    path, stored, _, step = _write("muse", tmp_path, synthetic_ecg)
    path.write_text(path.read_text(encoding="iso-8859-1").replace(
        "<LeadAmplitudeUnits>MICROVOLTS</LeadAmplitudeUnits>", ""), encoding="iso-8859-1")
    with pytest.raises(ECGError, match="no amplitude scale"):
        read_ecg(path)
    record = read_ecg(path, ReadOptions(units="uV"))
    np.testing.assert_allclose(record.select(MUSE_LEADS).signal, stored, atol=step / 2 + 1e-6)


# --- malformed files ----------------------------------------------------------------------------

def _edit_text(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="iso-8859-1")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="iso-8859-1")


ENTITY_BOMB = '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
EXTERNAL_ENTITY = '<!DOCTYPE restingecgdata [<!ENTITY host SYSTEM "file:///etc/hostname">]>\n'


def _add_external_entity(path: Path) -> None:
    _edit_text(path, '<?xml version="1.0" encoding="utf-8"?>\n', '<?xml version="1.0"?>\n' + EXTERNAL_ENTITY)
    _edit_text(path, "<patientid>9999<", "<patientid>&host;<")


@pytest.mark.parametrize("fmt, damage, message", [
    ("muse", lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), "Malformed XML"),
    ("muse", lambda p: _edit_text(p, "<WaveFormData>", "<WaveFormData>!!"), "Base64"),
    ("muse", lambda p: _edit_text(p, "<LeadByteCountTotal>10000<", "<LeadByteCountTotal>9000<"),
     "LeadByteCountTotal"),
    ("muse", lambda p: _edit_text(p, "<WaveformType>Rhythm</WaveformType>",
                                  "<WaveformType>Median</WaveformType>"), "[Nn]o rhythm"),
    ("muse", lambda p: _edit_text(p, '<!DOCTYPE RestingECG SYSTEM "restecg.dtd">\n', ENTITY_BOMB),
     "entit"),
    ("hl7aecg", lambda p: _edit_text(p, "<digits>", "<digits>12 x "), "[Ii]nvalid digits"),
    ("hl7aecg", lambda p: _edit_text(p, 'unit="s"', 'unit="parsec"'), "increment unit"),
    ("hl7aecg", lambda p: _edit_text(p, '<?xml version="1.0" encoding="UTF-8"?>\n',
                                     '<?xml version="1.0"?>\n' + ENTITY_BOMB), "entit"),
    ("philips", lambda p: _edit_text(p, 'durationperchannel="10000"', 'durationperchannel="20000"'),
     "bytes"),
    ("philips", lambda p: _edit_text(p, "<documentversion>1.04<", "<documentversion>9.99<"),
     "unsupported"),
    ("philips", _add_external_entity, "entit"),
    ("scp", lambda p: p.write_bytes(p.read_bytes()[:5000]), "declares"),
    ("scp", lambda p: p.write_bytes(_drop_scp_section(p.read_bytes(), 6)), "Section 6"),
    ("dicom", lambda p: p.write_bytes(p.read_bytes()[:-20000]), "Waveform Data has"),
    ("dicom", lambda p: p.write_bytes(p.read_bytes()[:600]), "no Waveform Sequence"),
    ("dicom", lambda p: p.write_bytes(p.read_bytes()[:300]), "no SOP class"),
])
def test_malformed_files_raise_ecgerror_naming_the_file(tmp_path, synthetic_ecg, fmt, damage, message):
    path, *_ = _write(fmt, tmp_path, synthetic_ecg)
    damage(path)
    with pytest.raises(ECGError, match=message) as error:
        read_ecg(path)
    assert path.name in str(error.value)


def _drop_scp_section(data: bytes, section_id: int) -> bytes:
    """Blank one pointer of section 0 (the section stays in the file, unreferenced)."""
    record = bytearray(data)
    for pointer in range(6 + 16, 6 + 16 + 10 * 12, 10):
        if struct.unpack_from("<H", record, pointer)[0] == section_id:
            struct.pack_into("<HII", record, pointer, section_id, 0, 0)
    return bytes(record)


# --- real GE MUSE file (ecg2dcm examples; see tests/fixtures/vendor/README.md) ------------------

MUSE_REAL = FIXTURES / "ge_muse_guangxi_sinus_rhythm.xml"


def _beat_peaks(signal: np.ndarray, fs: float, min_rr_s: float) -> np.ndarray:
    """QRS positions: peaks of the summed absolute slope of all leads."""
    activity = np.abs(np.diff(signal, axis=1)).sum(axis=0)
    beats, _ = find_peaks(activity, distance=int(min_rr_s * fs), height=0.5 * np.percentile(activity, 99))
    return beats


def _median_qrs_peak_to_peak(row: np.ndarray, beats: np.ndarray, half_width: int) -> float:
    return float(np.median([np.ptp(row[b - half_width:b + half_width]) for b in beats]))


def test_real_muse_file_shape_and_leads():
    """GE MUSE 9.0.9 export (MAC P cart): 8 stored rhythm leads of 5000 samples at 500 Hz,
    4.88 uV per bit; III, aVR, aVL and aVF are derived by the reader."""
    record = read_ecg(MUSE_REAL)
    assert (record.format, record.fs, record.leads) == ("muse", 500.0, STANDARD_LEADS)
    assert record.signal.shape == (12, 5000)  # 10 s, no calibration pulse or padding to cut
    assert "warnings" not in record.metadata
    lead_i, lead_ii = record.lead("I"), record.lead("II")
    np.testing.assert_allclose(record.lead("III"), lead_ii - lead_i, atol=1e-6)
    np.testing.assert_allclose(record.lead("aVF"), lead_ii - lead_i / 2, atol=1e-6)


def test_real_muse_file_matches_its_own_measurements():
    """The file's 12SL analysis counted 16 QRS complexes at 97 bpm and measured R, Q and S
    amplitudes (uV) on its median beats, the limb leads III-aVF on GE's own derived leads."""
    record = read_ecg(MUSE_REAL)
    ecg = record.signal.astype(np.float64)
    beats = _beat_peaks(ecg, record.fs, min_rr_s=0.4)
    assert len(beats) == 16  # <QRSCount>16</QRSCount>
    assert np.median(np.diff(beats)) * 1000 / record.fs == pytest.approx(60000 / 97, rel=0.02)
    # R plus the deeper of Q and S from <AmplitudeMeasurements>: the QRS peak-to-peak amplitude.
    qrs_peak_to_peak_uv = {"I": 1005 + 234, "II": 1712, "III": 966 + 39, "aVR": 1359, "aVL": 190 + 556,
                           "aVF": 1210 + 24, "V1": 585 + 956, "V2": 1790 + 2088, "V3": 2025 + 1024,
                           "V4": 2698 + 390, "V5": 2254 + 195, "V6": 1747 + 39}
    for lead, expected_uv in qrs_peak_to_peak_uv.items():
        measured = _median_qrs_peak_to_peak(ecg[record.leads.index(lead)], beats, half_width=20)
        assert measured == pytest.approx(expected_uv / 1000, rel=0.05), lead


def test_real_muse_file_metadata():
    meta = read_ecg(MUSE_REAL).metadata
    assert meta["vendor_format_version"] == "9.0.9.18167"
    assert meta["patient"] == {"age_years": 11, "sex": "M"}
    assert meta["acquired_at"] == "2024-01-01T10:35:17"
    assert meta["device"]["model"] == "MAC P"
    assert meta["statements"] == ["窦性心律", "ST段抬高（提示心室早期复极）"]  # sinus rhythm; ST elevation
    assert meta["statements_source"] == "confirmed"
    measured = meta["device_measurements"]
    assert {k: measured[k] for k in ("heart_rate_bpm", "pr_interval_ms", "qrs_duration_ms", "qt_interval_ms",
                                     "qtc_fridericia_ms", "p_axis_deg", "qrs_axis_deg", "t_axis_deg")} == {
        "heart_rate_bpm": 97, "pr_interval_ms": 122, "qrs_duration_ms": 74, "qt_interval_ms": 328,
        "qtc_fridericia_ms": 384, "p_axis_deg": 31, "qrs_axis_deg": 63, "t_axis_deg": 49}
    assert meta["filters_hz"] == {"highpass": 0.56, "lowpass": 150.0, "notch": 50.0}
    assert meta["median_beats_in_file"] == 8
    assert "Anonymous" not in str(meta) and "00000000" not in str(meta)  # no name or patient id


# --- real HL7 aECG file (the HL7/FDA example; see tests/fixtures/vendor/README.md) --------------

HL7_REAL = FIXTURES / "hl7_aecg_fda_example.xml"
# The device annotation set: QRS onsets (s from the series start) of the 12 beats, each QRS 120 ms.
HL7_QRS_ONSETS_S = [0.270, 1.060, 1.868, 2.714, 3.590, 4.462, 5.304, 6.188, 7.050, 7.888, 8.706, 9.488]
HL7_STEP_MV = 2.5 / 1000  # <scale value="2.5" unit="uV"/>, origin 0


def test_real_hl7_file_shape_scale_and_leads():
    """Mortara ELI250 rhythm series: 12 stored leads of 5000 samples at 500 Hz (increment 0.002 s,
    10 s), digits times 2.5 uV; the extremes and first samples below are the file's own digits."""
    record = read_ecg(HL7_REAL)
    assert detect_format(HL7_REAL) == "hl7aecg"
    assert (record.format, record.fs, record.leads) == ("hl7aecg", 500.0, STANDARD_LEADS)
    assert record.signal.shape == (12, 5000)
    assert "warnings" not in record.metadata
    np.testing.assert_allclose(record.lead("I")[:5], np.array([-2, -2, -2, -2, -3]) * HL7_STEP_MV, atol=1e-7)
    np.testing.assert_allclose(record.lead("V6")[:3], np.array([-9, -7, -5]) * HL7_STEP_MV, atol=1e-7)
    assert record.lead("V1").min() == pytest.approx(-586 * HL7_STEP_MV, abs=1e-7)
    assert record.lead("V2").min() == pytest.approx(-771 * HL7_STEP_MV, abs=1e-7)
    assert record.lead("V6").max() == pytest.approx(389 * HL7_STEP_MV, abs=1e-7)
    # The file stores III and the augmented leads as well: they obey Einthoven/Goldberger.
    lead_i, lead_ii = record.lead("I"), record.lead("II")
    np.testing.assert_allclose(record.lead("III"), lead_ii - lead_i, atol=1e-6)
    np.testing.assert_allclose(record.lead("aVR"), -(lead_i + lead_ii) / 2, atol=HL7_STEP_MV / 2 + 1e-6)


def test_real_hl7_file_matches_its_own_annotations():
    """Each QRS found lies in one of the device's annotated QRS windows, the human reader's four
    R-peak annotations on lead I (332, 1120, 1930, 2776 ms) are lead I's local maxima, and the QRS
    peak-to-peak amplitude of every lead is a plausible 0.3-3 mV."""
    record = read_ecg(HL7_REAL)
    ecg = record.signal.astype(np.float64)
    beats = _beat_peaks(ecg, record.fs, min_rr_s=0.4)
    assert len(beats) == len(HL7_QRS_ONSETS_S)
    for beat, onset in zip(beats / record.fs, HL7_QRS_ONSETS_S):
        assert onset <= beat <= onset + 0.120
    lead_i = record.lead("I")
    for peak_ms in (332, 1120, 1930, 2776):
        at = peak_ms * int(record.fs) // 1000
        assert lead_i[at] == lead_i[at - 10:at + 11].max()  # the maximum within +-20 ms
    for row, lead in zip(ecg, record.leads):
        windows = [row[int(onset * record.fs):int((onset + 0.120) * record.fs) + 1] for onset in HL7_QRS_ONSETS_S]
        assert 0.3 < np.median([np.ptp(w) for w in windows]) < 3.0, lead


def test_real_hl7_file_metadata():
    meta = read_ecg(HL7_REAL).metadata
    assert meta["patient"] == {"age_years": 46, "sex": "M"}  # the file's "Reported Age"
    assert meta["acquired_at"] == "2002-11-22T09:10:00"
    assert meta["device"] == {"manufacturer": "Mortara Instrument, Inc.", "model": "ELI250",
                              "software_version": "5.3"}
    assert meta["device_measurements"] == {"pr_interval_ms": 148, "qrs_duration_ms": 120,
                                           "qt_interval_ms": 420, "p_axis_deg": 44,
                                           "qrs_axis_deg": -61, "t_axis_deg": 86}
    assert meta["filters_hz"] == {"lowpass": 150.0, "notch": 60.0}
    assert meta["median_beats_in_file"] == 12  # the REPRESENTATIVE_BEAT derived series
    assert "Clark" not in str(meta) and "subject1" not in str(meta)  # no name or subject id
