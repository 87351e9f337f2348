"""Failed signing attempts, limited per signer.

A wrong passphrase costs an attempt; after ``limit`` failures within
``window`` seconds the signer is locked out until the oldest failure ages
out. Several service processes share the count through Redis; without Redis
(the embedded defaults, one process) it is kept in memory.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict, deque
from typing import Protocol


class AttemptLimiter(Protocol):
    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again; 0 if it may try now."""

    def failed(self, key: str) -> None:
        """Record one failed attempt of ``key``."""

    def reset(self, key: str) -> None:
        """Forget ``key``'s failures (after a success)."""


class MemoryLimiter:
    def __init__(self, limit: int, window: float, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        failures, horizon = self._failures[key], self.clock() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        return failures

    def retry_after(self, key: str) -> int:
        with self._lock:
            failures = self._recent(key)
            if len(failures) < self.limit:
                return 0
            return max(1, int(failures[0] + self.window - self.clock() + 0.999))

    def failed(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(self.clock())

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


class RedisLimiter:
    """The same policy in a Redis sorted set per key, shared by processes."""

    def __init__(self, url: str, limit: int, window: float, prefix: str = "suratkerja:gagal:"):
        import redis

        self.redis = redis.Redis.from_url(url)
        self.limit, self.window, self.prefix = limit, window, prefix

    def retry_after(self, key: str) -> int:
        name, now = self.prefix + key, time.time()
        pipe = self.redis.pipeline()
        pipe.zremrangebyscore(name, 0, now - self.window)
        pipe.zrange(name, 0, 0, withscores=True)
        pipe.zcard(name)
        _, oldest, count = pipe.execute()
        if count < self.limit:
            return 0
        return max(1, int(oldest[0][1] + self.window - now + 0.999))

    def failed(self, key: str) -> None:
        name, now = self.prefix + key, time.time()
        pipe = self.redis.pipeline()
        pipe.zadd(name, {f"{now:.6f}-{uuid.uuid4().hex[:8]}": now})
        pipe.expire(name, int(self.window) + 1)
        pipe.execute()

    def reset(self, key: str) -> None:
        self.redis.delete(self.prefix + key)
