"""The browser harness itself: a close that Chromium never answers cannot stall the test run."""

from __future__ import annotations

import os
import signal
import time

import pytest

from .conftest import Chromium

pytestmark = pytest.mark.browser


def test_a_close_chromium_never_answers_ends_by_killing_it_and_the_next_test_gets_a_new_browser(browser) -> None:
    chromium = Chromium(browser.playwright, browser.executable)  # its own, so the shared one is untouched
    try:
        assert chromium.browser_pid is not None, "the new browser's process was not found under this one"
        context = chromium.new_context()
        context.new_page().set_content("<p>a page</p>")
        os.kill(chromium.browser_pid, signal.SIGSTOP)  # the browser stops answering, as in the stalled run
        started = time.monotonic()
        with pytest.warns(UserWarning, match="did not close within 2 s and was killed"):
            chromium.close(context, limit_s=2)
        assert time.monotonic() - started < 15
        assert chromium.kills == 1
        assert not chromium.browser.is_connected()
        page = chromium.new_context().new_page()  # launched again
        page.set_content("<p id=back>back</p>")
        assert page.text_content("#back") == "back"
        assert browser.browser.is_connected(), "the shared browser was killed too"
    finally:
        chromium.close(chromium.browser)
