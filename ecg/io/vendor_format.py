"""Vendor ECG files: GE MUSE XML, HL7 aECG, Philips (Sierra) XML, SCP-ECG and DICOM waveforms.

The parsing itself is ecgdatakit's (Apache-2.0; XML through defusedxml, so no entity
expansion and no external entities). This module picks the parser for the format that
``detect_format`` found, turns every failure into ECGError naming the file, converts each
lead to mV with the scale the file states, lines up leads that start late (SCP-ECG), cuts
calibration pulses and padding a device put at either end (with a warning), and keeps what
the file says about the ECG (device statements and measurements, age, sex,
acquisition time, device, filters) in the record's metadata. Patient names and identifiers
are not copied.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ecg.errors import ECGError
from ecg.record import ECGRecord, make_record

# PS3.4 Waveform Storage SOP classes that hold ECG channels: 12-lead, general, ambulatory,
# general 32-bit ECG and cardiac electrophysiology.
DICOM_ECG_SOP_CLASSES = frozenset({
    "1.2.840.10008.5.1.4.1.1.9.1.1",
    "1.2.840.10008.5.1.4.1.1.9.1.2",
    "1.2.840.10008.5.1.4.1.1.9.1.3",
    "1.2.840.10008.5.1.4.1.1.9.1.4",
    "1.2.840.10008.5.1.4.1.1.9.3.1",
})
# A calibration pulse or padding a device appends carries the same value in every lead at once,
# which no ECG does for long (III = II - I allows it only at 0 mV). Runs this long (s) at either
# end are cut; the standard 1 mV calibration pulse lasts 0.2 s.
MIN_DEVICE_MARK_S = 0.1
# Long library messages are cut to this many characters in ECGError texts.
MAX_DESCRIPTION_CHARS = 300
# ecgdatakit GlobalMeasurements field -> the project's measurement key (ms unless named).
_DEVICE_MEASUREMENT_KEYS = {
    "heart_rate": "heart_rate_bpm",
    "rr_interval": "rr_ms",
    "pr_interval": "pr_interval_ms",
    "qrs_duration": "qrs_duration_ms",
    "qt_interval": "qt_interval_ms",
    "qtc_bazett": "qtc_bazett_ms",
    "qtc_fridericia": "qtc_fridericia_ms",
    "p_axis": "p_axis_deg",
    "qrs_axis": "qrs_axis_deg",
    "t_axis": "t_axis_deg",
}


def read_muse(path: Path, options) -> ECGRecord:
    """A GE MUSE ``<RestingECG>`` export: base64 int16 rhythm leads, usually I, II, V1-V6."""
    from ecgdatakit.parsing.parsers.ge_muse_xml import GEMuseXMLParser

    return _read_with(GEMuseXMLParser, path, options, "muse")


def read_hl7aecg(path: Path, options) -> ECGRecord:
    """An HL7 v3 Annotated ECG (FDA aECG): ``<digits>`` scaled by ``scale`` plus ``origin``."""
    from ecgdatakit.parsing.parsers.hl7_aecg import HL7aECGParser

    return _read_with(HL7aECGParser, path, options, "hl7aecg")


def read_philips(path: Path, options) -> ECGRecord:
    """A Philips PageWriter/Sierra ``<restingecgdata>`` file, uncompressed or XLI-compressed."""
    from ecgdatakit.parsing.parsers.sierra_xml import SierraXMLParser

    return _read_with(SierraXMLParser, path, options, "philips")


def read_scp(path: Path, options) -> ECGRecord:
    """An SCP-ECG (EN 1064) record: rhythm data of section 6, any Huffman or difference coding."""
    from ecgdatakit.parsing.parsers.scp_ecg import SCPECGParser

    return _read_with(SCPECGParser, path, options, "scp")


def read_dicom(path: Path, options) -> ECGRecord:
    """A DICOM ECG waveform object; other DICOM objects (images, reports) are refused."""
    from ecgdatakit.parsing.parsers.dicom_waveform import DICOMWaveformParser

    _check_dicom_is_ecg(path)
    return _read_with(DICOMWaveformParser, path, options, "dicom")


def _check_dicom_is_ecg(path: Path) -> None:
    """Read the header only (large values deferred) and refuse what holds no ECG waveform."""
    import pydicom

    try:
        header = pydicom.dcmread(path, stop_before_pixels=True, defer_size="64 KB")
        sop_class = str(header.get("SOPClassUID", ""))
        has_waveform = "WaveformSequence" in header
    except Exception as exc:  # pydicom raises many types for a damaged header
        raise ECGError(path, f"unreadable DICOM file ({_describe(exc, path)})") from None
    if not sop_class:
        raise ECGError(path, "the DICOM file names no SOP class (truncated?), so it is no ECG waveform")
    kind = pydicom.uid.UID(sop_class).name
    if sop_class not in DICOM_ECG_SOP_CLASSES:
        raise ECGError(path, f"the DICOM object is a {kind}, not an ECG waveform")
    if not has_waveform:
        raise ECGError(path, f"the {kind} object has no Waveform Sequence (truncated?)")


def _read_with(parser_class, path: Path, options, fmt: str) -> ECGRecord:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            parsed = parser_class().parse(Path(path))
        except ImportError:
            raise
        except Exception as exc:  # ecgdatakit and the libraries under it raise many types
            problem = _describe(exc, path)
            raise ECGError(path, f"unreadable {parser_class.FORMAT_NAME} file ({problem})") from None
    rhythm = [lead for lead in parsed.leads if len(lead.samples)]
    if not rhythm:
        raise ECGError(path, f"the {parser_class.FORMAT_NAME} file holds no rhythm waveform")
    fs = _common_rate(rhythm, path)
    signal, units = _physical_signal(rhythm, path, options)
    signal, trimmed = _trim_device_marks(signal, fs, units)
    metadata = _metadata(parsed, parser_class.FORMAT_NAME)
    notes = [str(w.message) for w in caught] + trimmed
    if notes:
        metadata["warnings"] = notes
    return make_record(signal, fs, [lead.label for lead in rhythm], source=str(path), format=fmt,
                       units=units, metadata=metadata, limits=options.limits)


def _common_rate(leads, path: Path) -> float:
    rates = {float(lead.sampling_rate) for lead in leads}
    if len(rates) != 1:
        listing = ", ".join(f"{lead.label} {lead.sampling_rate} Hz" for lead in leads)
        raise ECGError(path, f"the leads have different sampling rates ({listing})")
    return rates.pop()


def _physical_signal(leads, path: Path, options) -> tuple[np.ndarray, list[str]]:
    """Samples times the file's scale plus its offset, leads aligned on their first sample.

    SCP-ECG leads may start later than sample 1 ("start_sample"); the gap before a late
    start and after an early end is NaN. Returns the signal and each lead's unit.
    """
    starts = [int(lead.annotations.get("start_sample", 1)) - 1 for lead in leads]
    length = max(start + len(lead.samples) for start, lead in zip(starts, leads))
    signal = np.full((len(leads), length), np.nan)
    units = []
    for row, (start, lead) in enumerate(zip(starts, leads)):
        values, unit = _lead_values(lead, path, options.units)
        signal[row, start:start + len(values)] = values
        units.append(unit)
    return signal, units


def _lead_values(lead, path: Path, units_override: str | None) -> tuple[np.ndarray, str]:
    """One lead's values and their unit; ``units_override`` (the user's) replaces the file's."""
    samples = np.asarray(lead.samples, dtype=np.float64)
    if not lead.is_raw:
        return samples, units_override or lead.units
    if not (lead.resolution_unit or units_override):
        raise ECGError(path, f"lead {lead.label} has no amplitude scale in a voltage unit "
                             f"(raw counts only); tell the reader the units")
    values = samples * (lead.resolution or 1.0) + lead.offset
    return values, units_override or lead.resolution_unit


def _trim_device_marks(signal: np.ndarray, fs: float, units: list[str]) -> tuple[np.ndarray, list[str]]:
    """Cut runs of at least MIN_DEVICE_MARK_S at either end where every lead carries the same
    value (calibration pulses, padding); returns the signal and a note per cut."""
    if signal.shape[0] < 3:
        return signal, []
    same = np.all(signal == signal[:1], axis=0)
    min_run = max(1, int(MIN_DEVICE_MARK_S * fs))
    head = _leading_run(same)
    tail = _leading_run(same[::-1])
    head = head if head >= min_run else 0
    tail = tail if tail >= min_run else 0
    if head + tail >= len(same):
        return signal, []  # nothing but marks: make_record names the flat signal
    unit = units[0] if len(set(units)) == 1 else "file units"
    notes = []
    for where, values in (("first", signal[0, :head]), ("last", signal[0, len(same) - tail:])):
        if len(values):
            levels = ", ".join(f"{v:g}" for v in np.unique(values))
            notes.append(f"the {where} {len(values) / fs:.2f} s carry the same value in every lead "
                         f"({levels} {unit}): a calibration pulse or padding, not ECG, removed")
    return signal[:, head:len(same) - tail], notes


def _leading_run(flags: np.ndarray) -> int:
    """How many leading entries are True."""
    false = np.flatnonzero(~flags)
    return int(false[0]) if len(false) else len(flags)


def _metadata(parsed, format_name: str) -> dict[str, Any]:
    """What the file says about the ECG, JSON-ready; no names or identifiers."""
    meta: dict[str, Any] = {"vendor_format": format_name}
    if parsed.file_format.version:
        meta["vendor_format_version"] = parsed.file_format.version
    patient = {"age_years": parsed.patient.age, "sex": parsed.patient.sex or None}
    meta["patient"] = {k: v for k, v in patient.items() if v is not None}
    if parsed.recording.date:
        meta["acquired_at"] = parsed.recording.date.isoformat()
    device = parsed.recording.device
    meta["device"] = {k: v for k, v in (("manufacturer", device.manufacturer), ("model", device.model),
                                        ("software_version", device.software_version)) if v}
    interpretation = parsed.interpretation
    statements = [" ".join(part for part in pair if part).strip() for pair in interpretation.statements]
    if any(statements):
        meta["statements"] = [s for s in statements if s]
        meta["statements_source"] = interpretation.source or "unknown"
    measured = {key: getattr(parsed.measurements, field) for field, key in _DEVICE_MEASUREMENT_KEYS.items()}
    meta["device_measurements"] = {k: v for k, v in measured.items() if v is not None}
    filters = parsed.recording.acquisition.filters
    meta["filters_hz"] = {k: v for k, v in (("highpass", filters.highpass), ("lowpass", filters.lowpass),
                                            ("notch", filters.notch)) if v is not None}
    meta["median_beats_in_file"] = len(parsed.median_beats)
    return {k: v for k, v in meta.items() if v not in ({}, None)}


def _describe(exc: BaseException, path: Path) -> str:
    """The first line of a library's message, the file named once (the ECGError names it);
    ecgdatakit's own messages say what is wrong, others get their type name in front."""
    from ecgdatakit.exceptions import ECGDataKitError

    text = str(exc).replace(str(path), Path(path).name).strip()
    first_line = text.splitlines()[0] if text else ""
    if not first_line:
        return type(exc).__name__
    described = first_line if isinstance(exc, ECGDataKitError) else f"{type(exc).__name__}: {first_line}"
    return described[:MAX_DESCRIPTION_CHARS]
