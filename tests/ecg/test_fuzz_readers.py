"""Fuzzing every reader: valid files of each format, damaged at random, must give records or ECGError.

Each format gets a small valid file written here (WFDB, EDF+C, EDF+D with a gap, BDF, CSV, NPY,
NPZ, a zip of a WFDB record, and GE MUSE, HL7 aECG, Philips, SCP-ECG and DICOM files from
tests/vendor_writers.py) plus every file under tests/fixtures/vendor/ present when the tests
run. Hypothesis then
truncates them, flips bytes, inserts garbage, empties them or swaps header fields, and
read_ecgs must return valid records or raise ECGError: never another exception.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import edfio
import numpy as np
import pytest
import wfdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecg import STANDARD_LEADS, ECGError, ECGRecord, ReadOptions, read_ecgs
from tests import vendor_writers

FS = 250
LEADS = ["I", "II", "V1"]
VENDOR_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "vendor"
_DOCUMENTS = {"readme", "license", "licence"}
# The header region where swapped fields do the most harm (EDF's fixed header is 256 bytes).
HEADER_BYTES = 512
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Sample:
    """A valid ECG file set: the file to read and the files that may be damaged."""

    folder: Path
    target: str
    files: tuple[str, ...]


def _signal() -> np.ndarray:
    """Three leads, 3 s, in mV: a sine rhythm with sharp spikes."""
    t = np.arange(3 * FS) / FS
    spikes = (np.abs((t % 0.8) - 0.4) < 0.02) * 1.2
    return np.stack([np.sin(2 * np.pi * 1.2 * t) * 0.2 + spikes * k for k in (0.6, 1.0, -0.4)])


def _write_wfdb(folder: Path, signal: np.ndarray) -> Sample:
    wfdb.wrsamp("rec", fs=FS, units=["mV"] * 3, sig_name=LEADS, p_signal=signal.T, fmt=["16"] * 3,
                adc_gain=[1000.0] * 3, baseline=[0] * 3, write_dir=str(folder))
    return Sample(folder, "rec.hea", ("rec.hea", "rec.dat"))


def _write_edf(folder: Path, signal: np.ndarray) -> Sample:
    signals = [edfio.EdfSignal(row * 1000, FS, label=f"ECG {name}", physical_dimension="uV")
               for row, name in zip(signal, LEADS)]
    signals.append(edfio.EdfSignal(np.full(3 * 10, 97.0), 10, label="SpO2", physical_dimension="%"))
    edfio.Edf(signals, annotations=[edfio.EdfAnnotation(1.0, 0.5, "event")]).write(folder / "rec.edf")
    return Sample(folder, "rec.edf", ("rec.edf",))


def _write_edf_d(folder: Path, signal: np.ndarray) -> Sample:
    """An EDF+D file whose last data record starts 2 s after the one before it ends."""
    sample = _write_edf(folder, signal)
    data = (folder / sample.target).read_bytes().replace(b"EDF+C", b"EDF+D", 1)
    (folder / sample.target).write_bytes(data.replace(b"+2\x14\x14\x00", b"+4\x14\x14\x00", 1))
    return sample


def _write_bdf(folder: Path, signal: np.ndarray) -> Sample:
    edfio.Bdf([edfio.BdfSignal(row, FS, label=name, physical_dimension="mV", physical_range=(-5, 5))
               for row, name in zip(signal, LEADS)]).write(folder / "rec.bdf")
    return Sample(folder, "rec.bdf", ("rec.bdf",))


def _write_csv(folder: Path, signal: np.ndarray) -> Sample:
    time = np.arange(signal.shape[1]) / FS
    rows = "\n".join(",".join(f"{v:.4f}" for v in row) for row in zip(time, *signal))
    (folder / "rec.csv").write_text("time," + ",".join(f"{n} (mV)" for n in LEADS) + "\n" + rows + "\n")
    return Sample(folder, "rec.csv", ("rec.csv",))


def _write_npy(folder: Path, signal: np.ndarray) -> Sample:
    np.save(folder / "rec.npy", signal.astype(np.float32))
    return Sample(folder, "rec.npy", ("rec.npy",))


def _write_npz(folder: Path, signal: np.ndarray) -> Sample:
    np.savez(folder / "rec.npz", signal=signal.T.astype(np.float16), fs=FS, leads=np.array(LEADS))
    return Sample(folder, "rec.npz", ("rec.npz",))


def _write_zip(folder: Path, signal: np.ndarray) -> Sample:
    inner = _write_wfdb(folder, signal)
    with zipfile.ZipFile(folder / "bundle.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for name in inner.files:
            archive.write(folder / name, f"records/{name}")
    for name in inner.files:
        (folder / name).unlink()
    return Sample(folder, "bundle.zip", ("bundle.zip",))


def _vendor(fmt: str, leads: list[str]):
    """A writer of tests/vendor_writers.py (spec-following GE MUSE, HL7 aECG, Philips, SCP, DICOM)."""
    def write(folder: Path, signal: np.ndarray) -> Sample:
        twelve = np.stack([signal[i % 3] * (1 + 0.1 * i) for i in range(len(STANDARD_LEADS))])
        rows = [STANDARD_LEADS.index(name) for name in leads]
        getattr(vendor_writers, f"write_{fmt}")(folder / f"rec.{fmt}", twelve[rows], leads, FS)
        return Sample(folder, f"rec.{fmt}", (f"rec.{fmt}",))
    return write


WRITERS = {"wfdb": _write_wfdb, "edf": _write_edf, "edf_d": _write_edf_d, "bdf": _write_bdf, "csv": _write_csv,
           "npy": _write_npy, "npz": _write_npz, "zip": _write_zip,
           "muse": _vendor("muse", ["I", "II", "V1", "V2", "V3", "V4", "V5", "V6"]),
           **{fmt: _vendor(fmt, list(STANDARD_LEADS)) for fmt in ("hl7aecg", "philips", "scp", "dicom")}}


def _vendor_files() -> list[Path]:
    if not VENDOR_FIXTURES.is_dir():
        return []
    return sorted(p for p in VENDOR_FIXTURES.rglob("*")
                  if p.is_file() and p.stem.lower() not in _DOCUMENTS and not p.name.startswith("."))


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, Sample]:
    signal = _signal()
    made = {}
    for name, write in WRITERS.items():
        folder = tmp_path_factory.mktemp(name)
        made[name] = write(folder, signal)
    return made


def _assert_valid(records: list) -> None:
    assert records
    for record in records:
        assert isinstance(record, ECGRecord)
        assert record.signal.dtype == np.float32 and record.signal.ndim == 2
        assert record.signal.shape[0] == len(record.leads) > 0
        assert np.isfinite(record.fs) and record.fs > 0
        assert not np.isinf(record.signal).any()


def _read(path: Path, options: ReadOptions) -> None:
    try:
        records = read_ecgs(path, options)
    except ECGError as error:
        assert str(error).strip(), "an ECGError must say what is wrong"
        return
    _assert_valid(records)


# ---- damage -------------------------------------------------------------------------------------

def _truncate(data: bytes, share: float) -> bytes:
    return data[: int(len(data) * share)]


def _flip(data: bytes, flips: list[tuple[float, int]]) -> bytes:
    out = bytearray(data)
    for share, mask in flips:
        if out:
            out[min(int(share * len(out)), len(out) - 1)] ^= mask
    return bytes(out)


def _insert(data: bytes, share: float, garbage: bytes) -> bytes:
    at = int(share * len(data))
    return data[:at] + garbage + data[at:]


def _swap(data: bytes, first: float, second: float, length: int) -> bytes:
    """Exchange two byte ranges of the header region (two header fields, for most formats)."""
    region = min(len(data), HEADER_BYTES)
    if region < 2 * length:
        return data
    a, b = sorted((int(first * (region - length)), int(second * (region - length))))
    if b - a < length:
        return data
    return data[:a] + data[b:b + length] + data[a + length:b] + data[a:a + length] + data[b + length:]


def _empty(data: bytes) -> bytes:
    return b""


_share = st.floats(0, 1, allow_nan=False)
# Each damage is (function, arguments after the data), so that a failing example reads plainly.
DAMAGE = st.one_of(
    st.tuples(st.just(_truncate), st.tuples(_share)),
    st.tuples(st.just(_flip), st.tuples(st.lists(st.tuples(_share, st.integers(1, 255)), min_size=1, max_size=8))),
    st.tuples(st.just(_insert), st.tuples(_share, st.binary(min_size=1, max_size=64))),
    st.tuples(st.just(_empty), st.just(())),
    st.tuples(st.just(_swap), st.tuples(_share, _share, st.integers(1, 16))),
)


def _damaged_copy(folder: Path, files: tuple[str, ...], victim: str, damage) -> tempfile.TemporaryDirectory:
    """A private copy of ``files`` with ``victim`` damaged."""
    workdir = tempfile.TemporaryDirectory(prefix="ecg-fuzz-")
    for name in files:
        shutil.copy(folder / name, Path(workdir.name) / name)
    target = Path(workdir.name) / victim
    change, arguments = damage
    target.write_bytes(change(target.read_bytes(), *arguments))
    return workdir


# ---- tests --------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", list(WRITERS))
def test_valid_files_read(samples, fmt):
    sample = samples[fmt]
    records = read_ecgs(sample.folder / sample.target, ReadOptions(fs=FS if fmt == "npy" else None))
    _assert_valid(records)
    assert records[0].fs == FS


@pytest.mark.parametrize("fmt", list(WRITERS))
@FUZZ
@given(damage=DAMAGE, victim_index=st.integers(0, 1))
def test_damaged_files_give_records_or_ecg_error(samples, fmt, damage, victim_index):
    sample = samples[fmt]
    victim = sample.files[victim_index % len(sample.files)]
    with _damaged_copy(sample.folder, sample.files, victim, damage) as workdir:
        _read(Path(workdir) / sample.target, ReadOptions(fs=FS if fmt == "npy" else None))


@pytest.mark.parametrize("fixture", _vendor_files(), ids=lambda p: str(p.relative_to(VENDOR_FIXTURES)))
@FUZZ
@given(damage=DAMAGE)
def test_damaged_vendor_fixtures_give_records_or_ecg_error(fixture, damage):
    with _damaged_copy(fixture.parent, (fixture.name,), fixture.name, damage) as workdir:
        _read(Path(workdir) / fixture.name, ReadOptions())
