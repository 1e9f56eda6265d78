"""Pauses of the sinus node: a pause of two sinus cycles with no P wave in it is sinoatrial block
type II, a longer one a sinus pause; sinus arrhythmia and the pauses that AV block or blocked
premature atrial beats make are neither."""

from __future__ import annotations

import numpy as np
import pytest

from ecg.criteria import evaluate
from tests.ecg.built_measurements import normal, sinus_beats
from tests.ecg.measured import measure_signal, stated_codes
from tests.ecg.synthetic_waves import (blocked_pac_record, dropped_beat_record, sinus_pause_record,
                                       synthetic_record)


@pytest.mark.parametrize("sinus_bpm", [60.0, 75.0, 90.0])
def test_a_pause_of_two_sinus_cycles_is_sinoatrial_block(sinus_bpm):
    m = measure_signal(sinus_pause_record(sinus_bpm, 2.0))
    assert m.pause_sinus_cycles == pytest.approx(2.0, abs=0.02)
    assert m.longest_pause_ms == pytest.approx(120_000 / sinus_bpm, abs=10)
    found = stated_codes(m)
    assert "SAB2" in found and not found & {"SPAUSE", "SARRH", "2AVB", "PAC"}


@pytest.mark.parametrize("sinus_bpm, cycles", [(60.0, 2.5), (75.0, 3.0), (50.0, 1.8)])
def test_a_long_pause_of_other_length_is_a_sinus_pause(sinus_bpm, cycles):
    found = stated_codes(measure_signal(sinus_pause_record(sinus_bpm, cycles)))
    assert "SPAUSE" in found and not found & {"SAB2", "SARRH", "2AVB", "PAC"}


@pytest.mark.parametrize("sinus_bpm, cycles", [(62.0, 2.0), (65.0, 2.5)])
def test_the_sinus_rate_is_read_outside_the_pause(sinus_bpm, cycles):
    """The pause brings the mean heart rate under 60/min; the sinus node still beats at its rate."""
    m = measure_signal(sinus_pause_record(sinus_bpm, cycles))
    assert m.heart_rate_bpm < 60.0 and m.sinus_rate_outside_pauses_bpm == pytest.approx(sinus_bpm, abs=0.5)
    (rhythm,) = [s for s in evaluate(m) if s.code in ("SR", "SBRAD")]
    assert rhythm.code == "SR"
    assert {e.measure for e in rhythm.evidence} >= {"sinus_rate_outside_pauses_bpm"}


def test_an_irregular_rhythm_keeps_its_mean_rate():
    """Long RRs of an irregular sinus rhythm (as PTB-XL 16789, subset) are its own: the mean
    heart rate, not the rate outside them (71/min here), is its sinus rate."""
    signal, _ = synthetic_record(rr_s=[0.75, 0.95, 0.7, 1.0, 0.75, 1.7, 0.95, 0.7, 1.0, 1.8])
    m = measure_signal(signal)
    assert m.pause_sinus_cycles > 2.0 and m.sinus_rr_spread > 0.3 and m.sinus_rate_outside_pauses_bpm > 70.0
    (bradycardia,) = [s for s in evaluate(m) if s.code == "SBRAD"]
    assert bradycardia.evidence[-1].measure == "heart_rate_bpm" and bradycardia.evidence[-1].value < 60.0


def test_a_pause_under_two_seconds_or_one_and_a_half_cycles_is_no_sinus_pause():
    assert not stated_codes(measure_signal(sinus_pause_record(75.0, 2.5 * 0.98))) & {"SPAUSE"}    # 1.96 s
    assert not stated_codes(measure_signal(sinus_pause_record(60.0, 1.45))) & {"SPAUSE", "SAB2"}


def test_sinus_arrhythmia_av_block_and_blocked_pacs_are_no_sinus_pause():
    swings, _ = synthetic_record(rr_s=list(0.9 + 0.25 * np.sin(np.arange(12) / 2.0)))
    for signal in (swings, dropped_beat_record(75.0, (0.16, 0.16)), blocked_pac_record(60.0, 0.6, 3)):
        assert not stated_codes(measure_signal(signal)) & {"SPAUSE", "SAB2"}


def test_the_pause_rules_need_a_pause_with_no_p_wave_in_a_regular_rhythm():
    pause = dict(beats=sinus_beats(rr_ms=1000.0, spread_ms=300.0), dropped_p_correlation=0.1,
                 blocked_pac_correlation=0.2, sinus_rr_spread=0.05, sinus_rate_outside_pauses_bpm=60.0)
    block = normal(longest_pause_ms=2000.0, pause_sinus_cycles=2.0, **pause)
    (sab,) = [s for s in evaluate(block) if s.code == "SAB2"]
    assert [e.threshold for e in sab.evidence][-5:] == ["sa_block_min_cycles", "sa_block_max_cycles",
                                                        "no_p_wave_max_correlation", "no_p_wave_max_correlation",
                                                        "regular_outside_pauses_max_rr_spread"]
    assert "SARRH" not in stated_codes(block) and "SR" in stated_codes(block)
    assert "SPAUSE" in stated_codes(normal(longest_pause_ms=2500.0, pause_sinus_cycles=2.5, **pause))
    for changed in (dict(blocked_pac_correlation=0.5), dict(dropped_p_correlation=0.6), dict(sinus_rr_spread=0.25)):
        assert "SAB2" not in stated_codes(normal(longest_pause_ms=2000.0, pause_sinus_cycles=2.0, **(pause | changed)))
    assert not stated_codes(normal(longest_pause_ms=2500.0, pause_sinus_cycles=2.5, blocked_premature_beats=2,
                             **pause)) & {"SPAUSE", "SAB2"}
    assert not stated_codes(normal(longest_pause_ms=None, pause_sinus_cycles=None)) & {"SPAUSE", "SAB2"}


def test_a_slow_sinus_rate_outside_the_pause_is_still_bradycardia():
    slow = normal(heart_rate_bpm=50.0, longest_pause_ms=2300.0, pause_sinus_cycles=2.2,
                  sinus_rate_outside_pauses_bpm=58.0, dropped_p_correlation=0.1, blocked_pac_correlation=0.2,
                  sinus_rr_spread=0.05)
    (bradycardia,) = [s for s in evaluate(slow) if s.code == "SBRAD"]
    assert [(e.measure, e.value) for e in bradycardia.evidence][-1] == ("sinus_rate_outside_pauses_bpm", 58.0)
    assert "SR" not in stated_codes(slow)


def test_an_irregular_rhythm_whose_longest_rr_is_two_short_ones_is_no_sinoatrial_block():
    """As PTB-XL 16789 (subset, 100 Hz): its longest RR 1.94 times the shorter half's median, the
    other RRs 672-1,042 ms."""
    signal, _ = synthetic_record(rr_s=[0.62, 0.70, 0.84, 0.70, 1.40, 0.72, 0.66, 0.80, 0.70, 0.64])
    m = measure_signal(signal)
    assert m.pause_sinus_cycles == pytest.approx(2.06, abs=0.02) and m.dropped_p_correlation < 0.5
    assert m.sinus_rr_spread > 0.3 and "SAB2" not in stated_codes(m)
