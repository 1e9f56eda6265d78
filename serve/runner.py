"""AgentRunner: blocking agent calls in worker threads, with a concurrency limit, a queue and a timeout.

At most ``max_concurrency`` calls run at once; up to ``max_queued`` more wait for a thread. A
call beyond both is refused at once (429). A call that has not finished ``timeout_s`` after it
was accepted is answered with 504; a queued call that times out never starts, a running one
keeps its thread (Python cannot stop it) and its slot until it ends, so the limits stay true.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from serve.errors import APIError


class AgentRunner:
    def __init__(self, max_concurrency: int, max_queued: int, timeout_s: float):
        self._executor = ThreadPoolExecutor(max_concurrency, thread_name_prefix="ecg-agent")
        self._capacity = max_concurrency + max_queued
        self._in_flight = 0  # accepted calls not yet finished; touched on the event loop only
        self.timeout_s = timeout_s

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)`` in a worker thread; APIError 429 when full, 504 on timeout."""
        if self._in_flight >= self._capacity:
            raise APIError(429, "The server is busy: too many requests in progress. Retry shortly.")
        loop = asyncio.get_running_loop()
        self._in_flight += 1
        work = self._executor.submit(function, *args)
        work.add_done_callback(lambda _: self._release_from_thread(loop))
        try:
            return await asyncio.wait_for(asyncio.wrap_future(work), self.timeout_s)
        except TimeoutError:
            raise APIError(504, f"The request took longer than the server's {self.timeout_s:g} s limit.") from None

    def _release(self) -> None:
        self._in_flight -= 1

    def _release_from_thread(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            loop.call_soon_threadsafe(self._release)
        except RuntimeError:  # the event loop has closed: the server stopped while this call ran
            pass

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
