"""Zip bundles: every ECG in an uploaded .zip, unpacked safely into a private temporary folder.

A WFDB record is read through its header (its .dat/.mat is not read on its own); zips inside
the bundle are read to ReadLimits.max_zip_depth levels; macOS resource forks, hidden files,
documentation (README, LICENSE, ...) and files of no ECG format are skipped with a warning.
Records name their origin as "bundle.zip:inner/path.hea" and hold their samples in memory.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

from ecg.errors import ECGError
from ecg.io import read_ecgs
from ecg.io.common import describe_exception
from ecg.io.detect import detect_format
from ecg.io.zip_safety import checked_members, extract_member, member_path
from ecg.record import ECGRecord

# Files that describe a bundle rather than hold an ECG (PhysioNet's RECORDS and checksums too).
DOCUMENT_STEMS = {"readme", "license", "licence", "copying", "notice", "changelog", "authors",
                  "records", "sha256sums", "md5sums", "annotators", "contents"}
_WFDB_SIGNAL_SUFFIXES = (".dat", ".mat")


def read_zip(path: Path, options) -> list[ECGRecord]:
    """Every ECG in the bundle at ``path``; raises ECGError when it holds none or is unsafe."""
    return _read_bundle(path, options, display=str(path), depth=0)


def _read_bundle(path: Path, options, display: str, depth: int) -> list[ECGRecord]:
    try:
        with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory(prefix="ecg-bundle-") as tmp:
            folder = Path(tmp)
            members = [info for info in checked_members(archive, display, options.limits)
                       if not _is_hidden(member_path(info.filename, display))]
            files = [extract_member(archive, info, folder, display) for info in members]
            return _read_folder(folder, files, options, display, depth)
    except ECGError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError) as exc:
        raise ECGError(display, f"unreadable zip archive ({describe_exception(exc)})") from None


def _read_folder(folder: Path, files: list[Path], options, display: str, depth: int) -> list[ECGRecord]:
    records: list[ECGRecord] = []
    skipped: list[str] = []
    segments = _segment_headers(files)
    for file in sorted(files):
        inner = file.relative_to(folder).as_posix()
        if file.stem.lower() in DOCUMENT_STEMS or file in segments or _is_wfdb_signal_file(file):
            continue
        try:
            fmt = detect_format(file)
        except ECGError as exc:
            skipped.append(f"{inner} ({exc.problem})")
            continue
        try:
            if fmt == "zip":
                records += _read_nested(file, options, f"{display}:{inner}", depth + 1)
            else:
                records += [_public(r, folder, display) for r in read_ecgs(file, options)]
        except ECGError as exc:
            raise ECGError(_public_source(exc.source or str(file), folder, display), exc.problem) from None
    if not records:
        raise ECGError(display, "holds no ECG file" + (f" (skipped: {'; '.join(skipped[:5])})" if skipped else ""))
    if skipped:
        note = f"files in the bundle that are no ECG were skipped: {'; '.join(skipped[:10])}"
        records = [replace(r, metadata={**r.metadata, "warnings": [*r.metadata.get("warnings", []), note]})
                   for r in records]
    return records


def _read_nested(file: Path, options, display: str, depth: int) -> list[ECGRecord]:
    if depth > options.limits.max_zip_depth:
        raise ECGError(display, f"zips are nested more than {options.limits.max_zip_depth} levels deep")
    return _read_bundle(file, options, display, depth)


def _is_hidden(member: PurePosixPath) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in member.parts)


def _is_wfdb_signal_file(file: Path) -> bool:
    """A .dat/.mat beside a WFDB header of the same name: read through that header."""
    return file.suffix.lower() in _WFDB_SIGNAL_SUFFIXES and file.with_suffix(".hea").is_file()


def _segment_headers(files: list[Path]) -> set[Path]:
    """Headers of the segments of multi-segment WFDB records: read through the master header."""
    segments: set[Path] = set()
    for file in files:
        if file.suffix.lower() != ".hea":
            continue
        lines = [line.split() for line in _text_lines(file) if line.strip() and not line.startswith("#")]
        if not lines or "/" not in lines[0][0]:
            continue
        segments |= {file.parent / f"{fields[0]}.hea" for fields in lines[1:] if fields[0] != "~"}
    return segments


def _text_lines(file: Path) -> list[str]:
    try:
        return file.read_text(encoding="latin-1").splitlines()
    except OSError:
        return []


def _public(record: ECGRecord, folder: Path, display: str) -> ECGRecord:
    return replace(record, source=_public_source(record.source, folder, display))


def _public_source(source: str, folder: Path, display: str) -> str:
    """``display:inner/path`` for a path inside the temporary folder; other sources unchanged."""
    prefix = str(folder) + os.sep
    if source.startswith(prefix):
        return f"{display}:{PurePosixPath(*Path(source[len(prefix):]).parts)}"
    return source
