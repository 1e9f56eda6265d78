"""The API server under 16 concurrent openai clients: requests per second and latency.

Starts `ecg-agent serve --no-llm --no-retrieval` (the evidence-only agent: real reading,
measurement and criteria, no language model) in a subprocess on a free port, then C client
threads (default 16), each with its own openai client, send chat completions with a LUDB record
zipped as a base64 file part and options yes/no/not sure. Two scenarios:

- cached ECG: every request attaches the same record (a conversation resending its ECG; the
  server reuses its measurements), so this measures the HTTP layer, decoding and the rules;
- new ECG: every request attaches a different LUDB record (read, quality, measure, criteria).

The table gives requests, errors, wall time, requests/s and latency percentiles (ms).

    .venv/bin/python benchmarks/serve.py [--data ../shared/data/ludb] [--clients 16] [--requests 64]
"""

from __future__ import annotations

import argparse
import base64
import io
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import openai

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Does this ECG show sinus bradycardia?"


def zipped_record(header: Path) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(header, header.name)
        archive.write(header.with_suffix(".dat"), header.with_suffix(".dat").name)
    return "data:application/zip;base64," + base64.b64encode(buffer.getvalue()).decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, data_dir: str, concurrency: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "cli.main", "serve", "--no-llm", "--no-retrieval", "--port", str(port),
               "--data-dir", data_dir, "--max-concurrency", str(concurrency)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def run_load(base_url: str, records: list[str], clients: int) -> tuple[list[float], int, float]:
    """Latencies (s) of the successful requests, the error count and the wall time."""
    def one(i: int):
        client = openai.OpenAI(base_url=base_url, api_key="unused", max_retries=0, timeout=600)
        messages = [{"role": "user", "content": [
            {"type": "file", "file": {"file_data": records[i], "filename": f"ludb_{i}.zip"}},
            {"type": "text", "text": QUESTION}]}]
        start = time.perf_counter()
        try:
            client.chat.completions.create(model="ecg-agent", messages=messages,
                                           extra_body={"ecg_options": ["yes", "no", "not sure"]})
        except openai.APIError:
            return None
        return time.perf_counter() - start

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one, range(len(records))))
    wall = time.perf_counter() - start
    latencies = [r for r in results if r is not None]
    return latencies, len(results) - len(latencies), wall


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ludb")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=64, help="requests per scenario")
    parser.add_argument("--concurrency", type=int, default=4, help="the server's --max-concurrency")
    args = parser.parse_args()

    headers = sorted((args.data / "data").glob("*.hea"), key=lambda p: int(p.stem))[:args.requests + 1]
    if len(headers) <= args.requests:
        raise SystemExit(f"{args.data}: {len(headers)} LUDB records, {args.requests + 1} wanted")
    warm, *new_records = [zipped_record(h) for h in headers]  # warm: the record measured before timing
    scenarios = {"cached ECG": [warm] * args.requests, "new ECG": new_records}

    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        server = start_server(port, data_dir, args.concurrency)
        try:
            base_url = f"http://127.0.0.1:{port}/v1"
            run_load(base_url, [warm], 1)  # warm-up: imports, the first measurement
            print("| scenario | clients | requests | errors | wall s | requests/s | p50 ms | p95 ms | max ms |")
            print("|---|---|---|---|---|---|---|---|---|")
            for name, records in scenarios.items():
                latencies, errors, wall = run_load(base_url, records, args.clients)
                ms = [1000 * v for v in latencies]
                print(f"| {name} | {args.clients} | {len(records)} | {errors} | {wall:.1f} | "
                      f"{len(latencies) / wall:.1f} | {percentile(ms, 50):.0f} | {percentile(ms, 95):.0f} | "
                      f"{max(ms):.0f} |")
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
