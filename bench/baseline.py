"""The way most e-office back ends make a signed letter today, to measure against.

Per letter, in a worker process:

1. render: docxtpl fills the letter's template from the same context the
   service builds (the request validated by the service's own code, before
   the clock starts: the baseline is not charged for validation);
2. convert: a fresh ``soffice --headless --convert-to pdf`` process per
   letter, with the service's PDF/A-2b export options; each worker keeps its
   own LibreOffice profile (``-env:UserInstallation``), created before the
   clock starts, so parallel workers do not collide and none pays for a
   first start;
3. sign: pyHanko's stock ``SimpleSigner.load_pkcs12`` (the official's
   passphrase, as the service gets it) and ``PdfSigner.sign_pdf``, at the
   service's default level PAdES B-T: certified, time-stamped by pyHanko's
   stock ``HTTPTimeStamper`` against a local TSA of the same development PKI,
   with a visible QR stamp in pyHanko's default style; the signed PDF is
   written to disk.

C workers take one letter at a time each, so C letters are in flight.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import signal
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from workload import REPO, Letter, passphrase

START_TIMEOUT = 300.0
CONVERT_TIMEOUT = 120.0
STAMP_BOX = (300, 40, 540, 130)
"""Where the visible signature goes on page 1 (a naive back end has no bookmark to read)."""

_worker: dict = {}
"""What a worker process keeps between letters (set by :func:`_start_worker`)."""


def export_filter() -> str:
    """``--convert-to`` with the service's own PDF/A export options, in LibreOffice's JSON syntax."""
    from service.issuing.convert.process import PDFA_FILTER

    typed = {
        name: {"type": "boolean", "value": str(value).lower()} if isinstance(value, bool)
        else {"type": "long", "value": str(value)}
        for name, value in PDFA_FILTER.items()
    }
    return "pdf:writer_pdf_Export:" + json.dumps(typed)


def _start_worker(pki: Path, tsa_url: str, workdir: Path, ready) -> None:
    """Load what the service's validation needs, make the LibreOffice profile, wait for the others."""
    from service.chain import PROFILE_RULE_KEYS
    from service.wilayah import load_profiles

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl+C and shuts the pool down
    home = workdir / f"worker-{os.getpid()}"
    (home / "profile").mkdir(parents=True)
    _worker.update(pki=pki, tsa_url=tsa_url, home=home, filter=export_filter(),
                   profiles=load_profiles(PROFILE_RULE_KEYS))
    _first_start(home)
    ready.wait(START_TIMEOUT)


def _first_start(home: Path) -> None:
    """One throw-away conversion: LibreOffice creates its profile on its first start."""
    sample = home / "start.txt"
    sample.write_text("LibreOffice profile\n", encoding="utf-8")
    _convert(sample, home)


def _wait_ready(_: int) -> int:
    return os.getpid()


def _convert(source: Path, outdir: Path) -> Path:
    """One fresh soffice process, in its own process group so nothing of it outlives a failure."""
    proc = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={(outdir / 'profile').as_uri()}", "--headless",
         "--convert-to", _worker["filter"], "--outdir", str(outdir), str(source)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        if proc.wait(timeout=CONVERT_TIMEOUT):
            raise RuntimeError(f"soffice failed with {proc.returncode}")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return outdir / f"{source.stem}.pdf"


def _input(index: int, letter: Letter):
    """Validated data, number and date of a letter: the same the service prints (not timed)."""
    from service.issuing.numbering import format_nomor
    from service.issuing.validation import validate_letter

    valid = validate_letter(letter.jenis, letter.request, _worker["profiles"])
    tanggal = valid.data["tanggal"] or dt.date.today()
    nomor = format_nomor(valid.profile, letter.jenis, index + 1, valid.data["pengirim"]["kode"], tanggal.year)
    return valid, nomor, tanggal


def _render(valid, nomor: str, tanggal: dt.date, target: Path) -> None:
    from docxtpl import DocxTemplate

    from service.issuing.render import ENVIRONMENT, letter_context
    from service.plumbing.config import Settings

    template = DocxTemplate(REPO / "letter_templates" / valid.letter_type.template)
    template.render(letter_context(valid, nomor=nomor, tanggal=tanggal, template=template,
                                   footer=Settings().footer),
                    jinja_env=ENVIRONMENT, autoescape=True)
    template.save(target)


def _sign(pdf: Path, nip: str, secret: str, target: Path) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko.stamp import QRStampStyle

    signer = signers.SimpleSigner.load_pkcs12(str(_worker["pki"] / "officials" / f"{nip}.p12"),
                                              passphrase=secret.encode())
    meta = signers.PdfSignatureMetadata(field_name="TTD", md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES, certify=True)
    pdf_signer = signers.PdfSigner(
        meta, signer, timestamper=HTTPTimeStamper(_worker["tsa_url"]), stamp_style=QRStampStyle(),
        new_field_spec=fields.SigFieldSpec("TTD", on_page=0, box=STAMP_BOX),
    )
    with pdf.open("rb") as unsigned, target.open("wb") as out:
        pdf_signer.sign_pdf(IncrementalPdfFileWriter(unsigned), output=out,
                            appearance_text_params={"url": f"https://surat.example/verifikasi/{pdf.stem}"})


def make_letter(index: int, letter: Letter) -> dict:
    """Render, convert and sign one letter; its total and per-step milliseconds."""
    valid, nomor, tanggal = _input(index, letter)
    secret = passphrase(_worker["pki"], letter.nip)
    home: Path = _worker["home"]
    docx, signed = home / f"surat-{index}.docx", home / f"surat-{index}-signed.pdf"
    marks = [time.perf_counter()]
    _render(valid, nomor, tanggal, docx)
    marks.append(time.perf_counter())
    pdf = _convert(docx, home)
    marks.append(time.perf_counter())
    _sign(pdf, letter.nip, secret, signed)
    marks.append(time.perf_counter())
    for path in (docx, pdf, signed):
        path.unlink()
    steps = [round((b - a) * 1000, 1) for a, b in zip(marks, marks[1:])]
    return {"ms": round((marks[-1] - marks[0]) * 1000, 1), "stages": dict(zip(("render", "convert", "sign"), steps))}


def run(letters: list[Letter], workers: int, pki: Path, tsa_url: str, workdir: Path) -> tuple[list[dict], float]:
    """Every letter through ``workers`` processes; the per-letter results and the wall time (s)."""
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(workers + 1)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(pki, tsa_url, workdir, ready)) as pool:
        try:
            starting = [pool.submit(_wait_ready, i) for i in range(workers)]
            ready.wait(START_TIMEOUT)
            for future in starting:
                future.result()
            started = time.perf_counter()
            results = list(pool.map(make_letter, range(len(letters)), letters))
            return results, time.perf_counter() - started
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
