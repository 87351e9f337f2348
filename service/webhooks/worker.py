"""``suratkerja worker``: the delivery loop, a process of its own beside the web service.

It shares nothing with the web processes but the registry and the instance
folder (the webhook key): any number of web processes write events, one or
more workers send them (a lease keeps two from sending one delivery at once).
It also forgets Idempotency-Keys older than 24 hours.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from ..idempotency import store
from ..plumbing.services import Services
from .delivery import deliver_due

logger = logging.getLogger(__name__)

PURGE_EVERY = 3600.0


def run(services: Services, *, interval: float = 1.0, timeout: float = 10.0,
        stop: threading.Event | None = None) -> None:
    """Deliver until ``stop`` is set (or forever): every ``interval`` seconds, each receiver given ``timeout``."""
    stop = stop or threading.Event()
    purged = 0.0
    logger.info("webhook worker started (interval %.1fs, timeout %.1fs)", interval, timeout)
    while not stop.is_set():
        if time.monotonic() - purged >= PURGE_EVERY:
            store.purge(services.sessions)
            purged = time.monotonic()
        try:
            deliver_due(services.sessions, services.settings.instance_dir, dt.datetime.now(dt.timezone.utc), timeout)
        except Exception:  # the registry away for a moment: log, and try again next round
            logger.exception("webhook delivery round failed")
        stop.wait(interval)
