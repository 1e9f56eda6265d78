"""The chat in a real headless Chromium: attach a WFDB pair, ask, see the plot and the answer; reload; restart."""

import os
from contextlib import contextmanager
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.ui.conftest import EXAMPLE, ROOT

CHROMIUM = "/usr/bin/chromium"
QUESTION = "Does this ECG show sinus rhythm?"
ANSWER = "no: the criteria for sinus rhythm are not met"
SCREENSHOT_ENV = "ECG_AGENT_UI_SCREENSHOT"  # also save the screenshot there (docs/screenshots/chat.png)
START_TIMEOUT_S = 90
ANSWER_TIMEOUT_MS = 240_000
SEND_ATTEMPTS = 12

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Debian chromium at {CHROMIUM}")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_ui(data: Path, log: Path):
    """`ecg-agent ui` on a free port: evidence only (no LLM), with retrieval, sessions in ``data``."""
    port = free_port()
    with log.open("ab") as output:
        process = subprocess.Popen([sys.executable, "-m", "cli.main", "ui", "--port", str(port), "--host",
                                    "127.0.0.1", "--no-llm", "--data", str(data)], cwd=ROOT, start_new_session=True,
                                   stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.read() == b"ok":
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not start: {log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_upload_ask_see_plot_and_answer_then_reload_and_restart(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    data, log = tmp_path / "data", tmp_path / "streamlit.log"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1250})
            with running_ui(data, log) as url:
                page.goto(url)
                chat = page.get_by_test_id("stChatInput")
                chat.wait_for(timeout=ANSWER_TIMEOUT_MS)
                chat.locator("input[type=file]").set_input_files([EXAMPLE.with_suffix(".hea"),
                                                                  EXAMPLE.with_suffix(".dat")])
                page.get_by_test_id("stChatInputTextArea").fill(QUESTION)
                send_once_uploaded(page, expect)

                expect(page.get_by_test_id("stImage").locator("img")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
                expect(page.get_by_text(ANSWER)).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
                expect(page.get_by_text(re.compile(r"^Similar reports \(\d+\)$"))).to_be_visible()
                expect(page.get_by_role("cell", name="qt_interval_ms", exact=True)).to_be_visible()
                session = re.search(r"session=([0-9a-f]{32})", page.url).group(1)
                page.get_by_role("heading", name="ECG chat").scroll_into_view_if_needed()
                page.screenshot(path=str(tmp_path / "chat.png"))
                assert (tmp_path / "chat.png").stat().st_size > 10_000
                if os.environ.get(SCREENSHOT_ENV):
                    shutil.copy(tmp_path / "chat.png", os.environ[SCREENSHOT_ENV])
                page.get_by_text(re.compile(r"^Statements \(\d+\)$")).click()
                expect(page.get_by_text("s:SBRAD", exact=True)).to_be_visible()

                page.reload()  # the session comes back from the URL
                expect_restored(page, expect)

            with running_ui(data, log) as url:  # a new server on the same store
                page.goto(f"{url}/?session={session}")
                expect_restored(page, expect)
        finally:
            browser.close()


def send_once_uploaded(page, expect) -> None:
    """Send the chat input; Streamlit ignores a send while the attached files are still uploading,
    so send again until the box empties (the message left)."""
    box = page.get_by_test_id("stChatInputTextArea")
    for _ in range(SEND_ATTEMPTS):
        page.get_by_role("button", name="Send message").click()
        try:
            expect(box).to_have_value("", timeout=5_000)
            return
        except AssertionError:
            continue
    raise AssertionError(f"the chat input did not send after {SEND_ATTEMPTS} attempts")


def expect_restored(page, expect) -> None:
    expect(page.get_by_text(QUESTION)).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.get_by_text(ANSWER)).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.get_by_test_id("stImage").locator("img")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
