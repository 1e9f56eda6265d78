"""`ecg-agent plot PATH -o FILE.png|.svg`: the ECG on standard paper at true scale."""

from __future__ import annotations

import argparse

from cli.common import add_read_arguments, read_options
from ecg.io import read_ecg
from ecg.plot import DEFAULT_DPI, output_format, plot_ecg
from ecg.plot_layout import GAINS_MM_MV, PAPER_SPEEDS_MM_S


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("plot", help="draw the ECG on standard ECG paper (PNG, SVG or PDF)")
    parser.add_argument("path", metavar="PATH", help="ECG file (WFDB .hea/.dat, EDF, CSV, ...)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="where to write the plot: FILE.png, FILE.svg or FILE.pdf")
    parser.add_argument("--speed", type=float, default=25.0, choices=PAPER_SPEEDS_MM_S,
                        metavar="{" + ",".join(f"{s:g}" for s in PAPER_SPEEDS_MM_S) + "}", help="paper speed in mm/s (default 25)")
    parser.add_argument("--gain", type=float, default=10.0, choices=GAINS_MM_MV,
                        metavar="{" + ",".join(f"{g:g}" for g in GAINS_MM_MV) + "}", help="gain in mm/mV (default 10)")
    parser.add_argument("--rhythm-lead", default=None, metavar="LEAD",
                        help="lead of the rhythm strip under a grid of more than six leads (default II, "
                             "or the first lead)")
    parser.add_argument("--start", type=float, default=0.0, metavar="SECONDS",
                        help="where the window starts, for long recordings (default 0)")
    parser.add_argument("--duration", type=float, default=None, metavar="SECONDS",
                        help="how much to draw (default one row: 10 s at 25 mm/s, 5 s at 50 mm/s; "
                             "up to 60 s for six leads or fewer)")
    parser.add_argument("--annotate", action="store_true",
                        help="add each lead's representative beat with the measured fiducials and intervals "
                             "beside the paper")
    parser.add_argument("--title", default=None, help="a title printed above the header")
    parser.add_argument("--dpi", type=float, default=DEFAULT_DPI,
                        help=f"resolution of a PNG in dots per inch (default {DEFAULT_DPI:g})")
    add_read_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    output_format(args.output)  # an unsupported extension fails before the file is read
    record = read_ecg(args.path, read_options(args))
    plot_ecg(record, args.output, speed_mm_s=args.speed, gain_mm_mv=args.gain, rhythm_lead=args.rhythm_lead,
             start_s=args.start, duration_s=args.duration, title=args.title, dpi=args.dpi,
             annotate=args.annotate)
    print(args.output)
    return 0
