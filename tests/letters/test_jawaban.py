"""Surat jawaban: every rule of MATRIX §2 broken once from the region's
sample, and its rules across letters: one answer per request, by the unit
asked, filled from the request, across instansi on the PPK's proposal."""

from __future__ import annotations

import pytest

from service.letters.jawaban import JENIS as J

from .chain_support import assert_rule, body, entries, post, run
from .rules_support import all_of, drop, empty, rule_table_tests, set_path

CASES = []
ALASAN = {"hulu-sungai-selatan": "nasional", "lubuk-linggau": "Lampiran II huruf A angka 2 huruf b angka 2",
          "tanah-laut": "Pasal 14 huruf d", "bungo": "Pasal 6 ayat (3) huruf d",
          "bantul": "Lampiran II huruf A angka 2 huruf b angka 2"}
for wilayah, ref in ALASAN.items():
    CASES.append((wilayah, "penolakan-tanpa-alasan", all_of(set_path("keputusan", "penolakan"), empty("alasan")),
                  "/alasan", "alasan_penolakan", ref))
DAFTAR = {"hulu-sungai-selatan": "nasional", "lubuk-linggau": "nasional", "tanah-laut": "Pasal 15 huruf e angka 1",
          "bungo": "Pasal 6 ayat (4) huruf e angka 1"}
for wilayah, ref in DAFTAR.items():
    CASES.append((wilayah, "persetujuan-tanpa-pegawai", empty("pegawai"), "/pegawai", "daftar_pegawai", ref))
PENJAWAB = {"hulu-sungai-selatan": "nasional", "lubuk-linggau": "Lampiran II huruf A angka 2 huruf b",
            "tanah-laut": "Pasal 14 huruf b", "bungo": "Pasal 6 ayat (3) huruf b",
            "bantul": "Lampiran II huruf A angka 2 huruf b"}
WITHIN_INSTANSI = {"tanah-laut": "lintas_pd", "bungo": "lintas_uo"}
"""The TL and BGO sample answers go across instansi; these routes stay inside one."""
for wilayah, ref in PENJAWAB.items():
    route = set_path("jalur", WITHIN_INSTANSI.get(wilayah, "lintas_pd"))
    CASES.append((wilayah, "penjawab-peran", all_of(route, set_path("penandatangan/peran", "pelaksana")),
                  "/penandatangan/peran", "peran_tidak_sesuai", ref))
ACROSS = {"tanah-laut": ("Pasal 15 huruf e angka 1", "Pasal 15 huruf e angka 2"),
          "bungo": ("Pasal 6 ayat (4) huruf e angka 1", "Pasal 6 ayat (4) huruf e angka 1")}
for wilayah, (usulan, jawaban) in ACROSS.items():
    CASES += [
        (wilayah, "lintas-instansi-penjawab", set_path("penandatangan/peran", "pimpinan_unit"),
         "/penandatangan/peran", "peran_tidak_sesuai", usulan),
        (wilayah, "lintas-instansi-usulan-kepada-pyb", set_path("kepada/peran", "pimpinan_unit"),
         "/kepada/peran", "kepada_melalui_pyb", usulan),
        (wilayah, "lintas-instansi-pyb-kepada-instansi-pemohon", set_path("penandatangan/peran", "pyb"),
         "/kepada/unit", "kepada_melalui_pyb", jawaban),
    ]
CASES.append(("tanah-laut", "rekomendasi-ppk", drop("rekomendasi_ppk"), "/rekomendasi_ppk", "rekomendasi_ppk",
              "Pasal 14 huruf b"))


test_breaking_the_rule_gives_its_entry_and_article, test_every_sample_is_valid = rule_table_tests(
    J, CASES)


# --- across letters ----------------------------------------------------------------------------

def test_a_request_is_answered_once(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="jawaban")
    again = post(client, J, body("hulu-sungai-selatan-pelibatan", "jawaban", ids))
    assert_rule(again, "/rujukan", "sudah_dijawab", "hulu-sungai-selatan", "Pasal 14 ayat (3)")
    assert "satu kali" in again.get_json()["errors"][0]["message"]


def test_the_answering_unit_is_the_one_the_request_was_sent_to(client, app):
    ids = run(app, "bantul-pelibatan", until="permohonan")
    answer = body("bantul-pelibatan", "jawaban", ids)
    answer["pengirim"]["kode"] = "DISDIK"
    assert_rule(post(client, J, answer), "/pengirim/kode", "penjawab_bukan_tujuan", "bantul",
                "Lampiran II huruf A angka 2 huruf b")


def test_an_answer_refers_to_a_signed_letter_that_exists(client, app):
    request = post(client, "permohonan-pelibatan", body("bantul-pelibatan", "permohonan", {})).get_json()
    answer = body("bantul-pelibatan", "jawaban", {"permohonan": request["id"]})
    assert_rule(post(client, J, answer), "/rujukan/id", "rujukan_belum_ditandatangani", "bantul",
                "Permendagri 1/2023 tentang Tata Naskah Dinas")
    answer["rujukan"] = {"id": "0" * 32}
    assert [(p, c) for p, c, _ in entries(post(client, J, answer))] == [("/rujukan/id", "rujukan_tidak_ditemukan")]


def test_a_reference_sent_with_another_number_than_the_registry_is_refused(client, app):
    ids = run(app, "bantul-penolakan", until="permohonan")
    answer = body("bantul-penolakan", "penolakan", ids)
    answer["rujukan"]["nomor"] = "800.1.11/999/BAPPEDA/2026"
    assert ("/rujukan/nomor", "rujukan_tidak_cocok") in [(p, c) for p, c, _ in entries(post(client, J, answer))]


def test_an_answer_is_drafted_from_the_request(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="permohonan")
    request = client.get(f"/api/v1/surat/{ids['permohonan']}").get_json()
    jawaban = client.get(f"/api/v1/surat/{ids['permohonan']}/konsep/jawaban").get_json()
    assert jawaban["rujukan"] == {"id": ids["permohonan"], "nomor": request["nomor"],
                                  "tanggal": request["tanggal"], "hal": request["hal"]}
    assert jawaban["kepada"]["jabatan"] == "Kepala Badan Perencanaan Pembangunan Daerah"
    assert jawaban["hal"] == f"Jawaban atas {request['hal']}" and jawaban["jalur"] == "lintas_pd"


PROPOSAL = {"tanah-laut": ("tanah-laut-lintas-instansi", "Pasal 15 huruf e angka 1"),
            "bungo": ("bungo-lintas-instansi", "Pasal 6 ayat (4) huruf e angka 1")}


@pytest.mark.parametrize("wilayah", PROPOSAL)
def test_across_instansi_the_pejabat_yang_berwenang_answers_on_the_ppk_proposal(client, app, wilayah):
    chain, usulan = PROPOSAL[wilayah]
    ids = run(app, chain, until="permohonan-provinsi")
    response = post(client, J, body(chain, "jawaban-pyb", ids))
    assert_rule(response, "/rujukan", "tanpa_usulan_ppk", wilayah, usulan)
