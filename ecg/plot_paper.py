"""Draw a laid-out record onto a matplotlib Axes whose data units are millimetres of paper."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection

from ecg.plot_layout import (CALIBRATION_MV, CALIBRATION_S, MAJOR_MM, MARGIN_MM, MINOR_MM, PaperLayout, Row,
                             sample_index)
from ecg.record import ECGRecord

# Colours of common pink ECG paper; widths in points (1 pt = 0.353 mm).
PAPER_COLOUR = "white"
MINOR_COLOUR, MINOR_WIDTH_PT = "#f7c8c8", 0.35
MAJOR_COLOUR, MAJOR_WIDTH_PT = "#e58a8a", 0.8
TRACE_COLOUR, TRACE_WIDTH_PT = "black", 0.8
LABEL_SIZE_PT = 8
HEADER_SIZE_PT = 7.5
TITLE_SIZE_PT = 10
SEPARATOR_MM = 2.5  # half-height of the tick that marks where a grid column starts


def draw_paper(ax: Axes, record: ECGRecord, layout: PaperLayout, title: str | None = None) -> None:
    """Draw the grid, header, calibration pulses, lead labels and traces of ``layout``."""
    draw_grid(ax, layout.width_mm, layout.grid_top_mm)
    draw_header(ax, record, layout, title)
    for number, row in enumerate(layout.rows):
        draw_calibration_pulse(ax, row, layout)
        for cell_number, cell in enumerate(row.cells):
            samples = record.lead(cell.lead)[sample_index(record, cell.start_s):sample_index(record, cell.stop_s)]
            x = cell.x_mm + np.arange(samples.size) / record.fs * layout.speed_mm_s
            y = row.baseline_mm + (samples - layout.offsets_mv[cell.lead]) * layout.gain_mm_mv
            ax.plot(x, y, color=TRACE_COLOUR, linewidth=TRACE_WIDTH_PT, solid_joinstyle="round",
                    gid=f"trace-{number}-{cell_number}-{_svg_id(cell.lead)}")
            ax.text(cell.x_mm + 1.0, row.top_mm - 1.0, cell.label, fontsize=LABEL_SIZE_PT, fontweight="bold",
                    ha="left", va="top", gid=f"label-{number}-{cell_number}",
                    bbox={"facecolor": PAPER_COLOUR, "edgecolor": "none", "alpha": 0.7, "pad": 0.5})
            if cell_number:
                ax.plot([cell.x_mm, cell.x_mm], [row.baseline_mm - SEPARATOR_MM, row.baseline_mm + SEPARATOR_MM],
                        color=TRACE_COLOUR, linewidth=TRACE_WIDTH_PT)


def draw_grid(ax: Axes, width_mm: float, height_mm: float) -> None:
    """Pink 1 mm lines and red 5 mm lines over ``[0, width] x [0, height]``."""
    for step, colour, width_pt, gid in ((MINOR_MM, MINOR_COLOUR, MINOR_WIDTH_PT, "grid-minor"),
                                        (MAJOR_MM, MAJOR_COLOUR, MAJOR_WIDTH_PT, "grid-major")):
        xs = np.arange(0.0, width_mm + 1e-9, step)
        ys = np.arange(0.0, height_mm + 1e-9, step)
        if step == MINOR_MM:  # leave the major positions to the major lines
            xs = xs[np.round(xs) % MAJOR_MM != 0]
            ys = ys[np.round(ys) % MAJOR_MM != 0]
        segments = [[(x, 0.0), (x, height_mm)] for x in xs] + [[(0.0, y), (width_mm, y)] for y in ys]
        ax.add_collection(LineCollection(segments, colors=colour, linewidths=width_pt, gid=gid))


def draw_calibration_pulse(ax: Axes, row: Row, layout: PaperLayout) -> None:
    """A 1 mV x 200 ms rectangle on the row's baseline, before its traces."""
    x0 = row.pulse_x_mm
    width = CALIBRATION_S * layout.speed_mm_s
    height = CALIBRATION_MV * layout.gain_mm_mv
    lead_in = MAJOR_MM / 2
    xs = [x0 - lead_in, x0, x0, x0 + width, x0 + width, x0 + width + lead_in]
    ys = np.array([0.0, 0.0, height, height, 0.0, 0.0]) + row.baseline_mm
    ax.plot(xs, ys, color=TRACE_COLOUR, linewidth=TRACE_WIDTH_PT, solid_joinstyle="miter", gid="calibration")


def draw_header(ax: Axes, record: ECGRecord, layout: PaperLayout, title: str | None) -> None:
    """File name, sampling rate, speed, gain and the time window above the grid."""
    name = Path(record.source).name if record.source else "unnamed record"
    duration = layout.stop_s - layout.start_s
    window = f"{duration:.1f} s"
    if layout.start_s > 0 or layout.stop_s < record.duration_s - 1e-9:
        window += f" ({layout.start_s:.1f}-{layout.stop_s:.1f} s of {record.duration_s:.1f} s)"
    facts = [name, f"{record.fs:g} Hz", f"{layout.speed_mm_s:g} mm/s", f"{layout.gain_mm_mv:g} mm/mV",
             window, f"{len(record.leads)} lead{'s' if len(record.leads) != 1 else ''}"]
    y = layout.grid_top_mm + 3.0
    ax.text(MARGIN_MM, y, "   ".join(facts), fontsize=HEADER_SIZE_PT, ha="left", va="bottom", gid="header")
    if title:
        ax.text(MARGIN_MM, layout.height_mm - 2.0, title, fontsize=TITLE_SIZE_PT, fontweight="bold",
                ha="left", va="top", gid="title")


def _svg_id(lead: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", lead)
