"""Tell a file's format from its first bytes, not from its name."""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path

from ecg.errors import ECGError

SNIFF_BYTES = 8192

# "name[/segments] n_signals [fs[/counter][(base)] [n_samples ...]]", the first line of a WFDB header.
_WFDB_RECORD_LINE = re.compile(r"^[A-Za-z0-9_\-.~]+(/\d+)?\s+\d+(\s+\S+)*$")
# "file format[xsamples][:skew][+offset] ...", a signal line (or "segment n_samples").
_WFDB_SIGNAL_LINE = re.compile(r"^\S+\s+\d+(x\d+)?(:\d+)?(\+\d+)?(\s|$)")
_XML_ROOTS = {
    "restingecg": "muse",
    "annotatedecg": "hl7aecg",
    "restingecgdata": "philips",
}


def detect_format(path: str | Path) -> str:
    """One of: zip, npz, npy, dicom, edf, scp, muse, hl7aecg, philips, wfdb, csv.

    Raises ECGError naming the file when it is empty or of no format the project reads.
    """
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise ECGError(path, f"cannot be opened ({exc.strerror or exc})") from None
    if not head:
        raise ECGError(path, "the file is empty")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "npz" if _is_npz(path) else "zip"
    if head.startswith(b"\x93NUMPY"):
        return "npy"
    if head[128:132] == b"DICM":
        return "dicom"
    if head[:8] == b"0       " or head[:8] == b"\xffBIOSEMI":
        return "edf"
    if head[16:22] == b"SCPECG":
        return "scp"
    if path.suffix.lower() in (".dat", ".mat") and path.with_suffix(".hea").is_file():
        return "wfdb"
    if _looks_like_unmarked_scp(head):
        return "scp"
    text = _as_text(head)
    if text is None:
        raise ECGError(path, "unknown format: binary content that is none of WFDB, EDF, "
                             "SCP-ECG, DICOM, NumPy or zip")
    stripped = text.lstrip()
    if stripped.startswith("<"):
        root = _xml_root(stripped)
        if root in _XML_ROOTS:
            return _XML_ROOTS[root]
        raise ECGError(path, f"unknown XML format (root element <{root or '?'}>); expected GE MUSE "
                             f"<RestingECG>, HL7 <AnnotatedECG> or Philips <restingecgdata>")
    if _looks_like_wfdb_header(text):
        return "wfdb"
    if _looks_like_csv(text):
        return "csv"
    raise ECGError(path, "unknown format: text that is neither a WFDB header, CSV nor ECG XML")


def _is_npz(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return False
    return bool(names) and all(name.endswith(".npy") for name in names)


def _looks_like_unmarked_scp(head: bytes) -> bool:
    """An SCP-ECG record without "SCPECG" in section 0 (files before EN 1064:2005): the 6-byte
    record header, then section 0 whose first pointer names section 0 itself at byte 7."""
    if len(head) < 32:
        return False
    record_size = struct.unpack_from("<I", head, 2)[0]
    section_id, section_length = struct.unpack_from("<HI", head, 8)
    pointer_id, _, pointer_index = struct.unpack_from("<HII", head, 22)
    return (section_id == 0 and pointer_id == 0 and pointer_index == 7
            and 26 <= section_length <= record_size - 6)


def _as_text(head: bytes) -> str | None:
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    sample = head[:-4] if len(head) == SNIFF_BYTES else head  # a cut multi-byte character
    if b"\x00" in sample:
        return None
    try:
        return sample.decode("utf-8")
    except UnicodeDecodeError:
        printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in sample)
        return sample.decode("latin-1") if printable / len(sample) > 0.95 else None


def _xml_root(text: str) -> str | None:
    for match in re.finditer(r"<\s*([A-Za-z_][\w.\-:]*)", text):
        name = match.group(1)
        return name.split(":")[-1].lower()
    return None


def _looks_like_wfdb_header(text: str) -> bool:
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines or not _WFDB_RECORD_LINE.match(lines[0]) or "," in lines[0] or ";" in lines[0]:
        return False
    n_signals = int(lines[0].split()[1])
    return all(_WFDB_SIGNAL_LINE.match(line) for line in lines[1 : 1 + n_signals])


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) < 2:
        return False
    for delimiter in (",", ";", "\t", " "):
        counts = {line.count(delimiter) for line in lines[1:-1] or lines[1:]}
        if len(counts) == 1 and counts.pop() >= 1:
            return True
    numeric = re.compile(r"^\s*[-+0-9.eE]+\s*$")
    return all(numeric.match(line) for line in lines[1:])
