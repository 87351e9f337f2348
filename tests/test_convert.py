"""The LibreOffice pool: PDF/A out, signature spot found, crashes and hangs survived.

The tests on a running pool use the session's (``libreoffice``), which the
printed-letter tests share; the ones about starting, recycling and stopping a
pool start their own.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from pyhanko.pdf_utils.reader import PdfFileReader

from service.issuing.convert import ConverterPool
from signing import find_destination

from .support import pdf_text

pytestmark = pytest.mark.slow


def letter_docx(text: str = "Surat permohonan pelibatan pejabat fungsional") -> bytes:
    doc = Document()
    doc.add_paragraph(text)
    para = doc.add_paragraph()
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), "0")
    start.set(qn("w:name"), "ttd")
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), "0")
    para._p.append(start)
    para.add_run("Kepala Dinas,")
    para._p.append(end)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.fixture
def pool(libreoffice):
    return libreoffice


def test_converts_to_pdfa2b_with_the_text(pool):
    pdf = pool.convert(letter_docx())
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf and b"<pdfaid:conformance>B</pdfaid:conformance>" in pdf
    assert "Surat permohonan pelibatan pejabat fungsional" in pdf_text(pdf)


def test_bookmark_becomes_a_destination_on_its_page(pool):
    reader = PdfFileReader(io.BytesIO(pool.convert(letter_docx())))
    page, x, top = find_destination(reader, "ttd")
    assert page == 0 and 50 < x < 200 and 600 < top < 842
    assert find_destination(reader, "tidak-ada") is None


def test_a_killed_converter_is_replaced_and_the_letter_comes_out(pool):
    victim = pool.pids()[0]
    os.killpg(victim, signal.SIGKILL)
    time.sleep(0.3)
    for _ in range(2):  # whichever process takes it, both letters come out
        assert "Surat" in pdf_text(pool.convert(letter_docx()))
    assert victim not in pool.pids() and len(pool.pids()) == 2


def test_a_hung_converter_is_killed_and_the_letter_retried(pool, monkeypatch):
    monkeypatch.setattr(pool, "timeout", 3)  # seconds: a tiny letter takes well under one
    for pid in pool.pids():
        os.killpg(pid, signal.SIGSTOP)  # every warm process hangs
    hung = set(pool.pids())
    assert "Surat" in pdf_text(pool.convert(letter_docx()))  # after one timeout, on a fresh one
    assert hung - set(pool.pids())  # the one that hung was replaced
    for pid in hung & set(pool.pids()):
        os.killpg(pid, signal.SIGCONT)


def test_concurrent_callers_all_get_their_letter(pool):
    texts = [f"Surat nomor {i} untuk uji serentak" for i in range(8)]
    with ThreadPoolExecutor(4) as workers:
        pdfs = list(workers.map(lambda t: pool.convert(letter_docx(t)), texts))
    assert [t in pdf_text(p) for t, p in zip(texts, pdfs)] == [True] * 8


def groups_gone(pids: list[int], within: float = 10.0) -> bool:
    """Whether the process groups of ``pids`` are all gone (SIGKILLed children take a moment to be reaped)."""
    deadline = time.monotonic() + within
    alive = set(pids)
    while alive and time.monotonic() < deadline:
        for pid in list(alive):
            try:
                os.killpg(pid, 0)
            except ProcessLookupError:
                alive.discard(pid)
        time.sleep(0.1)
    return not alive


def test_a_worn_converter_is_replaced_between_letters_and_stop_leaves_no_soffice_behind(tmp_path):
    """After its share of letters a process is swapped for a fresh one; no letter waits on a failure."""
    with ConverterPool(size=1, timeout=30, workdir=tmp_path, recycle_after=2) as pool:
        first = pool.pids()
        texts = [f"Surat nomor {i} sebelum dan sesudah pergantian" for i in range(3)]
        assert [t in pdf_text(pool.convert(letter_docx(t))) for t in texts] == [True] * 3  # the third on the new one
        assert len(pool.pids()) == 1 and pool.pids() != first
        assert groups_gone(first)
        last = pool.pids()
    assert groups_gone(last)  # stopped with the ``with`` block


def test_no_soffice_outlives_a_killed_service(tmp_path):
    """A service that dies without stopping its pool (SIGKILL, OOM) takes its LibreOffice with it."""
    with subprocess.Popen(
        [sys.executable, "-c", (
            "import sys, time\n"
            "from service.issuing.convert import ConverterPool\n"
            f"pool = ConverterPool(size=2, workdir={str(tmp_path)!r}).start()\n"
            "print(*pool.pids(), flush=True)\n"
            "time.sleep(600)\n"
        )],
        stdout=subprocess.PIPE, text=True,
    ) as service:
        try:
            pids = [int(p) for p in service.stdout.readline().split()]
            assert len(pids) == 2 and not groups_gone(pids, within=0)
        finally:
            service.kill()
    assert groups_gone(pids)
