"""Blocked premature atrial beats: pauses with an early, non-conducted P wave read as sinus rhythm
with atrial premature complexes at the sinus rate, never as AV block, sinus arrhythmia or sinus
bradycardia; pauses without such a wave are not taken for them."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from ecg.criteria import evaluate
from ecg.io import read_ecg
from ecg.measure import measure
from tests.ecg.built_measurements import normal, sinus_beats
from tests.ecg.measured import measure_signal, stated_codes
from tests.ecg.synthetic_waves import (blocked_pac_record, dropped_beat_record, lead_ii_resampled,
                                       synthetic_record)

LUDB = Path(__file__).resolve().parents[1] / "fixtures" / "ludb"


@pytest.mark.parametrize("sinus_bpm, coupling, every, premature_mv", [
    (75.0, 0.5, 3, 0.15), (60.0, 0.4, 4, 0.15), (90.0, 0.7, 3, -0.15), (75.0, 0.8, 4, -0.15)])
def test_blocked_premature_atrial_beats_read_as_pacs_in_sinus_rhythm(sinus_bpm, coupling, every, premature_mv):
    m = measure_signal(blocked_pac_record(sinus_bpm, coupling, every, premature_mv=premature_mv))
    assert m.blocked_premature_beats >= 2 and m.blocked_pac_correlation >= 0.9
    coupling_ms = float(re.search(r"a wave (\d+) ms after the P wave", m.notes["blocked_premature_beats"]).group(1))
    assert coupling_ms == pytest.approx(coupling * 60_000 / sinus_bpm, abs=4)
    assert m.atrial_rate_bpm == pytest.approx(sinus_bpm, rel=0.02) and m.heart_rate_bpm < sinus_bpm
    found = stated_codes(m)
    assert {"SR", "PAC"} <= found and not found & {"2AVB", "SARRH", "SBRAD", "AFIB"}


def test_blocked_pacs_are_found_under_noise_and_on_one_lead_at_holter_rates():
    signal = blocked_pac_record(75.0, 0.5, 3)
    noisy = signal + np.random.default_rng(5).normal(0.0, 0.05, signal.shape)
    assert "PAC" in stated_codes(measure_signal(noisy))
    for fs, lead_ii in lead_ii_resampled(signal):
        m = measure_signal(lead_ii, fs=fs, leads=["II"])
        assert m.blocked_premature_beats >= 2 and {"SR", "PAC"} <= stated_codes(m), fs


def test_sinus_arrhythmia_pauses_hold_no_premature_p_wave():
    signal, _ = synthetic_record(rr_s=list(0.9 + 0.25 * np.sin(np.arange(12) / 2.0)))
    m = measure_signal(signal)
    assert m.blocked_premature_beats == 0 and m.blocked_pac_correlation < 0.75
    assert all(e.measure != "blocked_premature_beats" for s in evaluate(m) for e in s.evidence)


def test_dropped_beats_are_av_block_not_blocked_pacs():
    m = measure_signal(dropped_beat_record(75.0, (0.16, 0.16)))
    assert m.blocked_premature_beats is None and "not sought" in m.notes["blocked_premature_beats"]
    assert "2AVB" in stated_codes(m) and "PAC" not in stated_codes(m)


def test_ludb_records_have_no_blocked_pacs():
    for record in ("2", "44", "111"):
        m = measure(read_ecg(LUDB / f"{record}.hea"))
        assert not m.blocked_premature_beats and "PAC" not in stated_codes(m), record


def test_pac_rule_reads_the_blocked_premature_beats_and_sinus_arrhythmia_gives_way():
    pauses = dict(beats=sinus_beats(rr_ms=1000.0, spread_ms=400.0))
    assert "SARRH" in stated_codes(normal(**pauses)) and "PAC" not in stated_codes(normal(**pauses))
    blocked = normal(blocked_premature_beats=3, blocked_pac_correlation=0.95, **pauses)
    (pac,) = [s for s in evaluate(blocked) if s.code == "PAC"]
    assert [e.measure for e in pac.evidence] == ["blocked_premature_beats"] and pac.evidence[0].value == 3
    assert "SARRH" not in stated_codes(blocked)
    assert "PAC" not in stated_codes(normal(blocked_premature_beats=0, blocked_pac_correlation=0.5, **pauses))
