"""The measurement panel of ``plot_ecg(..., annotate=True)``: one beat per measured lead, the global
fiducial lines where ``measure`` put them, null fiducials left out with their reason, true scale."""

from pathlib import Path

import numpy as np
import pytest

from ecg import make_record, read_ecg
from ecg.beats import RepresentativeBeat
from ecg.measure import measure, measure_with_beat
from ecg.measurements import Measurements
from ecg.plot import MM_PER_INCH, plot_ecg
from ecg.plot_annotate import (BEAT_SPEED_MM_S, FIDUCIALS, beat_panel_layout, beat_window_ms, drawn_fiducials,
                               lead_columns)
from ecg.plot_layout import paper_layout
from tests.conftest import synthetic_12lead

LUDB = Path(__file__).resolve().parents[1] / "fixtures" / "ludb"
DPI = 40.0  # enough to check positions; the saved pixels are not looked at


@pytest.fixture(scope="module")
def annotated():
    """LUDB fixtures 2 (sinus), 44 (atrial fibrillation), 74 (ventricular pacing): record,
    measurements and annotated figure, drawn once so that the inset axes have their positions."""
    drawn = {}
    for name in ("2", "44", "74"):
        record = read_ecg(LUDB / f"{name}.hea")
        figure = plot_ecg(record, annotate=True, dpi=DPI)
        figure.canvas.draw()
        drawn[name] = record, measure(record), figure
    return drawn


def _cells(figure) -> dict[str, object]:
    """The beat cells of the panel (the figure's second Axes), by lead."""
    panel = figure.axes[1]
    return {ax.get_gid().removeprefix("beat-"): ax for ax in panel.child_axes
            if ax.get_gid().startswith("beat-") and ax.get_gid() != "beat-grid"}


def _fiducial_lines(cell) -> dict[str, float]:
    """Fiducial name -> the x (ms from R, in the cell's data units) of its vertical line."""
    lines = {}
    for line in cell.get_lines():
        gid = line.get_gid() or ""
        if gid.startswith("fiducial-"):
            xs = set(line.get_xdata())
            assert len(xs) == 1  # vertical
            lines[gid.split("-")[1]] = float(xs.pop())
    return lines


def test_measure_with_beat_is_measure_plus_the_beat_it_delineated():
    record = read_ecg(LUDB / "2.hea")
    measurements, beat = measure_with_beat(record)
    assert measurements.to_dict() == measure(record).to_dict()
    assert beat.leads == record.leads and beat.signal.shape[0] == 12
    assert beat.times_ms()[beat.r_index] == 0.0 and np.diff(beat.times_ms())[0] == pytest.approx(1000 / beat.fs)


def test_the_panel_has_one_beat_per_lead_beside_the_paper(annotated):
    record, _, figure = annotated["2"]
    assert set(_cells(figure)) == set(record.leads)
    paper = paper_layout(record)
    width_mm, height_mm = figure.get_size_inches() * MM_PER_INCH
    assert width_mm > paper.width_mm and height_mm >= paper.height_mm
    paper_box, panel_box = figure.axes[0].get_position(), figure.axes[1].get_position()
    assert panel_box.x0 == pytest.approx(paper_box.x1)  # to the right of the paper
    assert paper_box.y1 == pytest.approx(1.0) and panel_box.y1 == pytest.approx(1.0)  # tops aligned


def test_sinus_beat_has_all_six_global_fiducials_in_every_lead(annotated):
    _, measurements, figure = annotated["2"]
    assert all(v is not None for v in measurements.fiducials_ms.values())
    for lead, cell in _cells(figure).items():
        assert _fiducial_lines(cell) == pytest.approx(measurements.fiducials_ms), lead


@pytest.mark.parametrize("name", ["44", "74"])
def test_no_p_lines_where_no_p_wave_was_measured(annotated, name):
    _, measurements, figure = annotated[name]
    assert measurements.pr_interval_ms is None
    expected = {k: v for k, v in measurements.fiducials_ms.items() if not k.startswith("p_") and v is not None}
    assert {"qrs_onset", "qrs_offset", "t_offset"} <= set(expected)
    for cell in _cells(figure).values():
        assert _fiducial_lines(cell) == pytest.approx(expected)
    texts = [t.get_text() for t in figure.axes[1].texts]
    reason = measurements.notes["pr_interval_ms"]
    assert texts.count(f"— {reason}") >= 4  # P duration, PR, P onset, P offset say why


def test_the_table_shows_the_measured_intervals_with_units(annotated):
    _, m, figure = annotated["2"]
    texts = [t.get_text() for t in figure.axes[1].texts]
    for value in (m.pr_interval_ms, m.p_duration_ms, m.qrs_duration_ms, m.qt_interval_ms, m.qtc_bazett_ms):
        assert f"{value:.0f} ms" in texts
    assert f"{m.qrs_axis_deg:.0f}°" in texts
    assert f"{m.fiducials_ms['qrs_onset']:+.0f} ms" in texts


def test_each_beat_is_drawn_at_50_mm_s_and_the_paper_gain(annotated):
    _, _, figure = annotated["44"]
    px_per_mm = DPI / MM_PER_INCH
    cell = _cells(figure)["II"]
    (x0, y0), (x1, y1) = cell.transData.transform([(0.0, 0.0), (100.0, 1.0)])
    assert x1 - x0 == pytest.approx(0.1 * BEAT_SPEED_MM_S * px_per_mm)  # 100 ms = 5 mm
    assert y1 - y0 == pytest.approx(10.0 * px_per_mm)  # 1 mV = 10 mm


def test_the_trace_is_the_beat_with_r_at_zero(annotated):
    record, measurements, figure = annotated["2"]
    trace = next(line for line in _cells(figure)["II"].get_lines() if line.get_gid() == "beat-trace-II")
    x, y = trace.get_xdata(), trace.get_ydata()
    assert abs(x[np.argmax(y)]) <= 20.0  # lead II's R peak sits at the alignment point
    qrs_onset = measurements.fiducials_ms["qrs_onset"]
    assert abs(np.interp(qrs_onset, x, y)) < 0.05  # centred on the PR-segment level


@pytest.mark.parametrize("leads", [["II"], ["V1", "V5"], ["I", "II"]])
def test_few_leads_get_a_panel_too(synthetic_ecg, leads):
    signal, names = synthetic_ecg
    record = make_record(signal[[names.index(n) for n in leads]], 500, leads, source="few.npy", format="npy")
    measurements, beat = measure_with_beat(record)
    figure = plot_ecg(record, annotate=True, dpi=DPI)
    figure.canvas.draw()
    assert set(_cells(figure)) == set(beat.leads) == set(record.leads)
    for cell in _cells(figure).values():
        drawn = {k: v for k, v in measurements.fiducials_ms.items() if v is not None}
        assert _fiducial_lines(cell) == pytest.approx(drawn)


def test_a_record_without_beats_gets_the_table_and_the_reason():
    record = make_record(np.zeros((12, 5000), dtype=np.float32), 500,
                         ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"],
                         source="flat.npy", format="npy")
    figure = plot_ecg(record, annotate=True, dpi=DPI)
    panel = figure.axes[1]
    assert not panel.child_axes
    texts = [t.get_text() for t in panel.texts]
    assert "Measurements" in texts and any("no usable lead" in t for t in texts)


def test_a_rejected_p_wave_is_not_drawn():
    m = Measurements(source="x", fs=500.0, leads=["II"],
                     fiducials_ms={"p_onset": -200.0, "p_offset": -100.0, "qrs_onset": -50.0,
                                   "qrs_offset": 50.0, "t_peak": 250.0, "t_offset": None},
                     notes={"p_duration_ms": "a P wave before only 40% of the beats"})
    assert drawn_fiducials(m) == {"qrs_onset": -50.0, "qrs_offset": 50.0, "t_peak": 250.0}
    beat = RepresentativeBeat(np.exp(-((np.arange(650) - 250) / 5.0) ** 2)[None], 500.0, ("II",), 250)
    panel = beat_panel_layout(m, beat, 10.0)
    assert panel.drawn_fiducials == drawn_fiducials(m) and [c.lead for c in panel.cells] == ["II"]
    reasons = {line.fiducial: line.text for line in panel.table if line.fiducial}
    assert reasons["p_onset"] == "— a P wave before only 40% of the beats"
    assert reasons["t_offset"].startswith("— ") and set(reasons) == set(FIDUCIALS)


def test_window_puts_r_on_a_major_line_around_the_fiducials():
    start, stop = beat_window_ms({"p_onset": -194.0, "t_offset": 452.0}, None)
    assert (start, stop) == (-300.0, 600.0)
    assert beat_window_ms({}, None) == (-300.0, 500.0)


def test_limb_and_chest_leads_fill_separate_columns():
    assert lead_columns(("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6")) == [
        ("I", "II", "III", "aVR", "aVL", "aVF"), ("V1", "V2", "V3", "V4", "V5", "V6")]
    assert lead_columns(("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V4")) == [
        ("I", "II", "III", "aVR", "aVL", "aVF"), ("V1", "V2", "V4")]
    assert lead_columns(("II", "V5")) == [("II", "V5")]  # few leads share one column and its lines
    assert lead_columns(("X", "Y", "Z")) == [("X", "Y", "Z")]


def test_the_panel_measures_the_window_on_the_paper(synthetic_ecg):
    slow, names = synthetic_ecg  # 70 bpm
    fast, _ = synthetic_12lead(heart_rate=100, seed=2)
    leads = [names.index("II"), names.index("V5")]
    record = make_record(np.concatenate([slow[leads], fast[leads]], axis=1), 500, ["II", "V5"],
                         source="long.npy", format="npy")
    figure = plot_ecg(record, start_s=10.0, duration_s=10.0, annotate=True, dpi=DPI)
    texts = [t.get_text() for t in figure.axes[1].texts]
    assert any(t.endswith("of 10.0-20.0 s") for t in texts)
    rate = float(next(t for t in texts if t.endswith(" bpm")).split()[0])
    assert rate == pytest.approx(100, abs=3)
    whole = plot_ecg(record, duration_s=20.0, annotate=True, dpi=DPI)
    header = next(t.get_text() for t in whole.axes[1].texts if t.get_gid() == "beat-panel-header")
    assert header.endswith("mm/mV")  # the whole record was measured: no window named


def test_an_unusable_lead_gets_no_beat_and_the_table_says_so(synthetic_ecg):
    signal, names = synthetic_ecg
    signal = signal.copy()
    signal[names.index("V3")] = 0.0  # a disconnected electrode
    record = make_record(signal, 500, names, source="no_v3.npy", format="npy")
    figure = plot_ecg(record, annotate=True, dpi=DPI)
    assert set(_cells(figure)) == set(record.leads) - {"V3"}
    assert "— left out as unusable: V3" in [t.get_text() for t in figure.axes[1].texts]
