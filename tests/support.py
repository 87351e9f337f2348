"""What the tests share: sample requests, one development PKI and its NSS
database, a fake converter, and the HTTP calls a client makes.

Real LibreOffice takes a few hundred milliseconds per letter and seconds to
start; most tests are about numbering, rules, signing or verification, not
about the printed page, so they run on :class:`FakeConverter`, which turns
the rendered DOCX into a small real PDF in a few milliseconds. Tests about
conversion and the printed letter use the real pool (``libreoffice`` fixture).
"""

from __future__ import annotations

import io
import json
import subprocess
import textwrap
import threading
import zipfile
from pathlib import Path

from lxml import etree
from sqlalchemy import select

from service.access.keys import digest
from service.access.principal import RIGHTS
from service.plumbing.models import KunciApi

from service.issuing.convert import ConversionFailed
from service.signatures.signature import STAMP_HEIGHT

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "samples" / "requests"
PASSPHRASE = "kata-sandi-uji-1945"
"""The passphrase of every test official's PKCS#12 file."""


def sample(wilayah: str, jenis: str) -> dict:
    """A fresh copy of the sample request of a region and letter type."""
    return json.loads((SAMPLE_DIR / wilayah / f"{jenis}.json").read_text(encoding="utf-8"))


def all_samples() -> list[tuple[str, str]]:
    return [(p.parent.name, p.stem) for p in sorted(SAMPLE_DIR.glob("*/*.json"))]


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as poppler extracts it, whitespace folded to single spaces."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


# --- PKI -------------------------------------------------------------------

def make_pki(directory: Path, nips: set[str] | None = None) -> Path:
    """A development PKI in ``directory`` with a certificate for every official in the samples (or those of ``nips``)."""
    from signing.devpki import DevPki

    from service.devtools.samples import sample_officials

    officials = [o for o in sample_officials() if nips is None or o.nip in nips]
    DevPki(directory).ensure().add_officials(officials, PASSPHRASE.encode())
    return directory


def nss_database(directory: Path, root_pem: Path) -> str:
    """An NSS database in ``directory`` trusting ``root_pem``, for ``pdfsig -nssdir``."""
    db = f"sql:{directory}"
    subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-d", db, "-n", "root", "-t", "CT,C,C", "-i", str(root_pem)],
                   check=True, capture_output=True)
    return db


def pdfsig(pdf: bytes, nssdb: str, tmp_path: Path) -> str:
    """What poppler's ``pdfsig`` says about ``pdf``'s signatures."""
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", "-nssdir", nssdb, str(path)], capture_output=True, text=True).stdout


# --- the fake converter ----------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 595, 842, 56
FONT_SIZE, LEADING, LINE_CHARS = 9, 12, 100
SIGNATURE_X = 320
"""Where a signature block starts, as in the templates' right-hand column."""


def docx_paragraphs(docx: bytes) -> list[tuple[str, list[str]]]:
    """Each body paragraph (table cells included) in reading order: its text and the bookmarks it starts."""
    with zipfile.ZipFile(io.BytesIO(docx)) as parts:
        body = etree.fromstring(parts.read("word/document.xml")).find(f"{W}body")
    return [("".join((e.text or "") if e.tag == f"{W}t" else " " for e in p.iter(f"{W}t", f"{W}tab")),
             [b.get(f"{W}name") for b in p.iter(f"{W}bookmarkStart")])
            for p in body.iter(f"{W}p")]


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _layout(paragraphs) -> tuple[list[list[tuple[float, bytes]]], dict[str, tuple[int, float]]]:
    """Lines per page ``(y, text)`` and each bookmark's ``(page, top)``.

    A bookmarked paragraph is followed by room for the signature stamp that
    is drawn below it, on the same page, as in the real letters.
    """
    pages: list[list[tuple[float, bytes]]] = [[]]
    marks: dict[str, tuple[int, float]] = {}
    y = PAGE_HEIGHT - MARGIN
    for text, names in paragraphs:
        lines = textwrap.wrap(text, LINE_CHARS) or [""]
        needed = LEADING * len(lines) + (STAMP_HEIGHT + LEADING if names else 0)
        if y - needed < MARGIN and pages[-1]:
            pages.append([])
            y = PAGE_HEIGHT - MARGIN
        for line in lines:
            pages[-1].append((y, _pdf_string(line)))
            y -= LEADING
        for name in names:
            marks[name] = (len(pages) - 1, y)
        if names:
            y -= STAMP_HEIGHT + LEADING
    return pages, marks


def text_pdf(paragraphs) -> bytes:
    """A small PDF 1.7 in Helvetica with ``paragraphs`` ``[(text, bookmarks)]`` and a named destination per bookmark."""
    pages, marks = _layout(paragraphs)
    objects: list[bytes] = []  # object n is objects[n - 1]
    page_ids = [4 + 2 * i for i in range(len(pages))]
    dests = b" ".join(b"%s [%d 0 R /XYZ %d %.1f null]" % (_pdf_string(name), page_ids[page], SIGNATURE_X, top)
                      for name, (page, top) in sorted(marks.items()))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R /Lang (id-ID) /Names << /Dests << /Names [%s] >> >> >>" % dests)
    objects.append(b"<< /Type /Pages /Count %d /Kids [%s] >>"
                   % (len(pages), b" ".join(b"%d 0 R" % i for i in page_ids)))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for lines, page_id in zip(pages, page_ids):
        content = b"\n".join(b"BT /F1 %d Tf %d %.1f Td %s Tj ET" % (FONT_SIZE, MARGIN, y, s) for y, s in lines)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >>"
                       b" /Contents %d 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT, page_id + 1))
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content) + 1, content))
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, b"0" * 32, b"0" * 32, xref))
    return bytes(out)


class FakeConverter:
    """Stands in for :class:`service.issuing.convert.ConverterPool`: the DOCX's text as a small real PDF.

    The PDF carries every body paragraph (so ``pdftotext`` finds the nomor,
    the hal and the names) and a named destination per bookmark (``ttd``,
    ``ttdmengetahui1``…), so signed letters get their visible stamps where the
    real ones would. It is not PDF/A: that is LibreOffice's job, tested there.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.calls = 0
        self._failures = 0

    def fail_next(self, times: int = 1) -> None:
        """The next ``times`` conversions fail as LibreOffice failing even after its retry would."""
        with self._lock:
            self._failures += times

    def convert(self, docx: bytes) -> bytes:
        with self._lock:
            self.calls += 1
            failing, self._failures = self._failures > 0, max(self._failures - 1, 0)
        if failing:
            raise ConversionFailed("simulated")
        return text_pdf(docx_paragraphs(docx))


# --- what a client does over HTTP -----------------------------------------

JENIS = "permohonan-pelibatan"
SIGNER_NIP = "197005121998031006"
"""Who signs Hulu Sungai Selatan's sample request, the letter :func:`issue` makes by default."""


def issue(client, body: dict | None = None, jenis: str = JENIS, **overrides) -> dict:
    """Issue a letter (by default Hulu Sungai Selatan's sample request) and return the 201 body."""
    body = body or sample("hulu-sungai-selatan", jenis)
    body.update(overrides)
    response = client.post(f"/api/v1/surat/{jenis}", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def sign(client, surat_id: str, nip: str = SIGNER_NIP, passphrase: str = PASSPHRASE, **extra):
    return client.post(f"/api/v1/surat/{surat_id}/tandatangan", json={"nip": nip, "passphrase": passphrase, **extra})


def signers(body: dict) -> list[dict]:
    return [body["penandatangan"], *body.get("mengetahui", [])]


def signed_pdf(client, created: dict, body: dict) -> bytes:
    """A shared sample letter once everyone has signed (another test may already have signed it)."""
    for official in signers(body):
        sign(client, created["id"], nip="".join(official["nip"].split()))
    assert client.get(created["tautan"]["self"]).get_json()["status"] == "ditandatangani"
    return client.get(created["tautan"]["pdf"]).data
def refused_create_and_sign_keeps_no_number(client, wrong: str, right: str) -> None:
    """Create-and-sign refused for the ``wrong`` secret keeps no letter, and the next letter gets number 1."""
    body = sample("hulu-sungai-selatan", JENIS)
    url = f"/api/v1/surat/{JENIS}/terbit-tandatangan"
    refused = client.post(url, json={"surat": body, "passphrase": wrong})
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    assert client.get("/api/v1/surat").get_json()["total"] == 0
    created = client.post(url, json={"surat": body, "passphrase": right})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["status"] == "ditandatangani" and "/1/" in created.get_json()["nomor"]


def last_number(client) -> int:
    """The last number any unit's counter gave (0: none yet, the next letter takes 1)."""
    from sqlalchemy import func, select
    from service.plumbing.models import Penomoran
    with client.application.extensions["suratkerja"].sessions() as session:
        return session.scalar(select(func.max(Penomoran.terakhir))) or 0


def verify(client, pdf: bytes):
    return client.post("/api/v1/verifikasi", data=pdf, content_type="application/pdf")


# --- who calls --------------------------------------------------------------

HOST_ADMIN_TOKEN = "sk_00000001_" + "H" * 43
"""The key the default test clients carry: a host administrator's, with every right."""


def grant_key(services, token: str, *, wilayah: str | None = None, rights=RIGHTS, units=None) -> str:
    """Put the key ``token`` (``sk_<8 hex>_<43 characters>``) in ``services``' registry, once; returns ``token``.

    Tests use fixed tokens so that a client can carry one across registries;
    the service itself only ever makes random ones (:func:`service.access.keys.create_key`).
    """
    prefix = token[:11]
    with services.sessions.begin() as session:
        if session.scalar(select(KunciApi.id).where(KunciApi.prefiks == prefix)) is None:
            session.add(KunciApi(prefiks=prefix, hash=digest(token), wilayah=wilayah, nama=f"uji {prefix}",
                                 unit=sorted(units) if units else None, hak=sorted(rights)))
    return token


def bearer(client, token: str | None):
    """``client`` calling with ``token`` from now on (none: without credentials)."""
    if token is None:
        client.environ_base.pop("HTTP_AUTHORIZATION", None)
    else:
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def admin_client(app):
    """A test client of ``app`` carrying :data:`HOST_ADMIN_TOKEN`, granted in the app's current registry."""
    grant_key(app.extensions["suratkerja"], HOST_ADMIN_TOKEN)
    return bearer(app.test_client(), HOST_ADMIN_TOKEN)
