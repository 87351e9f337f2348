"""pyHanko's coroutines on a loop kept per thread: signing and verifying from many threads,
as the service's request threads do, and an operation that fails half-way."""

from __future__ import annotations

import asyncio
import gc
import os
import threading

import pytest

from signing import PadesLevel, sign_pdf
from signing.loop import run


def _open_selectors() -> int:
    """The epoll instances this process holds: one per event loop not yet closed.

    Only these are counted, not every descriptor: other tests of the same
    process (servers, thread pools, the test runner's own channel) open and
    close files of their own at any moment.
    """
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}") == "anon_inode:[eventpoll]"
        except OSError:  # closed meanwhile (the listing's own descriptor among them)
            pass
    return count


def test_threads_that_sign_and_verify_leave_no_event_loop_open(pki, signer, timestamper, letter_pdf):
    """A thread keeps one event loop for pyHanko (selector, self-pipe) and closes it when it ends."""
    verdicts = []

    def sign_and_verify():
        signed = sign_pdf(letter_pdf, signer, field_name="ttd", level=PadesLevel.B_T, timestamper=timestamper)
        verdicts.append(pki.verify(signed).indication)

    sign_and_verify()  # what stays open for the process (the TSA connection) is opened here
    before = _open_selectors()
    for _ in range(10):
        thread = threading.Thread(target=sign_and_verify)
        thread.start()
        thread.join()
    gc.collect()
    assert verdicts == ["TOTAL_PASSED"] * 11
    assert _open_selectors() == before


def test_what_a_failed_operation_started_does_not_run_in_the_next():
    ran = []

    async def fails_after_starting_a_task():
        async def later():
            await asyncio.sleep(0)
            ran.append("later")

        asyncio.ensure_future(later())
        raise ValueError("broken")

    with pytest.raises(ValueError):
        run(fails_after_starting_a_task())
    assert run(asyncio.sleep(0.01, result="next")) == "next"
    assert ran == []
