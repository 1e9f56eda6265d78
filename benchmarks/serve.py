"""The API server under 16 concurrent clients: requests per second and latency.

For each client kind a fresh `ecg-agent serve --no-llm --no-retrieval` (the evidence-only
agent: real reading, measurement and criteria, no language model) starts in a subprocess on a
free port; then C client threads (default 16), each with its own client and connection, send
chat completions with a LUDB record zipped as a base64 file part and options yes/no/not sure.
Client kinds: the official openai client (what users see end to end; it encodes each request
itself), and httpx posting bodies encoded before the clock starts (what the server alone takes).
Scenarios:

- cached ECG: every request attaches the same record under the same name (a conversation
  resending its ECG: the server reuses its measurements), so this measures the HTTP layer,
  decoding and the rules;
- new ECG: every request attaches a different LUDB record (read, quality, measure, criteria).

The table gives requests, errors, wall time, requests/s and latency percentiles (ms).

    .venv/bin/python benchmarks/serve.py [--data ../shared/data/ludb] [--clients 16] [--requests 64]
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import queue
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


def zipped_record(header: Path) -> tuple[str, str]:
    """(file name, base64 data URL) of a WFDB record zipped with its .dat."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(header, header.name)
        archive.write(header.with_suffix(".dat"), header.with_suffix(".dat").name)
    return f"ludb_{header.stem}.zip", "data:application/zip;base64," + base64.b64encode(buffer.getvalue()).decode()


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


def request_body(record: tuple[str, str]) -> dict:
    filename, data_url = record
    return {"model": "ecg-agent", "ecg_options": ["yes", "no", "not sure"], "messages": [{"role": "user", "content": [
        {"type": "file", "file": {"file_data": data_url, "filename": filename}},
        {"type": "text", "text": QUESTION}]}]}


def openai_sender(base_url: str, records: list[tuple[str, str]]):
    """The official client, as users call the API: it builds and encodes each request itself."""
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="unused", max_retries=0, timeout=600)
    bodies = [request_body(r) for r in records]

    def send(i: int) -> None:
        body = bodies[i]
        client.chat.completions.create(model=body["model"], messages=body["messages"],
                                       extra_body={"ecg_options": body["ecg_options"]})
    return send


def raw_sender(base_url: str, records: list[tuple[str, str]]):
    """httpx posting bodies encoded before the clock starts: what the server alone takes."""
    client = httpx.Client(base_url=base_url, timeout=600)
    bodies = [json.dumps(request_body(r)).encode() for r in records]

    def send(i: int) -> None:
        client.post("/v1/chat/completions", content=bodies[i],
                    headers={"Content-Type": "application/json"}).raise_for_status()
    return send


def run_load(make_sender, base_url: str, records: list[tuple[str, str]],
             clients: int) -> tuple[list[float], int, float]:
    """Latencies (s) of the successful requests, the error count and the wall time.

    ``clients`` senders (each its own connection), made before the clock starts, each used by
    one thread at a time.
    """
    idle = queue.SimpleQueue()
    for _ in range(clients):
        idle.put(make_sender(base_url, records))

    def one(i: int) -> float | None:
        send = idle.get()
        start = time.perf_counter()
        try:
            send(i)
        except (openai.APIError, httpx.HTTPError):
            return None
        finally:
            idle.put(send)
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

    print("| client | scenario | clients | requests | errors | wall s | requests/s | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for client_name, make_sender in (("openai", openai_sender), ("httpx, pre-encoded", raw_sender)):
        port = free_port()
        with tempfile.TemporaryDirectory() as data_dir:  # a fresh server: no ECG measured yet
            server = start_server(port, data_dir, args.concurrency)
            try:
                base_url = f"http://127.0.0.1:{port}"
                run_load(raw_sender, base_url, [warm], 1)  # warm-up: imports, the first measurement
                for name, records in scenarios.items():
                    latencies, errors, wall = run_load(make_sender, base_url, records, args.clients)
                    ms = [1000 * v for v in latencies]
                    print(f"| {client_name} | {name} | {args.clients} | {len(records)} | {errors} | {wall:.1f} | "
                          f"{len(latencies) / wall:.1f} | {percentile(ms, 50):.0f} | {percentile(ms, 95):.0f} | "
                          f"{max(ms):.0f} |", flush=True)
            finally:
                server.terminate()
                server.wait(10)

if __name__ == "__main__":
    main()
