"""Every sample request becomes a PDF/A letter carrying what it must carry."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from service.chain import PROFILE_RULE_KEYS
from service.devtools.samples import sample_requests
from service.issuing.printing import NOMOR_KONSEP
from service.letters.nip import format_nip
from service.wilayah import CHAIN_SECTION, load_profiles

from .support import all_samples, pdf_text, sample, sign


def required_texts(jenis: str, body: dict) -> list[str]:
    """What a reader must find in the letter: its required contents by type."""
    people = lambda key: [p["nama"] for p in body.get(key, [])]  # noqa: E731
    if jenis == "permohonan-pelibatan":
        return [body["maksud_tujuan"], *body["kompetensi"], body["target_kinerja"]]
    if jenis == "jawaban":
        return [body["rujukan"]["nomor"], *people("pegawai"), *body.get("alasan", [])]
    if jenis == "penugasan":
        return [body["tugas"], *people("pegawai"), *(format_nip(p["nip"]) for p in body["pegawai"]),
                *(d["nomor"] for d in body["dasar"])]
    if jenis == "keputusan-tim-kerja":
        return [body["ketua"]["nama"], *people("anggota"), *body["tugas_tim"]]
    if jenis == "pengajuan-sukarela":
        return [body["kinerja"], *body["kompetensi"], body["alasan"], *people("mengetahui")]
    if jenis == "laporan-pelaksanaan-tugas":
        return [*(d["nomor"] for d in body["dasar"]), *(h["realisasi"] for h in body["hasil"]), *body["kendala"],
                *body["tindak_lanjut"], *people("kontribusi"), *(format_nip(k["nip"]) for k in body.get("kontribusi", []))]
    raise AssertionError(jenis)


def folded(value: str) -> str:
    """Whitespace folded and case ignored: a decree prints its hal in capitals."""
    return " ".join(value.split()).casefold()


def test_every_region_with_samples_has_one_for_every_letter_type():
    """A region's samples are complete, and name a region the service has.

    A new region starts as one profile file and an emblem (nothing else
    breaks); its samples, once its folder exists, must cover every letter type.
    """
    letter_types = set(PROFILE_RULE_KEYS) - {CHAIN_SECTION}
    regions = {wilayah for wilayah, _ in all_samples()}
    assert regions <= set(load_profiles(PROFILE_RULE_KEYS)), regions
    expected = {(wilayah, jenis) for wilayah in regions for jenis in letter_types}
    missing = sorted(f"samples/requests/{w}/{j}.json" for w, j in expected - set(all_samples()))
    assert not missing, f"contoh permintaan belum ada: {missing}"
    assert set(all_samples()) == expected


@pytest.mark.parametrize("wilayah, jenis", all_samples())
def test_sample_becomes_a_pdfa_letter_with_its_contents(printed_samples, wilayah, jenis):
    body = sample(wilayah, jenis)
    created, pdf = printed_samples.issue(wilayah, jenis)
    xmp = re.search(rb"<x:xmpmeta.*?</x:xmpmeta>", pdf, re.S)
    assert xmp and re.search(rb"pdfaid:part(>|=\")2", xmp.group(0)), "no PDF/A-2 claim in XMP"
    text = pdf_text(pdf).casefold()
    for expected in [NOMOR_KONSEP, body["hal"], *required_texts(jenis, body),
                     *(t["jabatan"] for t in body.get("tembusan", []))]:
        assert folded(expected) in text, f"{expected!r} missing from the {jenis} PDF"


@pytest.mark.parametrize("wilayah, jenis", all_samples())
def test_the_signed_letter_differs_from_the_approved_draft_only_in_its_number(printed_samples, wilayah, jenis):
    """Printed by LibreOffice: the draft's preview and the numbered letter read the same but for the nomor
    (every sample request fixes its date)."""
    created, preview = printed_samples.issue(wilayah, jenis)
    printed_samples.signed(wilayah, jenis)
    letter = printed_samples.client.get(created["tautan"]["self"]).get_json()
    numbered = printed_samples.app.extensions["suratkerja"].store.get(letter["sha256"]["pdf"])
    assert folded(pdf_text(preview)).replace(folded(NOMOR_KONSEP), folded(letter["nomor"])) == folded(
        pdf_text(numbered))


def test_the_kop_prints_the_emblem_at_300_dpi(printed_samples):
    _, pdf = printed_samples.issue("bantul", "jawaban")
    listing = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True).stdout
    [image] = [line.split() for line in listing.decode().splitlines()[2:]]
    width, height, x_ppi, y_ppi = int(image[3]), int(image[4]), int(image[12]), int(image[13])
    assert (width, height) == (259, 259) and 295 <= x_ppi <= 301 and 295 <= y_ppi <= 301


def _citations(body: dict) -> list[dict]:
    """The letters a request cites by number (rujukan, dasar)."""
    cited = [body.get("rujukan"), *body.get("dasar", [])]
    return [c for c in cited if isinstance(c, dict) and "nomor" in c]


def test_the_samples_cite_one_another_by_the_numbers_they_are_issued_with(client):
    """Issued in the order ``suratkerja sampel`` issues them, every sample is accepted, and a sample
    that cites another of its region (same date and hal) cites the number that one was given."""
    issued: dict[tuple, str] = {}
    for path in sample_requests():
        wilayah, jenis = path.parent.name, path.stem
        body = json.loads(path.read_text(encoding="utf-8"))
        for cited in _citations(body):
            key = (wilayah, cited["tanggal"], cited["hal"])
            assert cited["nomor"] == issued.get(key, cited["nomor"]), f"{wilayah}/{jenis} cites {cited}"
        created = client.post(f"/api/v1/surat/{jenis}", json=body)
        assert created.status_code == 201, (wilayah, jenis, created.get_json())
        for signer in [body["penandatangan"], *body.get("mengetahui", [])]:
            signed = sign(client, created.get_json()["id"], nip=signer["nip"])
            assert signed.status_code == 200, (wilayah, jenis, signed.get_json())
        issued[(wilayah, body["tanggal"], body["hal"])] = signed.get_json()["nomor"]  # taken at signing
