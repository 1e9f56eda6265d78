"""benchmarks/noise_robustness.py: the electrode model, and a run on two vendored LUDB records."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from noise_robustness import LEADS, NOISES, electrode_to_leads  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "ludb"


@pytest.mark.parametrize("electrode", ["RA", "LA", "LL"])
def test_a_limb_electrode_obeys_einthoven_and_reaches_every_chest_lead_alike(electrode):
    gains = dict(zip(LEADS, electrode_to_leads(electrode)))
    assert gains["II"] == pytest.approx(gains["I"] + gains["III"])
    assert gains["aVR"] + gains["aVL"] + gains["aVF"] == pytest.approx(0.0)
    assert {gains[name] for name in ("V1", "V2", "V3", "V4", "V5", "V6")} == {-1.0 / 3.0}


def test_a_chest_electrode_is_seen_in_its_own_lead_only():
    assert np.flatnonzero(electrode_to_leads("V3")).tolist() == [LEADS.index("V3")]


def test_the_table_covers_every_noise_kind(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for path in FIXTURES.glob("2.*"):
        shutil.copy(path, data)
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "noise_robustness.py"), "--data", str(tmp_path),
                          "--workers", "1"], capture_output=True, text=True, check=True).stdout
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| ")}
    assert set(NOISES) <= set(rows)
    assert rows["clean"].split("|")[2].strip() == "1.000"   # every annotated beat found
