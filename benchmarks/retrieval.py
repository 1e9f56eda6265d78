"""Retrieval speed and recall on synthetic 256-d unit vectors (one million by default).

Builds the index ``retrieval.store`` picks for that size (IVF above EXACT_SEARCH_MAX_VECTORS)
and, for comparison, exact search; prints build time, single-query latency (median, p95) with
and without exclusion filters, and recall@10 against exact search. Two kinds of data:
"clustered" (a mixture of Gaussians, like real embeddings, which gather by diagnosis) and
"uniform" (directions uniform on the sphere: no structure, the hardest case for any
approximate index).

    .venv/bin/python benchmarks/retrieval.py [--n 1000000] [--dim 256] [--queries 1000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

# The repository root instead of benchmarks/, whose retrieval.py (this file) would shadow the package.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from retrieval.store import EmbeddingIndex, Entry, Exclusions, auto_kind, normalise

K = 10


def synthetic(kind: str, n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "uniform":
        return normalise(rng.standard_normal((n, dim), dtype=np.float32))
    centres = rng.standard_normal((max(1, n // 1000), dim), dtype=np.float32)
    labels = rng.integers(0, len(centres), n)
    return normalise(centres[labels] + 0.6 * rng.standard_normal((n, dim), dtype=np.float32))


def single_query_ms(index: EmbeddingIndex, queries: np.ndarray, exclusions: Exclusions, **params) -> np.ndarray:
    times = []
    for query in queries:
        start = time.perf_counter()
        index.search(query[None], K, exclusions, **params)
        times.append((time.perf_counter() - start) * 1000)
    return np.asarray(times)


def recall_at_k(found: list, truth: np.ndarray) -> float:
    return float(np.mean([len({int(h.entry.record_id) for h in hits} & set(row)) / K
                          for hits, row in zip(found, truth)]))


def run(data: str, n: int, dim: int, n_queries: int, n_exact_queries: int, seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    both = synthetic(data, n + n_queries, dim, rng)
    vectors, queries = both[:n], both[n:]
    entries = [Entry(str(i), "", patient_id=str(i // 4), split="test" if i % 10 == 0 else "")
               for i in range(n)]
    exact = EmbeddingIndex.build(vectors, entries, kind="flat")
    truth = exact.index.search(queries, K)[1]
    start = time.perf_counter()
    index = EmbeddingIndex.build(vectors, entries, kind=auto_kind(n), seed=seed)
    build_s = time.perf_counter() - start
    del vectors
    exclusions = Exclusions.of(patient_ids=["0", "1"], splits=["test"])
    rows = []
    for label, target, excl in (("exact", exact, Exclusions()), (index.kind, index, Exclusions()),
                                (f"{index.kind} + filters", index, exclusions)):
        ms = single_query_ms(target, queries[:n_exact_queries] if target is exact else queries, excl)
        recall = recall_at_k(target.search(queries, K), truth) if not excl else float("nan")
        rows.append((data, label, build_s if target is index else float("nan"),
                     np.median(ms), np.percentile(ms, 95), recall))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=256)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--exact-queries", type=int, default=50, help="single queries timed on exact search")
    parser.add_argument("--data", nargs="+", default=["clustered", "uniform"], choices=["clustered", "uniform"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{args.n:,} vectors of {args.dim} dimensions, {args.queries} single queries "
          f"({args.exact_queries} on exact search), k={K}")
    print(f"| data | index | build s | median ms/query | p95 ms/query | recall@{K} vs exact |")
    print("|---|---|---|---|---|---|")
    for data in args.data:
        for data_name, label, build_s, median, p95, recall in run(data, args.n, args.dim, args.queries,
                                                                     args.exact_queries, args.seed):
            build = "" if np.isnan(build_s) else f"{build_s:.1f}"
            rec = "" if np.isnan(recall) else f"{recall:.3f}"
            print(f"| {data_name} | {label} | {build} | {median:.2f} | {p95:.2f} | {rec} |", flush=True)


if __name__ == "__main__":
    main()
