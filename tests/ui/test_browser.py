"""The chat in a real headless Chromium: attach a WFDB pair, ask, see the plot and the answer."""

import os
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
SCREENSHOT_ENV = "ECG_AGENT_UI_SCREENSHOT"  # also save the screenshot there (docs/screenshots/chat.png)
START_TIMEOUT_S = 90
ANSWER_TIMEOUT_MS = 240_000

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Debian chromium at {CHROMIUM}")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`ecg-agent ui` on a free port: evidence only (no LLM), with retrieval, a fresh store."""
    port = free_port()
    data = tmp_path_factory.mktemp("ui-browser")
    process = subprocess.Popen([sys.executable, "-m", "cli.main", "ui", "--port", str(port), "--host", "127.0.0.1",
                                "--no-llm", "--data", str(data)], cwd=ROOT, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
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
                    pytest.fail(f"streamlit did not start: {process.stdout.read().decode(errors='replace')}")
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_upload_ask_and_see_plot_and_answer(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1250})
            page.goto(server)
            chat = page.get_by_test_id("stChatInput")
            chat.wait_for(timeout=ANSWER_TIMEOUT_MS)
            chat.locator("input[type=file]").set_input_files([EXAMPLE.with_suffix(".hea"),
                                                              EXAMPLE.with_suffix(".dat")])
            page.get_by_test_id("stChatInputTextArea").fill(QUESTION)
            page.get_by_test_id("stChatInputTextArea").press("Enter")

            expect(page.get_by_test_id("stImage").locator("img")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
            expect(page.get_by_text("no: the criteria for sinus rhythm are not met")).to_be_visible(
                timeout=ANSWER_TIMEOUT_MS)
            expect(page.get_by_text(re.compile(r"^Similar reports \(\d+\)$"))).to_be_visible()
            expect(page.get_by_role("cell", name="qt_interval_ms", exact=True)).to_be_visible()
            assert "session=" in page.url
            page.get_by_role("heading", name="ECG chat").scroll_into_view_if_needed()
            shot = tmp_path / "chat.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000
            if os.environ.get(SCREENSHOT_ENV):
                shutil.copy(shot, os.environ[SCREENSHOT_ENV])
            page.get_by_text(re.compile(r"^Statements \(\d+\)$")).click()
            expect(page.get_by_text("s:SBRAD", exact=True)).to_be_visible()

            page.reload()  # the session comes back from the URL
            expect(page.get_by_text(QUESTION)).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
            expect(page.get_by_test_id("stImage").locator("img")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        finally:
            browser.close()
