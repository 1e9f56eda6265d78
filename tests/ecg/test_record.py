"""The record type: units, lead aliases, derived limb leads and the errors for bad signals."""

import numpy as np
import pytest

from ecg import ECGError, ReadLimits, make_record
from ecg.leads import STANDARD_LEADS, canonical_lead_name, canonical_lead_names


def _signal(n_leads=2, n=1000, amplitude=1.0):
    t = np.arange(n) / 500
    return np.stack([amplitude * np.sin(2 * np.pi * (i + 1) * t) for i in range(n_leads)])


@pytest.mark.parametrize("label, expected", [
    ("MLII", "II"), ("ECG 1", "I"), ("ECG 2", "II"), ("ecg ii", "II"), ("v1", "V1"), ("V1R", "V2"),
    ("avr", "aVR"), ("AVF", "aVF"), ("Lead V5", "V5"), ("MDC_ECG_LEAD_AVL", "aVL"), ("V4R", "V4R"),
    ("D3", "III"), ("sig 7", "sig 7"),
])
def test_lead_aliases(label, expected):
    assert canonical_lead_name(label) == expected


def test_numbered_twelve_channels_take_standard_order():
    assert canonical_lead_names([f"ECG {i}" for i in range(1, 13)]) == STANDARD_LEADS


def test_units_are_converted_to_millivolts():
    record = make_record(_signal() * 1000, 500, ["I", "II"], source="x.csv", format="csv", units="uV")
    assert record.units == "mV"
    assert np.abs(record.lead("I")).max() == pytest.approx(1.0, abs=1e-3)
    per_lead = make_record(np.stack([_signal(1)[0] * 1e-3, _signal(1)[0]]), 500, ["V1", "V2"],
                           source="x", format="csv", units=["V", "mV"])
    assert np.abs(per_lead.signal).max(axis=1) == pytest.approx([1.0, 1.0], abs=1e-3)


def test_limb_leads_are_derived_from_i_and_ii():
    record = make_record(_signal(), 500, ["I", "II"], source="x", format="csv")
    assert record.leads == ("I", "II", "III", "aVR", "aVL", "aVF")
    i, ii = record.lead("I"), record.lead("II")
    np.testing.assert_allclose(record.lead("III"), ii - i, atol=1e-6)
    np.testing.assert_allclose(record.lead("aVR"), -(i + ii) / 2, atol=1e-6)
    np.testing.assert_allclose(record.lead("aVL"), i - ii / 2, atol=1e-6)
    np.testing.assert_allclose(record.lead("aVF"), ii - i / 2, atol=1e-6)


def test_standard_leads_come_first_in_order():
    record = make_record(_signal(3), 500, ["v2", "X", "i"], source="x", format="csv")
    assert record.leads == ("I", "V2", "X")
    assert record.signal.dtype == np.float32


@pytest.mark.parametrize("kwargs, message", [
    (dict(fs=0), "sampling rate"),
    (dict(fs=float("nan")), "sampling rate"),
    (dict(units="mmHg"), "not a voltage"),
    (dict(leads=["I"]), "names 1 leads but the data has 2"),
    (dict(signal=_signal(n=100)), "shorter than"),
    (dict(signal=_signal() * 1000), "units are probably wrong"),
    (dict(signal=np.full((2, 1000), np.nan)), "every sample is missing"),
    (dict(signal=np.where(np.arange(1000) < 700, np.nan, 1.0) * np.ones((2, 1))), r"missing \(NaN\)"),
    (dict(signal=np.full((2, 1000), np.inf)), "infinite"),
])
def test_bad_signals_raise_ecg_error_naming_the_file(kwargs, message):
    args = dict(signal=_signal(), fs=500, leads=["I", "II"], units="mV")
    args.update(kwargs)
    with pytest.raises(ECGError, match=message) as error:
        make_record(args.pop("signal"), args.pop("fs"), args.pop("leads"), source="upload.csv",
                    format="csv", **args)
    assert "upload.csv" in str(error.value)


def test_lead_without_samples_is_dropped_with_a_warning():
    signal = _signal(3)
    signal[2] = np.nan
    record = make_record(signal, 500, ["V1", "V2", "V3"], source="x", format="csv")
    assert record.leads == ("V1", "V2")
    assert "V3" in record.metadata["warnings"][0]


def test_size_caps():
    with pytest.raises(ECGError, match="exceed the limit"):
        make_record(_signal(), 500, ["I", "II"], source="x", format="csv",
                    limits=ReadLimits(max_total_samples=1000))


def test_missing_lead_is_named():
    record = make_record(_signal(1), 500, ["V1"], source="a.csv", format="csv")
    with pytest.raises(ECGError, match="lead II is missing"):
        record.lead("II")
