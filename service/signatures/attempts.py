"""Failed signing attempts, limited per signer, counted by the ``limits`` library.

A wrong passphrase costs an attempt; after ``signing_attempts`` failures
within ``signing_window`` seconds the signer is locked out until the oldest
failure ages out. That is ``limits``' moving window, which keeps the time of
each failure: a fixed window would let twice the limit through across the
edge of two windows. Several service processes share the count through Redis
(``redis_url``); without Redis (the embedded defaults, one process) it is
kept in memory.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from ..plumbing.config import Settings

KEY_PREFIX = "suratkerja"
"""Prefix of the Redis keys (``suratkerja:gagal/<nip>/…``), apart from other users of the same server."""


class AttemptLimiter:
    """What signing asks about a signer's failures: may they try, count one, forget them."""

    def __init__(self, storage: Storage, limit: int, window: float):
        """
        :param storage: where failures are kept (memory, or Redis for several processes)
        :param limit: failures allowed within ``window``
        :param window: seconds; ``limits`` counts whole seconds, so a fraction is rounded up
        """
        self._limiter = MovingWindowRateLimiter(storage)
        self._item = RateLimitItemPerSecond(limit, math.ceil(window), namespace="gagal")

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again (at least 1 while locked out); 0 if it may try now."""
        stats = self._limiter.get_window_stats(self._item, key)
        if stats.remaining > 0:
            return 0
        return max(1, math.ceil(stats.reset_time - time.time()))

    def failed(self, key: str) -> None:
        """Record one failed attempt of ``key``."""
        self._limiter.hit(self._item, key)

    def reset(self, key: str) -> None:
        """Forget ``key``'s failures (after a success)."""
        self._limiter.clear(self._item, key)


def attempt_limiter(settings: Settings) -> AttemptLimiter:
    """The limiter the settings ask for: shared through ``redis_url`` if set, else in this process."""
    storage = RedisStorage(settings.redis_url, key_prefix=KEY_PREFIX) if settings.redis_url else MemoryStorage()
    return AttemptLimiter(storage, settings.signing_attempts, settings.signing_window)
