"""12-lead ECGs built from raised-cosine waves with exact onsets and offsets, so that every
interval is known: P, QRS (q, R, s) and T, each projected on the leads with its own gains."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, resample_poly, sosfiltfilt

LEADS = ("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6")
# Per-lead gains of each wave (a frontal axis near +60 degrees, R progression across V1-V6).
P_GAIN = np.array([0.5, 1.0, 0.5, -0.75, 0.0, 0.75, 0.3, 0.5, 0.6, 0.6, 0.6, 0.5])
R_GAIN = np.array([0.5, 1.0, 0.5, -0.75, 0.0, 0.75, 0.2, 0.4, 0.8, 1.2, 1.4, 1.0])
S_GAIN = np.array([0.2, 0.3, 0.1, 0.2, 0.1, 0.2, 1.2, 1.4, 0.8, 0.4, 0.2, 0.1])
T_GAIN = np.array([0.5, 0.8, 0.3, -0.6, 0.1, 0.6, -0.2, 0.6, 0.8, 0.8, 0.7, 0.5])


@dataclass(frozen=True)
class WaveTimes:
    """Intervals of every normal beat, in seconds."""

    pr: float = 0.16
    p_duration: float = 0.10
    qrs: float = 0.09
    qt: float = 0.40


# Lead II alone at Holter rates (250, 360 Hz) and at 1000 Hz: (fs, resampling up, down) from 500 Hz.
LEAD_II_RATES = ((250.0, (1, 2)), (360.0, (18, 25)), (1000.0, (2, 1)))


def lead_ii_resampled(signal: np.ndarray) -> list[tuple[float, np.ndarray]]:
    """Lead II of a 500 Hz (12, samples) synthetic ECG as a (1, samples) record at each of
    LEAD_II_RATES, with its sampling rate."""
    lead_ii = signal[[LEADS.index("II")]]
    return [(fs, resample_poly(lead_ii, up, down, axis=-1)) for fs, (up, down) in LEAD_II_RATES]


def hann_pulse(n: int) -> np.ndarray:
    """A raised-cosine bump of exactly n samples, zero at both ends."""
    return np.sin(np.pi * (np.arange(n) + 0.5) / n) ** 2


def beat_waves(fs: float, times: WaveTimes, with_p: bool = True, wide: bool = False) -> tuple[np.ndarray, int]:
    """One beat (12 leads, samples) starting at P onset, and the index of its QRS onset."""
    samples = lambda s: int(round(s * fs))  # noqa: E731
    qrs_on = samples(times.pr)
    qrs_len = samples(0.16 if wide else times.qrs)
    qt_end = qrs_on + samples(times.qt + (0.06 if wide else 0.0))
    beat = np.zeros((12, qt_end + 1))
    if with_p:
        beat[:, :samples(times.p_duration)] += 0.15 * P_GAIN[:, None] * hann_pulse(samples(times.p_duration))
    q_len, s_len = samples(0.02), samples(0.03) if not wide else samples(0.06)
    r_len = qrs_len - q_len - s_len
    gains_r = (-R_GAIN if wide else R_GAIN)[:, None]
    beat[:, qrs_on:qrs_on + q_len] -= 0.1 * hann_pulse(q_len)
    beat[:, qrs_on + q_len:qrs_on + q_len + r_len] += 1.2 * gains_r * hann_pulse(r_len)
    beat[:, qrs_on + q_len + r_len:qrs_on + qrs_len] -= 0.8 * S_GAIN[:, None] * hann_pulse(s_len)
    t_on = qrs_on + qrs_len + samples(0.08)
    t_len = qt_end - t_on
    beat[:, t_on:qt_end] += 0.3 * (-T_GAIN if wide else T_GAIN)[:, None] * hann_pulse(t_len)
    return beat, qrs_on


def synthetic_record(fs: float = 500.0, rr_s: list[float] | None = None, times: WaveTimes = WaveTimes(),
                     with_p: bool = True, wide_beats: tuple[int, ...] = (), noise_mv: float = 0.005,
                     seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A (12, samples) ECG in mV and the QRS onset sample of each beat.

    ``rr_s`` are the intervals between successive QRS onsets (default 10 beats at 75 bpm);
    beats listed in ``wide_beats`` are wide, inverted, P-less ventricular-looking complexes. A
    little noise by default: a noise-free signal repeats its extremes exactly, which looks clipped.
    """
    rr_s = rr_s if rr_s is not None else [0.8] * 11
    onsets = (np.cumsum([0.6] + list(rr_s)) * fs).round().astype(int)
    total = int(onsets[-1] + 1.0 * fs)
    signal = np.zeros((12, total))
    for k, onset in enumerate(onsets):
        wide = k in wide_beats
        beat, qrs_on = beat_waves(fs, times, with_p=with_p and not wide, wide=wide)
        start = onset - qrs_on
        stop = min(total, start + beat.shape[1])
        signal[:, start:stop] += beat[:, :stop - start]
    if noise_mv:
        signal += np.random.default_rng(seed).normal(0.0, noise_mv, signal.shape)
    return signal.astype(np.float32), onsets


# Typical flutter's F waves: a sawtooth strongest in the inferior leads, opposite in V1.
F_GAIN = np.array([-0.1, 1.0, 1.0, -0.5, -0.5, 1.0, -0.8, -0.4, -0.2, -0.1, 0.1, 0.1])
# Variable conduction: the conducted F wave's time to the QRS onset shortens after a longer rest.
FLUTTER_FR_S = {2: 0.28, 3: 0.26, 4: 0.24, 5: 0.23}


def flutter_waves(cycle_starts_s: np.ndarray, n_samples: int, fs: float, amplitude_mv: float = 0.15) -> np.ndarray:
    """(12, n_samples) F waves in mV, one per cycle starting at each of ``cycle_starts_s``: each
    falls slowly for 80 % of its cycle and rises sharply."""
    t = np.arange(n_samples) / fs
    cycle = np.clip(np.searchsorted(cycle_starts_s, t, side="right") - 1, 0, len(cycle_starts_s) - 2)
    start, length = cycle_starts_s[cycle], np.diff(cycle_starts_s)[cycle]
    phase = np.clip((t - start) / length, 0.0, 1.0)
    sawtooth = np.where(phase < 0.8, 0.5 - phase / 0.8, (phase - 0.8) / 0.2 - 0.5)
    return amplitude_mv * F_GAIN[:, None] * sawtooth[None, :]


def flutter_record(rate_bpm: float = 300.0, ratios: tuple[int, ...] = (4, 3, 4, 4, 5, 3, 4, 3, 4, 5, 4, 3, 4),
                   cycle_jitter_s: float = 0.004, fs: float = 500.0, seed: int = 0) -> np.ndarray:
    """A (12, samples) flutter ECG in mV: F waves at ``rate_bpm`` whose cycle lengths vary with an
    SD of ``cycle_jitter_s``, every ``ratios[k]``-th one conducted after ``FLUTTER_FR_S``."""
    rng = np.random.default_rng(seed)
    n_cycles = sum(ratios) + 12
    cycles = 60.0 / rate_bpm + rng.normal(0.0, cycle_jitter_s, n_cycles)
    starts = np.concatenate([[0.0], np.cumsum(cycles)])
    conducted = np.cumsum((4,) + ratios)
    onsets = starts[conducted] + np.array([FLUTTER_FR_S[r] for r in (4,) + ratios])
    qrst, qrs_onsets = synthetic_record(fs, rr_s=list(np.diff(onsets)), with_p=False, seed=seed)
    shift = qrs_onsets[0] / fs - onsets[0]
    return qrst + flutter_waves(starts + shift, qrst.shape[1], fs)


def fibrillation_waves(n_samples: int, fs: float, rms_mv: float = 0.04, seed: int = 0) -> np.ndarray:
    """(12, n_samples) fibrillatory waves: independent 4-9 Hz band-limited noise in every lead, in mV."""
    white = np.random.default_rng(seed).normal(size=(12, n_samples))
    waves = sosfiltfilt(butter(4, (4.0, 9.0), btype="band", fs=fs, output="sos"), white, axis=-1)
    return rms_mv * waves / waves.std(axis=-1, keepdims=True)


def p_waves(starts_s: np.ndarray, n_samples: int, fs: float, amplitude_mv: float = 0.15,
            duration_s: float = 0.10) -> np.ndarray:
    """(12, n_samples) P waves in mV, one starting at each of ``starts_s`` (beyond the end: cut)."""
    waves = np.zeros((12, n_samples))
    length = int(round(duration_s * fs))
    bump = amplitude_mv * P_GAIN[:, None] * hann_pulse(length)[None, :]
    for start in np.round(np.asarray(starts_s) * fs).astype(int):
        stop = min(n_samples, start + length)
        if 0 <= start < stop:
            waves[:, start:stop] += bump[:, :stop - start]
    return waves


def dissociated_record(atrial_bpm: float = 75.0, ventricular_bpm: float = 40.0, wide: bool = False,
                       pp_jitter_s: float = 0.01, fs: float = 500.0, seed: int = 0) -> np.ndarray:
    """A (12, samples) ECG in mV with complete AV dissociation: P waves at ``atrial_bpm`` (cycle
    SD ``pp_jitter_s``) from a random phase, and QRS-T complexes without P waves at
    ``ventricular_bpm`` (``wide``: every one a wide, inverted, ventricular-looking escape beat)."""
    rng = np.random.default_rng(seed)
    n_beats = int(10.0 * ventricular_bpm / 60.0) + 2
    qrst, _ = synthetic_record(fs, rr_s=[60.0 / ventricular_bpm] * n_beats, with_p=False,
                               wide_beats=tuple(range(n_beats + 1)) if wide else (), seed=seed)
    duration_s = qrst.shape[1] / fs
    cycles = 60.0 / atrial_bpm + rng.normal(0.0, pp_jitter_s, int(duration_s * atrial_bpm / 60.0) + 2)
    starts = rng.uniform(0.0, 60.0 / atrial_bpm) + np.concatenate([[0.0], np.cumsum(cycles)])
    return qrst + p_waves(starts, qrst.shape[1], fs)


def two_to_one_record(atrial_bpm: float = 80.0, times: WaveTimes = WaveTimes(), pp_jitter_s: float = 0.01,
                      fs: float = 500.0, seed: int = 0) -> np.ndarray:
    """A (12, samples) ECG in mV with 2:1 AV block: sinus P waves at ``atrial_bpm`` (cycle SD
    ``pp_jitter_s``), every other one conducted after ``times.pr``, the others midway between."""
    return fixed_block_record(atrial_bpm, 2, times, pp_jitter_s, fs, seed)


def fixed_block_record(atrial_bpm: float = 90.0, ratio: int = 3, times: WaveTimes = WaveTimes(),
                       pp_jitter_s: float = 0.01, fs: float = 500.0, seed: int = 0) -> np.ndarray:
    """A (12, samples) ECG in mV with AV block at a fixed ``ratio``:1: sinus P waves at
    ``atrial_bpm`` (each conducted RR's SD ``pp_jitter_s``), every ``ratio``-th one conducted after
    ``times.pr``, the others evenly between (3:1 and above: high-grade block)."""
    rng = np.random.default_rng(seed)
    pp = 60.0 / atrial_bpm
    n_beats = int(10.0 / (ratio * pp)) + 2
    qrst, qrs_onsets = synthetic_record(fs, rr_s=list(ratio * pp + rng.normal(0.0, pp_jitter_s, n_beats)),
                                        times=times, seed=seed)
    conducted = qrs_onsets / fs - times.pr
    blocked = [conducted[:-1] + k * np.diff(conducted) / ratio for k in range(1, ratio)]
    return qrst + p_waves(np.concatenate(blocked), qrst.shape[1], fs)


def dropped_beat_record(atrial_bpm: float = 75.0, prs_s: tuple[float, ...] = (0.16, 0.24, 0.28),
                        pp_jitter_s: float = 0.0, fs: float = 500.0, seed: int = 0) -> np.ndarray:
    """A (12, samples) ECG in mV with second-degree AV block: sinus P waves at ``atrial_bpm`` (cycle
    SD ``pp_jitter_s``), in groups of len(prs_s) + 1 of which the first ones are conducted after
    ``prs_s`` and the last is not (lengthening PRs: Mobitz I, Wenckebach; equal PRs: Mobitz II)."""
    pp = 60.0 / atrial_bpm
    n_p = int(10.5 / pp) + 2
    cycles = pp + np.random.default_rng(seed).normal(0.0, pp_jitter_s, n_p - 1)
    p_starts = 0.3 + np.concatenate([[0.0], np.cumsum(cycles)])
    group = len(prs_s) + 1
    conducted = [(k, prs_s[k % group]) for k in range(n_p) if k % group < len(prs_s)]
    qrs_onsets = np.array([p_starts[k] + pr for k, pr in conducted])
    qrst, onsets = synthetic_record(fs, rr_s=list(np.diff(qrs_onsets)), with_p=False, seed=seed)
    shift = onsets[0] / fs - qrs_onsets[0]
    return qrst + p_waves(p_starts + shift, qrst.shape[1], fs)


def blocked_pac_record(sinus_bpm: float = 75.0, coupling: float = 0.5, every: int = 3, pr_s: float = 0.16,
                       premature_mv: float = 0.15, fs: float = 500.0, seed: int = 0) -> np.ndarray:
    """A (12, samples) ECG in mV in sinus rhythm at ``sinus_bpm`` with a premature atrial P wave
    (``premature_mv`` high in lead II, negative for an inverted one) ``coupling`` P-P cycles after
    every ``every``-th sinus P wave, not conducted, which resets the sinus node (the next sinus P
    wave comes one cycle after it): pauses that mimic dropped beats."""
    pp = 60.0 / sinus_bpm
    sinus, premature = [0.3], []
    while sinus[-1] < 10.5:
        if len(sinus) % every == 0:
            premature.append(sinus[-1] + coupling * pp)
            sinus.append(premature[-1] + pp)
        else:
            sinus.append(sinus[-1] + pp)
    qrs_onsets = np.array(sinus) + pr_s
    qrst, onsets = synthetic_record(fs, rr_s=list(np.diff(qrs_onsets)), with_p=False, seed=seed)
    shift = onsets[0] / fs - qrs_onsets[0]
    return (qrst + p_waves(np.array(sinus) + shift, qrst.shape[1], fs)
            + p_waves(np.array(premature) + shift, qrst.shape[1], fs, amplitude_mv=premature_mv))


def sinus_pause_record(sinus_bpm: float = 60.0, pause_cycles: float = 2.0, after: int = 4,
                       fs: float = 500.0, seed: int = 0) -> np.ndarray:
    """A (12, samples) sinus-rhythm ECG in mV at ``sinus_bpm`` whose ``after``-th RR is
    ``pause_cycles`` sinus cycles long with no P wave in it: sinoatrial block at whole numbers of
    cycles, a sinus pause otherwise."""
    pp = 60.0 / sinus_bpm
    rr = [pp] * int(10.5 / pp)
    rr[after] = pause_cycles * pp
    signal, _ = synthetic_record(fs, rr_s=rr[:int(10.5 / pp) - int(pause_cycles)], seed=seed)
    return signal
