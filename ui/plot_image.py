"""The 12-lead ECG paper (``ecg.plot.plot_ecg``) as PNG bytes for the page and the PDF report."""

from __future__ import annotations

import io

from ecg.plot import plot_ecg
from ecg.record import ECGRecord

SCREEN_DPI = 100.0  # about 4 pixels per mm: the 3 x 4 layout fits a browser window


def ecg_png(record: ECGRecord, dpi: float = SCREEN_DPI) -> bytes:
    """The record's first 10 s on standard paper (25 mm/s, 10 mm/mV) as a PNG."""
    figure = plot_ecg(record, dpi=dpi)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi, facecolor=figure.get_facecolor())
    return buffer.getvalue()
