"""Where each lead goes on ECG paper: pure geometry in millimetres, no drawing.

The paper's origin is its bottom-left corner; y grows upwards. Every row's baseline and every
trace's start fall on a 5 mm (major) grid line, so intervals can be read by counting boxes from
a major line, as on a cart's printout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ecg.errors import ECGError
from ecg.leads import canonical_lead_name
from ecg.record import ECGRecord

# Paper speeds and gains an electrocardiograph offers (IEC 60601-2-25; AHA/ACCF/HRS
# recommendations for the standardization of the ECG, Kligfield et al., Circulation 2007).
PAPER_SPEEDS_MM_S: tuple[float, ...] = (25.0, 50.0)
GAINS_MM_MV: tuple[float, ...] = (5.0, 10.0, 20.0)
MINOR_MM = 1.0
MAJOR_MM = 5.0
# The standard calibration pulse: 1 mV high, 200 ms wide.
CALIBRATION_MV = 1.0
CALIBRATION_S = 0.2

# A row of trace is 250 mm long: 10 s at 25 mm/s (a resting ECG), 5 s at 50 mm/s. A longer
# window of a few leads wraps into consecutive rows; a grid of many leads shows one row's time.
STRIP_MM = 250.0
MAX_WINDOW_S = 60.0
# Up to this many leads each get a full-length row; more go into a grid of columns plus a rhythm strip.
MAX_LEADS_IN_ROWS = 6
GRID_ROWS = 3  # 3 x 4 for the twelve standard leads (I,II,III | aVR,aVL,aVF | V1-V3 | V4-V6)
MAX_GRID_COLUMNS = 6

MARGIN_MM = 5.0  # grid left free around the rows
HEADER_MM = 10.0  # header band for file name, rate, speed, gain and window
TITLE_MM = 5.0  # extra header height when a title is given
LABEL_MM = 5.0  # room above a trace for its lead label
MIN_BELOW_MM = 5.0
MAX_EXCURSION_MM = 40.0  # a row grows to fit its traces up to this far from the baseline


@dataclass(frozen=True)
class Cell:
    """One lead's time slice drawn from ``x_mm`` on a row's baseline."""

    lead: str
    start_s: float
    stop_s: float
    x_mm: float
    label: str


@dataclass(frozen=True)
class Row:
    """A row of cells sharing one baseline, with its calibration pulse at ``pulse_x_mm``."""

    cells: tuple[Cell, ...]
    baseline_mm: float
    top_mm: float
    bottom_mm: float
    pulse_x_mm: float


@dataclass(frozen=True)
class PaperLayout:
    """Everything needed to draw a record on paper: size, grid area, rows and the scale."""

    width_mm: float
    height_mm: float
    grid_top_mm: float  # the grid covers y from 0 to here; the header sits above it
    rows: tuple[Row, ...]
    speed_mm_s: float
    gain_mm_mv: float
    start_s: float
    stop_s: float
    rhythm_lead: str | None  # the lead of the full-length strip under a grid, if any
    offsets_mv: dict[str, float]  # each lead's median over the window, subtracted to centre it


def paper_layout(
    record: ECGRecord,
    *,
    speed_mm_s: float = 25.0,
    gain_mm_mv: float = 10.0,
    rhythm_lead: str | None = None,
    start_s: float = 0.0,
    duration_s: float | None = None,
    with_title: bool = False,
) -> PaperLayout:
    """Lay out ``record`` on paper at the given speed and gain.

    Up to six leads get one full-length row each (a window longer than one row wraps into
    consecutive rows, labelled with their start time); more leads go into three rows of columns,
    each column showing the next slice of time, with a full-length rhythm strip beneath
    (``rhythm_lead``; by default II, or the first lead when there is no II). ``duration_s``
    defaults to one row: 10 s at 25 mm/s, 5 s at 50 mm/s.
    """
    _check_scale(record, speed_mm_s, gain_mm_mv)
    row_s = STRIP_MM / speed_mm_s
    start, stop = plot_window(record, start_s, row_s if duration_s is None else duration_s)
    rhythm = _rhythm_lead(record, rhythm_lead)
    if len(record.leads) <= MAX_LEADS_IN_ROWS:
        slices = _wrapped_rows(record.leads, start, stop, row_s)
        rhythm = None
    else:
        if stop - start > row_s + 1e-9:
            raise ECGError(record.source, f"a page of {len(record.leads)} leads shows at most {row_s:g} s at "
                                          f"{speed_mm_s:g} mm/s; choose a shorter window")
        slices = _grid_rows(record.leads, start, stop) + [[(rhythm, start, stop, rhythm)]]

    offsets = _lead_offsets(record, start, stop)
    trace_x = MARGIN_MM + _ceil_major(CALIBRATION_S * speed_mm_s + 2 * MAJOR_MM)
    width = _ceil_major(trace_x + min(stop - start, row_s) * speed_mm_s + MARGIN_MM)
    heights = [_row_extent(record, row, offsets, gain_mm_mv) for row in slices]
    grid_height = MARGIN_MM + sum(above + below for above, below in heights) + MARGIN_MM
    rows = []
    top = grid_height - MARGIN_MM
    for row, (above, below) in zip(slices, heights):
        row_start = row[0][1]
        cells = tuple(Cell(lead, a, b, trace_x + (a - row_start) * speed_mm_s, label) for lead, a, b, label in row)
        rows.append(Row(cells, top - above, top, top - above - below, MARGIN_MM + MAJOR_MM))
        top -= above + below
    header = HEADER_MM + (TITLE_MM if with_title else 0.0)
    return PaperLayout(width_mm=width, height_mm=grid_height + header, grid_top_mm=grid_height,
                       rows=tuple(rows), speed_mm_s=speed_mm_s, gain_mm_mv=gain_mm_mv,
                       start_s=start, stop_s=stop, rhythm_lead=rhythm, offsets_mv=offsets)


def plot_window(record: ECGRecord, start_s: float, duration_s: float) -> tuple[float, float]:
    """The (start, stop) seconds to draw: ``duration_s`` from ``start_s``, or what is left of the record."""
    total = record.duration_s
    if not math.isfinite(start_s) or not 0 <= start_s < total:
        raise ECGError(record.source, f"the start {start_s:g} s is outside the record (0-{total:.1f} s)")
    if not math.isfinite(duration_s) or duration_s <= 0:
        raise ECGError(record.source, f"the duration {duration_s:g} s is not a positive number")
    if duration_s > MAX_WINDOW_S:
        raise ECGError(record.source, f"a plot shows at most {MAX_WINDOW_S:g} s; "
                                      f"{duration_s:g} s were asked for")
    return float(start_s), float(min(total, start_s + duration_s))


def _check_scale(record: ECGRecord, speed_mm_s: float, gain_mm_mv: float) -> None:
    if speed_mm_s not in PAPER_SPEEDS_MM_S:
        raise ECGError(record.source, f"paper speed {speed_mm_s:g} mm/s is not one of "
                                      f"{', '.join(f'{s:g}' for s in PAPER_SPEEDS_MM_S)}")
    if gain_mm_mv not in GAINS_MM_MV:
        raise ECGError(record.source, f"gain {gain_mm_mv:g} mm/mV is not one of "
                                      f"{', '.join(f'{g:g}' for g in GAINS_MM_MV)}")


def _rhythm_lead(record: ECGRecord, name: str | None) -> str:
    if name is None:
        return "II" if "II" in record.leads else record.leads[0]
    lead = canonical_lead_name(name)
    record.lead(lead)  # raises ECGError naming the missing lead
    return lead


Slice = tuple[str, float, float, str]  # lead, start s, stop s, label


def _wrapped_rows(leads: tuple[str, ...], start: float, stop: float, row_s: float) -> list[list[Slice]]:
    """One row per lead for each consecutive ``row_s`` of the window; wrapped rows name their start."""
    chunks = []
    chunk = start
    while chunk < stop - 1e-9:
        chunks.append((chunk, min(stop, chunk + row_s)))
        chunk += row_s
    timed = len(chunks) > 1
    return [[(lead, a, b, f"{lead}   {a:.1f} s" if timed else lead)] for a, b in chunks for lead in leads]


def _grid_rows(leads: tuple[str, ...], start: float, stop: float) -> list[list[Slice]]:
    """Leads fill columns top to bottom; column c shows the c-th equal slice of the window."""
    n_rows = max(GRID_ROWS, math.ceil(len(leads) / MAX_GRID_COLUMNS))
    n_columns = math.ceil(len(leads) / n_rows)
    width = (stop - start) / n_columns
    rows: list[list[Slice]] = [[] for _ in range(n_rows)]
    for i, lead in enumerate(leads):
        column = i // n_rows
        rows[i % n_rows].append((lead, start + column * width, start + (column + 1) * width, lead))
    return rows


def _lead_offsets(record: ECGRecord, start: float, stop: float) -> dict[str, float]:
    window = record.signal[:, sample_index(record, start):sample_index(record, stop)]
    return {lead: float(np.nanmedian(row)) if np.isfinite(row).any() else 0.0
            for lead, row in zip(record.leads, window)}


def _row_extent(record: ECGRecord, row: list[Slice], offsets: dict[str, float],
                gain: float) -> tuple[float, float]:
    """Room above and below a row's baseline: its traces, the calibration pulse and the labels."""
    high, low = CALIBRATION_MV * gain, 0.0
    for lead, a, b, _ in row:
        part = record.lead(lead)[sample_index(record, a):sample_index(record, b)] - offsets[lead]
        if np.isfinite(part).any():
            high = max(high, float(np.nanmax(part)) * gain)
            low = max(low, -float(np.nanmin(part)) * gain)
    above = _ceil_major(min(high, MAX_EXCURSION_MM) + LABEL_MM)
    below = _ceil_major(max(min(low, MAX_EXCURSION_MM), MIN_BELOW_MM))
    return above, below


def sample_index(record: ECGRecord, seconds: float) -> int:
    """The sample at ``seconds`` from the record's start."""
    return int(round(seconds * record.fs))


def _ceil_major(mm: float) -> float:
    return MAJOR_MM * math.ceil(mm / MAJOR_MM - 1e-9)
