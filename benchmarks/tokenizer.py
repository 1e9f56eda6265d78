"""ECG tokens and encoder of the embedded default (models/default) on held-out records.

Prints: tokens per 12-lead 10 s ECG (and per 1- and 2-lead ECG); reconstruction fidelity from
the tokens (Pearson r and PRD per lead, against the band-passed 0.5-40 Hz 250 Hz signal that
the tokenizer reads), next to the same beat-synchronous rebuild from unquantized median beats
(what the scheme itself loses); codebook usage on all held-out tokens (share of codes used,
dead codes, perplexity); encode throughput on one CPU core (records already in memory); and
the diagnostic heads' AUROC per statement on held-out LUDB records.

Held out (never trained on): every 4th LUDB record id, PTB-XL subset ecg_id % 10 == 0, the last
20 % of MIT-BIH record 100 in 10 s windows (encoders/corpus.py).

    .venv/bin/python benchmarks/tokenizer.py [--data ../shared/data] [--model models/default] [--json FILE]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from ecg.leads import STANDARD_LEADS  # noqa: E402
from ecg.record import make_record  # noqa: E402
from encoders.corpus import iter_corpus  # noqa: E402
from encoders.labels import read_ludb_labels  # noqa: E402
from encoders.pretrained import ECGEmbedder  # noqa: E402
from encoders.train import head_auroc  # noqa: E402
from tokenizer import beats as beat_ops  # noqa: E402
from tokenizer.ecg_tokenizer import ECGTokenizer  # noqa: E402
from tokenizer.signal import TOKEN_FS, prepare  # noqa: E402

TARGETS = {"max_tokens": 320, "median_r": 0.9, "codebook_in_use": 0.8, "ecgs_per_s": 50}


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1]) if np.std(a) > 0 and np.std(b) > 0 else float("nan")


def prd(reference: np.ndarray, rebuilt: np.ndarray) -> float:
    """Percentage root-mean-square difference against the zero-mean reference."""
    reference = reference - reference.mean()
    return float(100 * np.sqrt(np.sum((reference - rebuilt) ** 2) / max(np.sum(reference ** 2), 1e-12)))


def fidelity(tokenizer: ECGTokenizer, ecgs) -> dict:
    """Per lead: r and PRD from the tokens, and r of the unquantized median-beat rebuild."""
    per_lead: dict[str, dict[str, list[float]]] = {}
    codes: list[int] = []
    for ecg in ecgs:
        tokens = tokenizer.encode_signal(ecg.signal, ecg.fs, ecg.leads)
        codes += [i for i in tokens.ids if i < tokenizer.codebook_size]
        reference = prepare(ecg.signal, ecg.fs)
        decoded = tokenizer.decode(tokens.ids, n_samples=reference.shape[1])
        peaks = beat_ops.find_r_peaks(reference, TOKEN_FS)
        oracle = beat_ops.place_beats(beat_ops.median_beats(reference, peaks, TOKEN_FS), peaks,
                                      reference.shape[1], TOKEN_FS)
        for i, lead in enumerate(ecg.leads):
            entry = per_lead.setdefault(lead, {"r": [], "prd": [], "oracle_r": []})
            entry["r"].append(pearson(reference[i], decoded.signal[i]))
            entry["prd"].append(prd(reference[i], decoded.signal[i]))
            entry["oracle_r"].append(pearson(reference[i], oracle[i]))
    return {"per_lead": per_lead, "codes": codes}


def usage(codes: list[int], codebook_size: int) -> dict:
    counts = np.bincount(np.asarray(codes, dtype=np.int64), minlength=codebook_size)
    p = counts[counts > 0] / counts.sum()
    return {"tokens": int(counts.sum()), "in_use": float((counts > 0).mean()),
            "dead": float((counts == 0).mean()), "perplexity": float(np.exp(-(p * np.log(p)).sum()))}


def throughput(function, items, repeats: int = 2) -> float:
    """Items per second on one core (best of ``repeats`` passes)."""
    torch.set_num_threads(1)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for item in items:
            function(item)
        best = min(best, time.perf_counter() - started)
    return len(items) / best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    tokenizer = ECGTokenizer.load(args.model)
    embedder = ECGEmbedder.load(args.model)
    sets = {name: list(iter_corpus(args.data, "held_out", sources=(name,))) for name in ("ludb", "ptbxl", "mitbih")}
    result: dict = {"held_out_records": {k: len(v) for k, v in sets.items()}}

    ludb = sets["ludb"]
    counts = {"12 leads": [tokenizer.encode_signal(e.signal, e.fs, e.leads).n_tokens for e in ludb]}
    for subset in (["II"], ["I", "II"]):
        counts[f"{len(subset)} lead(s) ({', '.join(subset)})"] = [
            tokenizer.encode_signal(e.signal[[e.leads.index(n) for n in subset]], e.fs, subset).n_tokens
            for e in ludb]
    result["tokens"] = {k: {"median": float(np.median(v)), "max": int(max(v))} for k, v in counts.items()}
    print(f"\nTokens per 10 s ECG, {len(ludb)} held-out LUDB records (target: 12 leads <= {TARGETS['max_tokens']})\n")
    print("| leads | median | max |\n|---|---|---|")
    for k, v in result["tokens"].items():
        print(f"| {k} | {v['median']:.0f} | {v['max']} |")

    all_codes: list[int] = []
    result["fidelity"] = {}
    print("\nReconstruction from the tokens vs the band-passed signal (median over held-out records)\n")
    print("| set | lead | Pearson r | PRD % | r, unquantized median beats |\n|---|---|---|---|---|")
    for name, ecgs in sets.items():
        if not ecgs:
            continue
        found = fidelity(tokenizer, ecgs)
        all_codes += found["codes"]
        leads = [n for n in STANDARD_LEADS if n in found["per_lead"]] if name == "ludb" else []
        summary = {}
        for lead in leads + ["all"]:
            values = (found["per_lead"][lead] if lead != "all" else
                      {k: sum((v[k] for v in found["per_lead"].values()), []) for k in ("r", "prd", "oracle_r")})
            summary[lead] = {k: float(np.nanmedian(v)) for k, v in values.items()}
            print(f"| {name} | {lead} | {summary[lead]['r']:.3f} | {summary[lead]['prd']:.1f} | "
                  f"{summary[lead]['oracle_r']:.3f} |")
        result["fidelity"][name] = summary
        result.setdefault("usage", {})[name] = usage(found["codes"], tokenizer.codebook_size)
    result["usage"]["all held-out"] = usage(all_codes, tokenizer.codebook_size)
    print(f"\nCodebook usage ({tokenizer.codebook_size} codes)\n")
    print("| held-out set | code tokens | codes in use | dead codes | perplexity |\n|---|---|---|---|---|")
    for name, u in result["usage"].items():
        print(f"| {name} | {u['tokens']} | {u['in_use']:.1%} | {u['dead']:.1%} | {u['perplexity']:.0f} |")

    records = [make_record(e.signal, e.fs, e.leads, source=e.name, format="wfdb") for e in ludb]
    result["ecgs_per_s_one_core"] = {"tokenize": throughput(tokenizer.encode, records),
                                     "embed": throughput(embedder.embed, records)}
    print("\nThroughput, 12-lead 10 s 500 Hz LUDB records in memory, one CPU core (torch 1 thread)\n")
    print("| step | ECGs/s |\n|---|---|")
    for k, v in result["ecgs_per_s_one_core"].items():
        print(f"| {k} | {v:.0f} |")

    labelled = read_ludb_labels(args.data / "ludb")
    result["auroc"] = head_auroc(embedder, labelled)
    print(f"\nDiagnostic heads on {len(labelled.split(held_out=True))} held-out LUDB records\n")
    print("| statement | AUROC | positives |\n|---|---|---|")
    for s, v in result["auroc"].items():
        score = "n/a" if v["auroc"] is None else f"{v['auroc']:.2f}"
        print(f"| {s} | {score} | {v['positives']} |")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
