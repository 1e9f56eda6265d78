"""Standard ECG paper at true scale, saved as PNG, SVG or PDF.

``plot_ecg`` lays the record out (``ecg.plot_layout``), makes a figure whose size in inches
comes from the paper's size in millimetres, so that 1 mm of paper is 1 mm when printed at the
figure's DPI, and draws onto an Axes whose data units are millimetres (``ecg.plot_paper``).

With ``annotate=True`` the measurement panel of ``ecg.plot_annotate`` (each lead's representative
beat with the global fiducials, and the measured intervals) stands to the right of the paper: a
wider ``paper_figure``, ``mm_axes`` over the paper's region for ``draw_paper`` and another
``mm_axes`` region for the panel.

Matplotlib is used without pyplot: no global state, no display (Agg canvas).
"""

from __future__ import annotations

import os
from pathlib import Path

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ecg.errors import ECGError
from ecg.plot_annotate import beat_panel, draw_beat_panel
from ecg.plot_layout import paper_layout
from ecg.plot_paper import PAPER_COLOUR, draw_paper
from ecg.record import ECGRecord

MM_PER_INCH = 25.4
DEFAULT_DPI = 254.0  # 10 pixels per mm: every 1 mm grid line falls on a whole pixel
MIN_DPI, MAX_DPI = 20.0, 600.0  # 600 dpi is print quality; more only costs memory
SAVE_FORMATS = ("png", "svg", "pdf")
# No creation date in vector files, so that the same ECG gives the same bytes.
_REPRODUCIBLE = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}


def plot_ecg(
    record: ECGRecord,
    path: str | os.PathLike | None = None,
    *,
    speed_mm_s: float = 25.0,
    gain_mm_mv: float = 10.0,
    rhythm_lead: str | None = None,
    start_s: float = 0.0,
    duration_s: float | None = None,
    title: str | None = None,
    dpi: float = DEFAULT_DPI,
    annotate: bool = False,
) -> Figure:
    """Draw ``record`` on standard ECG paper; save it to ``path`` (.png, .svg or .pdf) when given.

    12 leads give the 3 x 4 layout (2.5 s per column at 25 mm/s) with a full-length rhythm strip
    of ``rhythm_lead`` (II, or the first lead, by default); up to six leads get a full row each.
    ``start_s``/``duration_s`` choose the window of a long recording; by default one 250 mm row
    of time: 10 s at 25 mm/s, 5 s at 50 mm/s. ``annotate`` adds the measurement panel, of the window drawn, on the right.
    Raises ECGError for an unsupported extension, an unwritable path or a window outside the record.
    """
    fmt = output_format(path) if path is not None else None
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise ECGError(path or record.source, f"a resolution of {dpi:g} dpi is outside {MIN_DPI:g}-{MAX_DPI:g}")
    layout = paper_layout(record, speed_mm_s=speed_mm_s, gain_mm_mv=gain_mm_mv, rhythm_lead=rhythm_lead,
                          start_s=start_s, duration_s=duration_s, with_title=bool(title))
    panel = beat_panel(record, gain_mm_mv, layout.start_s, layout.stop_s) if annotate else None
    width = layout.width_mm + (panel.width_mm if panel else 0.0)
    height = max(layout.height_mm, panel.height_mm if panel else 0.0)
    figure = paper_figure(width, height, dpi)
    axes = mm_axes(figure, 0.0, height - layout.height_mm, layout.width_mm, layout.height_mm)
    draw_paper(axes, record, layout, title)
    if panel is not None:
        draw_beat_panel(mm_axes(figure, layout.width_mm, height - panel.height_mm, panel.width_mm,
                                panel.height_mm), panel)
    if path is not None:
        save_figure(figure, path, fmt)
    return figure


def paper_figure(width_mm: float, height_mm: float, dpi: float = DEFAULT_DPI) -> Figure:
    """A white figure of the given physical size with an Agg canvas."""
    figure = Figure(figsize=(width_mm / MM_PER_INCH, height_mm / MM_PER_INCH), dpi=dpi,
                    facecolor=PAPER_COLOUR)
    FigureCanvasAgg(figure)
    return figure


def mm_axes(figure: Figure, x_mm: float, y_mm: float, width_mm: float, height_mm: float) -> Axes:
    """Axes over a region of ``figure`` (bottom-left at x_mm, y_mm) with data units in millimetres."""
    fig_w, fig_h = (size * MM_PER_INCH for size in figure.get_size_inches())
    axes = figure.add_axes((x_mm / fig_w, y_mm / fig_h, width_mm / fig_w, height_mm / fig_h))
    axes.set_xlim(0.0, width_mm)
    axes.set_ylim(0.0, height_mm)
    axes.set_axis_off()
    return axes


def output_format(path: str | os.PathLike) -> str:
    """The file type named by the extension of ``path``; ECGError when it is not one we write."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in SAVE_FORMATS:
        raise ECGError(path, f"cannot write a plot as {'.' + suffix if suffix else 'a file without extension'}; "
                             f"use {', '.join('.' + f for f in SAVE_FORMATS)}")
    return suffix


def save_figure(figure: Figure, path: str | os.PathLike, fmt: str | None = None) -> Path:
    """Write ``figure`` at its own size and DPI, creating missing folders; ECGError if it cannot."""
    path = Path(path)
    fmt = fmt or output_format(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = "a file is in the way" if isinstance(exc, (FileExistsError, NotADirectoryError)) else exc.strerror
        raise ECGError(path, f"cannot create the folder {path.parent} for the plot ({reason})") from None
    try:
        with rc_context({"svg.hashsalt": "ecg-agent"}):  # fixed SVG clip-path ids
            figure.savefig(path, format=fmt, dpi=figure.dpi, facecolor=figure.get_facecolor(),
                           metadata=_REPRODUCIBLE.get(fmt))
    except OSError as exc:
        raise ECGError(path, f"cannot write the plot ({exc.strerror or exc})") from None
    return path
