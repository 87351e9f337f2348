"""Surat permohonan pelibatan: every rule of MATRIX §1 broken once from the
region's sample, and the forwarding across instansi (TL Ps 15 b, BGO Ps 6(4) b)."""

from __future__ import annotations


from service.letters.permohonan_pelibatan import JENIS as P

from ..conftest import PASSPHRASE
from .chain_support import assert_rule, body, post, run
from .rules_support import all_of, drop, no_tembusan, rule_table_tests, set_path


def same_unit_request(body):
    body["unit_tujuan"] = {k: body["pengirim"][k] for k in ("kode", "nama", "instansi")}


def forwarding(instansi_tujuan):
    """The sample request turned into the Pejabat yang Berwenang's forwarding to another instansi."""
    return all_of(
        set_path("jalur", "lintas_instansi"), set_path("penandatangan/peran", "pyb"),
        set_path("unit_tujuan/instansi", instansi_tujuan),
        set_path("kepada/peran", "pyb"), set_path("kepada/unit/instansi", instansi_tujuan),
    )


CASES = []
ISI = {"maksud_tujuan": "a", "kompetensi": "b", "target_kinerja": "c", "jangka_waktu": "d"}
ISI_REF = {
    "hulu-sungai-selatan": "Pasal 14 ayat (4) huruf {}", "tanah-laut": "Pasal 18 huruf {}",
    "bungo": "Pasal 6 angka i) huruf {}", "lubuk-linggau": "nasional", "bantul": "nasional",
}
for wilayah, ref in ISI_REF.items():
    for field, huruf in ISI.items():
        CASES.append((wilayah, f"isi-{field}", drop(field), f"/{field}", "isi_minimum", ref.format(huruf)))

SIGNER_PERMOHONAN = {
    "hulu-sungai-selatan": "Pasal 14 ayat (3)", "lubuk-linggau": "Lampiran II huruf A angka 2 huruf a",
    "tanah-laut": "Pasal 14 huruf a", "bungo": "Pasal 6 ayat (3) huruf a",
    "bantul": "Lampiran II huruf A angka 2 huruf a",
}
for wilayah, ref in SIGNER_PERMOHONAN.items():
    CASES += [
        (wilayah, "penandatangan-peran", set_path("penandatangan/peran", "pejabat_fungsional"),
         "/penandatangan/peran", "peran_tidak_sesuai", ref),
        (wilayah, "kepada-peran", set_path("kepada/peran", "pelaksana"),
         "/kepada/peran", "peran_tidak_sesuai", ref),
        (wilayah, "penandatangan-unit-lain", set_path("penandatangan/unit/kode", "DISPERKIM"),
         "/penandatangan/unit", "penandatangan_bukan_pemilik_kinerja", ref),
    ]
CASES += [
    ("hulu-sungai-selatan", "dalam-unit", same_unit_request, "/unit_tujuan", "dalam_unit", "Pasal 14 ayat (2)"),
    ("bungo", "dalam-unit", same_unit_request, "/unit_tujuan", "dalam_unit", "Pasal 6 ayat (2)"),
    ("hulu-sungai-selatan", "jalur-tidak-diatur", set_path("jalur", "lintas_instansi"), "/jalur",
     "jalur_tidak_diatur", "Pasal 14 ayat (1) huruf b"),
    ("tanah-laut", "jalur-tidak-sesuai", set_path("jalur", "lintas_instansi"), "/jalur",
     "jalur_tidak_sesuai", "Pasal 15"),
    ("lubuk-linggau", "tembusan-ppk", no_tembusan("ppk"), "/tembusan", "tembusan_wajib",
     "Lampiran II huruf A angka 2 huruf a"),
    ("bungo", "tembusan-ppk", no_tembusan("ppk"), "/tembusan", "tembusan_wajib", "Pasal 6 ayat (3) huruf a"),
    ("bantul", "tembusan-ppk", no_tembusan("ppk"), "/tembusan", "tembusan_wajib",
     "Lampiran II huruf A angka 2 huruf a"),
    ("tanah-laut", "lintas-instansi-melalui-pyb",
     all_of(set_path("jalur", "lintas_instansi"), set_path("unit_tujuan/instansi", "Pemerintah Provinsi Kalimantan Selatan"),
            set_path("kepada/peran", "pyb"), set_path("kepada/unit/instansi", "Pemerintah Provinsi Kalimantan Selatan"),
            lambda b: b["tembusan"].append({"jabatan": "PPK Bappeda", "peran": "ppk"})),
     "/kepada/unit", "kepada_melalui_pyb", "Pasal 15 huruf a"),
    ("tanah-laut", "penerusan-tanpa-rujukan", forwarding("Pemerintah Provinsi Kalimantan Selatan"),
     "/rujukan", "penerusan_tanpa_rujukan", "Pasal 15 huruf b"),
    ("bungo", "penerusan-kepada-pyb-dituju",
     all_of(forwarding("Pemerintah Provinsi Jambi"), set_path("kepada/unit/instansi", "Pemerintah Kabupaten Bungo")),
     "/kepada", "kepada_melalui_pyb", "Pasal 6 ayat (4) huruf b"),
    ("tanah-laut", "lintas-instansi-tembusan-ppk",
     all_of(set_path("jalur", "lintas_instansi"), set_path("unit_tujuan/instansi", "Pemerintah Provinsi Kalimantan Selatan"),
            set_path("kepada/peran", "pyb")),
     "/tembusan", "tembusan_wajib", "Pasal 15 huruf a"),
]


test_breaking_the_rule_gives_its_entry_and_article, test_every_sample_is_valid = rule_table_tests(
    P, CASES)


# --- across letters: the forwarding across instansi ------------------------------------------------

def test_across_instansi_the_answer_waits_for_the_forwarding(client, app):
    """TL Ps 15 b: a unit's request goes to its own PyB, who forwards it; only that is answered."""
    ids = run(app, "tanah-laut-pelibatan", until="permohonan")
    own = body("tanah-laut-pelibatan", "permohonan", ids)
    own.update(jalur="lintas_instansi", hal="Permohonan Pelibatan Pejabat Fungsional Lintas Instansi",
               unit_tujuan={"kode": "DINKES", "nama": "Dinas Kesehatan", "instansi": "Pemerintah Kabupaten Banjar"},
               kepada={"jabatan": "Sekretaris Daerah Kabupaten Tanah Laut", "peran": "pyb",
                       "unit": {"kode": "SETDA", "nama": "Sekretariat Daerah",
                                "instansi": "Pemerintah Kabupaten Tanah Laut"}, "tempat": "Pelaihari"},
               tembusan=[{"jabatan": "PPK Bappeda", "peran": "ppk"}])
    services = app.extensions["suratkerja"]
    request = post(client, P, own).get_json()
    from service.access.audit import CONSOLE
    from service.signatures.sign_letter import sign_letter

    sign_letter(services, request["id"], own["penandatangan"]["nip"], PASSPHRASE, None, CONSOLE)

    answer = body("tanah-laut-lintas-instansi", "usulan-ppk", {"permohonan-provinsi": request["id"]})
    assert_rule(post(client, "jawaban", answer), "/rujukan/id", "belum_diteruskan", "tanah-laut", "Pasal 15 huruf b")

    sekda = body("tanah-laut-lintas-instansi", "jawaban-pyb", {"permohonan-provinsi": ""})["penandatangan"]
    forward = {"rujukan": {"id": request["id"]}, "tanggal": "2026-02-12", "jalur": "lintas_instansi",
               "unit_tujuan": own["unit_tujuan"], "pengirim": body(
        "tanah-laut-lintas-instansi", "jawaban-pyb", {"permohonan-provinsi": ""})["pengirim"],
        "penandatangan": sekda, "kepada": {"jabatan": "Sekretaris Daerah Kabupaten Banjar", "peran": "pyb",
                                            "unit": {"kode": "SETDA", "nama": "Sekretariat Daerah",
                                                     "instansi": "Pemerintah Kabupaten Banjar"}, "tempat": "Martapura"}}
    first = post(client, P, forward)
    assert first.status_code == 201, first.get_json()
    assert_rule(post(client, P, forward), "/rujukan", "sudah_diteruskan", "tanah-laut", "Pasal 15 huruf b")
    forward["rujukan"] = {"id": ids["permohonan"]}  # a request across PD is not forwarded across instansi
    assert_rule(post(client, P, forward), "/rujukan/id", "penerusan_tidak_sesuai", "tanah-laut", "Pasal 15 huruf b")

    on_paper = client.post("/api/v1/surat-luar", json={  # a request that came on paper: checked on what it says
        "wilayah": "tanah-laut", "jenis": P, "nomor": "800/5/BAPPEDA-TL/2026", "tanggal": "2026-02-11",
        "hal": "Permohonan Pelibatan Pejabat Fungsional Lintas Instansi", "jalur": "lintas_instansi",
        "jangka_waktu": own["jangka_waktu"]}).get_json()
    contents = {k: own[k] for k in ("maksud_tujuan", "kompetensi", "target_kinerja", "kebutuhan") if k in own}
    forwarded = post(client, P, {**forward, **contents, "rujukan": {"id": on_paper["id"]}})
    assert forwarded.status_code == 201, forwarded.get_json()
