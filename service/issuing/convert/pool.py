"""A supervised pool of warm LibreOffice processes.

Callers from any thread ask for a conversion; an idle process takes it. A
process that has died is replaced before use; a conversion that fails or
hangs past the timeout has its process killed (a watchdog kills it while the
caller is still blocked inside UNO, which makes that call raise) and
replaced, and the letter is retried once on a fresh process. A process that
has converted :data:`RECYCLE_AFTER` letters is replaced in the background:
LibreOffice's memory only grows (from about 200 MB after its first letters,
some 5 MB per thousand letters with an occasional jump of 15 MB: 235 MB
was seen after a thousand).
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from pathlib import Path

from ...plumbing.config import Settings
from .errors import ConversionFailed
from .process import SofficeProcess

logger = logging.getLogger(__name__)

RECYCLE_AFTER = Settings.converter_recycle_after
"""Letters a LibreOffice process converts before a fresh one takes its place (the setting's default)."""


class ConverterPool:
    """:param size: processes kept warm (default: one per CPU core).
    :param timeout: seconds one conversion may take before its process is killed.
    """

    def __init__(self, size: int | None = None, timeout: float = 30.0, soffice: str = "soffice",
                 workdir: Path | None = None, recycle_after: int = RECYCLE_AFTER):
        self.size = size or os.cpu_count() or 1
        self.timeout = timeout
        self.recycle_after = recycle_after
        self.soffice = soffice
        self.workdir = Path(workdir or Path.cwd() / "konversi")
        self._idle: queue.Queue[SofficeProcess] = queue.Queue()
        self._all: list[SofficeProcess] = []
        self._lock = threading.Lock()
        self._serial = 0
        self._started = False
        self._recycling: list[threading.Thread] = []

    def _spawn(self) -> SofficeProcess:
        with self._lock:
            self._serial += 1
            name = f"lo-{os.getpid()}-{self._serial}"
        proc = SofficeProcess(self.soffice, self.workdir, name)
        with self._lock:
            self._all.append(proc)
        return proc

    def _retire(self, proc: SofficeProcess) -> None:
        proc.kill()
        with self._lock:
            if proc in self._all:
                self._all.remove(proc)

    def start(self) -> "ConverterPool":
        if self._started:
            return self
        self.workdir.mkdir(parents=True, exist_ok=True)
        for _ in range(self.size):
            self._idle.put(self._spawn())
        self._started = True
        atexit.register(self.stop)
        return self

    def stop(self) -> None:
        self._started = False
        for thread in list(self._recycling):  # let a replacement being started finish, then kill it too
            thread.join()
        with self._lock:
            procs, self._all = list(self._all), []
        for proc in procs:
            proc.kill()

    def __enter__(self) -> "ConverterPool":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def pids(self) -> list[int]:
        with self._lock:
            return [p.pid for p in self._all]

    def _checkout(self) -> SofficeProcess:
        proc = self._idle.get()
        if proc.alive():
            return proc
        logger.warning("soffice %d found dead; replacing it", proc.pid)
        self._retire(proc)
        return self._spawn()

    def _attempt(self, proc: SofficeProcess, docx: bytes) -> bytes:
        """Convert on ``proc``; on success it goes back to the idle queue,
        on failure (or timeout) it is killed and ConversionFailed raised."""
        timed_out = threading.Event()

        def watchdog():
            timed_out.set()
            logger.error("soffice %d hung past %.1f s; killing it", proc.pid, self.timeout)
            proc.kill()

        timer = threading.Timer(self.timeout, watchdog)
        timer.start()
        started = time.monotonic()
        try:
            pdf = proc.convert(docx)
        except Exception as e:
            reason = "timeout" if timed_out.is_set() else repr(e)
            logger.warning("conversion on soffice %d failed (%s)", proc.pid, reason)
            self._retire(proc)
            raise ConversionFailed(reason) from e
        finally:
            timer.cancel()
        if timed_out.is_set():  # finished just as the watchdog fired
            self._retire(proc)
            self._idle.put(self._spawn())
        elif not self._recycle(proc):
            self._idle.put(proc)
        logger.debug("converted on soffice %d in %.0f ms", proc.pid, (time.monotonic() - started) * 1000)
        return pdf

    def convert(self, docx: bytes) -> bytes:
        """DOCX → PDF/A-2b; after a failure, retried once on a fresh process
        (which then replaces the failed one in the pool).

        :raises ConversionFailed: both attempts failed.
        """
        if not self._started:
            raise ConversionFailed("converter pool is not started")
        try:
            return self._attempt(self._checkout(), docx)
        except ConversionFailed as first:
            logger.info("retrying the letter once on a fresh soffice after: %s", first)
        try:
            return self._attempt(self._spawn(), docx)
        except Exception as e:
            self._replenish()
            if isinstance(e, ConversionFailed):
                raise
            raise ConversionFailed("no replacement soffice could start") from e

    def _recycle(self, proc: SofficeProcess) -> bool:
        """Replace ``proc`` off the caller's path once it has converted its share.

        One process at a time, so the pool is never more than one short.

        :return: whether ``proc`` is being replaced (else it may go back to work).
        """

        def replace():
            try:
                self._retire(proc)
                if self._started:
                    self._replenish()
            finally:
                self._recycling.remove(threading.current_thread())

        with self._lock:
            if proc.conversions < self.recycle_after or self._recycling:
                return False
            thread = threading.Thread(target=replace, name=f"recycle-soffice-{proc.pid}", daemon=True)
            self._recycling.append(thread)
        logger.info("soffice %d converted %d letters; replacing it", proc.pid, proc.conversions)
        thread.start()
        return True

    def _replenish(self) -> None:
        """Keep the pool at its size after a letter failed twice, or a process was recycled."""
        try:
            self._idle.put(self._spawn())
        except Exception:
            logger.exception("could not start a replacement soffice")
