"""The UNO client of one converter, run as its own process beside its soffice.

Why a process of its own: PyUNO keeps a few hundred bytes for every document
it opens and closes, and gives them back neither when the document is closed
nor when the bridge and its soffice are replaced. Inside the service that is
0.5 KB per letter for as long as the service runs; here it goes away with the
process each time the pool recycles its converter.

Run as a script (``python -I uno_worker.py SOFFICE WORKDIR FILTER_JSON``), not
imported: it needs neither Flask nor the ``service`` package, and the service
no longer imports ``uno``. It starts soffice in its own process group (the
pool starts this worker as the leader of a new session, so one ``killpg``
ends both), and speaks one JSON line per message on stdin/stdout:

- to the pool, once soffice answers: ``{"ready": true, "soffice": PID}``,
  or ``{"error": "..."}`` before exiting;
- from the pool: ``{"source": DOCX_PATH, "target": PDF_PATH}``;
- to the pool: ``{"ok": true}`` once the PDF is written, or ``{"error": "..."}``.

When stdin closes (the service stopped or died), the worker kills its
process group, soffice included, so no LibreOffice outlives its service.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue

START_TIMEOUT = 60.0


def prop(name: str, value) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_soffice(soffice: str, workdir: Path) -> tuple[subprocess.Popen, object]:
    """soffice with its own profile on a free loopback port, and its UNO desktop."""
    port = free_port()
    proc = subprocess.Popen(
        [
            soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
            "--nolockcheck", f"-env:UserInstallation={(workdir / 'profile').as_uri()}",
            f"--accept=socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
            return proc, ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # NoConnectException until soffice listens
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("soffice did not start") from None
            time.sleep(0.1)


def convert(desktop, source: Path, target: Path, pdf_filter: dict):
    """One DOCX → PDF through the warm desktop; returns the document, still open.

    The caller answers first and closes the document after: closing takes
    some 5 ms the letter need not wait for.
    """
    target.unlink(missing_ok=True)
    doc = desktop.loadComponentFromURL(source.as_uri(), "_blank", 0, (prop("Hidden", True), prop("ReadOnly", True)))
    if doc is None:
        raise RuntimeError("LibreOffice could not open the DOCX")
    try:
        filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", tuple(prop(k, v) for k, v in pdf_filter.items()))
        uno.invoke(doc, "storeToURL", (
            target.as_uri(), (prop("FilterName", "writer_pdf_Export"), prop("FilterData", filter_data)),
        ))
    except BaseException:
        doc.close(True)
        raise
    return doc


def answer(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(soffice: str, workdir: str, filter_json: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the service shuts its converters down itself
    pdf_filter = json.loads(filter_json)
    try:
        proc, desktop = start_soffice(soffice, Path(workdir))
    except Exception as e:
        answer({"error": str(e)})
        os.killpg(os.getpgrp(), signal.SIGKILL)
    answer({"ready": True, "soffice": proc.pid})
    for line in sys.stdin:
        request = json.loads(line)
        try:
            doc = convert(desktop, Path(request["source"]), Path(request["target"]), pdf_filter)
        except Exception as e:  # soffice died or refused the file: the pool decides what follows
            answer({"error": repr(e)})
        else:
            answer({"ok": True})
            try:
                doc.close(True)
            except Exception:  # soffice died after writing the PDF: end, and the pool replaces us
                break
    os.killpg(os.getpgrp(), signal.SIGKILL)


if __name__ == "__main__":
    main(*sys.argv[1:])
