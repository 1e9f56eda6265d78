"""`ecg-agent plot`: files written, options passed through, clear errors."""

import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
import wfdb
from matplotlib.image import imread

from cli.main import main


@pytest.fixture(scope="module")
def holter_hea(tmp_path_factory):
    """A 30 min two-lead WFDB record (leads MLII and V5, like MIT-BIH), at 100 Hz to stay small."""
    folder = tmp_path_factory.mktemp("holter")
    t = np.arange(30 * 60 * 100) / 100
    signal = np.column_stack([np.sin(2 * np.pi * 1.2 * t), 0.5 * np.sin(2 * np.pi * 1.2 * t)])
    wfdb.wrsamp("holter", fs=100, units=["mV", "mV"], sig_name=["MLII", "V5"], p_signal=signal,
                fmt=["16", "16"], write_dir=str(folder))
    return folder / "holter.hea"


def test_writes_a_png_of_the_example(tmp_path, example_hea, capsys):
    out = tmp_path / "out" / "ludb_1.png"
    assert main(["plot", str(example_hea), "-o", str(out), "--dpi", "50.8", "--title", "LUDB 1"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    height, width = imread(out).shape[:2]
    assert width == 2 * 275  # 10 s at 25 mm/s plus pulse and margins, 2 pixels per mm


def test_writes_an_svg_with_speed_gain_and_rhythm_lead(tmp_path, example_hea):
    out = tmp_path / "ludb_1.svg"
    assert main(["plot", str(example_hea), "-o", str(out), "--speed", "50", "--gain", "20",
                 "--rhythm-lead", "V5"]) == 0
    ids = {e.get("id") for e in ElementTree.parse(out).getroot().iter() if e.get("id")}
    assert {"grid-minor", "grid-major", "calibration"} <= ids
    assert any(i.startswith("trace-3-0-V5") for i in ids)


def test_long_record_window(tmp_path, holter_hea):
    out = tmp_path / "holter.png"
    assert main(["plot", str(holter_hea), "-o", str(out), "--start", "600", "--duration", "20",
                 "--dpi", "25.4"]) == 0
    assert imread(out).shape[1] == 275  # 1 pixel per mm: rows of 10 s


@pytest.mark.parametrize("extra, message", [
    (["-o", "{tmp}/ecg.jpg"], "cannot write a plot as .jpg"),
    (["-o", "{tmp}/file/ecg.png"], "a file is in the way"),
    (["-o", "{tmp}/ecg.png", "--start", "5000"], "start 5000 s is outside the record"),
    (["-o", "{tmp}/ecg.png", "--rhythm-lead", "V9"], "lead V9 is missing"),
])
def test_errors_are_one_clear_line(tmp_path, holter_hea, capsys, extra, message):
    (tmp_path / "file").write_text("in the way")
    args = ["plot", str(holter_hea)] + [a.format(tmp=tmp_path) for a in extra]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("ecg-agent plot: error: ") and message in err and err.count("\n") == 1


def test_speed_must_be_a_paper_speed(tmp_path, example_hea, capsys):
    with pytest.raises(SystemExit):
        main(["plot", str(example_hea), "-o", str(tmp_path / "x.png"), "--speed", "30"])
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_annotate_adds_the_beat_panel(tmp_path, example_hea, suffix):
    out = tmp_path / f"ludb_1.{suffix}"
    assert main(["plot", str(example_hea), "-o", str(out), "--annotate", "--dpi", "50.8"]) == 0
    if suffix == "png":
        assert imread(out).shape[1] > 2 * 275  # the panel stands to the right of the 275 mm paper
        return
    ids = {e.get("id") for e in ElementTree.parse(out).getroot().iter() if e.get("id")}
    assert {"beat-panel-header", "beat-trace-II", "beat-trace-V6", "fiducial-qrs_onset-V1",
            "fiducial-t_offset-aVF", "legend-p_onset"} <= ids
