"""A time limit for a block of test code, so that a quadratic regex fails a test now, not in an hour."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


class TooSlow(Exception):
    """The block was still running when its time was up."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Abort the block after ``seconds`` (POSIX; elsewhere the block just runs).

    CPython's regex engine checks for signals while it matches, so the alarm interrupts it.
    """
    if not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise TooSlow(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
