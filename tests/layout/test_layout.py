"""The printed letter holds together: every sample and stress variants, read from the signed PDFs.

For each letter (:func:`tests.layout.checker.check_letter`): each signer's
stamp is a visible box on the page of that signer's block, with the jabatan
just above it and the name and NIP just below, covering no text; no
signature block stands on a page without the letter's text; no NIP is
broken across lines; no text leaves the printable area; no page ends with a
heading or holds only a lone heading or item; "Tembusan:" keeps with its
items; every page carries the electronic-signature notice (7 pt or more)
and "Halaman x dari y"; every QR code decodes at 150 dpi to the letter's
verification address. The variants go to the limits the schemas allow
(20 tembusan, 50 pegawai or anggota, 30 results, 3 Mengetahui).
"""

from __future__ import annotations

import copy
import dataclasses
from contextlib import contextmanager

import pytest

from service import build_services
from service.wilayah import Printing

from ..support import admin_client, all_samples, sample, sign
from .checker import Footer, Printed, check_letter, folded, signers

F4_PT = (215 * 72 / 25.4, 330 * 72 / 25.4)


def footer_of(app, wilayah: str) -> Footer:
    services = app.extensions["suratkerja"]
    cetak = services.profiles[wilayah].cetak
    return Footer(cetak.keterangan_tte or services.settings.footer, cetak.nomor_halaman)


def signed_pdf(client, created: dict, body: dict) -> bytes:
    """The letter once everyone has signed."""
    for _, official in signers(body):
        assert sign(client, created["id"], nip="".join(official["nip"].split())).status_code == 200
    return client.get(created["tautan"]["pdf"]).data


def check_issued(app, client, created: dict, body: dict) -> bytes:
    pdf = signed_pdf(client, created, body)
    url = app.extensions["suratkerja"].settings.verification_url(created["id"])
    check_letter(body, pdf, footer_of(app, body["wilayah"]), url)
    return pdf


# --- stress variants ----------------------------------------------------------

LONG_JABATAN = ("Kepala Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah selaku Pejabat Pembina "
                "Kepegawaian yang Mendapat Pendelegasian Wewenang")
LONG_NAMA = "Prof. Dr. Ir. Raden Mas Bagus Hadiningrat Wicaksono Kusumanegara, S.T., M.Sc., M.Eng., Ph.D."


def many(people: list[dict], count: int, long: bool = False) -> list[dict]:
    """``count`` people like ``people``, each a distinct NIP (the sequence digits changed)."""
    out = []
    for i in range(count):
        person = copy.deepcopy(people[i % len(people)])
        person["nip"] = person["nip"].replace(" ", "")[:15] + f"{i + 100:03d}"
        person["nama"] = f"{person['nama'].split(',')[0]} Ke-{i + 1}, S.E."
        if long:
            person.update(nama=f"{LONG_NAMA.split(',')[0]} Ke-{i + 1}, S.E.", jabatan=LONG_JABATAN)
        out.append(person)
    return out


def tembusan(body: dict, count: int) -> list[dict]:
    base = body.get("tembusan") or [{"jabatan": "Inspektur Daerah", "peran": "lainnya"}]
    return [dict(base[i % len(base)], jabatan=f"{base[i % len(base)]['jabatan']} ({i + 1})") for i in range(count)]


def lengthened(official: dict) -> dict:
    return dict(official, jabatan=LONG_JABATAN, nama=LONG_NAMA)


def variant(wilayah: str, jenis: str, **change) -> tuple[str, dict]:
    """``jenis`` and the sample of ``wilayah`` with each ``key`` replaced by ``make(sample)``."""
    body = sample(wilayah, jenis)
    for key, make in change.items():
        body[key] = make(body)
    return jenis, body


REASON = ("Pejabat fungsional dengan kompetensi yang diminta sedang melaksanakan penugasan lain sampai dengan "
          "akhir triwulan, dan beban kerja unit tidak memungkinkan pelepasannya tanpa mengganggu target kinerja. ")


def refusal(made: tuple[str, dict]) -> tuple[str, dict]:
    """The answer of ``made`` turned into a refusal with twenty long reasons."""
    jenis, body = made
    body = {k: v for k, v in body.items() if k != "pegawai"}
    return jenis, dict(body, keputusan="penolakan", alasan=[f"{i + 1}) " + REASON * 2 for i in range(20)])


def long_hal(body: dict) -> str:
    return (body["hal"] + " ") * 4


VARIANTS = {
    "pelibatan: long hal and texts, 1 tembusan": lambda: variant(
        "hulu-sungai-selatan", "permohonan-pelibatan", hal=long_hal,
        maksud_tujuan=lambda b: (b["maksud_tujuan"] + " ") * 6, tembusan=lambda b: tembusan(b, 1)),
    "pelibatan: 20 tembusan, long signer": lambda: variant(
        "bungo", "permohonan-pelibatan", tembusan=lambda b: tembusan(b, 20),
        penandatangan=lambda b: lengthened(b["penandatangan"])),
    "jawaban: 20 pegawai, 12 tembusan": lambda: variant(
        "tanah-laut", "jawaban", pegawai=lambda b: many(b["pegawai"], 20), tembusan=lambda b: tembusan(b, 12)),
    "jawaban: a refusal with 20 long reasons, 3 tembusan": lambda: refusal(variant(
        "bantul", "jawaban", tembusan=lambda b: tembusan(b, 3))),
    "penugasan: 1 pegawai, long hal": lambda: variant(
        "hulu-sungai-selatan", "penugasan", pegawai=lambda b: b["pegawai"][:1], hal=long_hal),
    "penugasan: 20 pegawai with long names and jabatan": lambda: variant(
        "tanah-laut", "penugasan", pegawai=lambda b: many(b["pegawai"], 20, long=True)),
    "penugasan: 50 pegawai, long signer": lambda: variant(
        "bantul", "penugasan", pegawai=lambda b: many(b["pegawai"], 50),
        penandatangan=lambda b: lengthened(b["penandatangan"])),
    "keputusan: 1 anggota, 20 tembusan": lambda: variant(
        "hulu-sungai-selatan", "keputusan-tim-kerja", anggota=lambda b: b["anggota"][:1],
        tembusan=lambda b: tembusan(b, 20)),
    "keputusan: 20 anggota, long signer": lambda: variant(
        "bungo", "keputusan-tim-kerja", anggota=lambda b: many(b["anggota"], 20),
        penandatangan=lambda b: lengthened(b["penandatangan"])),
    "keputusan: 50 anggota, 12 tembusan": lambda: variant(
        "lubuk-linggau", "keputusan-tim-kerja", anggota=lambda b: many(b["anggota"], 50),
        tembusan=lambda b: tembusan(b, 12)),
    "sukarela: one Mengetahui, long signer": lambda: variant(
        "lubuk-linggau", "pengajuan-sukarela", mengetahui=lambda b: b["mengetahui"][:1],
        penandatangan=lambda b: lengthened(b["penandatangan"])),
    "sukarela: two Mengetahui, long names": lambda: variant(
        "bungo", "pengajuan-sukarela", mengetahui=lambda b: [lengthened(m) for m in b["mengetahui"]]),
    "sukarela: three Mengetahui, long jabatan, 12 tembusan": lambda: variant(
        "bungo", "pengajuan-sukarela",
        mengetahui=lambda b: [*b["mengetahui"], lengthened(b["mengetahui"][-1])],
        kompetensi=lambda b: b["kompetensi"] * 5, tembusan=lambda b: tembusan(b, 12)),
    "laporan: 30 results, 20 tembusan": lambda: variant(
        "hulu-sungai-selatan", "laporan-pelaksanaan-tugas", hasil=lambda b: b["hasil"] * (30 // len(b["hasil"])),
        tembusan=lambda b: tembusan(b, 20)),
}

F4_REGION = Printing(kertas="F4", nomor_halaman="Hal. {halaman}/{jumlah}",
                     keterangan_tte="Ditandatangani secara elektronik dengan sertifikat dari BSrE, BSSN. "
                                    "Pindai kode QR untuk memeriksa keaslian surat ini.")


@contextmanager
def fresh_registry(app, tmp_path, cetak: Printing | None = None):
    """``app`` on a registry of its own (variants of one sample cite the same letters), and its profiles' printing
    replaced by ``cetak`` if given; the app's own services again afterwards."""
    own = app.extensions["suratkerja"]
    services = build_services(dataclasses.replace(own.settings, instance_dir=tmp_path), own.converter)
    if cetak:
        services = dataclasses.replace(services, profiles={k: dataclasses.replace(p, cetak=cetak)
                                                           for k, p in services.profiles.items()})
    app.extensions["suratkerja"] = services
    try:
        yield admin_client(app)
    finally:
        app.extensions["suratkerja"] = own
        services.sessions.kw["bind"].dispose()


def issued(client, jenis: str, body: dict) -> dict:
    response = client.post(f"/api/v1/surat/{jenis}", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("wilayah, jenis", all_samples())
def test_every_sample_holds_together(libreoffice_app, tmp_path, wilayah, jenis):
    """Issued and signed here, on a registry of its own: the printed samples' letters are signed by their own test."""
    body = sample(wilayah, jenis)
    with fresh_registry(libreoffice_app, tmp_path) as client:
        check_issued(libreoffice_app, client, issued(client, jenis, body), body)


@pytest.mark.parametrize("name", VARIANTS)
def test_stress_variants_hold_together(libreoffice_app, tmp_path, name):
    jenis, body = VARIANTS[name]()
    with fresh_registry(libreoffice_app, tmp_path) as client:
        check_issued(libreoffice_app, client, issued(client, jenis, body), body)


def test_a_region_on_f4_prints_on_f4_with_its_own_page_numbers_and_notice(libreoffice_app, tmp_path):
    jenis, body = VARIANTS["keputusan: 50 anggota, 12 tembusan"]()
    with fresh_registry(libreoffice_app, tmp_path, cetak=F4_REGION) as client:
        pdf = check_issued(libreoffice_app, client, issued(client, jenis, body), body)
    printed = Printed.read(pdf)
    assert printed.pages > 1
    for size in printed.sizes:  # LibreOffice rounds the page to whole points
        assert all(abs(got - want) <= 1 for got, want in zip(size, F4_PT)), size


def test_a_letter_signed_on_someones_behalf_holds_together(libreoffice_app, tmp_path):
    """a.n. a long jabatan: the block prints it first, wrapped, then the signer's own jabatan just above the stamp,
    and the stamp says it too."""
    body = sample("hulu-sungai-selatan", "permohonan-pelibatan")
    kepala = body["penandatangan"]
    body["penandatangan"] = dict(kepala, nama="Ahmad Fauzi, S.T.", nip="198201092006041008", pangkat="Penata Tingkat I",
                                 golongan="III/d", jabatan="Perencana Ahli Muda",
                                 atas_nama={"jenis": "a.n.", "nip": kepala["nip"], "jabatan": LONG_JABATAN})
    with fresh_registry(libreoffice_app, tmp_path) as client:
        assert client.post("/api/v1/direktori/hulu-sungai-selatan/delegasi", json={
            "jenis": "a.n.", "nip_pemberi": kepala["nip"], "nip_penerima": body["penandatangan"]["nip"],
            "berlaku_dari": "2026-01-01", "berlaku_sampai": "2026-12-31"}).status_code == 201
        pdf = check_issued(libreoffice_app, client, issued(client, "permohonan-pelibatan", body), body)
    printed = Printed.read(pdf)
    block = folded(" ".join(ln.text for ln in printed.lines if not printed.in_stamp(ln)))
    assert folded(f"a.n. {LONG_JABATAN} Perencana Ahli Muda, Ahmad Fauzi, S.T.") in block
    stamp = folded(" ".join(ln.text for ln in printed.lines if printed.in_stamp(ln)))
    assert folded(f"oleh: a.n. {LONG_JABATAN} Perencana Ahli Muda Ahmad Fauzi") in stamp
