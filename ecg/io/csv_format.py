"""Delimited text ECGs: one column per lead, lead names (and units) in the header.

Layout rules, all read from the file's first lines:
- delimiter: comma, semicolon, tab, "|" or runs of spaces; with ";", tab or spaces a decimal
  comma ("0,25") is accepted;
- header: the first line when any of its fields is not a number; a second line made only of
  units ("mV", "(uV)", "s") is a units row; units may also follow a name: "I (uV)", "V1 [mV]";
- lines starting with "#" before the data are comments;
- a time column (time, t, time_s, time_ms, sec, ms, timestamp, ...) gives the sampling rate;
  its unit comes from its name or, failing that, from the size of its steps; a sample-index
  column (sample, index, ...) is dropped;
- a file without a header has no time column: it needs ReadOptions.fs; 12 columns take the
  standard lead order, any other count is named ch1..chN;
- rows whose every cell is empty are dropped; other empty cells are missing samples (NaN).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ecg.errors import ECGError
from ecg.io.common import describe_exception, unnamed_lead_names
from ecg.limits import ReadLimits
from ecg.record import UNIT_TO_MV, ECGRecord, make_record

SNIFF_BYTES = 65536
SNIFF_LINES = 50
DELIMITERS = (",", ";", "\t", "|")
TIME_UNITS_S = {"s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
                "ms": 1e-3, "msec": 1e-3, "millisecond": 1e-3, "milliseconds": 1e-3}
TIME_COLUMNS = {"time", "t", "time_s", "time_ms", "sec", "secs", "seconds", "ms", "msec",
                "timestamp", "elapsed_time", "elapsed time"}
INDEX_COLUMNS = {"sample", "samples", "sample_index", "sample index", "sample #", "index", "idx", "n"}
# A time step may differ from the usual step, and a sample sit off the regular grid of the mean
# step, by this many steps before the file counts as irregular: less is timestamp rounding.
MAX_GRID_DEVIATION_STEPS = 0.5
# A rate derived from time stamps within this share of a whole number of Hz is that number.
FS_ROUNDING_SHARE = 0.005
_NAME_WITH_UNIT = re.compile(r"^(?P<name>.*?)\s*[(\[]\s*(?P<unit>[^)\]]*?)\s*[)\]]\s*$")
_NUMBER = re.compile(r"^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$")
_KNOWN_UNITS = set(UNIT_TO_MV) | set(TIME_UNITS_S)
_MISSING_TEXT = {"", "nan", "na", "n/a", "null", "none", "-"}


def read_csv(path: Path, options) -> ECGRecord:
    """Read one ECG from a delimited text file (see the module docstring for the layout rules)."""
    encoding, lines = _head_lines(path)
    layout = _layout(lines, path)
    frame = _data_frame(path, encoding, layout)
    names = layout["names"] or unnamed_lead_names(frame.shape[1])
    if len(names) != frame.shape[1]:
        raise ECGError(path, f"the header names {len(names)} columns but the data has {frame.shape[1]}")
    frame.columns = range(frame.shape[1])
    frame = frame.dropna(how="all")
    if frame.empty:
        raise ECGError(path, "holds no data rows")
    first_line = layout["skip"] + 1
    time_col = next((i for i, n in enumerate(names) if _bare(n).lower() in TIME_COLUMNS), None)
    signal_cols = [i for i, n in enumerate(names)
                   if i != time_col and _bare(n).lower() not in INDEX_COLUMNS]
    if not signal_cols:
        raise ECGError(path, "has no signal columns besides time and sample index")

    fs = _sampling_rate(frame, time_col, names, layout["units"], first_line, options, path)
    signal = np.stack([_numeric_column(frame[i], names[i], first_line, path) for i in signal_cols])
    units = options.units or [_column_unit(names[i], layout["units"], i) for i in signal_cols]
    return make_record(
        signal,
        fs,
        [_bare(names[i]) or f"ch{i + 1}" for i in signal_cols],
        source=str(path),
        format="csv",
        units=units,
        metadata={"time_column": names[time_col] if time_col is not None else None},
        limits=options.limits,
    )


def _head_lines(path: Path) -> tuple[str, list[str]]:
    """The file's text encoding and its first lines."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        try:
            head.decode("utf-8-sig")
            encoding = "utf-8-sig"
        except UnicodeDecodeError as exc:
            encoding = "utf-8-sig" if exc.start > len(head) - 4 else "latin-1"
    text = head.decode(encoding, errors="ignore")
    lines = text.splitlines()
    if len(head) == SNIFF_BYTES:
        lines = lines[:-1]  # the last line may be cut
    return encoding, lines[:SNIFF_LINES]


def _layout(lines: list[str], path: Path) -> dict:
    """Delimiter, decimal mark, lines to skip, column names and units row, from the first lines."""
    skip = 0
    while skip < len(lines) and (not lines[skip].strip() or lines[skip].lstrip().startswith("#")):
        skip += 1
    body = [line for line in lines[skip:] if line.strip()]
    if not body:
        raise ECGError(path, "holds no data rows")
    delimiter = _delimiter(body)
    data_lines = body[1:] or body
    decimal = "," if delimiter != "," and any(re.search(r"\d,\d", line) for line in data_lines) else "."
    first = _fields(body[0], delimiter)
    names: list[str] = []
    units: list[str] = []
    if not all(_is_number(field) or field.lower() in _MISSING_TEXT for field in first):
        names = first
        skip += 1
        second = _fields(body[1], delimiter) if len(body) > 1 else []
        if second and any(second) and all(not f or _unit_text(f).lower() in _KNOWN_UNITS for f in second):
            units = [_unit_text(f) for f in second]
            skip += _lines_until(lines, skip, body[1])
    return {"delimiter": delimiter, "decimal": decimal, "skip": skip, "names": names, "units": units}



def _lines_until(lines: list[str], start: int, target: str) -> int:
    """How many raw lines from ``start`` up to and including ``target`` (blank lines count)."""
    for offset, line in enumerate(lines[start:]):
        if line == target:
            return offset + 1
    return 1


def _delimiter(lines: list[str]) -> str:
    """The delimiter that splits every sniffed line into the same number (>1) of fields."""
    best, best_count = None, 0
    for delimiter in DELIMITERS:
        counts = {len(_fields(line, delimiter)) for line in lines}
        if len(counts) == 1 and (count := counts.pop()) > best_count and count > 1:
            best, best_count = delimiter, count
    if best:
        return best
    if len({len(line.split()) for line in lines}) == 1 and len(lines[0].split()) > 1:
        return " "
    return ","  # one column


def _fields(line: str, delimiter: str) -> list[str]:
    if delimiter == " ":
        return line.split()
    return [field.strip() for field in next(csv.reader([line], delimiter=delimiter))] if line else []


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.strip()))


def _unit_text(field: str) -> str:
    return field.strip().strip("()[]").strip()


def _data_frame(path: Path, encoding: str, layout: dict) -> pd.DataFrame:
    delimiter = layout["delimiter"]
    try:
        return pd.read_csv(
            path, sep=r"\s+" if delimiter == " " else delimiter, decimal=layout["decimal"],
            header=None, skiprows=layout["skip"], skip_blank_lines=False, comment="#",
            encoding=encoding, low_memory=False, engine="c",
        )
    except pd.errors.EmptyDataError:
        raise ECGError(path, "holds no data rows") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OverflowError) as exc:
        raise ECGError(path, f"malformed delimited text ({describe_exception(exc)})") from None


def _bare(name: str) -> str:
    """A column name without its unit suffix: "I (uV)" -> "I"."""
    match = _NAME_WITH_UNIT.match(name)
    return match.group("name").strip() if match else name.strip()


def _column_unit(name: str, units_row: list[str], index: int, default: str = "mV") -> str:
    """The unit after the column name ("I (uV)"), else in the units row, else ``default``."""
    match = _NAME_WITH_UNIT.match(name)
    if match:
        return match.group("unit")
    if index < len(units_row) and units_row[index]:
        return units_row[index]
    return default


def _numeric_column(column: pd.Series, name: str, first_line: int, path: Path) -> np.ndarray:
    """The column as float64; text that is no number is named with its line."""
    if column.dtype.kind in "biuf":
        return column.to_numpy(dtype=np.float64)
    text = column.astype(str).str.strip()
    values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    bad = values.isna() & ~text.str.lower().isin(_MISSING_TEXT) & column.notna()
    if bad.any():
        row = bad.idxmax()
        raise ECGError(path, f"column {name!r} has text {column[row]!r} on line {first_line + row}")
    return values.to_numpy(dtype=np.float64)


def _sampling_rate(frame: pd.DataFrame, time_col: int | None, names: list[str], units_row: list[str],
                   first_line: int, options, path: Path) -> float:
    """ReadOptions.fs when given (the time column is then ignored), else the time column's rate."""
    if options.fs is not None:
        return options.fs
    if time_col is None:
        raise ECGError(path, "no sampling rate: the file has no time column; pass --fs "
                             "(ReadOptions.fs) with the rate in Hz")
    unit = _column_unit(names[time_col], units_row, time_col, default="")
    seconds = _time_in_seconds(frame[time_col], names[time_col], unit, first_line, path, options.limits)
    return _regular_rate(seconds, frame.index.to_numpy(), first_line, path)


def _time_in_seconds(column: pd.Series, name: str, unit: str, first_line: int, path: Path,
                     limits: ReadLimits) -> np.ndarray:
    if column.dtype.kind not in "biuf":
        stamps = pd.to_datetime(column, errors="coerce", format="mixed")
        if stamps.notna().all():
            return (stamps - stamps.iloc[0]).dt.total_seconds().to_numpy()
    values = _numeric_column(column, name, first_line, path)
    if np.isnan(values).any():
        row = int(np.argmax(np.isnan(values)))
        raise ECGError(path, f"the time column {name!r} is empty on line {first_line + row}")
    return values * _time_scale(name, unit, values, path, limits)


def _time_scale(name: str, unit: str, values: np.ndarray, path: Path, limits: ReadLimits) -> float:
    """Seconds per time unit: from the unit given, the column name ("time_ms"), or else the steps."""
    for candidate in (unit.lower(), _bare(name).lower().rsplit("_", 1)[-1]):
        if candidate in TIME_UNITS_S:
            return TIME_UNITS_S[candidate]
    step = (values[-1] - values[0]) / max(len(values) - 1, 1)
    if step <= 0:
        return 1.0  # no rate at all: _regular_rate names the line
    if 1 / limits.max_fs <= step <= 1 / limits.min_fs:
        return 1.0
    if 1e3 / limits.max_fs <= step <= 1e3 / limits.min_fs:
        return 1e-3
    raise ECGError(path, f"the time column {name!r} steps by {step:g}, which is neither seconds nor "
                         f"milliseconds at a rate of {limits.min_fs:g}-{limits.max_fs:g} Hz; name its "
                         f"unit (time_s, time_ms) or pass --fs")


def _regular_rate(seconds: np.ndarray, rows: np.ndarray, first_line: int, path: Path) -> float:
    """The rate of a regular time grid; backward steps, gaps and drifting grids are named by line."""
    if len(seconds) < 2:
        raise ECGError(path, "a single row gives no sampling rate")
    steps = np.diff(seconds)
    if (steps <= 0).any():
        i = int(np.argmax(steps <= 0)) + 1
        raise ECGError(path, f"the time does not increase on line {first_line + rows[i]} "
                             f"({seconds[i]:g} s after {seconds[i - 1]:g} s)")
    usual = float(np.median(steps))
    off_steps = np.abs(steps - usual) > MAX_GRID_DEVIATION_STEPS * usual
    if off_steps.any():
        i = int(np.argmax(off_steps)) + 1
        raise ECGError(path, f"the time steps are irregular: on line {first_line + rows[i]} the time "
                             f"jumps from {seconds[i - 1]:g} s to {seconds[i]:g} s where the usual step "
                             f"is {usual:g} s (gaps or a varying rate; resample to a fixed rate)")
    step = (seconds[-1] - seconds[0]) / (len(seconds) - 1)
    grid = seconds[0] + np.arange(len(seconds)) * step
    worst = int(np.argmax(np.abs(seconds - grid)))
    fs = 1.0 / step
    if abs(seconds[worst] - grid[worst]) > MAX_GRID_DEVIATION_STEPS * step:
        raise ECGError(path, f"the time steps are irregular: line {first_line + rows[worst]} is at "
                             f"{seconds[worst]:g} s where a regular {fs:g} Hz grid puts it at "
                             f"{grid[worst]:g} s (a varying rate; resample to a fixed rate)")
    return float(round(fs)) if abs(fs - round(fs)) <= FS_ROUNDING_SHARE * fs else fs
