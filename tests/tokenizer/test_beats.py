import numpy as np

from tests.conftest import synthetic_12lead
from tokenizer.beats import beat_window, find_r_peaks, median_beats, place_beats
from tokenizer.signal import TOKEN_FS, prepare


def test_periodic_ecg_is_rebuilt_from_its_median_beat():
    signal, _ = synthetic_12lead(duration_s=10, heart_rate=70, seed=2, noise=0.0)
    x = prepare(signal, 500)
    peaks = find_r_peaks(x, TOKEN_FS)
    assert 10 <= len(peaks) <= 13  # 70 bpm for 10 s
    rebuilt = place_beats(median_beats(x, peaks, TOKEN_FS), peaks, x.shape[1], TOKEN_FS)
    r = [np.corrcoef(a, b)[0, 1] for a, b in zip(x, rebuilt)]
    assert np.median(r) > 0.9  # the simulator varies its beats a little


def test_peaks_are_deterministic_and_sorted():
    signal, _ = synthetic_12lead(duration_s=10, seed=4)
    x = prepare(signal, 500)
    first, second = find_r_peaks(x, TOKEN_FS), find_r_peaks(x.copy(), TOKEN_FS)
    np.testing.assert_array_equal(first, second)
    assert np.all(np.diff(first) > 0)


def test_long_pause_is_bridged_by_a_line():
    before, after = beat_window(TOKEN_FS)
    beat = np.zeros((1, before + after))
    beat[0, 0], beat[0, -1] = 1.0, 3.0  # window edges
    rebuilt = place_beats(beat, np.array([before, before + 2000]), before + 2000 + after, TOKEN_FS)
    gap = rebuilt[0, before + after: before + 2000 - before]
    assert np.all(np.diff(gap) < 0)  # from beat 1's last value (3) down to beat 2's first (1)


def test_short_window_keeps_its_length():
    beat = np.ones((2, sum(beat_window(TOKEN_FS))))
    rebuilt = place_beats(beat, np.array([5, 120]), 150, TOKEN_FS)
    assert rebuilt.shape == (2, 150)
    np.testing.assert_allclose(rebuilt, 1.0)
