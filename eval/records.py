"""Where the ECGs of a question set are: an ecg_id resolved to a record in one of the layouts.

- ``ptbxl``: PTB-XL as PhysioNet ships it, records500/{ecg_id // 1000 * 1000:05d}/{ecg_id:05d}_hr
  (500 Hz; records100/..._lr at 100 Hz when records500 is absent),
- ``mimic``: MIMIC-IV-ECG, files/pNNNN/pNNNNNNNN/sNNNNNNNN/NNNNNNNN found through record_list.csv
  by study_id (ECG-QA's MIMIC questions name the study_id),
- ``flat``: {root}/{ecg_id} is a WFDB record (root/123.hea),
- ``npz``: an .npz with ``ecg_id`` [N], ``signal`` [N, leads, samples], ``fs`` and ``leads``, such
  as the PTB-XL subset in ../shared/data/ptbxl_subset (band-pass filtered and z-scored per lead:
  its records say so in their metadata, and noise questions are not asked of it).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Protocol

import numpy as np

from ecg.errors import ECGError
from ecg.io import read_ecg
from ecg.record import ECGRecord, make_record
from eval.ecgqa_data import EcgId

LAYOUTS = ("ptbxl", "mimic", "flat", "npz")
# Attribute types an already band-pass filtered signal cannot answer: the noise is filtered out.
FILTERED_SIGNAL_EXCLUDES = frozenset({"noise"})


class RecordSource(Protocol):
    """Resolves ecg_ids of one dataset to records."""

    description: str
    excluded_attribute_types: frozenset[str]  # questions about these are not asked of it

    def has(self, ecg_id: EcgId) -> bool: ...

    def read(self, ecg_id: EcgId) -> ECGRecord: ...


class WfdbPathSource:
    """Records that are WFDB files at a path computed from the ecg_id."""

    excluded_attribute_types: frozenset[str] = frozenset()

    def __init__(self, description: str, locate):
        self.description = description
        self._locate = locate

    def path(self, ecg_id: EcgId) -> Path | None:
        """The record's .hea path, or None when the layout has no place for this id."""
        return self._locate(ecg_id)

    def has(self, ecg_id: EcgId) -> bool:
        path = self.path(ecg_id)
        return path is not None and path.is_file()

    def read(self, ecg_id: EcgId) -> ECGRecord:
        path = self.path(ecg_id)
        if path is None or not path.is_file():
            raise ECGError(path or self.description, f"ECG {ecg_id} is not in {self.description}")
        return read_ecg(path)


def ptbxl_source(root: Path) -> WfdbPathSource:
    """PTB-XL: records500 (500 Hz) when present, else records100."""
    rate_folder, suffix = ("records500", "hr") if (root / "records500").is_dir() else ("records100", "lr")
    if not (root / rate_folder).is_dir():
        raise ECGError(root, "not a PTB-XL folder: it has neither records500/ nor records100/")

    def locate(ecg_id: EcgId) -> Path | None:
        number = _as_int(ecg_id)
        if number is None:
            return None
        return root / rate_folder / f"{number // 1000 * 1000:05d}" / f"{number:05d}_{suffix}.hea"

    return WfdbPathSource(f"PTB-XL {root / rate_folder}", locate)


def mimic_source(root: Path) -> WfdbPathSource:
    """MIMIC-IV-ECG: study_id -> path through record_list.csv."""
    listing = root / "record_list.csv"
    try:
        with open(listing, newline="", encoding="utf-8") as handle:
            paths = {str(row["study_id"]).strip(): row["path"].strip() for row in csv.DictReader(handle)}
    except OSError:
        raise ECGError(listing, "MIMIC-IV-ECG's record_list.csv is missing") from None
    except KeyError as exc:
        raise ECGError(listing, f"record_list.csv lacks the column {exc}") from None

    def locate(ecg_id: EcgId) -> Path | None:
        relative = paths.get(str(ecg_id).strip())
        return root / f"{relative}.hea" if relative else None

    return WfdbPathSource(f"MIMIC-IV-ECG {root}", locate)


def flat_source(root: Path) -> WfdbPathSource:
    if not root.is_dir():
        raise ECGError(root, "no such folder of WFDB records")
    return WfdbPathSource(f"the folder {root}", lambda ecg_id: root / f"{ecg_id}.hea")


class NpzSource:
    """ECGs stored together in one .npz (``ecg_id``, ``signal``, ``fs``, ``leads``)."""

    excluded_attribute_types = FILTERED_SIGNAL_EXCLUDES

    def __init__(self, path: Path):
        self.path = path
        self.description = f"the ECG array {path}"
        try:
            with np.load(path) as data:
                ids, self._signal = data["ecg_id"], data["signal"]
                self._fs, self._leads = float(data["fs"]), [str(name) for name in data["leads"]]
        except (OSError, ValueError, KeyError) as exc:
            raise ECGError(path, f"not an ECG array with ecg_id, signal, fs and leads ({exc})") from None
        if self._signal.ndim != 3 or len(ids) != len(self._signal):
            raise ECGError(path, f"signal must be [N, leads, samples] for N ecg_ids, "
                                 f"found {self._signal.shape} for {len(ids)}")
        self._row = {int(ecg_id): row for row, ecg_id in enumerate(ids)}

    def has(self, ecg_id: EcgId) -> bool:
        return _as_int(ecg_id) in self._row

    def read(self, ecg_id: EcgId) -> ECGRecord:
        number = _as_int(ecg_id)
        if number not in self._row:
            raise ECGError(self.path, f"ECG {ecg_id} is not in this array")
        return make_record(self._signal[self._row[number]].astype(np.float32), self._fs, self._leads,
                           source=f"{self.path}#{number}", format="npz",
                           metadata={"amplitude_scale": "z-scored per lead (not mV)",
                                     "prefiltered": "band-pass, noise removed before it reached us"})


def open_records(root: str | Path, layout: str) -> RecordSource:
    """The record source of a layout (see the module docstring) rooted at ``root``."""
    root = Path(root)
    if layout == "ptbxl":
        return ptbxl_source(root)
    if layout == "mimic":
        return mimic_source(root)
    if layout == "flat":
        return flat_source(root)
    if layout == "npz":
        return NpzSource(root)
    raise ECGError(root, f"unknown record layout {layout!r}; known: {', '.join(LAYOUTS)}")


def _as_int(ecg_id: EcgId) -> int | None:
    try:
        return int(ecg_id)
    except (TypeError, ValueError):
        return None
