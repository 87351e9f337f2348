"""Paraf printed on a signed letter's archive copy, for a region whose profile sets ``[paraf] cetak_arsip``
(none of the five does): ``GET /api/v1/surat/<id>/arsip.pdf``. The signed letter itself never changes."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import subprocess
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from service.archive.paraf_table import FOOTER_TOP, ParafLine, with_paraf_table
from service.chain import PROFILE_RULE_KEYS
from service.letters import LETTER_TYPES
from service.wilayah import PROFILE_DIR, REGION_CODES, ParafRule, ProfileError, load_profile

from .support import LEADING, PAGE_HEIGHT, pdf_text, sample, sign, text_pdf

HSS = "hulu-sungai-selatan"
FAUZI = {"nip": "198201092006041008", "nama": "Ahmad Fauzi, S.T.", "jabatan": "Perencana Ahli Muda"}
RUSDIANA = {"nip": "197508222003122004", "nama": "Hj. Rusdiana, S.E., M.M.",
            "jabatan": "Perencana Ahli Madya pada Badan Perencanaan Pembangunan Daerah"}


def arsip(client, created: dict):
    return client.get(f"{created['tautan']['self']}/arsip.pdf")


@pytest.fixture
def printed(app):
    """Hulu Sungai Selatan with ``[paraf] cetak_arsip = true``."""
    profiles = app.extensions["suratkerja"].profiles
    profiles[HSS] = dataclasses.replace(profiles[HSS], paraf=ParafRule(cetak_arsip=True))
    return app


def draft_with_paraf(client, verifikator: list[dict]) -> dict:
    """A draft of Hulu Sungai Selatan's sample request through ``verifikator``, every paraf given."""
    response = client.post("/api/v1/surat/permohonan-pelibatan",
                           json=sample(HSS, "permohonan-pelibatan") | {"verifikator": verifikator})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    for person in verifikator:
        given = client.post(f"{created['tautan']['self']}/paraf", json={"nip": person["nip"], "versi": 1})
        assert given.status_code == 200, given.get_json()
    return created


def test_a_signed_letter_has_an_archive_copy_with_its_paraf_and_the_signed_file_is_untouched(printed, client):
    created = draft_with_paraf(client, [FAUZI, RUSDIANA])
    assert arsip(client, created).status_code == 404  # ready to sign, not signed
    assert sign(client, created["id"]).status_code == 200
    letter = client.get(created["tautan"]["self"]).get_json()
    signed = client.get(created["tautan"]["pdf"]).data

    response = arsip(client, created)

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].endswith("_arsip.pdf")
    text = pdf_text(response.data)
    assert "Paraf konsep (salinan arsip" in text and "No Nama Jabatan Waktu paraf" in text
    assert "1 Ahmad Fauzi, S.T. Perencana Ahli Muda" in text and "2 Hj. Rusdiana, S.E., M.M." in text
    assert "Pembangunan Daerah" in text and text.count(" WIB") == 2
    assert letter["nomor"] in text
    numbered = client.application.extensions["suratkerja"].store.get(letter["sha256"]["pdf"])
    assert response.data[:len(numbered)] == numbered  # the numbered letter, whole, as the first revision
    assert "Paraf konsep" not in pdf_text(signed)
    assert client.get(created["tautan"]["pdf"]).data == signed
    assert hashlib.sha256(signed).hexdigest() == letter["sha256"]["ditandatangani"]


def test_a_letter_signed_without_paraf_has_a_table_with_no_rows(printed, client):
    created = draft_with_paraf(client, [])
    assert sign(client, created["id"]).status_code == 200
    text = pdf_text(arsip(client, created).data)
    assert "No Nama Jabatan Waktu paraf" in text and "WIB" not in text


def test_no_archive_copy_where_the_profile_does_not_print_paraf_or_before_signing(client):
    created = draft_with_paraf(client, [FAUZI])
    assert sign(client, created["id"]).status_code == 200
    response = arsip(client, created)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert "cetak_arsip" in response.get_json()["detail"]
    assert all(not r["paraf_cetak_arsip"] for r in client.get("/api/v1/wilayah").get_json())


def test_a_draft_has_no_archive_copy(printed, client):
    created = draft_with_paraf(client, [FAUZI, RUSDIANA])
    assert client.post(f"{created['tautan']['self']}/batalkan", json={"alasan": "Tidak jadi"}).status_code == 200
    response = arsip(client, created)
    assert response.status_code == 404 and "setelah surat ditandatangani" in response.get_json()["detail"]
    assert client.get(f"/api/v1/surat/{'0' * 32}/arsip.pdf").status_code == 404


def _pages(pdf: bytes) -> int:
    return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])


def _lowest_word_bottom(pdf: bytes, page: int) -> float:
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", "-", "-"], input=pdf,
                         capture_output=True, check=True).stdout.decode()
    return PAGE_HEIGHT - max(float(y) for y in re.findall(r'<word [^>]*yMax="([0-9.]+)"', out))


def _page_text(pdf: bytes, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-", "-"], input=pdf,
                          capture_output=True, check=True).stdout.decode()


ROWS = [ParafLine(FAUZI["nama"], FAUZI["jabatan"], "06-12-2026 14:03 WIB"),
        ParafLine(RUSDIANA["nama"], RUSDIANA["jabatan"], "06-12-2026 14:20 WIB")]


def test_the_table_sits_at_the_foot_of_the_last_page_when_it_has_room():
    letter = text_pdf([(f"Baris {i} isi surat.", ()) for i in range(10)])
    copy = with_paraf_table(letter, "Paraf", ROWS)
    assert _pages(copy) == _pages(letter) == 1
    assert FOOTER_TOP < _lowest_word_bottom(copy, 1) < FOOTER_TOP + 3 * LEADING


def test_the_table_goes_on_a_page_of_its_own_when_the_last_page_has_no_room():
    lines = int((PAGE_HEIGHT - 2 * FOOTER_TOP) // LEADING) + 1
    letter = text_pdf([(f"Baris {i} isi surat.", ()) for i in range(lines)])
    last = _pages(letter)
    copy = with_paraf_table(letter, "Paraf", ROWS)
    assert _pages(copy) == last + 1
    assert [("Paraf" in _page_text(copy, page)) for page in (last, last + 1)] == [False, True]
    assert copy[:len(letter)] == letter


@pytest.mark.parametrize(("line", "message"), [
    ('cetak_arsip = "ya"', r"\[paraf\] cetak_arsip must be true or false"),
    ("cetak = true", r"\[paraf\] unknown keys \['cetak'\]"),
])
def test_a_profile_with_a_bad_paraf_section_is_refused_at_start_up(tmp_path, line, message):
    path = tmp_path / f"{HSS}.toml"
    path.write_text((PROFILE_DIR / f"{HSS}.toml").read_text(encoding="utf-8").replace("cetak_arsip = false", line),
                    encoding="utf-8")
    (tmp_path / "lambang").symlink_to(PROFILE_DIR / "lambang")
    with pytest.raises(ProfileError, match=message):
        load_profile(path, PROFILE_RULE_KEYS)


def test_every_profile_keeps_paraf_off_the_letter_by_default():
    assert len(REGION_CODES) == 5
    for code in REGION_CODES:
        assert "cetak_arsip = false" in Path(PROFILE_DIR / f"{code}.toml").read_text(encoding="utf-8")


def _words(pdf: bytes, page: int) -> set[tuple[str, float, float]]:
    """Each word of ``page`` (1-based) with its top and bottom, from the top edge, as poppler reads them (a
    cell of the table is one "word": its spaces are glyphs, not gaps)."""
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", "-", "-"], input=pdf,
                         capture_output=True, check=True).stdout.decode()
    return {(w, float(top), float(bottom)) for top, bottom, w in
            re.findall(r'<word [^>]*yMin="([0-9.]+)"[^>]*yMax="([0-9.]+)">([^<]*)</word>', out)}


@pytest.mark.parametrize(("wilayah", "jenis"), [*((HSS, j) for j in sorted(LETTER_TYPES)),
                                                ("bantul", "pengajuan-sukarela")])
def test_on_a_printed_letter_the_table_sits_between_its_last_line_and_its_footer(printed_samples, wilayah, jenis):
    """Bantul's pengajuan sukarela ends 30 points above its footer: its table goes on a page of its own."""
    _, letter = printed_samples.issue(wilayah, jenis)
    last = _pages(letter)
    copy = with_paraf_table(letter, "Paraf konsep", ROWS)
    height = float(PdfFileReader(io.BytesIO(letter)).root["/Pages"]["/Kids"][0]["/MediaBox"][3])
    before = _words(letter, last)
    footer = {w for w in before if w[2] > height - FOOTER_TOP}
    body = before - footer
    page = _pages(copy)
    table = _words(copy, page) - (before if page == last else set())
    assert {"Paraf konsep", "Jabatan", "Ahmad Fauzi, S.T.", "06-12-2026 14:20 WIB"} <= {w for w, _, _ in table}
    assert max(bottom for _, _, bottom in table) < min(top for _, top, _ in footer)
    if page == last:
        assert min(top for _, top, _ in table) > max(bottom for _, _, bottom in body)
    assert page in (last, last + 1) and (page == last + 1 or (wilayah, jenis) != ("bantul", "pengajuan-sukarela"))
