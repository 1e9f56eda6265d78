"""ServeConfig: where the API listens, who may call it and how much it takes on."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from ecg.errors import ECGError

API_KEYS_ENV = "ECG_AGENT_API_KEYS"  # comma-separated bearer keys
DEFAULT_DATA_DIR = Path("~/.cache/ecg-agent/serve")


@dataclass(frozen=True)
class ServeConfig:
    """The server's settings; the defaults serve one workstation on loopback.

    ``max_concurrency`` agent calls run at once in worker threads and ``max_queued`` more wait for
    a slot; a request beyond both gets 429. ``timeout_s`` bounds a request's wait plus its work
    (504 after it). ``max_body_bytes`` caps every request body, uploads included (413).
    """

    host: str = "127.0.0.1"
    port: int = 8000
    api_keys: tuple[str, ...] = ()
    model_name: str = "ecg-agent"
    max_body_bytes: int = 128 * 1024**2
    max_concurrency: int = 4
    max_queued: int = 64
    timeout_s: float = 300.0
    data_dir: Path = field(default_factory=lambda: DEFAULT_DATA_DIR.expanduser())

    def check(self) -> None:
        """Refuse settings that would expose the agent: any host but loopback needs an API key."""
        if not is_loopback(self.host) and not self.api_keys:
            raise ECGError("--host", f"serving on {self.host} (not loopback) needs an API key: "
                                     f"give --api-key or set {API_KEYS_ENV}")
        if self.max_concurrency < 1 or self.max_queued < 0 or self.max_body_bytes < 1 or self.timeout_s <= 0:
            raise ECGError(None, "max_concurrency and max_body_bytes must be >= 1, max_queued >= 0, "
                                 "timeout_s > 0")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def api_keys_from(given: list[str] | None, environ=os.environ) -> tuple[str, ...]:
    """The keys given on the command line plus those in $ECG_AGENT_API_KEYS, without blanks."""
    keys = list(given or []) + environ.get(API_KEYS_ENV, "").split(",")
    return tuple(dict.fromkeys(k.strip() for k in keys if k.strip()))
