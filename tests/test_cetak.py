"""How a region prints its letters (``[cetak]``): paper, page numbers and the electronic-signature notice.

The printed result is checked on real LibreOffice in tests/layout; here, the
profile's checks at start-up and what the rendered DOCX asks the converter for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from service.chain import PROFILE_RULE_KEYS
from service.issuing.render import render_letter
from service.issuing.validation import validate_letter
from service.plumbing.config import REPO_ROOT, Settings
from service.wilayah import PROFILE_DIR, Printing, ProfileError, load_profiles

from .support import sample

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NOTICE = Settings().footer


def region_with(tmp_path: Path, cetak: str) -> dict:
    """The profiles of a copy of Bantul's file with ``cetak`` as its ``[cetak]`` section."""
    text = (PROFILE_DIR / "bantul.toml").read_text(encoding="utf-8")
    head, _, rules = text.partition("[instrumen]")
    (tmp_path / "contoh.toml").write_text(f"{head}[cetak]\n{cetak}\n\n[instrumen]{rules}", encoding="utf-8")
    shutil.copytree(PROFILE_DIR / "lambang", tmp_path / "lambang")
    return load_profiles(PROFILE_RULE_KEYS, tmp_path)


def test_a_region_without_cetak_prints_a4_with_halaman_x_dari_y_and_the_services_notice():
    for profile in load_profiles(PROFILE_RULE_KEYS).values():
        assert profile.cetak == Printing(kertas="A4", nomor_halaman="Halaman {halaman} dari {jumlah}",
                                         keterangan_tte=None)


def test_a_region_may_print_on_f4_with_its_own_page_numbers_and_notice(tmp_path):
    profile = region_with(tmp_path, 'kertas = "F4"\nnomor_halaman = "Hal. {halaman}/{jumlah}"\n'
                                    'keterangan_tte = "Ditandatangani dengan sertifikat BSrE."')["contoh"]
    assert profile.cetak.paper_mm == (215, 330)
    assert profile.cetak.nomor_halaman == "Hal. {halaman}/{jumlah}"


@pytest.mark.parametrize("cetak, message", [
    ('kertas = "Letter"', r"\[cetak\] kertas 'Letter' unknown"),
    ('nomor_halaman = "Halaman {halaman} dari {total}"', r"\[cetak\] nomor_halaman may use only"),
    ('nomor_halaman = "Halaman {halaman:03d}"', r"\[cetak\] nomor_halaman may use only"),
    ('nomor_halaman = "Halaman {halaman"', r"\[cetak\] nomor_halaman .* is malformed"),
    ('warna = "merah"', r"\[cetak\] unknown keys \['warna'\]"),
])
def test_a_cetak_section_that_cannot_print_stops_the_start(tmp_path, cetak, message):
    with pytest.raises(ProfileError, match=r"contoh\.toml: " + message):
        region_with(tmp_path, cetak)


def rendered(profile_change: Printing | None = None) -> dict[str, bytes]:
    valid = validate_letter("penugasan", sample("bantul", "penugasan"), load_profiles(PROFILE_RULE_KEYS))
    if profile_change:
        valid = dataclasses.replace(valid, profile=dataclasses.replace(valid.profile, cetak=profile_change))
    docx = render_letter(valid, nomor="1", tanggal=dt.date(2026, 2, 10), template_dir=REPO_ROOT / "letter_templates",
                         footer=NOTICE)
    with zipfile.ZipFile(io.BytesIO(docx)) as parts:
        return {name: parts.read(name) for name in parts.namelist()}


def footer_text_and_fields(parts: dict[str, bytes]) -> tuple[str, list[str]]:
    footer = ElementTree.fromstring(parts["word/footer1.xml"])
    return ("".join(t.text or "" for t in footer.iter(f"{W}t")),
            [f.get(f"{W}instr").strip() for f in footer.iter(f"{W}fldSimple")])


@pytest.mark.parametrize("jenis_template", sorted(p.name for p in (REPO_ROOT / "letter_templates").glob("*.docx")))
def test_every_template_has_the_page_footer(jenis_template):
    with zipfile.ZipFile(REPO_ROOT / "letter_templates" / jenis_template) as parts:
        document = parts.read("word/document.xml").decode()
        assert 'w:footerReference w:type="default"' in document
        assert "kaki.keterangan" in parts.read("word/footer1.xml").decode()


def test_the_footer_carries_the_notice_and_page_fields_on_a4_by_default():
    parts = rendered()
    text, fields = footer_text_and_fields(parts)
    assert text.startswith(NOTICE) and text.endswith("Halaman 1 dari 1")  # 1: the fields' text until printed
    assert fields == ["PAGE", "NUMPAGES"]
    size = ElementTree.fromstring(parts["word/document.xml"]).find(f".//{W}sectPr/{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")


def test_a_region_on_f4_gets_f4_paper_its_page_numbers_and_its_notice():
    parts = rendered(Printing(kertas="F4", nomor_halaman="{halaman}/{jumlah}", keterangan_tte="Catatan BSrE."))
    text, fields = footer_text_and_fields(parts)
    assert text == "Catatan BSrE.1/1" and fields == ["PAGE", "NUMPAGES"]
    size = ElementTree.fromstring(parts["word/document.xml"]).find(f".//{W}sectPr/{W}pgSz")
    assert round(int(size.get(f"{W}w")) / 1440 * 25.4) == 215 and round(int(size.get(f"{W}h")) / 1440 * 25.4) == 330


def test_nip_and_telephone_print_with_no_break_spaces():
    text = "".join(t.text or "" for t in ElementTree.fromstring(rendered()["word/document.xml"]).iter(f"{W}t"))
    body = sample("bantul", "penugasan")
    nip = body["pegawai"][0]["nip"].replace(" ", "")
    assert f"NIP.\u00a0{nip[:8]}\u00a0{nip[8:14]}\u00a0{nip[14]}\u00a0{nip[15:]}" in text
    assert "Telepon\u00a0" + body["pengirim"]["telepon"].replace(" ", "\u00a0") in text
