"""Failed signing attempts are limited per signer, in memory and in Redis."""

from __future__ import annotations

import time
import uuid

import pytest
import redis
from limits.storage import MemoryStorage

from service.plumbing.config import Settings
from service.signatures.attempts import KEY_PREFIX, AttemptLimiter, attempt_limiter

REDIS_URL = "redis://127.0.0.1:6379/0"
NIP, OTHER_NIP = "196804111993031009", "197001012000011001"


@pytest.fixture
def clock(monkeypatch):
    """The wall clock ``limits`` and the limiter read, moved by the test instead of waited for."""
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def test_memory_limiter_locks_out_after_the_limit_until_the_oldest_failure_ages_out(clock):
    limiter = AttemptLimiter(MemoryStorage(), limit=2, window=900)
    assert limiter.retry_after(NIP) == 0
    limiter.failed(NIP)
    assert limiter.retry_after(NIP) == 0
    clock[0] += 300
    limiter.failed(NIP)
    assert limiter.retry_after(NIP) == 600  # until the first failure is 15 minutes old
    assert limiter.retry_after(OTHER_NIP) == 0  # others unaffected
    clock[0] += 601
    assert limiter.retry_after(NIP) == 0  # the first failure aged out
    limiter.failed(NIP)
    assert limiter.retry_after(NIP) > 0  # the second still counts: a moving window, not a fresh one
    limiter.reset(NIP)
    assert limiter.retry_after(NIP) == 0


def test_a_fractional_window_is_rounded_up_to_whole_seconds():
    limiter = AttemptLimiter(MemoryStorage(), limit=1, window=0.2)
    limiter.failed(NIP)
    assert limiter.retry_after(NIP) == 1


def test_without_redis_the_count_is_kept_in_this_process():
    settings = Settings(signing_attempts=1, signing_window=60)
    a, b = attempt_limiter(settings), attempt_limiter(settings)
    a.failed(NIP)
    assert a.retry_after(NIP) == 60
    assert b.retry_after(NIP) == 0


@pytest.fixture
def redis_nip():
    """A signer key of this test only, whose failures are deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as e:  # the server is part of this machine; say so plainly if absent
        pytest.fail(f"Redis at 127.0.0.1:6379 is not reachable: {e}")
    nip = f"test-{uuid.uuid4().hex}"
    yield client, nip
    for key in client.scan_iter(f"{KEY_PREFIX}:*{nip}*"):
        client.delete(key)
    client.close()


@pytest.mark.redis
def test_redis_limiters_share_the_count_under_the_service_prefix(redis_nip):
    client, nip = redis_nip
    settings = Settings(redis_url=REDIS_URL, signing_attempts=2, signing_window=60)
    a, b = attempt_limiter(settings), attempt_limiter(settings)
    a.failed(nip)
    assert b.retry_after(nip) == 0
    b.failed(nip)
    assert 59 <= a.retry_after(nip) <= 60
    assert b.retry_after(nip) > 0
    assert all(key.startswith(f"{KEY_PREFIX}:".encode()) for key in client.scan_iter(f"*{nip}*"))
    assert any(client.scan_iter(f"*{nip}*"))
    b.reset(nip)
    assert a.retry_after(nip) == 0
    assert not any(client.scan_iter(f"*{nip}*"))
