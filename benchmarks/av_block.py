"""AV block of the second and third degree on LUDB and on synthetic ECGs with known atrial and
ventricular rates: non-conducted P waves evenly between the beats (ecg.blocked_p, 2:1 and 3:1 or
4:1 block) or in the pauses of grouped beating (ecg.dropped_beats, Mobitz I and II), and P waves
apart from the QRS (ecg.dissociation, complete block).

LUDB: the records where the dissociation search runs (a regular rhythm whose beats have no P wave
before them and no flutter waves), with their LUDB rhythm, conduction and pacing labels, the
periodicity of the P waves left after QRS-T cancellation, the atrial rate read and the 3AVB
verdict; third-degree AV block over all records against LUDB's "Iii degree av-block"; and, per
LUDB rhythm, the highest blocked-P, dropped-P and blocked-PAC correlations and the 2AVB, blocked
PAC, SAB2 and SPAUSE statements (LUDB has none of them), clean and with white noise. Synthetic:
complete AV block (P waves with 10 ms SD of cycle jitter from a random phase, beside a narrow
junctional or wide ventricular escape rhythm), rhythms without independent P waves (no atrial rate
may be read there), 2:1 AV block (sinus P waves, every other one conducted) at two QT intervals,
3:1 and 4:1 (high-grade) block, and dropped beats (Mobitz I and II, 3:2 to 5:4), for two seeds
each, clean and with white noise; and the type of each dropped-beat block (Mobitz I or II, from the
PR's shortening across the pauses), with and without P-P jitter.

Blocked premature atrial beats (ecg.blocked_pac), the commonest mimic of dropped beats: sinus
rhythm with a non-conducted premature P wave (upright, inverted or half-size) at couplings of
0.4-0.9 P-P cycles, which must read as PAC in sinus rhythm, never as 2AVB. Sinus pauses (ecg.pauses):
one RR of 1.5-3 sinus cycles with no P wave in it, which must read as sinoatrial block (two cycles)
or sinus pause, never as 2AVB.

With ``--subset NPZ`` (the PTB-XL subset in ../shared/data/ptbxl_subset: 1,819 ECGs at 100 Hz,
filtered, z-scored, without labels), it counts the second- and third-degree blocks and the blocked
premature atrial beats found there: PTB-XL has the blocks on about 0.07 % of its ECGs each, so
more than a handful are false; and the sinus pauses and sinoatrial blocks.

With ``--ptbxl ROOT`` (a PTB-XL copy: ptbxl_database.csv beside records500/), a last table scores
2AVB and 3AVB on its 500 Hz records: every record whose scp_codes name 2AVB or 3AVB and up to
``--per-class`` records of each other class (1AVB, AFIB, SR, others), with the statements made
per class. PTB-XL has a few dozen second- and third-degree blocks; that is where the thresholds,
set on LUDB's negatives and synthetic blocks, can be checked on real ones.

    .venv/bin/python benchmarks/av_block.py [--data ../shared/data/ludb] [--noise-mv 0.05]
        [--no-synthetic] [--subset NPZ] [--ptbxl ROOT [--per-class N]]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecg.criteria import PRESENT, UNDETERMINED, evaluate, evaluate_all  # noqa: E402
from ecg.io import read_ecg  # noqa: E402
from ecg.measure import measure  # noqa: E402
from ecg.measurements import Measurements  # noqa: E402
from ecg.record import make_record  # noqa: E402
from retrieval.reports import ptbxl_ecgs  # noqa: E402
from tests.ecg.synthetic_waves import (LEADS, WaveTimes, blocked_pac_record, dissociated_record,  # noqa: E402
                                       dropped_beat_record, fibrillation_waves, fixed_block_record,
                                       sinus_pause_record, synthetic_record, two_to_one_record)

ATRIAL_BPM = (60.0, 75.0, 90.0, 110.0, 140.0)
ESCAPES = {"ventricular 35/min (wide)": (35.0, True), "junctional 45/min": (45.0, False),
           "junctional 55/min": (55.0, False)}
NO_INDEPENDENT_P = (40.0, 60.0, 80.0, 100.0)   # ventricular rates
TWO_TO_ONE_ATRIAL_BPM = (50.0, 60.0, 80.0, 100.0, 110.0, 120.0)
TWO_TO_ONE_QT_S = (0.40, 0.46)
HIGH_GRADE_RATIOS = (3, 4)
HIGH_GRADE_ATRIAL_BPM = (60.0, 75.0, 90.0, 110.0, 140.0)
DROPPED_BEATS = {"Wenckebach 3:2 (0.16, 0.26)": (0.16, 0.26), "Wenckebach 4:3 (0.16, 0.24, 0.28)": (0.16, 0.24, 0.28),
                 "Wenckebach 5:4 (0.16, 0.22, 0.26, 0.28)": (0.16, 0.22, 0.26, 0.28),
                 "Mobitz II 3:2 (0.16)": (0.16, 0.16), "Mobitz II 4:3 (0.16)": (0.16, 0.16, 0.16)}
DROPPED_BEAT_ATRIAL_BPM = (60.0, 75.0, 90.0, 110.0)
MOBITZ_PP_JITTER_S = (0.0, 0.02)
PAC_COUPLINGS = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)   # premature P wave's time from the sinus P, in P-P cycles
PAC_P_WAVES = {"upright 0.15 mV": 0.15, "inverted 0.15 mV": -0.15, "upright 0.08 mV": 0.08}
PAC_SINUS_BPM = (60.0, 75.0, 90.0)
PAC_EVERY = (3, 4)
PAUSE_CYCLES = (1.5, 1.8, 2.0, 2.5, 3.0)
PAUSE_SINUS_BPM = (50.0, 60.0, 75.0, 90.0)
PAUSE_CODES = ("SAB2", "SPAUSE")
PAUSE_TABLE_CODES = {*PAUSE_CODES, "2AVB", "PAC", "PVC", "SR", "SBRAD", "SARRH"}
AV_BLOCKS = ("2AVB", "3AVB")
PTBXL_CLASSES = (*AV_BLOCKS, "1AVB", "AFIB", "SR")  # a record's class is the first one named


def _value(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _codes(m: Measurements) -> set[str]:
    return {s.code for s in evaluate(m)}


def _block(m: Measurements, code: str = "3AVB") -> str:
    return evaluate_all(m)[code].status


def _nan(value: float | None) -> float:
    return float("nan") if value is None else value


def _noisy(signal: np.ndarray, noise_mv: float, seed: int) -> np.ndarray:
    return signal + np.random.default_rng(100 + seed).normal(0.0, noise_mv, signal.shape) if noise_mv else signal


def _synthetic(signal: np.ndarray, noise_mv: float, seed: int) -> Measurements:
    return measure(make_record(_noisy(signal, noise_mv, seed), 500.0, list(LEADS), source="synthetic",
                               format="npy"))


def _rhythm(m: Measurements) -> str:
    found = [code for code in ("SR", "SBRAD", "STACH") if _block(m, code) == PRESENT]
    return "/".join(found) or "no sinus statement"


def ludb_table(data: Path) -> None:
    rows = {row["ID"]: row for row in csv.DictReader(open(data / "ludb.csv"))}
    found = {"tp": 0, "fn": 0, "fp": 0, "tn": 0, "undetermined": 0}
    print("| LUDB record | rhythm | conduction | pacing | heart rate | periodicity | atrial rate | 3AVB |")
    print("|---|---|---|---|---:|---:|---:|---|")
    for header in sorted((data / "data").glob("*.hea"), key=lambda p: int(p.stem)):
        row = rows[header.stem]
        m = measure(read_ecg(header))
        status = _block(m)
        positive = "Iii degree" in row["Conduction abnormalities"]
        found["undetermined"] += status == UNDETERMINED
        found[("tp" if status == PRESENT else "fn") if positive else ("fp" if status == PRESENT else "tn")] += 1
        if m.dissociated_p_periodicity is None:
            continue
        labels = [row[column].replace("\n", "; ") or "-" for column in
                  ("Rhythms", "Conduction abnormalities", "Cardiac pacing")]
        print(f"| {header.stem} | " + " | ".join(labels) + f" | {m.heart_rate_bpm:.0f} | "
              f"{m.dissociated_p_periodicity:.2f} | {_value(m.atrial_rate_bpm, '.0f')} | {status} |")
    print(f"\nThird-degree AV block: {found['tp']} of {found['tp'] + found['fn']} LUDB blocks stated, "
          f"{found['fp']} false; undetermined on {found['undetermined']} records.")


def ludb_blocked_p_table(data: Path, noise_mv: float) -> None:
    rhythms = {row["ID"]: row["Rhythms"].split("\n")[0] for row in csv.DictReader(open(data / "ludb.csv"))}
    by_rhythm: dict[str, list[tuple[float, bool]]] = {}
    for header in sorted((data / "data").glob("*.hea"), key=lambda p: int(p.stem)):
        record = read_ecg(header)
        for noise in (0.0, noise_mv):
            noisy = make_record(_noisy(record.signal, noise, int(header.stem)), record.fs, list(record.leads),
                                source=record.source, format="wfdb")
            m = measure(noisy)
            by_rhythm.setdefault((rhythms[header.stem], noise), []).append(
                (_nan(m.blocked_p_correlation), _nan(m.dropped_p_correlation), _block(m, "2AVB") == PRESENT,
                 _nan(m.blocked_pac_correlation), bool(m.blocked_premature_beats),
                 PRESENT in (_block(m, "SAB2"), _block(m, "SPAUSE"))))
    print("\n| LUDB rhythm | noise | records | blocked-P correlation median / max | dropped-P correlation "
          "(records searched) max | 2AVB stated | blocked-PAC correlation (records searched) max | blocked PACs "
          "found | SAB2 or SPAUSE stated |")
    print("|---|---:|---:|---|---|---:|---|---:|---:|")
    for (rhythm, noise), values in sorted(by_rhythm.items()):
        blocked, dropped, premature = (np.array([v[k] for v in values]) for k in (0, 1, 3))
        span = f"{np.nanmedian(blocked):.2f} / {np.nanmax(blocked):.2f}" if np.isfinite(blocked).any() else "-"
        print(f"| {rhythm} | {noise * 1000:.0f} uV | {len(values)} | {span} | {_searched_max(dropped)} | "
              f"{sum(v[2] for v in values)} | {_searched_max(premature)} | {sum(v[4] for v in values)} | "
              f"{sum(v[5] for v in values)} |")


def _searched_max(scores: np.ndarray) -> str:
    """'(records with a score) highest score' for the records a search ran on."""
    searched = int(np.isfinite(scores).sum())
    return f"({searched}) {np.nanmax(scores):.2f}" if searched else "(0) -"


def _grid(label: str, rows: dict[str, Callable[[float, int], np.ndarray]], atrial_rates: tuple[float, ...],
          code: str, periodicity: Callable[[Measurements], float | None], noise_mv: float,
          with_sinus: bool = True) -> tuple[int, int]:
    """One table row per ``rows`` entry (its ECG at an atrial rate and seed), one column per atrial
    rate; each cell: atrial rate read (``periodicity``), ``code`` where stated and, ``with_sinus``,
    the sinus statement, per seed. Returns how many ECGs got ``code`` and how many there were."""
    print(f"| {label} | " + " | ".join(f"P {r:.0f}/min" for r in atrial_rates) + " |")
    print("|---|" + "---|" * len(atrial_rates))
    stated = total = 0
    for name, build in rows.items():
        cells = []
        for atrial in atrial_rates:
            runs = []
            for seed in (0, 1):
                m = _synthetic(build(atrial, seed), noise_mv, seed)
                block = _block(m, code) == PRESENT
                stated, total = stated + block, total + 1
                extra = f" {_rhythm(m)}" if with_sinus else ""
                runs.append(f"{_value(m.atrial_rate_bpm, '.0f')} ({_value(periodicity(m), '.2f')})"
                            f"{' ' + code if block else ''}{extra}")
            cells.append(", ".join(runs))
        print(f"| {name} | " + " | ".join(cells) + " |")
    return stated, total


def synthetic_block_table(noise_mv: float) -> None:
    print(f"\nComplete AV block, {noise_mv * 1000:.0f} uV of white noise:\n")
    rows = {name: (lambda atrial, seed, v=ventricular, w=wide: dissociated_record(atrial, v, w, seed=seed))
            for name, (ventricular, wide) in ESCAPES.items()}
    stated, total = _grid("escape rhythm", rows, ATRIAL_BPM, "3AVB", lambda m: m.dissociated_p_periodicity, noise_mv,
                          with_sinus=False)
    print(f"\nThird-degree AV block stated on {stated} of {total} (cell: atrial rate (periodicity) per seed).")


def synthetic_negative_table(noise_mv: float) -> None:
    print(f"\nNo independent P waves, {noise_mv * 1000:.0f} uV of white noise:\n")
    print("| rhythm | ventricular rate | atrial rate | periodicity | 3AVB |")
    print("|---|---:|---:|---:|---|")
    for rate in NO_INDEPENDENT_P:
        qrst, _ = synthetic_record(rr_s=[60.0 / rate] * int(rate / 6 + 2), with_p=False)
        sinus, _ = synthetic_record(rr_s=[60.0 / rate] * int(rate / 6 + 2))
        fibrillation = qrst + fibrillation_waves(qrst.shape[1], 500.0)
        for name, signal in (("no P waves", qrst), ("fibrillatory waves", fibrillation), ("sinus rhythm", sinus)):
            m = _synthetic(signal, noise_mv, 0)
            print(f"| {name} | {rate:.0f} | {_value(m.atrial_rate_bpm, '.0f')} | "
                  f"{_value(m.dissociated_p_periodicity, '.2f')} | {_block(m)} |")


def synthetic_two_to_one_table(noise_mv: float) -> None:
    print(f"\n2:1 AV block, {noise_mv * 1000:.0f} uV of white noise:\n")
    rows = {f"{qt * 1000:.0f} ms": (lambda atrial, seed, qt=qt: two_to_one_record(atrial, WaveTimes(qt=qt), seed=seed))
            for qt in TWO_TO_ONE_QT_S}
    stated, total = _grid("QT", rows, TWO_TO_ONE_ATRIAL_BPM, "2AVB_2TO1", lambda m: m.blocked_p_correlation,
                          noise_mv)
    print(f"\n2:1 AV block (and so second-degree AV block) stated on {stated} of {total} (cell: atrial rate "
          "(blocked-P correlation), 2AVB_2TO1 where stated, and the sinus statement, per seed).")


def synthetic_high_grade_table(noise_mv: float) -> None:
    print(f"\nHigh-grade (3:1, 4:1) AV block, {noise_mv * 1000:.0f} uV of white noise:\n")
    rows = {f"{ratio}:1": (lambda atrial, seed, ratio=ratio: fixed_block_record(atrial, ratio, seed=seed))
            for ratio in HIGH_GRADE_RATIOS}
    stated, total = _grid("conduction", rows, HIGH_GRADE_ATRIAL_BPM, "AVB_HIGH_GRADE",
                          lambda m: m.blocked_p_correlation, noise_mv)
    print(f"\nHigh-grade AV block stated on {stated} of {total} (cell: atrial rate (blocked-P correlation), "
          "AVB_HIGH_GRADE where stated, and the sinus statement, per seed).")


def synthetic_dropped_beat_table(noise_mv: float) -> None:
    print(f"\nDropped beats (grouped beating), {noise_mv * 1000:.0f} uV of white noise:\n")
    rows = {name: (lambda atrial, seed, prs=prs: dropped_beat_record(atrial, prs, seed=seed))
            for name, prs in DROPPED_BEATS.items()}
    stated, total = _grid("conduction (PRs in s)", rows, DROPPED_BEAT_ATRIAL_BPM, "2AVB",
                          lambda m: m.dropped_p_correlation, noise_mv)
    print(f"\nSecond-degree AV block stated on {stated} of {total} (cell: atrial rate (dropped-P correlation), "
          "2AVB where stated, and the sinus statement, per seed).")


def synthetic_mobitz_table(noise_mv: float) -> None:
    print(f"\nMobitz type of the dropped beats, {noise_mv * 1000:.0f} uV of white noise, "
          f"P waves at {', '.join(f'{r:.0f}' for r in DROPPED_BEAT_ATRIAL_BPM)}/min, two seeds:\n")
    print("| conduction (PRs in s) | P-P jitter SD | 2AVB stated | PR shortening across the pauses, ms | "
          "Mobitz I | Mobitz II | type undetermined |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for name, prs in DROPPED_BEATS.items():
        for jitter in MOBITZ_PP_JITTER_S:
            found = [_synthetic(dropped_beat_record(atrial, prs, pp_jitter_s=jitter, seed=seed), noise_mv, seed)
                     for atrial in DROPPED_BEAT_ATRIAL_BPM for seed in (0, 1)]
            typed = [evaluate_all(m) for m in found if _block(m, "2AVB") == PRESENT]
            shortening = [m.pr_shortening_after_pause_ms for m in found
                          if m.pr_shortening_after_pause_ms is not None]
            span = f"{min(shortening):.0f} .. {max(shortening):.0f}" if shortening else "-"
            counts = [sum(a[code].status == status for a in typed) for code, status in
                      (("2AVB_MOBITZ1", PRESENT), ("2AVB_MOBITZ2", PRESENT), ("2AVB_MOBITZ1", UNDETERMINED))]
            print(f"| {name} | {jitter * 1000:.0f} ms | {len(typed)} of {len(found)} | {span} | "
                  + " | ".join(map(str, counts)) + " |")


def synthetic_blocked_pac_table(noise_mv: float) -> None:
    print(f"\nBlocked premature atrial beats (sinus rhythm at {', '.join(f'{r:.0f}' for r in PAC_SINUS_BPM)}/min, "
          f"one premature P wave after every {' or '.join(map(str, PAC_EVERY))} sinus ones, not conducted, "
          f"resetting the sinus node), {noise_mv * 1000:.0f} uV of white noise; cell: ECGs with PAC / SR / SARRH "
          f"/ 2AVB, of {len(PAC_SINUS_BPM) * len(PAC_EVERY)}:\n")
    print("| coupling (P-P cycles) | " + " | ".join(PAC_P_WAVES) + " |")
    print("|---|" + "---|" * len(PAC_P_WAVES))
    for coupling in PAC_COUPLINGS:
        cells = []
        for amplitude in PAC_P_WAVES.values():
            found = [_codes(_synthetic(blocked_pac_record(bpm, coupling, every, premature_mv=amplitude), noise_mv, 0))
                     for bpm in PAC_SINUS_BPM for every in PAC_EVERY]
            cells.append(" / ".join(str(sum(code in codes for codes in found))
                                    for code in ("PAC", "SR", "SARRH", "2AVB")))
        print(f"| {coupling:.1f} | " + " | ".join(cells) + " |")


def synthetic_sinus_pause_table(noise_mv: float) -> None:
    print(f"\nSinus pauses (sinus rhythm, one RR of the given number of sinus cycles with no P wave in it), "
          f"{noise_mv * 1000:.0f} uV of white noise; cell: the pause, AV-block and rhythm statements made:\n")
    print("| pause (sinus cycles) | " + " | ".join(f"sinus {r:.0f}/min" for r in PAUSE_SINUS_BPM) + " |")
    print("|---|" + "---|" * len(PAUSE_SINUS_BPM))
    for cycles in PAUSE_CYCLES:
        cells = []
        for bpm in PAUSE_SINUS_BPM:
            codes = _codes(_synthetic(sinus_pause_record(bpm, cycles), noise_mv, 0))
            cells.append(" ".join(sorted(codes & PAUSE_TABLE_CODES)) or "-")
        print(f"| {cycles:.1f} | " + " | ".join(cells) + " |")


def subset_table(npz: Path) -> None:
    data = np.load(npz, allow_pickle=True)
    stated: dict[str, list[int]] = {code: [] for code in (*AV_BLOCKS, *PAUSE_CODES, "blocked PACs")}
    dropped, premature = [], []
    for ecg_id, signal in zip(data["ecg_id"], data["signal"]):
        record = make_record(signal.astype(np.float32), float(data["fs"]), list(data["leads"]),
                             source=str(ecg_id), format="npz")
        m = measure(record)
        assessed = evaluate_all(m)
        for code in (*AV_BLOCKS, *PAUSE_CODES):
            if assessed[code].status == PRESENT:
                stated[code].append(int(ecg_id))
        if m.blocked_premature_beats:
            stated["blocked PACs"].append(int(ecg_id))
        dropped.append(_nan(m.dropped_p_correlation))
        premature.append(_nan(m.blocked_pac_correlation))
    print(f"\nPTB-XL subset ({len(data['ecg_id'])} ECGs, {float(data['fs']):.0f} Hz, no labels): "
          + "; ".join(f"{code} stated on {len(ids)} {ids}" for code, ids in stated.items())
          + f"; dropped-P correlation {_searched_max(np.array(dropped))}, blocked-PAC correlation "
          f"{_searched_max(np.array(premature))} (records searched, highest).")


def ptbxl_class(scp_codes: dict[str, float]) -> str:
    """The record's class: the first of PTBXL_CLASSES its codes name, else "other"."""
    return next((code for code in PTBXL_CLASSES if code in scp_codes), "other")


def ptbxl_table(root: Path, per_class: int) -> None:
    taken: dict[str, list[set[str]]] = {}
    missing = 0
    for ecg in ptbxl_ecgs(root, fs=500):
        label = ptbxl_class(ecg.entry.metadata["scp_codes"])
        stated = taken.setdefault(label, [])
        if label not in AV_BLOCKS and len(stated) >= per_class:
            continue
        if not ecg.path.is_file():
            missing += 1
            continue
        assessed = evaluate_all(measure(read_ecg(ecg.path)))
        stated.append({code for code in AV_BLOCKS if assessed[code].status == PRESENT})
    print("\n| PTB-XL class | records | 2AVB stated | 3AVB stated |")
    print("|---|---:|---:|---:|")
    for label in (*PTBXL_CLASSES, "other"):
        stated = taken.get(label, [])
        if stated:
            counts = [str(sum(code in s for s in stated)) for code in AV_BLOCKS]
            print(f"| {label} | {len(stated)} | " + " | ".join(counts) + " |")
    others = [s for label, stated in taken.items() if label not in AV_BLOCKS for s in stated]
    for code in AV_BLOCKS:
        own = taken.get(code, [])
        print(f"\n{code}: found in {sum(code in s for s in own)} of {len(own)} records, stated on "
              f"{sum(code in s for s in others)} of {len(others)} records of the other classes.", end="")
    print(f"\n{missing} listed records not on disk.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ludb")
    parser.add_argument("--noise-mv", type=float, default=0.05, help="white noise of the noisy synthetic run")
    parser.add_argument("--no-synthetic", action="store_true")
    parser.add_argument("--subset", type=Path, help="the PTB-XL subset .npz (ecg_id, signal, fs, leads)")
    parser.add_argument("--ptbxl", type=Path, help="a PTB-XL copy (ptbxl_database.csv, records500/)")
    parser.add_argument("--per-class", type=int, default=100, help="PTB-XL records per class other than 2AVB/3AVB")
    args = parser.parse_args()
    if (args.data / "ludb.csv").is_file():
        ludb_table(args.data)
        ludb_blocked_p_table(args.data, args.noise_mv)
    else:
        print(f"no LUDB at {args.data}: LUDB table skipped")
    if not args.no_synthetic:
        for noise in (0.0, args.noise_mv):
            synthetic_block_table(noise)
            synthetic_negative_table(noise)
            synthetic_two_to_one_table(noise)
            synthetic_high_grade_table(noise)
            synthetic_dropped_beat_table(noise)
            synthetic_mobitz_table(noise)
            synthetic_blocked_pac_table(noise)
            synthetic_sinus_pause_table(noise)
    if args.subset:
        subset_table(args.subset)
    if args.ptbxl:
        ptbxl_table(args.ptbxl, args.per_class)


if __name__ == "__main__":
    main()
