"""`ecg-agent measure PATH... [--json]`: intervals, axes, amplitudes and grounded statements."""

from __future__ import annotations

import argparse
import sys

from cli.common import add_read_arguments, read_options, to_json, unique_records
from ecg.io import read_ecgs
from ecg.measure import measure
from ecg.measurements import Measurements

# (field, label, unit, decimals) of the readable table
TABLE_ROWS = (
    ("heart_rate_bpm", "Heart rate", "bpm", 0),
    ("rr_ms", "RR mean", "ms", 0),
    ("rr_sd_ms", "RR SD", "ms", 0),
    ("rr_irregularity", "RR irregularity (RMSSD/RR)", "", 3),
    ("p_duration_ms", "P duration", "ms", 0),
    ("pr_interval_ms", "PR interval", "ms", 0),
    ("qrs_duration_ms", "QRS duration", "ms", 0),
    ("qrs_duration_median_lead_ms", "QRS duration (median lead)", "ms", 0),
    ("qt_interval_ms", "QT interval", "ms", 0),
    ("qtc_bazett_ms", "QTc Bazett", "ms", 0),
    ("qtc_fridericia_ms", "QTc Fridericia", "ms", 0),
    ("qtc_framingham_ms", "QTc Framingham", "ms", 0),
    ("qtc_hodges_ms", "QTc Hodges", "ms", 0),
    ("p_axis_deg", "P axis", "deg", 0),
    ("qrs_axis_deg", "QRS axis", "deg", 0),
    ("t_axis_deg", "T axis", "deg", 0),
    ("sokolow_lyon_mv", "Sokolow-Lyon", "mV", 2),
    ("cornell_mv", "Cornell", "mV", 2),
    ("p_wave_present_share", "Beats with a P wave", "", 2),
    ("atrial_rate_bpm", "Atrial rate", "bpm", 0),
    ("atrial_periodicity", "Atrial periodicity", "", 2),
    ("dissociated_p_periodicity", "Dissociated P periodicity", "", 2),
    ("blocked_p_correlation", "Blocked P correlation", "", 2),
    ("dropped_p_correlation", "Dropped-beat P correlation", "", 2),
    ("pr_shortening_after_pause_ms", "PR shortening after a pause", "ms", 0),
    ("blocked_pac_correlation", "Blocked-PAC correlation", "", 2),
    ("blocked_premature_beats", "Blocked premature beats", "", 0),
)


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("measure", help="intervals, axes, amplitudes and statements of each ECG")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="ECG files (WFDB .hea/.dat, EDF, CSV, ...)")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per ECG and line instead of a table")
    add_read_arguments(parser)
    parser.set_defaults(run=run)


def measure_with_statements(record) -> Measurements:
    """measure() plus the criteria engine's statements (empty when it is not installed)."""
    result = measure(record)
    try:
        from ecg.criteria import evaluate
    except ImportError:
        return result
    result.statements = [s.to_dict() if hasattr(s, "to_dict") else dict(s) for s in evaluate(result)]
    return result


def format_table(m: Measurements) -> str:
    """The readable report: global values with units, beat counts, notes, then statements."""
    lines = [f"{m.source}  ({len(m.leads)} leads, {m.fs:g} Hz)"]
    for name, label, unit, decimals in TABLE_ROWS:
        value = getattr(m, name)
        text = "-" if value is None else f"{value:.{decimals}f} {unit}".rstrip()
        lines.append(f"  {label:<28} {text}")
    lines.append(f"  {'Beats':<28} {m.n_beats} (ventricular ectopic {m.ventricular_ectopic_beats}, "
                 f"supraventricular ectopic {m.supraventricular_ectopic_beats}, paced {m.paced_beats})")
    if m.notes:
        lines.append("  Notes:")
        lines.extend(f"    {name}: {reason}" for name, reason in m.notes.items())
    if m.statements:
        lines.append("  Statements:")
        for item in m.statements:
            lines.append(f"    {item.get('code', '')}: {item.get('name', '')}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    options = read_options(args)
    first = True
    for path in unique_records(args.paths):
        for record in read_ecgs(path, options):
            result = measure_with_statements(record)
            if args.json:
                print(to_json(result.to_dict()))
            else:
                print(("" if first else "\n") + format_table(result))
            first = False
            sys.stdout.flush()
    return 0
