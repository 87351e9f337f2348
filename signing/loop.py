"""Run pyHanko's coroutines on one event loop per thread.

pyHanko is async at its core; its synchronous calls wrap each operation in
``asyncio.run``, which builds an event loop (selector, self-pipe, a query
of the clock) and tears it down again: for every signature, every size
estimate and every verification. Besides the time, each new loop makes
the interpreter intern a fresh copy of a name (``"adjustable"``, from the
clock query) and drop it again; together with the per-letter file names,
that churn made CPython's interned-string table double once, some 2 MiB,
after a few thousand letters. A loop kept per thread does none of that.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import TypeVar

T = TypeVar("T")

_local = threading.local()


class _KeptLoop:
    """A thread's loop, closed when the thread (and so this holder) goes away."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()

    def __del__(self):
        self.loop.close()


def run(coro: Coroutine[object, object, T], *, release=None) -> T:
    """Run ``coro`` to completion on this thread's loop.

    :param release: a pyHanko ``ValidationContext`` whose network sessions
        are closed once ``coro`` is done (as pyHanko's own sync calls do),
        while the loop that opened them still runs.
    """
    kept = getattr(_local, "kept", None)
    if kept is None:
        kept = _local.kept = _KeptLoop()
    try:
        return kept.loop.run_until_complete(_released(coro, release))
    finally:
        _cancel_leftovers(kept.loop)


def _cancel_leftovers(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the tasks an operation left behind (one that failed half-way), as ``asyncio.run`` does.

    On a kept loop they would otherwise run during the next operation.
    """
    tasks = asyncio.all_tasks(loop)
    if tasks:
        for task in tasks:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


async def _released(coro, release):
    try:
        return await coro
    finally:
        if release is not None:
            await release.aclose()
