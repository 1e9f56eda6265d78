"""The measurement panel drawn beside the ECG paper by ``plot_ecg(..., annotate=True)``.

Each lead's representative (median) beat, the one ``measure`` delineated on the stretch of the
record that the paper shows (all of a resting ECG), sits on its own patch of ECG paper at
``BEAT_SPEED_MM_S`` and the paper's gain. The global fiducials are vertical lines at the same
times in every lead, as on CSE median-beat pages, so a reader can check by eye that they sit at
the wave boundaries. A table to their right lists the measured intervals and axes and, for each
value or fiducial that could not be measured, the reason ``measure`` gave.

Each beat is drawn on an inset Axes whose data units are milliseconds from the R peak (x) and
millivolts above the lead's PR-segment level (y), sized so that those units keep the paper's true
scale; the panel itself is an Axes in millimetres like the paper's.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes

from ecg.beats import RepresentativeBeat
from ecg.delineate import isoelectric_level
from ecg.leads import LIMB_LEADS
from ecg.measure import measure_with_beat
from ecg.measurements import Measurements
from ecg.plot_layout import (HEADER_MM, LABEL_MM, MAJOR_MM, MARGIN_MM, MAX_EXCURSION_MM, MIN_BELOW_MM,
                             sample_index)
from ecg.plot_paper import HEADER_SIZE_PT, TRACE_COLOUR, TRACE_WIDTH_PT, draw_grid
from ecg.record import ECGRecord

BEAT_SPEED_MM_S = 50.0        # the faster standard paper speed: 1 mm = 20 ms, 5 mm = 100 ms
BEATS_PER_COLUMN = 6          # more leads: limb leads in one column, chest leads in the next
BEAT_PAD_MS = 100.0           # shown before the first and after the last fiducial
DEFAULT_WINDOW_MS = (-300.0, 500.0)  # around R when a beat has no fiducials on that side
TICK_STEP_MS = 200.0          # time labels under each column
COLUMN_GAP_MM = MAJOR_MM
TABLE_WIDTH_MM = 75.0
TABLE_SIZE_PT = 6.5
LINE_MM = 3.4                 # table line spacing
CHAR_MM = 1.25                # mean character width at TABLE_SIZE_PT, to wrap the reasons
VALUE_X_MM = 26.0             # where the table's values start, from its left edge
LEAD_LABEL_SIZE_PT = 7
TICK_SIZE_PT = 5.5
REASON_COLOUR = "#555555"
FIDUCIAL_WIDTH_PT = 0.7

# name, colour, line style; the P lines are blue, QRS purple, T green; onsets solid, offsets dashed.
FIDUCIALS: dict[str, tuple[str, str, str]] = {
    "p_onset": ("P onset", "#1565c0", "-"),
    "p_offset": ("P offset", "#1565c0", "--"),
    "qrs_onset": ("QRS onset", "#7b1fa2", "-"),
    "qrs_offset": ("QRS offset", "#7b1fa2", "--"),
    "t_peak": ("T peak", "#2e7d32", ":"),
    "t_offset": ("T offset", "#2e7d32", "--"),
}
# The field of ``Measurements.notes`` that says why a fiducial is missing or rejected.
FIDUCIAL_REASON_FIELD = {"p_onset": "p_duration_ms", "p_offset": "p_duration_ms",
                         "qrs_onset": "qrs_duration_ms", "qrs_offset": "qrs_duration_ms",
                         "t_peak": "qt_interval_ms", "t_offset": "qt_interval_ms"}
# The table's values: field of Measurements, label, unit.
TABLE_VALUES: tuple[tuple[str, str, str], ...] = (
    ("heart_rate_bpm", "Heart rate", "bpm"),
    ("p_duration_ms", "P duration", "ms"),
    ("pr_interval_ms", "PR interval", "ms"),
    ("qrs_duration_ms", "QRS duration", "ms"),
    ("qrs_duration_median_lead_ms", "QRS (median lead)", "ms"),
    ("qt_interval_ms", "QT interval", "ms"),
    ("qtc_bazett_ms", "QTc (Bazett)", "ms"),
    ("p_axis_deg", "P axis", "°"),
    ("qrs_axis_deg", "QRS axis", "°"),
    ("t_axis_deg", "T axis", "°"),
)
# Notes about the whole record rather than one value, and their labels.
RECORD_NOTES: dict[str, str] = {"n_beats": "Beats", "leads": "Leads"}


@dataclass(frozen=True)
class BeatCell:
    """One lead's beat: its paper patch, bottom-left at (x_mm, y_mm) in the panel, from -below to
    +above millivolts around the lead's PR-segment level."""

    lead: str
    x_mm: float
    y_mm: float
    below_mv: float
    above_mv: float


@dataclass(frozen=True)
class TableLine:
    """A line of the table: label and value, or a continuation of a reason (``label`` empty)."""

    label: str
    text: str
    colour: str = TRACE_COLOUR
    fiducial: str | None = None  # draw this fiducial's line sample before the label


@dataclass(frozen=True)
class BeatPanel:
    """Everything needed to draw the panel: the measurements, the beat and the geometry in mm."""

    measurements: Measurements
    beat: RepresentativeBeat | None
    measured_s: tuple[float, float] | None  # the stretch measured, None for the whole record
    drawn_fiducials: dict[str, float]  # name -> ms from R, the lines to draw
    window_ms: tuple[float, float]
    gain_mm_mv: float
    cells: tuple[BeatCell, ...]
    grid_top_mm: float  # the beats' paper spans y from grid_bottom_mm to here
    grid_bottom_mm: float
    table: tuple[TableLine, ...]
    table_x_mm: float   # the table's first line is at grid_top_mm, from x = table_x_mm
    width_mm: float
    height_mm: float


def beat_panel(record: ECGRecord, gain_mm_mv: float, start_s: float = 0.0,
               stop_s: float | None = None) -> BeatPanel:
    """Measure ``record`` from ``start_s`` to ``stop_s`` (the stretch on the paper; by default all
    of it) and lay out its beat panel at ``gain_mm_mv``."""
    stop_s = record.duration_s if stop_s is None else stop_s
    whole = start_s <= 0.0 and stop_s >= record.duration_s
    if not whole:
        record = record.with_signal(record.signal[:, sample_index(record, start_s):sample_index(record, stop_s)])
    measurements, beat = measure_with_beat(record)
    return beat_panel_layout(measurements, beat, gain_mm_mv, None if whole else (start_s, stop_s))


def beat_panel_layout(measurements: Measurements, beat: RepresentativeBeat | None, gain_mm_mv: float,
                      measured_s: tuple[float, float] | None = None) -> BeatPanel:
    """The panel's geometry: columns of beat cells under a header, the table to their right."""
    drawn = drawn_fiducials(measurements) if beat is not None else {}
    window = beat_window_ms(drawn, beat)
    column_mm = (window[1] - window[0]) / 1000.0 * BEAT_SPEED_MM_S
    columns = lead_columns(beat.leads) if beat is not None else []
    table_x = MARGIN_MM + len(columns) * (column_mm + COLUMN_GAP_MM)
    table = table_lines(measurements, drawn, beat is not None, TABLE_WIDTH_MM)
    table_mm = len(table) * LINE_MM
    extents = _row_extents(columns, beat, measurements, window, gain_mm_mv) if beat is not None else []
    grid_mm = sum(above + below for above, below in extents)
    ticks_mm = MAJOR_MM if columns else 0.0
    grid_bottom = MARGIN_MM + ticks_mm + max(0.0, table_mm - grid_mm - ticks_mm)
    height = grid_bottom + grid_mm + HEADER_MM
    cells = []
    for c, column in enumerate(columns):
        x = MARGIN_MM + c * (column_mm + COLUMN_GAP_MM)
        top = grid_bottom + grid_mm
        for lead, (above, below) in zip(column, extents):
            top -= above + below
            cells.append(BeatCell(lead, x, top, below / gain_mm_mv, above / gain_mm_mv))
    return BeatPanel(measurements, beat, measured_s, drawn, window, gain_mm_mv, tuple(cells), grid_bottom + grid_mm,
                     grid_bottom, tuple(table), table_x, table_x + TABLE_WIDTH_MM + MARGIN_MM, height)


def drawn_fiducials(measurements: Measurements) -> dict[str, float]:
    """The fiducials to draw, in ms from R: those measured, less the P wave's when ``measure``
    rejected the P wave (its P values are null with a reason)."""
    drawn = {}
    for name, ms in measurements.fiducials_ms.items():
        rejected = name.startswith("p_") and "p_duration_ms" in measurements.notes
        if ms is not None and name in FIDUCIALS and not rejected:
            drawn[name] = float(ms)
    return drawn


def beat_window_ms(fiducials: dict[str, float], beat: RepresentativeBeat | None) -> tuple[float, float]:
    """The stretch of the beat shown: the fiducials plus ``BEAT_PAD_MS``, to whole 100 ms so that
    R falls on a major grid line, within the beat. Without a P onset (atrial fibrillation, pacing)
    or a T offset the window still reaches ``DEFAULT_WINDOW_MS``, where they would be."""
    earliest = fiducials.get("p_onset", DEFAULT_WINDOW_MS[0] + BEAT_PAD_MS)
    latest = fiducials.get("t_offset", DEFAULT_WINDOW_MS[1] - BEAT_PAD_MS)
    start = min([earliest, *fiducials.values()]) - BEAT_PAD_MS
    stop = max([latest, *fiducials.values()]) + BEAT_PAD_MS
    step = MAJOR_MM / BEAT_SPEED_MM_S * 1000.0
    start, stop = math.floor(start / step) * step, math.ceil(stop / step) * step
    if beat is not None:
        times = beat.times_ms()
        start = max(start, math.ceil(times[0] / step) * step)
        stop = min(stop, math.floor(times[-1] / step) * step)
    return start, stop


def lead_columns(leads: tuple[str, ...]) -> list[tuple[str, ...]]:
    """One column of up to ``BEATS_PER_COLUMN`` leads; more: limb leads, then the others, each in
    columns of up to ``BEATS_PER_COLUMN``."""
    if len(leads) <= BEATS_PER_COLUMN:
        return [leads] if leads else []
    groups = [tuple(n for n in leads if n in LIMB_LEADS), tuple(n for n in leads if n not in LIMB_LEADS)]
    return [group[i:i + BEATS_PER_COLUMN] for group in groups for i in range(0, len(group), BEATS_PER_COLUMN)]


def centred_beat(beat: RepresentativeBeat, measurements: Measurements) -> np.ndarray:
    """Each lead of the beat minus its PR-segment level (its median when QRS onset is unknown)."""
    onset = measurements.fiducials_ms.get("qrs_onset")
    if onset is None:
        return beat.signal - np.median(beat.signal, axis=-1, keepdims=True)
    onset_index = beat.r_index + int(round(onset * beat.fs / 1000.0))
    return beat.signal - isoelectric_level(beat.signal, onset_index, beat.fs)[:, None]


def _row_extents(columns: list[tuple[str, ...]], beat: RepresentativeBeat, measurements: Measurements,
                 window: tuple[float, float], gain: float) -> list[tuple[float, float]]:
    """Room above and below the baseline of each row of cells (shared across the columns)."""
    shown = (beat.times_ms() >= window[0]) & (beat.times_ms() <= window[1])
    centred = centred_beat(beat, measurements)[:, shown]
    n_rows = max(len(column) for column in columns)
    extents = []
    for row in range(n_rows):
        rows = [centred[beat.leads.index(column[row])] for column in columns if row < len(column)]
        high = max(float(lead.max()) for lead in rows) * gain
        low = -min(float(lead.min()) for lead in rows) * gain
        extents.append((_ceil_major(min(max(high, 0.0), MAX_EXCURSION_MM) + LABEL_MM),
                        _ceil_major(max(min(low, MAX_EXCURSION_MM), MIN_BELOW_MM))))
    return extents


def table_lines(measurements: Measurements, drawn: dict[str, float], has_beat: bool,
                width_mm: float) -> list[TableLine]:
    """The table: the measured values, then the fiducials (time from R or why not drawn), then
    notes about the whole record; reasons wrapped to ``width_mm``."""
    wrap = max(10, int((width_mm - VALUE_X_MM) / CHAR_MM))
    lines = [TableLine("Measured", "global, on the representative beat")]

    def add(label: str, value: str | None, reason: str | None, fiducial: str | None = None) -> None:
        if value is not None:
            lines.append(TableLine(label, value, fiducial=fiducial))
            return
        parts = textwrap.wrap(f"— {reason or 'not measured'}", wrap) or ["—"]
        lines.append(TableLine(label, parts[0], REASON_COLOUR, fiducial))
        lines.extend(TableLine("", part, REASON_COLOUR) for part in parts[1:])

    for field, label, unit in TABLE_VALUES:
        value = getattr(measurements, field)
        add(label, None if value is None else f"{value:.0f} {unit}".replace(" °", "°"),
            measurements.notes.get(field))
    if has_beat:
        lines.append(TableLine("Fiducials", "lines on every lead; ms from R"))
        for name, (label, _, _) in FIDUCIALS.items():
            ms = drawn.get(name)
            reason = measurements.notes.get(FIDUCIAL_REASON_FIELD[name], "not found on the representative beat")
            add(label, None if ms is None else f"{ms:+.0f} ms", reason, fiducial=name)
    for field, label in RECORD_NOTES.items():
        if field in measurements.notes:
            add(label, None, measurements.notes[field])
    if not has_beat and "n_beats" not in measurements.notes:
        add("Beats", None, "no representative beat to draw")
    return lines


def draw_beat_panel(ax: Axes, panel: BeatPanel) -> None:
    """Draw ``panel`` onto ``ax``, an Axes in millimetres over the panel's region."""
    header = "Measurements" if panel.beat is None else \
        f"Representative beats   {BEAT_SPEED_MM_S:g} mm/s   {panel.gain_mm_mv:g} mm/mV"
    if panel.measured_s is not None:
        header += f"   of {panel.measured_s[0]:.1f}-{panel.measured_s[1]:.1f} s"
    ax.text(MARGIN_MM, panel.height_mm - HEADER_MM + 3.0, header, fontsize=HEADER_SIZE_PT, ha="left",
            va="bottom", gid="beat-panel-header")
    if panel.beat is not None:
        _draw_beats(ax, panel)
    _draw_table(ax, panel)


def _draw_beats(ax: Axes, panel: BeatPanel) -> None:
    beat, (start, stop) = panel.beat, panel.window_ms
    width = (stop - start) / 1000.0 * BEAT_SPEED_MM_S
    times = beat.times_ms()
    shown = (times >= start) & (times <= stop)
    centred = centred_beat(beat, panel.measurements)
    for x in sorted({cell.x_mm for cell in panel.cells}):
        bottom = min(cell.y_mm for cell in panel.cells if cell.x_mm == x)
        _draw_column_grid(ax, x, bottom, panel.grid_top_mm, panel.window_ms)
    for cell in panel.cells:
        cell_ax = ax.inset_axes((cell.x_mm, cell.y_mm, width, (cell.below_mv + cell.above_mv) * panel.gain_mm_mv),
                                transform=ax.transData)
        cell_ax.set_xlim(start, stop)
        cell_ax.set_ylim(-cell.below_mv, cell.above_mv)
        cell_ax.set_axis_off()
        cell_ax.set_gid(f"beat-{cell.lead}")
        for name, ms in panel.drawn_fiducials.items():
            _, colour, style = FIDUCIALS[name]
            cell_ax.axvline(ms, color=colour, linestyle=style, linewidth=FIDUCIAL_WIDTH_PT,
                            gid=f"fiducial-{name}-{cell.lead}")
        cell_ax.plot(times[shown], centred[beat.leads.index(cell.lead), shown], color=TRACE_COLOUR,
                     linewidth=TRACE_WIDTH_PT, solid_joinstyle="round", gid=f"beat-trace-{cell.lead}")
        cell_ax.text(0.03, 0.97, cell.lead, transform=cell_ax.transAxes, fontsize=LEAD_LABEL_SIZE_PT,
                     fontweight="bold", ha="left", va="top")


def _draw_column_grid(ax: Axes, x: float, bottom: float, top: float, window_ms: tuple[float, float]) -> None:
    """ECG paper behind one column of beats, from ``bottom`` to ``top`` mm, with times under it."""
    start, stop = window_ms
    width, height = (stop - start) / 1000.0 * BEAT_SPEED_MM_S, top - bottom
    grid = ax.inset_axes((x, bottom, width, height), transform=ax.transData)
    grid.set_xlim(0.0, width)
    grid.set_ylim(0.0, height)
    grid.set_axis_off()
    grid.set_gid("beat-grid")
    draw_grid(grid, width, height)
    for ms in np.arange(math.ceil(start / TICK_STEP_MS) * TICK_STEP_MS, stop + 1e-9, TICK_STEP_MS):
        ax.text(x + (ms - start) / 1000.0 * BEAT_SPEED_MM_S, bottom - 1.0,
                f"{ms:.0f}" + (" ms" if ms + TICK_STEP_MS > stop else ""), fontsize=TICK_SIZE_PT,
                ha="center", va="top", gid="beat-time-tick")


def _draw_table(ax: Axes, panel: BeatPanel) -> None:
    y = panel.grid_top_mm - LINE_MM
    for line in panel.table:
        x = panel.table_x_mm
        if line.fiducial is not None:
            _, colour, style = FIDUCIALS[line.fiducial]
            ax.plot([x, x + 4.0], [y + 0.8, y + 0.8], color=colour, linestyle=style, linewidth=1.0,
                    gid=f"legend-{line.fiducial}")
            x += 5.0
        bold = line.label in ("Measured", "Fiducials")
        ax.text(x, y, line.label, fontsize=TABLE_SIZE_PT, ha="left", va="baseline",
                fontweight="bold" if bold else "normal")
        ax.text(panel.table_x_mm + VALUE_X_MM, y, line.text, fontsize=TABLE_SIZE_PT, ha="left", va="baseline",
                color=line.colour, style="italic" if bold else "normal")
        y -= LINE_MM


def _ceil_major(mm: float) -> float:
    return MAJOR_MM * math.ceil(mm / MAJOR_MM - 1e-9)
