"""Checks that keep hostile zip archives out: path escapes, links, encryption and zip bombs.

Used for .zip bundles and for .npz files (which are zip archives too).
"""

from __future__ import annotations

import lzma
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ecg.errors import ECGError
from ecg.limits import ReadLimits

# The compression ratio of members smaller than this is not judged: a short flat-line
# signal or a padded header compresses far beyond any ratio limit and harms no one.
MIN_RATIO_CHECKED_BYTES = 1024**2
_COPY_CHUNK_BYTES = 1024**2
_ENCRYPTED_FLAG = 0x1


def checked_members(archive: zipfile.ZipFile, source: str, limits: ReadLimits) -> list[zipfile.ZipInfo]:
    """The archive's file members (folders left out), after every safety check passes.

    Raises ECGError naming the archive and the member for escaping paths, links, encrypted
    members, too many members, and members or totals too large or too highly compressed.
    """
    infos = archive.infolist()
    if len(infos) > limits.max_zip_members:
        raise ECGError(source, f"holds {len(infos)} files, more than the {limits.max_zip_members} allowed")
    total = 0
    files = []
    for info in infos:
        member_path(info.filename, source)
        if _is_link(info):
            raise ECGError(source, f"member {info.filename!r} is a symbolic link; links are not extracted")
        if info.flag_bits & _ENCRYPTED_FLAG:
            raise ECGError(source, f"member {info.filename!r} is encrypted; upload the files unencrypted")
        if info.is_dir():
            continue
        if info.file_size > limits.max_file_bytes:
            raise ECGError(source, f"member {info.filename!r} unpacks to {info.file_size / 1024**2:.0f} MB, "
                                   f"more than the {limits.max_file_bytes / 1024**2:.0f} MB allowed")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= MIN_RATIO_CHECKED_BYTES and ratio > limits.max_zip_ratio:
            raise ECGError(source, f"member {info.filename!r} is compressed {ratio:.0f}:1, more than "
                                   f"{limits.max_zip_ratio:.0f}:1 (a zip bomb?)")
        total += info.file_size
        if total > limits.max_zip_total_bytes:
            raise ECGError(source, f"unpacks to more than the {limits.max_zip_total_bytes / 1024**2:.0f} MB "
                                   f"allowed")
        files.append(info)
    return files


def member_path(name: str, source: str) -> PurePosixPath:
    """A member's path relative to the extraction folder; absolute paths and ".." are refused."""
    unified = name.replace("\\", "/")
    path = PurePosixPath(unified)
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":") or ".." in path.parts:
        raise ECGError(source, f"member {name!r} points outside the archive's folder (zip-slip)")
    parts = [part for part in path.parts if part not in ("", ".")]
    if not parts:
        raise ECGError(source, f"member {name!r} has no file name")
    return PurePosixPath(*parts)


def extract_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, folder: Path, source: str) -> Path:
    """Write one checked member under ``folder``, never more bytes than its header declared."""
    target = folder.joinpath(*member_path(info.filename, source).parts)
    if not target.resolve().is_relative_to(folder.resolve()):
        raise ECGError(source, f"member {info.filename!r} points outside the archive's folder (zip-slip)")
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with archive.open(info) as member, open(target, "wb") as out:
            while chunk := member.read(_COPY_CHUNK_BYTES):
                written += len(chunk)
                if written > info.file_size:
                    raise ECGError(source, f"member {info.filename!r} unpacks to more than the "
                                           f"{info.file_size} bytes it declares")
                out.write(chunk)
    except ECGError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError, OSError, EOFError,
            ValueError, NotImplementedError, RuntimeError) as exc:
        raise ECGError(source, f"member {info.filename!r} cannot be unpacked ({exc})") from None
    return target


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)
