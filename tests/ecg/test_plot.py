"""ECG paper: layout per lead set, true physical scale, windows of long records, PNG/SVG output."""

import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from matplotlib.image import imread

from ecg import ECGError, ECGRecord, make_record, read_ecg
from ecg.leads import STANDARD_LEADS
from ecg.plot import MM_PER_INCH, plot_ecg
from ecg.plot_layout import MAJOR_MM, paper_layout

LOW_DPI = 40  # for tests that do not check the scale in pixels


@pytest.fixture
def twelve_lead(synthetic_ecg) -> ECGRecord:
    signal, leads = synthetic_ecg
    return make_record(signal, 500, leads, source="synthetic_12.npy", format="npy")


def _record(leads, duration_s=10.0, fs=250.0, signal=None, source="synthetic.npy") -> ECGRecord:
    """A record whose leads are exactly ``leads`` (no limb leads derived), 0.5 Hz sine by default."""
    if signal is None:
        t = np.arange(int(duration_s * fs)) / fs
        signal = np.tile(np.sin(2 * np.pi * 0.5 * t), (len(leads), 1))
    return ECGRecord(signal=np.asarray(signal, dtype=np.float32), fs=fs, leads=tuple(leads), source=source)


def _lines(figure, prefix):
    return [line for line in figure.axes[0].get_lines() if (line.get_gid() or "").startswith(prefix)]


def test_twelve_leads_take_the_3x4_layout_with_a_lead_ii_rhythm_strip(twelve_lead):
    layout = paper_layout(twelve_lead)
    assert [[c.lead for c in row.cells] for row in layout.rows] == [
        ["I", "aVR", "V1", "V4"], ["II", "aVL", "V2", "V5"], ["III", "aVF", "V3", "V6"], ["II"]]
    for row in layout.rows[:3]:  # each column shows the next 2.5 s
        assert [(c.start_s, c.stop_s) for c in row.cells] == [(0, 2.5), (2.5, 5), (5, 7.5), (7.5, 10)]
        assert [c.x_mm - row.cells[0].x_mm for c in row.cells] == [0, 62.5, 125, 187.5]
    rhythm = layout.rows[3].cells[0]
    assert (rhythm.start_s, rhythm.stop_s) == (0, 10) and layout.rhythm_lead == "II"


@pytest.mark.parametrize("leads", [["II"], ["II", "V5"], ["X", "Y", "Z"], ["I", "II", "III", "ECG 4"],
                                   ["V1", "V2", "V3", "V4", "V5", "V6"]])
def test_up_to_six_leads_get_one_full_row_each(leads):
    layout = paper_layout(_record(leads))
    assert [[(c.lead, c.start_s, c.stop_s) for c in row.cells] for row in layout.rows] == [
        [(lead, 0.0, 10.0)] for lead in leads]
    assert layout.rhythm_lead is None


def test_four_channels_with_derived_limb_leads_fill_a_grid():
    t = np.arange(2500) / 250
    signal = np.stack([np.sin(2 * np.pi * f * t) for f in (0.5, 0.7, 0.9, 1.1)])
    record = make_record(signal, 250, ["ECG 1", "ECG 2", "ECG 3", "ECG 4"], source="four.hea", format="wfdb")
    layout = paper_layout(record)
    drawn = [c.lead for row in layout.rows[:-1] for c in row.cells]
    assert sorted(drawn) == sorted(record.leads) and "ECG 4" in drawn
    assert [c.lead for c in layout.rows[-1].cells] == ["II"]


def test_rhythm_lead_falls_back_to_the_first_lead_and_accepts_aliases():
    no_ii = _record(["I", "aVR", "V1", "V2", "V3", "V4", "V5"])
    assert paper_layout(no_ii).rhythm_lead == "I"
    assert paper_layout(no_ii, rhythm_lead="v5").rows[-1].cells[0].lead == "V5"
    with pytest.raises(ECGError, match="lead V9 is missing"):
        paper_layout(no_ii, rhythm_lead="V9")


def test_long_record_is_windowed_and_wrapped_into_labelled_rows():
    holter = _record(["II", "V5"], duration_s=1800.0, fs=100.0, source="holter.hea")
    layout = paper_layout(holter, start_s=600.0, duration_s=20.0)
    assert [(c.lead, c.start_s, c.stop_s, c.label) for row in layout.rows for c in row.cells] == [
        ("II", 600, 610, "II   600.0 s"), ("V5", 600, 610, "V5   600.0 s"),
        ("II", 610, 620, "II   610.0 s"), ("V5", 610, 620, "V5   610.0 s")]
    assert paper_layout(holter).stop_s == 10.0  # 10 s by default
    assert paper_layout(holter, speed_mm_s=50.0).stop_s == 5.0  # one 250 mm row at 50 mm/s
    assert paper_layout(holter, start_s=1795.0).stop_s == 1800.0  # what is left


@pytest.mark.parametrize("kwargs, message", [
    ({"start_s": 1800.0}, "start 1800 s is outside the record"),
    ({"start_s": -1.0}, "outside the record"),
    ({"duration_s": 0.0}, "not a positive number"),
    ({"duration_s": 600.0}, "at most 60 s"),
    ({"speed_mm_s": 30.0}, "paper speed 30 mm/s is not one of 25, 50"),
    ({"gain_mm_mv": 7.0}, "gain 7 mm/mV is not one of 5, 10, 20"),
])
def test_bad_windows_and_scales_name_the_file(kwargs, message):
    holter = _record(["II", "V5"], duration_s=1800.0, fs=100.0, source="holter.hea")
    with pytest.raises(ECGError, match=message) as error:
        paper_layout(holter, **kwargs)
    assert "holter.hea" in str(error.value)


def test_a_twelve_lead_page_holds_one_row_of_time():
    long_twelve = _record(STANDARD_LEADS, duration_s=30.0, fs=100.0)
    with pytest.raises(ECGError, match="at most 10 s at 25 mm/s"):
        paper_layout(long_twelve, duration_s=20.0)
    assert paper_layout(long_twelve, start_s=15.0).rows[-1].cells[0].stop_s == 25.0


def test_baselines_and_trace_starts_fall_on_major_lines(twelve_lead):
    for kwargs in ({}, {"speed_mm_s": 50.0, "gain_mm_mv": 20.0}, {"gain_mm_mv": 5.0}):
        layout = paper_layout(twelve_lead, **kwargs)
        assert layout.width_mm % MAJOR_MM == 0 and layout.grid_top_mm % MAJOR_MM == 0
        for row in layout.rows:
            assert row.baseline_mm % MAJOR_MM == 0 and row.cells[0].x_mm % MAJOR_MM == 0
            assert row.bottom_mm < row.baseline_mm < row.top_mm


def test_rows_make_room_for_their_traces():
    big = _record(["V2", "V3"], signal=np.stack([3.0 * np.sin(np.linspace(0, 40, 2500)),
                                                 0.2 * np.sin(np.linspace(0, 40, 2500))]))
    tall, short = paper_layout(big).rows
    assert tall.top_mm - tall.baseline_mm >= 30 and tall.baseline_mm - tall.bottom_mm >= 30
    assert short.top_mm - short.baseline_mm < 30


@pytest.mark.parametrize("gain", [5.0, 10.0, 20.0])
def test_one_millivolt_spans_gain_millimetres_on_the_saved_figure(gain):
    dpi = 100.0
    step = np.where(np.arange(2500) % 500 < 250, 1.0, 0.0)  # 1 mV square wave
    figure = plot_ecg(_record(["II"], signal=step[None]), gain_mm_mv=gain, dpi=dpi)
    axes = figure.axes[0]
    px_per_mm = dpi / MM_PER_INCH

    pulse = _lines(figure, "calibration")[0]
    (_, low), (_, high) = axes.transData.transform([(0, min(pulse.get_ydata())), (0, max(pulse.get_ydata()))])
    assert high - low == pytest.approx(gain * px_per_mm)
    (left, _), (right, _) = axes.transData.transform([(min(pulse.get_xdata()[1:-1]), 0),
                                                      (max(pulse.get_xdata()[1:-1]), 0)])
    assert right - left == pytest.approx(0.2 * 25.0 * px_per_mm)  # 200 ms at 25 mm/s

    trace = _lines(figure, "trace")[0]
    ys = axes.transData.transform(np.column_stack([trace.get_xdata(), trace.get_ydata()]))[:, 1]
    assert ys.max() - ys.min() == pytest.approx(gain * px_per_mm)
    x0, x1 = axes.transData.transform([(trace.get_xdata()[0], 0), (trace.get_xdata()[-1] + 25.0 / 250, 0)])[:, 0]
    assert x1 - x0 == pytest.approx(10 * 25.0 * px_per_mm)  # 10 s at 25 mm/s


def test_figure_size_is_the_paper_size(twelve_lead):
    layout = paper_layout(twelve_lead, with_title=True)
    figure = plot_ecg(twelve_lead, title="Title", dpi=LOW_DPI)
    width_in, height_in = figure.get_size_inches()
    assert (width_in * MM_PER_INCH, height_in * MM_PER_INCH) == pytest.approx((layout.width_mm, layout.height_mm))


def test_grid_has_1_mm_minor_and_5_mm_major_lines(twelve_lead):
    figure = plot_ecg(twelve_lead, dpi=LOW_DPI)
    grids = {c.get_gid(): c for c in figure.axes[0].collections}
    for gid, step in (("grid-minor", 1.0), ("grid-major", 5.0)):
        xs = sorted({seg[0][0] for seg in grids[gid].get_segments() if seg[0][0] == seg[1][0]})
        assert set(np.round(np.diff(xs), 6)) <= {step, 2 * step if gid == "grid-minor" else step}
    major_xs = {seg[0][0] for seg in grids["grid-major"].get_segments()}
    assert all(x % 5 == 0 for x in major_xs)


def test_nan_gaps_stay_gaps_and_the_median_sits_on_the_baseline():
    signal = np.full((1, 2500), 3.0)  # a 3 mV offset is drawn on the baseline
    signal[0, 1000:1100] = np.nan
    record = _record(["II"], signal=signal)
    figure = plot_ecg(record, dpi=LOW_DPI)
    y = _lines(figure, "trace")[0].get_ydata()
    assert np.isnan(y[1000:1100]).all() and np.isfinite(y[:1000]).all() and np.isfinite(y[1100:]).all()
    assert np.nanmax(y) == pytest.approx(paper_layout(record).rows[0].baseline_mm)


def test_png_has_the_pixels_of_its_millimetres(tmp_path, example_hea):
    record = read_ecg(example_hea)
    layout = paper_layout(record)
    plot_ecg(record, tmp_path / "ludb.png", dpi=2 * MM_PER_INCH)  # 2 pixels per mm
    height, width = imread(tmp_path / "ludb.png").shape[:2]
    assert (width, height) == (2 * layout.width_mm, 2 * layout.height_mm)


def test_svg_is_xml_with_grid_traces_and_physical_size(tmp_path, twelve_lead):
    path = tmp_path / "sub" / "ecg.svg"  # missing folders are created
    plot_ecg(twelve_lead, path)
    root = ElementTree.parse(path).getroot()
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    assert {"grid-minor", "grid-major", "calibration", "header"} <= ids
    assert sum(i.startswith("trace-") for i in ids) == 13
    layout = paper_layout(twelve_lead)
    assert float(root.get("width").removesuffix("pt")) == pytest.approx(layout.width_mm / MM_PER_INCH * 72)


def test_the_same_ecg_gives_the_same_svg(tmp_path, twelve_lead):
    plot_ecg(twelve_lead, tmp_path / "a.svg")
    plot_ecg(twelve_lead, tmp_path / "b.svg")
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()


@pytest.mark.parametrize("name, message", [("ecg.jpg", "cannot write a plot as .jpg"),
                                           ("ecg", "without extension")])
def test_unsupported_output_types_raise_before_drawing(tmp_path, twelve_lead, name, message):
    with pytest.raises(ECGError, match=message):
        plot_ecg(twelve_lead, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_unwritable_output_raises_ecgerror_naming_it(tmp_path, twelve_lead):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(ECGError, match="a file is in the way") as error:
        plot_ecg(twelve_lead, tmp_path / "file" / "ecg.png", dpi=LOW_DPI)
    assert "ecg.png" in str(error.value)


def test_resolution_out_of_range_raises(twelve_lead):
    with pytest.raises(ECGError, match="dpi"):
        plot_ecg(twelve_lead, dpi=0)


def test_all_standard_leads_are_drawn_and_labelled(twelve_lead):
    figure = plot_ecg(twelve_lead, dpi=LOW_DPI)
    labels = [t.get_text() for t in figure.axes[0].texts if (t.get_gid() or "").startswith("label")]
    assert sorted(labels) == sorted(STANDARD_LEADS + ("II",))
    header = next(t.get_text() for t in figure.axes[0].texts if t.get_gid() == "header")
    for fact in ("synthetic_12.npy", "500 Hz", "25 mm/s", "10 mm/mV", "10.0 s"):
        assert fact in header
