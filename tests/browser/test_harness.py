"""The browser harness itself: a close that Chromium never answers cannot stall the test run."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

import pytest

from .conftest import Chromium

pytestmark = pytest.mark.browser


def _resume(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # killed by the watchdog, as it should have been
        os.kill(pid, signal.SIGCONT)


def test_a_close_chromium_never_answers_ends_by_killing_it_and_the_next_test_gets_a_new_browser(browser) -> None:
    chromium = Chromium(browser.playwright, browser.executable)  # its own, so the shared one is untouched
    try:
        assert chromium.browser_pid is not None, "the new browser's process was not found under this one"
        context = chromium.new_context()
        context.new_page().set_content("<p>a page</p>")
        pid = chromium.browser_pid
        os.kill(pid, signal.SIGSTOP)  # the browser stops answering, as in the stalled run
        # without the watchdog the close would wait for ever: let the browser go on after 20 s, so the
        # test then fails on the time it took instead of hanging
        rescue = threading.Timer(20, _resume, args=(pid,))
        rescue.daemon = True
        rescue.start()
        started = time.monotonic()
        try:
            with pytest.warns(UserWarning, match="did not close within 2 s and was killed"):
                chromium.close(context, limit_s=2)
        finally:
            rescue.cancel()
        assert time.monotonic() - started < 15
        assert chromium.kills == 1
        assert not chromium.browser.is_connected()
        page = chromium.new_context().new_page()  # launched again
        page.set_content("<p id=back>back</p>")
        assert page.text_content("#back") == "back"
        assert browser.browser.is_connected(), "the shared browser was killed too"
    finally:
        chromium.close(chromium.browser)
