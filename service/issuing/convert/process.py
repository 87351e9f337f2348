"""One warm LibreOffice process, driven through its own UNO worker process.

Each converter is a process group: :mod:`uno_worker` (its leader) and the
soffice it starts. Each has its own user profile (two soffice processes must
never share one) and its own loopback port. A conversion is a
``loadComponentFromURL`` + ``storeToURL`` in the worker: about 70 ms for a
one-page letter, against a second for a cold ``soffice --convert-to``. The
DOCX and the PDF pass through files in the converter's directory; the pipe
carries one short JSON line each way.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

WORKER = Path(__file__).with_name("uno_worker.py")

PDFA_FILTER = {
    "SelectPdfVersion": 2,  # PDF/A-2b
    "ExportBookmarksToPDFDestination": True,  # the `ttd` bookmark becomes a named destination
    "UseTaggedPDF": True,
}


class SofficeProcess:
    """A started converter with a live UNO desktop, converting one letter at a time.

    ``pid`` is the worker's, which leads the process group soffice runs in.
    """

    def __init__(self, soffice: str, workdir: Path, name: str):
        self.workdir = workdir / name
        shutil.rmtree(self.workdir, ignore_errors=True)
        (self.workdir / "profile").mkdir(parents=True)
        self.proc = subprocess.Popen(
            # -I: the worker sees neither the service's directory nor PYTHON* variables
            [sys.executable, "-I", str(WORKER), soffice, str(self.workdir), json.dumps(PDFA_FILTER)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True,
        )
        self.pid = self.proc.pid
        self.conversions = 0
        ready = self._receive()
        if "ready" not in ready:
            self.kill()
            raise RuntimeError(f"converter {self.pid} did not start: {ready.get('error')}")
        logger.info("converter %d ready (soffice %d)", self.pid, ready["soffice"])

    def _receive(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:  # killed (by the watchdog, or from outside) or crashed
            return {"error": f"converter {self.pid} is gone"}
        return json.loads(line)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def convert(self, docx: bytes) -> bytes:
        """DOCX bytes → PDF/A-2b bytes.

        :raises RuntimeError: LibreOffice failed, or the converter died (or was killed) meanwhile.
        """
        source, target = self.workdir / "surat.docx", self.workdir / "surat.pdf"
        source.write_bytes(docx)
        try:
            self.proc.stdin.write(json.dumps({"source": str(source), "target": str(target)}).encode() + b"\n")
            self.proc.stdin.flush()
        except OSError as e:  # BrokenPipeError: the worker is gone
            raise RuntimeError(f"converter {self.pid} is gone") from e
        reply = self._receive()
        if not reply.get("ok"):
            raise RuntimeError(reply.get("error"))
        self.conversions += 1
        return target.read_bytes()

    def kill(self) -> None:
        """Kill the whole process group: the worker, soffice's launcher and soffice.bin."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        shutil.rmtree(self.workdir, ignore_errors=True)
