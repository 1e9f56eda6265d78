"""NumPy .npy and .npz files: a numeric array of leads x samples (either way round).

Pickled Python objects are never loaded (allow_pickle=False everywhere).
An .npz may name its parts: the signal under "signal" (or ecg, x, data, ...), the rate under
"fs" (or sampling_rate, ...), lead names under "leads" (or lead_names, sig_name) and units
under "units". A 3-D array (ECGs, leads, samples) holds a batch: one record per ECG; other
1-D arrays with one entry per ECG (ids, labels) go into each record's metadata.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from ecg.errors import ECGError
from ecg.io.common import describe_exception, unnamed_lead_names
from ecg.io.zip_safety import checked_members
from ecg.limits import ReadLimits
from ecg.record import ECGRecord, make_record

SIGNAL_KEYS = ("signal", "signals", "ecg", "x", "data", "p_signal")
FS_KEYS = ("fs", "sampling_rate", "sampling_frequency", "sfreq")
LEAD_KEYS = ("leads", "lead_names", "sig_name")
UNIT_KEYS = ("units",)
# Without lead names, the axis of 1..MAX_LEADS_AXIS entries is the leads axis (15: 12 standard
# leads plus Frank X, Y, Z); the other one must be longer.
MAX_LEADS_AXIS = 15
_NUMERIC_KINDS = "fiu"
_PICKLE_HINT = "holds Python objects (pickled data), which are never loaded for safety"


def read_npy(path: Path, options) -> ECGRecord | list[ECGRecord]:
    """Read a .npy array; its sampling rate must come from ReadOptions.fs."""
    array = _load_npy(path, options.limits)
    return _records(array, fs=options.fs, leads=None, units=options.units or "mV", path=path,
                    fmt="npy", options=options)


def read_npz(path: Path, options) -> ECGRecord | list[ECGRecord]:
    """Read an .npz archive: its signal array and, when present, rate, lead names and units."""
    try:
        with zipfile.ZipFile(path) as archive:
            checked_members(archive, str(path), options.limits)
        with np.load(path, allow_pickle=False) as npz:
            keys = list(npz.files)
            signal_key = _signal_key(keys, path)
            array = _member(npz, signal_key, path)
            fs = _member(npz, _first(FS_KEYS, keys), path) if _first(FS_KEYS, keys) else None
            leads = _member(npz, _first(LEAD_KEYS, keys), path) if _first(LEAD_KEYS, keys) else None
            units = _member(npz, _first(UNIT_KEYS, keys), path) if _first(UNIT_KEYS, keys) else None
            known = {signal_key, _first(FS_KEYS, keys), _first(LEAD_KEYS, keys), _first(UNIT_KEYS, keys)}
            others = {key: _member(npz, key, path) for key in keys if key not in known}
    except ECGError:
        raise
    except Exception as exc:  # zipfile and numpy raise many types for a damaged archive
        raise ECGError(path, f"unreadable .npz archive ({describe_exception(exc)})") from None
    _check_numeric(array, path, signal_key)
    return _records(
        array,
        fs=options.fs if options.fs is not None else _scalar(fs, path),
        leads=_strings(leads, path, "lead names"),
        units=options.units or _strings(units, path, "units") or "mV",
        path=path,
        fmt="npz",
        options=options,
        per_ecg=others,
    )


def _load_npy(path: Path, limits: ReadLimits) -> np.ndarray:
    """The array, after its header (shape, dtype) passed the checks; mapped, then copied."""
    try:
        mapped = np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError as exc:
        if "object" in str(exc).lower() or "pickle" in str(exc).lower():
            raise ECGError(path, _PICKLE_HINT) from None
        raise ECGError(path, f"unreadable .npy file ({describe_exception(exc)})") from None
    except Exception as exc:  # numpy raises OSError, EOFError, SyntaxError ... for a bad header
        raise ECGError(path, f"unreadable .npy file ({describe_exception(exc)})") from None
    _check_numeric(mapped, path, "the array")
    if mapped.size > limits.max_total_samples:
        raise ECGError(path, f"{mapped.size} samples exceed the limit of {limits.max_total_samples}")
    try:
        return np.array(mapped)
    except Exception as exc:
        raise ECGError(path, f"unreadable .npy data ({describe_exception(exc)})") from None


def _signal_key(keys: list[str], path: Path) -> str:
    named = _first(SIGNAL_KEYS, keys)
    if named:
        return named
    others = [k for k in keys if k not in FS_KEYS + LEAD_KEYS + UNIT_KEYS]
    if len(others) == 1:
        return others[0]
    raise ECGError(path, f"cannot tell which array is the signal (arrays: {', '.join(keys) or 'none'}); "
                         f"name it {SIGNAL_KEYS[0]!r}")


def _first(candidates: tuple[str, ...], keys: list[str]) -> str | None:
    return next((k for k in candidates if k in keys), None)


def _member(npz, key: str, path: Path) -> np.ndarray:
    try:
        return npz[key]
    except ValueError as exc:
        if "pickle" in str(exc).lower() or "object" in str(exc).lower():
            raise ECGError(path, f"array {key!r} {_PICKLE_HINT}") from None
        raise ECGError(path, f"array {key!r} is unreadable ({describe_exception(exc)})") from None


def _check_numeric(array: np.ndarray, path: Path, what: str) -> None:
    if array.dtype.hasobject:
        raise ECGError(path, f"{what} {_PICKLE_HINT}")
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise ECGError(path, f"{what} holds {array.dtype} values, not real numbers")


def _scalar(value: np.ndarray | None, path: Path) -> float | None:
    if value is None:
        return None
    if value.size != 1 or value.dtype.kind not in _NUMERIC_KINDS:
        raise ECGError(path, f"the sampling rate should be one number, found {value.dtype} of shape {value.shape}")
    return float(value.reshape(-1)[0])


def _strings(value: np.ndarray | None, path: Path, what: str) -> list[str] | str | None:
    if value is None:
        return None
    if value.dtype.kind not in "US":
        raise ECGError(path, f"the {what} should be text, found {value.dtype}")
    texts = [v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in value.reshape(-1)]
    return texts[0] if value.ndim == 0 else texts


def _records(array: np.ndarray, fs: float | None, leads: list[str] | None, units, path: Path,
             fmt: str, options, per_ecg: dict[str, np.ndarray] | None = None) -> ECGRecord | list[ECGRecord]:
    if fs is None:
        raise ECGError(path, "no sampling rate: pass --fs (ReadOptions.fs) with the rate in Hz"
                             + (", or store it under 'fs' in the .npz" if fmt == "npz" else ""))
    if array.ndim == 3 and array.shape[0] == 1:
        array = array[0]
    if array.ndim == 3:
        if array.size > options.limits.max_total_samples:
            raise ECGError(path, f"{array.size} samples exceed the limit of {options.limits.max_total_samples}")
        labels = {key: value for key, value in (per_ecg or {}).items()
                  if value.shape == (len(array),) and value.dtype.kind in "biufUS"}
        return [_record(ecg, fs, leads, units, f"{path}[{i}]", fmt, options,
                        {"index": i, **{key: value[i].item() for key, value in labels.items()}})
                for i, ecg in enumerate(array)]
    return _record(array, fs, leads, units, str(path), fmt, options, {})


def _record(array: np.ndarray, fs: float, leads, units, source: str, fmt: str, options,
            metadata: dict) -> ECGRecord:
    signal = _leads_first(array, len(leads) if leads else None, source)
    return make_record(signal, fs, leads or unnamed_lead_names(signal.shape[0]), source=source,
                       format=fmt, units=units, metadata=metadata, limits=options.limits)


def _leads_first(array: np.ndarray, n_leads: int | None, source: str) -> np.ndarray:
    """The array shaped (leads, samples): the leads axis matches the lead names or is the short one."""
    if array.ndim == 1:
        return array[None, :]
    if array.ndim != 2:
        raise ECGError(source, f"expected a (leads, samples) array, found shape {array.shape}")
    if n_leads is not None and n_leads in array.shape:
        return array if array.shape[0] == n_leads else array.T
    short = [axis for axis in (0, 1) if 1 <= array.shape[axis] <= MAX_LEADS_AXIS]
    if len(short) != 1:
        raise ECGError(source, f"cannot tell leads from samples in an array of shape {array.shape}: "
                               f"one axis should hold 1-{MAX_LEADS_AXIS} leads and the other more samples")
    return array if short[0] == 0 else array.T
