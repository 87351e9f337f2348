"""The printed letter holds together: read from the signed PDFs, as a records officer reads the paper.

For every sample and for stress variants (long texts, the longest lists
the schemas allow, one to three "Mengetahui"): each signer's stamp is a
visible box on the page of that signer's block, with the jabatan just above
it and the name and NIP just below; "Tembusan:" never ends a page and its
last item never sits alone on one. Text positions come from poppler
(``pdftotext -bbox-layout``), the stamps' boxes from the signature widgets.
"""

from __future__ import annotations

import copy
import re
import subprocess
from dataclasses import dataclass
from io import BytesIO
from xml.etree import ElementTree

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from service.letters.nip import format_nip
from service.signatures.signature import MAIN_FIELD, countersign_field

from .support import admin_client, all_samples, sample, signed_pdf

XHTML = "{http://www.w3.org/1999/xhtml}"
REACH = 120
"""How far (pt) above a stamp its jabatan may reach, and below it its name to the NIP (long ones wrap)."""


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    x1: float
    top: float
    x2: float
    bottom: float
    """Top-down coordinates, as poppler gives them."""


def text_lines(pdf: bytes) -> tuple[list[Line], list[float]]:
    """Every printed line, page by page in reading order, and each page's height."""
    out = subprocess.run(["pdftotext", "-bbox-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    lines, heights = [], []
    for index, page in enumerate(ElementTree.fromstring(out).iter(f"{XHTML}page")):
        heights.append(float(page.get("height")))
        for line in page.iter(f"{XHTML}line"):
            words = line.findall(f"{XHTML}word")
            lines.append(Line(index, " ".join(w.text or "" for w in words), float(line.get("xMin")),
                              float(line.get("yMin")), float(line.get("xMax")), float(line.get("yMax"))))
    return lines, heights


def stamps(pdf: bytes) -> dict[str, tuple[int, tuple[float, float, float, float]]]:
    """``{field name: (page index, (x1, y1, x2, y2))}`` of every signature widget, PDF coordinates."""
    reader = PdfFileReader(BytesIO(pdf))
    found = {}
    for index in range(int(reader.root["/Pages"]["/Count"])):
        page = reader.find_page_for_modification(index)[0].get_object()
        for annot in page.get("/Annots", ()):
            annot = annot.get_object()
            field = annot.get("/Parent", annot).get_object() if "/T" not in annot else annot
            if field.get("/FT") == "/Sig":
                found[str(field["/T"])] = index, tuple(float(v) for v in annot["/Rect"])
    return found


def folded(value: str) -> str:
    return " ".join(value.split()).casefold()


def check_signer(official: dict, field: str, pdf: bytes, lines: list[Line], heights: list[float]) -> None:
    """The stamp of ``field`` is a visible box with ``official``'s jabatan above it, name and NIP below."""
    placed = stamps(pdf)
    assert field in placed, f"no signature field {field}"
    page, (x1, y1, x2, y2) = placed[field]
    assert x2 - x1 > 100 and y2 - y1 > 50, f"{official['nama']}: stamp {field} is not a visible box"
    top, bottom = heights[page] - y2, heights[page] - y1
    beside = [ln for ln in lines if ln.page == page and ln.x1 < x2 and ln.x2 > x1]
    above = folded(" ".join(ln.text for ln in beside if top - REACH < ln.bottom <= top + 2))
    below = folded(" ".join(ln.text for ln in beside if bottom - 2 <= ln.top < bottom + REACH))
    where = f"{official['nama']} ({field}, page {page + 1})"
    assert above.endswith(folded(official["jabatan"]) + ","), f"{where}: jabatan not just above the stamp: {above}"
    assert below.startswith(folded(official["nama"])), f"{where}: name not just below the stamp: {below}"
    assert f"nip. {format_nip(official['nip'])}" in below, f"{where}: NIP not just below the stamp: {below}"


def check_tembusan(body: dict, lines: list[Line]) -> None:
    """The heading keeps with its first item; the last item shares its page with another item."""
    count = len(body.get("tembusan", []))
    if not count:
        return
    heading = next(i for i, ln in enumerate(lines) if ln.text == "Tembusan:")
    assert lines[heading + 1].page == lines[heading].page, "Tembusan: alone at the foot of a page"
    items = [ln for ln in lines[heading + 1:] if re.match(r"\d+\. ", ln.text)][:count]
    assert [int(ln.text.split(".")[0]) for ln in items] == list(range(1, count + 1))
    if count > 1:
        assert items[-1].page == items[-2].page, f"the last tembusan item alone on page {items[-1].page + 1}"


def check_letter(body: dict, pdf: bytes) -> None:
    lines, heights = text_lines(pdf)
    check_signer(body["penandatangan"], MAIN_FIELD, pdf, lines, heights)
    for index, official in enumerate(body.get("mengetahui", []), 1):
        check_signer(official, countersign_field(index), pdf, lines, heights)
    check_tembusan(body, lines)


@pytest.mark.parametrize("wilayah, jenis", all_samples())
def test_every_sample_holds_together(printed_samples, wilayah, jenis):
    body = sample(wilayah, jenis)
    created, _ = printed_samples.issue(wilayah, jenis)
    check_letter(body, signed_pdf(printed_samples.client, created, body))


# --- stress variants ----------------------------------------------------------

LONG = ("Kepala Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah selaku Pejabat Pembina "
        "Kepegawaian yang Mendapat Pendelegasian Wewenang")


def many(people: list[dict], count: int) -> list[dict]:
    """``count`` people like ``people``, each a distinct NIP (the sequence digits changed)."""
    out = []
    for i in range(count):
        person = copy.deepcopy(people[i % len(people)])
        person["nip"] = person["nip"].replace(" ", "")[:15] + f"{i + 100:03d}"
        person["nama"] = f"{person['nama'].split(',')[0]} Ke-{i + 1}, S.E."
        out.append(person)
    return out


def tembusan(body: dict, count: int) -> list[dict]:
    base = body.get("tembusan") or [{"jabatan": "Inspektur Daerah", "peran": "lainnya"}]
    return [dict(base[i % len(base)], jabatan=f"{base[i % len(base)]['jabatan']} ({i + 1})") for i in range(count)]


def lengthened(official: dict) -> dict:
    return dict(official, jabatan=LONG, nama="Prof. Dr. Ir. Raden Mas Bagus Hadiningrat Wicaksono Kusumanegara, "
                                              "S.T., M.Sc., M.Eng., Ph.D.")


def variant(wilayah: str, jenis: str, **change) -> tuple[str, dict]:
    """``jenis`` and the sample of ``wilayah`` with each ``key`` replaced by ``make(sample)``."""
    body = sample(wilayah, jenis)
    for key, make in change.items():
        body[key] = make(body)
    return jenis, body


VARIANTS = {
    "pelibatan: long hal and texts, 20 tembusan": lambda: variant(
        "hulu-sungai-selatan", "permohonan-pelibatan", hal=lambda b: (b["hal"] + " ") * 4,
        maksud_tujuan=lambda b: (b["maksud_tujuan"] + " ") * 6, tembusan=lambda b: tembusan(b, 20)),
    "jawaban: 20 pegawai, 12 tembusan": lambda: variant(
        "tanah-laut", "jawaban", pegawai=lambda b: many(b["pegawai"], 20),
        rujukan=lambda b: dict(b["rujukan"], nomor=b["rujukan"]["nomor"].replace("/112/", "/113/")),
        tembusan=lambda b: tembusan(b, 12)),
    "penugasan: 50 pegawai, long signer": lambda: variant(
        "bantul", "penugasan", pegawai=lambda b: many(b["pegawai"], 50),
        penandatangan=lambda b: lengthened(b["penandatangan"])),
    "keputusan: 50 anggota, 12 tembusan": lambda: variant(
        "lubuk-linggau", "keputusan-tim-kerja", anggota=lambda b: many(b["anggota"], 50),
        tembusan=lambda b: tembusan(b, 12)),
    "sukarela: one Mengetahui, long signer": lambda: variant(
        "lubuk-linggau", "pengajuan-sukarela", mengetahui=lambda b: b["mengetahui"][:1],
        penandatangan=lambda b: lengthened(b["penandatangan"])),
    "sukarela: three Mengetahui, long jabatan, 12 tembusan": lambda: variant(
        "bungo", "pengajuan-sukarela",
        mengetahui=lambda b: [*b["mengetahui"], lengthened(b["mengetahui"][-1])],
        kompetensi=lambda b: b["kompetensi"] * 5, tembusan=lambda b: tembusan(b, 12)),
}


@pytest.mark.parametrize("name", VARIANTS)
def test_stress_variants_hold_together(libreoffice_app, name):
    jenis, body = VARIANTS[name]()
    client = admin_client(libreoffice_app)
    response = client.post(f"/api/v1/surat/{jenis}", json=body)
    assert response.status_code == 201, response.get_json()
    check_letter(body, signed_pdf(client, response.get_json(), body))
