"""One warm LibreOffice process and the PyUNO connection to it.

Each process has its own user profile (two soffice processes must never
share one) and listens on its own loopback port. A conversion is a
``loadComponentFromURL`` + ``storeToURL`` through the connection: about 70 ms
for a one-page letter, against a second for a cold ``soffice --convert-to``.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue

logger = logging.getLogger(__name__)

START_TIMEOUT = 60.0

PDFA_FILTER = {
    "SelectPdfVersion": 2,  # PDF/A-2b
    "ExportBookmarksToPDFDestination": True,  # the `ttd` bookmark becomes a named destination
    "UseTaggedPDF": True,
}


def _prop(name: str, value) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SofficeProcess:
    """A started soffice with a live UNO desktop, converting one letter at a time."""

    def __init__(self, soffice: str, workdir: Path, name: str):
        self.workdir = workdir / name
        shutil.rmtree(self.workdir, ignore_errors=True)
        (self.workdir / "profile").mkdir(parents=True)
        port = _free_port()
        self.proc = subprocess.Popen(
            [
                soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
                "--nolockcheck", f"-env:UserInstallation={(self.workdir / 'profile').as_uri()}",
                f"--accept=socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.pid = self.proc.pid
        self.conversions = 0
        self.desktop = self._connect(port)
        logger.info("soffice %d ready on port %d", self.pid, port)

    def _connect(self, port: int):
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
                return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            except Exception:  # NoConnectException until soffice listens
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError(f"soffice {self.pid} did not start") from None
                time.sleep(0.1)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def convert(self, docx: bytes) -> bytes:
        """DOCX bytes → PDF/A-2b bytes. Raises whatever UNO raises if soffice dies."""
        source, target = self.workdir / "surat.docx", self.workdir / "surat.pdf"
        source.write_bytes(docx)
        target.unlink(missing_ok=True)
        doc = self.desktop.loadComponentFromURL(
            source.as_uri(), "_blank", 0, (_prop("Hidden", True), _prop("ReadOnly", True)),
        )
        if doc is None:
            raise RuntimeError("LibreOffice could not open the DOCX")
        try:
            filter_data = uno.Any(
                "[]com.sun.star.beans.PropertyValue",
                tuple(_prop(k, v) for k, v in PDFA_FILTER.items()),
            )
            uno.invoke(doc, "storeToURL", (
                target.as_uri(), (_prop("FilterName", "writer_pdf_Export"), _prop("FilterData", filter_data)),
            ))
        finally:
            doc.close(True)
        self.conversions += 1
        return target.read_bytes()

    def kill(self) -> None:
        """Kill the whole process group (soffice forks oosplash/soffice.bin)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        shutil.rmtree(self.workdir, ignore_errors=True)
