"""Rendering: request values that cannot break the letter, templates and their styles."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import shutil
import zipfile
from xml.etree import ElementTree

import pytest
from docx import Document

from service.plumbing.config import REPO_ROOT
from service.chain import PROFILE_RULE_KEYS
from service.wilayah import load_profiles
from service.letters.common import nama_jabatan
from service.issuing.render import clean, render_letter, slim_template
from service.issuing.validation import validate_letter

from .conftest import sample

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_clean_turns_breaks_into_spaces_and_drops_what_xml_forbids():
    assert clean("a\tb\fc\vd\r\ne\u2028f\x00g\x1bh  i") == "a b c d e fgh i"
    assert clean({"x": ["p\nq"]}) == {"x": ["p q"]}


INJECTIONS = [
    "{{ 7*7 }}", "{% for x in y %}", "<w:p>", "&amp;", "</w:t><w:t>", "]]>",
    "{{ ''.__class__.__mro__ }}",
]


def _render(body, jenis: str = "permohonan-pelibatan") -> bytes:
    valid = validate_letter(jenis, body, load_profiles(PROFILE_RULE_KEYS))
    return render_letter(valid, nomor="800.1.11/1/BAPPEDA/2026", tanggal=dt.date(2026, 2, 10),
                         template_dir=REPO_ROOT / "letter_templates")


def _text_and_breaks(docx: bytes) -> tuple[str, int, int]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        root = ElementTree.fromstring(z.read("word/document.xml"))  # valid XML or this raises
    text = "".join(t.text or "" for t in root.iter(f"{W}t"))
    return text, len(list(root.iter(f"{W}p"))), len(list(root.iter(f"{W}br")))


def test_injection_shaped_values_print_literally_in_a_valid_docx():
    body = sample("hulu-sungai-selatan", "permohonan-pelibatan")
    body["maksud_tujuan"] = " | ".join(INJECTIONS)
    body["kompetensi"] = INJECTIONS
    docx = _render(body)
    Document(io.BytesIO(docx))  # python-docx opens it
    text, _, _ = _text_and_breaks(docx)
    for value in INJECTIONS:
        assert value in text
    assert "49" not in text and "class 'object'" not in text


def test_control_characters_add_no_paragraph_or_page_break():
    clean_body = sample("hulu-sungai-selatan", "permohonan-pelibatan")
    dirty = sample("hulu-sungai-selatan", "permohonan-pelibatan")
    dirty["maksud_tujuan"] = "baris\fsatu\tdua\vtiga\r\nempat\x0bsekian\x00\u2028akhir"
    dirty["target_kinerja"] += "\n\n\f"
    _, paragraphs, breaks = _text_and_breaks(_render(clean_body))
    text, dirty_paragraphs, dirty_breaks = _text_and_breaks(_render(dirty))
    assert (dirty_paragraphs, dirty_breaks) == (paragraphs, breaks)
    assert "baris satu dua tiga empat sekian akhir" in text


@pytest.mark.parametrize("jenis, names", [
    ("permohonan-pelibatan", ["ttd"]), ("jawaban", ["ttd"]), ("penugasan", ["ttd"]),
    ("keputusan-tim-kerja", ["ttd"]),
    ("pengajuan-sukarela", ["ttd", "ttdmengetahui1", "ttdmengetahui2", "ttdmengetahui3"]),
    ("laporan-pelaksanaan-tugas", ["ttd"]),
])
def test_every_template_marks_the_signature_area(jenis, names):
    template = REPO_ROOT / "letter_templates" / f"{jenis.replace('-', '_')}.docx"
    with zipfile.ZipFile(template) as z:
        root = ElementTree.fromstring(z.read("word/document.xml"))
    marks = [b.get(f"{W}name") for b in root.iter(f"{W}bookmarkStart")]
    assert sorted(marks) == sorted(names)


def _styles(docx: bytes) -> tuple[set[str], set[str]]:
    """The style ids a package defines, and the parts it holds."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        root = ElementTree.fromstring(z.read("word/styles.xml"))
        return {s.get(f"{W}styleId") for s in root.iter(f"{W}style")}, set(z.namelist())


@pytest.mark.parametrize("jenis", ["permohonan_pelibatan", "pengajuan_sukarela", "keputusan_tim_kerja"])
def test_slimming_keeps_every_style_the_letter_uses(jenis):
    original = (REPO_ROOT / "letter_templates" / f"{jenis}.docx").read_bytes()
    slim = slim_template(original)
    kept, parts = _styles(slim)
    before, _ = _styles(original)
    with zipfile.ZipFile(io.BytesIO(slim)) as z:
        used = {e.get(f"{W}val") for name in z.namelist() if name.startswith("word/") and name.endswith(".xml")
                and "styles" not in name for e in ElementTree.fromstring(z.read(name)).iter()
                if e.tag in (f"{W}pStyle", f"{W}rStyle", f"{W}tblStyle")}
    assert used and used <= kept < before
    assert "word/stylesWithEffects.xml" not in parts
    doc = Document(io.BytesIO(slim))  # still a document Word and python-docx open
    assert [p.text for p in doc.paragraphs] == [p.text for p in Document(io.BytesIO(original)).paragraphs]


def test_an_edited_template_is_used_for_the_next_letter(tmp_path):
    """Staff edit a template while the service runs; the next letter shows the edit."""
    templates = tmp_path / "letter_templates"
    shutil.copytree(REPO_ROOT / "letter_templates", templates)
    valid = validate_letter("permohonan-pelibatan", sample("hulu-sungai-selatan", "permohonan-pelibatan"),
                            load_profiles(PROFILE_RULE_KEYS))

    def rendered_text() -> str:
        docx = render_letter(valid, nomor="1", tanggal=dt.date(2026, 2, 10), template_dir=templates)
        return _text_and_breaks(docx)[0]

    assert "Demikian permohonan ini" in rendered_text()
    path = templates / valid.letter_type.template
    doc = Document(path)
    for paragraph in doc.paragraphs:
        for run in paragraph.runs:
            run.text = run.text.replace("Demikian permohonan ini", "Demikian surat ini")
    doc.save(path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert "Demikian surat ini" in rendered_text() and "Demikian permohonan ini" not in rendered_text()


def test_the_emblem_goes_in_at_the_pixels_it_prints_with_and_a_new_drawing_shows(tmp_path):
    """The kop's emblem, 22 mm wide, is 259 pixels (300 dpi); staff replacing the file see it in the next letter."""
    from PIL import Image

    valid = validate_letter("permohonan-pelibatan", sample("hulu-sungai-selatan", "permohonan-pelibatan"),
                            load_profiles(PROFILE_RULE_KEYS))
    emblem = tmp_path / "lambang.png"
    shutil.copy(valid.profile.lambang, emblem)
    valid = dataclasses.replace(valid, profile=dataclasses.replace(valid.profile, lambang=emblem))

    def printed() -> Image.Image:
        docx = render_letter(valid, nomor="1", tanggal=dt.date(2026, 2, 10), template_dir=REPO_ROOT / "letter_templates")
        with zipfile.ZipFile(io.BytesIO(docx)) as parts:
            [media] = [n for n in parts.namelist() if n.startswith("word/media/")]
            return Image.open(io.BytesIO(parts.read(media))).convert("RGB")

    assert printed().size == (259, 259)
    Image.new("RGB", (400, 400), (200, 0, 0)).save(emblem)
    os.utime(emblem, ns=(emblem.stat().st_atime_ns, emblem.stat().st_mtime_ns + 1_000_000_000))
    assert printed().getpixel((129, 129)) == (200, 0, 0)


@pytest.mark.parametrize("jabatan, bagian, printed", [
    ("Sekretaris Daerah selaku Pejabat yang Berwenang pada Pemerintah Provinsi Jambi", ["Pemerintah Provinsi Jambi"],
     "Sekretaris Daerah selaku Pejabat yang Berwenang pada Pemerintah Provinsi Jambi"),
    ("Sekretaris Daerah Kabupaten Bungo selaku Pejabat yang Berwenang", ["Pemerintah Kabupaten Bungo"],
     "Sekretaris Daerah Kabupaten Bungo selaku Pejabat yang Berwenang"),
    ("Pejabat Penilai Kinerja", ["Dinas Kesehatan", "Pemerintah Kabupaten Bungo"],
     "Pejabat Penilai Kinerja Dinas Kesehatan Pemerintah Kabupaten Bungo"),
    ("Kepala  Dinas kesehatan", ["Dinas Kesehatan", None, ""], "Kepala  Dinas kesehatan"),
])
def test_an_official_names_unit_and_instansi_once(jabatan, bagian, printed):
    assert nama_jabatan(jabatan, *bagian) == printed


def test_a_tembusan_prints_its_instansi_once():
    """Bungo's assignment copies the Jambi province's Pejabat yang Berwenang, whose jabatan names the province."""
    text, _, _ = _text_and_breaks(_render(sample("bungo", "penugasan"), "penugasan"))
    assert text.count("Pemerintah Provinsi Jambi") == 1
    assert "Pejabat Penilai Kinerja pada Dinas Kesehatan Pemerintah Kabupaten Bungo;" in text
    assert "Sekretaris Daerah Kabupaten Bungo selaku Pejabat yang Berwenang;" in text
