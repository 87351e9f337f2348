"""Surat penugasan: every rule of MATRIX §3 broken once from the region's
sample, and its rules across letters: what it rests on, whom it names, for
how long, who signs it, on the voluntary route and across instansi."""

from __future__ import annotations

import pytest

from service.letters.penugasan import JENIS as T

from service.letters.fields import NASKAH_DINAS

from .chain_support import assert_rule, body, entries, post, run, with_people
from .rules_support import no_tembusan, rule_table_tests, set_path

CASES = []
PENUGAS = {"hulu-sungai-selatan": "Pasal 14 ayat (5)", "lubuk-linggau": "Lampiran II huruf A angka 2 huruf b angka 1",
           "tanah-laut": "Pasal 14 huruf c", "bungo": "Pasal 6 ayat (3) huruf c", "bantul": "Pasal 13 ayat (4)"}
for wilayah, ref in PENUGAS.items():
    CASES.append((wilayah, "penanda-tangan-peran", set_path("penandatangan/peran", "pelaksana"),
                  "/penandatangan/peran", "peran_tidak_sesuai", ref))
DASAR = {"hulu-sungai-selatan": ("permohonan", "Pasal 14 ayat (5)"),
         "lubuk-linggau": ("persetujuan", "Lampiran II huruf A angka 2 huruf b angka 1"),
         "tanah-laut": ("persetujuan", "Pasal 14 huruf c"), "bungo": ("persetujuan", "Pasal 6 ayat (3) huruf c"),
         "bantul": ("persetujuan", "Lampiran II huruf A angka 2 huruf b angka 1")}
for wilayah, (kind, ref) in DASAR.items():
    CASES.append((wilayah, "dasar", lambda b, k=kind: b.__setitem__("dasar", [d for d in b["dasar"] if d["jenis"] != k]
                                                                     or [dict(b["dasar"][0], jenis="lainnya")]),
                  "/dasar", "dasar_penugasan", ref))
CASES += [
    ("tanah-laut", "tiga-tembusan-lintas-instansi", no_tembusan("pyb"), "/tembusan", "tembusan_wajib",
     "Pasal 15 huruf e angka 4"),
    ("bungo", "tiga-tembusan-lintas-instansi", no_tembusan("ppk"), "/tembusan", "tembusan_wajib",
     "Pasal 6 ayat (4) huruf e angka 3"),
    ("lubuk-linggau", "individu-satu-orang", set_path("bentuk", "individu"), "/pegawai", "penugasan_individu",
     "nasional"),
]


test_breaking_the_rule_gives_its_entry_and_article, test_every_sample_is_valid = rule_table_tests(
    T, CASES)


# --- across letters ----------------------------------------------------------------------------

def test_no_assignment_after_a_refusal(client, app):
    ids = run(app, "bantul-penolakan")
    assignment = with_people(body("bantul-pelibatan", "penugasan", {"jawaban": ids["penolakan"]}), "bantul")
    assignment["dasar"][0]["jenis"] = "persetujuan"  # a refusal passed off as an approval
    response = post(client, T, assignment)
    assert_rule(response, "/dasar/0", "dasar_penolakan", "bantul", "Lampiran II huruf A angka 2 huruf b angka 1")
    assert_rule(response, "/dasar", "permohonan_ditolak", "bantul", "Lampiran II huruf A angka 2 huruf b angka 1")


REFUSAL_PASAL = "Lampiran II huruf A angka 2 huruf b angka 1"


def _cited_by_number(client, letter_id: str, path: str) -> dict:
    """A reference to the letter ``letter_id`` as a clerk types it from the paper: nomor, tanggal, hal."""
    known = client.get(f"{path}/{letter_id}").get_json()
    return {"jenis": "persetujuan", **{k: known[k] for k in ("nomor", "tanggal", "hal")}}


def test_no_assignment_on_a_refusal_cited_by_its_number(client, app):
    """The refusal was issued here: citing it by nomor instead of id does not hide it."""
    ids = run(app, "bantul-penolakan")
    assignment = with_people(body("bantul-pelibatan", "penugasan", {"jawaban": "-"}), "bantul")
    assignment["dasar"] = [_cited_by_number(client, ids["penolakan"], "/api/v1/surat")]
    response = post(client, T, assignment)
    assert_rule(response, "/dasar/0", "dasar_penolakan", "bantul", REFUSAL_PASAL)
    assert_rule(response, "/dasar", "permohonan_ditolak", "bantul", REFUSAL_PASAL)


def test_no_assignment_on_a_registered_outside_refusal(client, app):
    registered = client.post("/api/v1/surat-luar", json={
        "wilayah": "bantul", "jenis": "jawaban", "nomor": "800/78/DISKOMINFO-SLEMAN/2026", "tanggal": "2026-02-17",
        "hal": "Jawaban atas Permohonan Pelibatan", "keputusan": "penolakan"}).get_json()
    for dasar in ({"id": registered["id"], "jenis": "persetujuan"},
                  _cited_by_number(client, registered["id"], "/api/v1/surat-luar")):
        assignment = with_people(body("bantul-pelibatan", "penugasan", {"jawaban": "-"}), "bantul")
        assignment["dasar"] = [dasar]
        assert_rule(post(client, T, assignment), "/dasar/0", "dasar_penolakan", "bantul", REFUSAL_PASAL)


def test_a_letter_issued_here_must_be_signed_before_an_assignment_rests_on_it(client, app):
    ids = run(app, "bantul-pelibatan", until="permohonan")
    answer = body("bantul-pelibatan", "jawaban", ids)
    created = post(client, "jawaban", answer)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["nomor"] is None  # a draft: nothing to cite by number yet
    assignment = with_people(body("bantul-pelibatan", "penugasan", {"jawaban": created.get_json()["id"]}), "bantul")
    response = post(client, T, assignment)
    assert ("/dasar/0/id", "rujukan_belum_ditandatangani", NASKAH_DINAS) in entries(response)


def test_no_assignment_without_an_approval_where_the_region_requires_one(client, app):
    ids = run(app, "lubuk-linggau-pelibatan", until="permohonan")
    assignment = with_people(body("lubuk-linggau-pelibatan", "penugasan", {"jawaban": ids["permohonan"]}),
                             "lubuk-linggau")
    assignment["dasar"][0]["jenis"] = "persetujuan"
    assert_rule(post(client, T, assignment), "/dasar/0/jenis", "dasar_bukan_persetujuan",
                "lubuk-linggau", "Lampiran II huruf A angka 2 huruf b angka 1")


def test_hulu_sungai_selatan_assigns_on_the_request_itself(client, app):
    """Ps 14(5): the request is the basis; no approval letter is required."""
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="permohonan")
    request_only = {"permohonan": ids["permohonan"], "jawaban": ids["permohonan"]}
    assignment = with_people(body("hulu-sungai-selatan-pelibatan", "penugasan", request_only), "hulu-sungai-selatan")
    assignment["dasar"] = [{"id": ids["permohonan"]}]
    created = post(client, T, assignment)
    assert created.status_code == 201, created.get_json()


def test_an_assignment_names_only_people_the_approval_released(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="jawaban")
    assignment = body("hulu-sungai-selatan-pelibatan", "penugasan", ids)
    stranger = dict(body("hulu-sungai-selatan-pelibatan", "jawaban", ids)["pegawai"][0],
                    nama="Siti Rahmah, S.K.M.", nip="199104122019032011")
    assignment["pegawai"] = [*body("hulu-sungai-selatan-pelibatan", "jawaban", ids)["pegawai"], stranger]
    assignment["bentuk"] = "tim"
    response = post(client, T, assignment)
    assert_rule(response, "/pegawai/2/nip", "pegawai_tidak_dilepas", "hulu-sungai-selatan",
                "PermenPANRB 7/2022 (ketentuan nasional; Perbup Hulu Sungai Selatan 45/2023 tidak mengatur)")


def test_an_assignment_period_stays_inside_the_requested_duration(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="jawaban")
    assignment = body("hulu-sungai-selatan-pelibatan", "penugasan", ids)
    assignment["jangka_waktu"] = {"mulai": "2026-03-02", "jumlah": 6, "satuan": "bulan"}
    response = post(client, T, assignment)
    assert_rule(response, "/jangka_waktu", "jangka_di_luar_permohonan", "hulu-sungai-selatan",
                "Pasal 14 ayat (4) huruf d")
    assert "02-03-2026 s.d. 01-06-2026" in str(response.get_json())


def test_an_assignment_comes_from_the_unit_that_released_the_people(client, app):
    ids = run(app, "tanah-laut-pelibatan", until="jawaban")
    assignment = body("tanah-laut-pelibatan", "penugasan", ids)
    assignment["pengirim"]["kode"] = "DISPERKIM"
    assert_rule(post(client, T, assignment), "/pengirim/kode", "penugasan_bukan_unit_tujuan",
                "tanah-laut", "Pasal 14 huruf c")


def test_an_assignment_is_drafted_from_the_approval(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="jawaban")
    penugasan = client.get(f"/api/v1/surat/{ids['jawaban']}/konsep/penugasan").get_json()
    released = body("hulu-sungai-selatan-pelibatan", "jawaban", ids)["pegawai"]
    assert [p["nip"] for p in penugasan["pegawai"]] == [p["nip"] for p in released]
    assert penugasan["jangka_waktu"] == {"mulai": "2026-03-02", "jumlah": 3, "satuan": "bulan"}
    assert penugasan["unit_pemilik_kinerja"]["kode"] == "BAPPEDA" and penugasan["bentuk"] == "tim"
    assert [d["id"] for d in penugasan["dasar"]] == [ids["permohonan"], ids["jawaban"]]
    assert client.get(f"/api/v1/surat/{ids['jawaban']}/konsep/pengajuan-sukarela").status_code == 404


# --- across instansi (TL Ps 15, BGO Ps 6(4)) ------------------------------------------------------

ACROSS = {"tanah-laut": ("tanah-laut-lintas-instansi", "Pasal 15 huruf e angka 3", "Pasal 15 huruf e angka 4"),
          "bungo": ("bungo-lintas-instansi", "Pasal 6 ayat (4) huruf e angka 2", "Pasal 6 ayat (4) huruf e angka 3")}


@pytest.mark.parametrize("wilayah", ACROSS)
def test_across_instansi_the_assignment_rests_on_the_answer_the_pejabat_approved(client, app, wilayah):
    chain, penugasan, _ = ACROSS[wilayah]
    ids = run(app, chain, until="usulan-ppk")
    response = post(client, T, body(chain, "penugasan", {"jawaban-pyb": ids["usulan-ppk"]}))
    assert_rule(response, "/dasar", "persetujuan_belum_pyb", wilayah, penugasan)


@pytest.mark.parametrize("wilayah", ACROSS)
def test_across_instansi_the_assignment_copies_both_pejabat_yang_berwenang(client, app, wilayah):
    chain, _, tembusan = ACROSS[wilayah]
    ids = run(app, chain, until="jawaban-pyb")
    assignment = body(chain, "penugasan", ids)
    for copy_ in assignment["tembusan"]:
        if copy_["peran"] == "pyb" and "Provinsi" in copy_["instansi"]:
            copy_["instansi"] = "Pemerintah Kabupaten Banjar"
    response = post(client, T, assignment)
    assert_rule(response, "/tembusan", "tembusan_pyb_instansi", wilayah, tembusan)
    assert "instansi pemohon" in str(response.get_json())


# --- the voluntary route -----------------------------------------------------------------------

def test_a_voluntary_application_is_approved_before_its_assignment(client, app):
    ids = run(app, "lubuk-linggau-sukarela", until="pengajuan")
    assignment = body("lubuk-linggau-sukarela", "penugasan", {"persetujuan": ids["pengajuan"]})
    assignment["dasar"][0]["jenis"] = "pengajuan_sukarela"
    response = post(client, T, assignment)
    assert_rule(response, "/dasar", "sukarela_tanpa_persetujuan", "lubuk-linggau",
                "Lampiran II huruf B angka 2 huruf b")


def test_the_voluntary_route_ends_in_an_assignment_by_the_right_official(client, app):
    """LL Lamp. II.B.2)c: the PPK of the applicant's own unit assigns."""
    ids = run(app, "lubuk-linggau-sukarela", until="persetujuan")
    assignment = body("lubuk-linggau-sukarela", "penugasan", ids)
    kepala = body("lubuk-linggau-sukarela", "persetujuan", ids)["penandatangan"]
    response = post(client, T, dict(assignment, penandatangan=kepala))
    assert_rule(response, "/penandatangan/peran", "peran_tidak_sesuai", "lubuk-linggau",
                "Lampiran II huruf B angka 2 huruf c")
    other_ppk = dict(assignment["penandatangan"], unit=kepala["unit"])
    response = post(client, T, dict(assignment, penandatangan=other_ppk))
    assert_rule(response, "/penandatangan/unit/kode", "penandatangan_penugasan_sukarela", "lubuk-linggau",
                "Lampiran II huruf B angka 2 huruf c")
    ok = post(client, T, assignment)
    assert ok.status_code == 201, ok.get_json()
