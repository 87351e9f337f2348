"""Failed signing attempts are limited per signer, in memory and in Redis."""

from __future__ import annotations

import uuid

import pytest

from service.signatures.attempts import MemoryLimiter, RedisLimiter


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_memory_limiter_locks_out_after_the_limit_and_ages_out():
    clock = Clock()
    limiter = MemoryLimiter(limit=3, window=60, clock=clock)
    for _ in range(3):
        assert limiter.retry_after("196804111993031009") == 0
        limiter.failed("196804111993031009")
    assert limiter.retry_after("196804111993031009") == 60
    assert limiter.retry_after("197001012000011001") == 0  # others unaffected
    clock.now += 30
    assert limiter.retry_after("196804111993031009") == 30
    clock.now += 30.5
    assert limiter.retry_after("196804111993031009") == 0
    limiter.failed("196804111993031009")
    limiter.reset("196804111993031009")
    assert limiter.retry_after("196804111993031009") == 0


def test_redis_limiter_is_shared_between_instances():
    prefix = f"suratkerja-test:{uuid.uuid4().hex}:"
    try:
        a = RedisLimiter("redis://127.0.0.1:6379/0", limit=2, window=60, prefix=prefix)
        a.redis.ping()
    except Exception as e:  # the service is part of this machine; say so plainly if absent
        pytest.fail(f"Redis at 127.0.0.1:6379 is not reachable: {e}")
    b = RedisLimiter("redis://127.0.0.1:6379/0", limit=2, window=60, prefix=prefix)
    a.failed("196804111993031009")
    b.failed("196804111993031009")
    assert 59 <= a.retry_after("196804111993031009") <= 60
    assert b.retry_after("196804111993031009") > 0
    b.reset("196804111993031009")
    assert a.retry_after("196804111993031009") == 0
    a.redis.close()
    b.redis.close()
