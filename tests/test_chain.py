"""The chain of letters (MATRIX §6): letters that answer, forward or rest on
earlier ones, the rules across letters with their articles, the chain view,
and the sample chains replayed."""

from __future__ import annotations

import copy
import threading

import pytest

from service import create_app
from service.devtools.replay import bind, load_chains, replay

from .conftest import PASSPHRASE, sample

CHAINS = dict(load_chains())
SEBUTAN = {
    "hulu-sungai-selatan": "Perbup Hulu Sungai Selatan 45/2023", "lubuk-linggau": "Perwali Lubuk Linggau 32/2024",
    "tanah-laut": "Perbup Tanah Laut 26/2024", "bungo": "Perbup Bungo 15/2024", "bantul": "Perbup Bantul 1/2023",
}


def run(app, chain: str, until: str | None = None) -> dict[str, str]:
    """Replay a sample chain (up to and including step ``until``): step name → letter id."""
    steps = CHAINS[chain]
    if until:
        steps = steps[: [s.nama for s in steps].index(until) + 1]
    services = app.extensions["suratkerja"]
    return {step.nama: letter.id for step, letter in replay(services, [(chain, steps)], lambda nip: PASSPHRASE)}


def body(chain: str, nama: str, ids: dict[str, str]) -> dict:
    """The request of a step of a sample chain, its references bound to ``ids``."""
    step = next(s for s in CHAINS[chain] if s.nama == nama)
    return copy.deepcopy(bind(step.surat, ids))


def with_people(assignment: dict, wilayah: str) -> dict:
    """An assignment given its people, period and owner unit as the region's sample has them
    (for bases that fill nothing: a refusal, a request, an outside letter)."""
    full = sample(wilayah, "penugasan")
    return {**{k: full[k] for k in ("pegawai", "bentuk", "jangka_waktu", "unit_pemilik_kinerja")}, **assignment}


def spaced(nip: str) -> str:
    """A NIP as printed on paper: 8 4 6 1 3, with spaces."""
    return " ".join((nip[:8], nip[8:14], nip[14], nip[15:]))


def post(client, jenis, payload):
    return client.post(f"/api/v1/surat/{jenis}", json=payload)


def entries(response) -> list[tuple[str, str, str]]:
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    return [(e["pointer"], e["code"], e["pasal"]) for e in response.get_json()["errors"]]


def assert_rule(response, pointer, code, wilayah, pasal):
    cited = pasal if pasal.startswith("Permen") else f"{SEBUTAN[wilayah]} {pasal}"
    assert (pointer, code, cited) in entries(response)


# --- answering -------------------------------------------------------------------------------

def test_a_request_is_answered_once(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="jawaban")
    again = post(client, "jawaban", body("hulu-sungai-selatan-pelibatan", "jawaban", ids))
    assert_rule(again, "/rujukan", "sudah_dijawab", "hulu-sungai-selatan", "Pasal 14 ayat (3)")
    assert "satu kali" in again.get_json()["errors"][0]["message"]


@pytest.mark.parametrize("registry", ["app", pytest.param("pg_app", marks=pytest.mark.postgres)])
def test_two_clients_answering_the_same_request_at_once_one_succeeds(request, registry):
    app = request.getfixturevalue(registry)
    ids = run(app, "lubuk-linggau-pelibatan", until="permohonan")
    answer = body("lubuk-linggau-pelibatan", "jawaban", ids)
    start, results = threading.Barrier(4), []

    def answer_it():
        client = app.test_client()
        start.wait()
        results.append(post(client, "jawaban", answer))

    threads = [threading.Thread(target=answer_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [201, 422, 422, 422]
    for loser in (r for r in results if r.status_code == 422):
        assert ("/rujukan", "sudah_dijawab") in [(p, c) for p, c, _ in entries(loser)]
    # The losers took no number: the unit's next letter follows the one answer.
    winner = next(r for r in results if r.status_code == 201).get_json()
    listed = app.test_client().get("/api/v1/surat?unit=DISKOMINFO&wilayah=lubuk-linggau").get_json()
    assert [s["nomor"] for s in listed["items"]] == [winner["nomor"]]
    chain = app.test_client().get(f"/api/v1/surat/{ids['permohonan']}/rantai").get_json()
    assert [s["jenis"] for s in chain["surat"]] == ["permohonan-pelibatan", "jawaban"]


def test_the_answering_unit_is_the_one_the_request_was_sent_to(client, app):
    ids = run(app, "bantul-pelibatan", until="permohonan")
    answer = body("bantul-pelibatan", "jawaban", ids)
    answer["pengirim"]["kode"] = "DISDIK"
    assert_rule(post(client, "jawaban", answer), "/pengirim/kode", "penjawab_bukan_tujuan", "bantul",
                "Lampiran II huruf A angka 2 huruf b")


def test_an_answer_refers_to_a_signed_letter_that_exists(client, app):
    request = post(client, "permohonan-pelibatan", body("bantul-pelibatan", "permohonan", {})).get_json()
    answer = body("bantul-pelibatan", "jawaban", {"permohonan": request["id"]})
    assert_rule(post(client, "jawaban", answer), "/rujukan/id", "rujukan_belum_ditandatangani", "bantul",
                "Permendagri 1/2023 tentang Tata Naskah Dinas")
    answer["rujukan"] = {"id": "0" * 32}
    assert [(p, c) for p, c, _ in entries(post(client, "jawaban", answer))] == [("/rujukan/id", "rujukan_tidak_ditemukan")]


def test_a_reference_sent_with_another_number_than_the_registry_is_refused(client, app):
    ids = run(app, "bantul-penolakan", until="permohonan")
    answer = body("bantul-penolakan", "penolakan", ids)
    answer["rujukan"]["nomor"] = "800.1.11/999/BAPPEDA/2026"
    assert ("/rujukan/nomor", "rujukan_tidak_cocok") in [(p, c) for p, c, _ in entries(post(client, "jawaban", answer))]


# --- assignments -----------------------------------------------------------------------------

def test_no_assignment_after_a_refusal(client, app):
    ids = run(app, "bantul-penolakan")
    assignment = with_people(body("bantul-pelibatan", "penugasan", {"jawaban": ids["penolakan"]}), "bantul")
    assignment["dasar"][0]["jenis"] = "persetujuan"  # a refusal passed off as an approval
    response = post(client, "penugasan", assignment)
    assert_rule(response, "/dasar/0", "dasar_penolakan", "bantul", "Lampiran II huruf A angka 2 huruf b angka 1")
    assert_rule(response, "/dasar", "permohonan_ditolak", "bantul", "Lampiran II huruf A angka 2 huruf b angka 1")


def test_no_assignment_without_an_approval_where_the_region_requires_one(client, app):
    ids = run(app, "lubuk-linggau-pelibatan", until="permohonan")
    assignment = with_people(body("lubuk-linggau-pelibatan", "penugasan", {"jawaban": ids["permohonan"]}),
                             "lubuk-linggau")
    assignment["dasar"][0]["jenis"] = "persetujuan"
    assert_rule(post(client, "penugasan", assignment), "/dasar/0/jenis", "dasar_bukan_persetujuan",
                "lubuk-linggau", "Lampiran II huruf A angka 2 huruf b angka 1")


def test_hulu_sungai_selatan_assigns_on_the_request_itself(client, app):
    """Ps 14(5): the request is the basis; no approval letter is required."""
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="permohonan")
    request_only = {"permohonan": ids["permohonan"], "jawaban": ids["permohonan"]}
    assignment = with_people(body("hulu-sungai-selatan-pelibatan", "penugasan", request_only), "hulu-sungai-selatan")
    assignment["dasar"] = [{"id": ids["permohonan"]}]
    created = post(client, "penugasan", assignment)
    assert created.status_code == 201, created.get_json()


def test_an_assignment_names_only_people_the_approval_released(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="jawaban")
    assignment = body("hulu-sungai-selatan-pelibatan", "penugasan", ids)
    stranger = dict(body("hulu-sungai-selatan-pelibatan", "jawaban", ids)["pegawai"][0],
                    nama="Siti Rahmah, S.K.M.", nip="199104122019032011")
    assignment["pegawai"] = [*body("hulu-sungai-selatan-pelibatan", "jawaban", ids)["pegawai"], stranger]
    assignment["bentuk"] = "tim"
    response = post(client, "penugasan", assignment)
    assert_rule(response, "/pegawai/2/nip", "pegawai_tidak_dilepas", "hulu-sungai-selatan",
                "PermenPANRB 7/2022 (ketentuan nasional; Perbup Hulu Sungai Selatan 45/2023 tidak mengatur)")


def test_an_assignment_period_stays_inside_the_requested_duration(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="jawaban")
    assignment = body("hulu-sungai-selatan-pelibatan", "penugasan", ids)
    assignment["jangka_waktu"] = {"mulai": "2026-03-02", "jumlah": 6, "satuan": "bulan"}
    response = post(client, "penugasan", assignment)
    assert_rule(response, "/jangka_waktu", "jangka_di_luar_permohonan", "hulu-sungai-selatan",
                "Pasal 14 ayat (4) huruf d")
    assert "02-03-2026 s.d. 01-06-2026" in str(response.get_json())


def test_an_assignment_comes_from_the_unit_that_released_the_people(client, app):
    ids = run(app, "tanah-laut-pelibatan", until="jawaban")
    assignment = body("tanah-laut-pelibatan", "penugasan", ids)
    assignment["pengirim"]["kode"] = "DISPERKIM"
    assert_rule(post(client, "penugasan", assignment), "/pengirim/kode", "penugasan_bukan_unit_tujuan",
                "tanah-laut", "Pasal 14 huruf c")


# --- across instansi (TL Ps 15, BGO Ps 6(4)) ------------------------------------------------------

ACROSS = {"tanah-laut": ("tanah-laut-lintas-instansi", "Pasal 15 huruf e angka 1", "Pasal 15 huruf e angka 3",
                         "Pasal 15 huruf e angka 4"),
          "bungo": ("bungo-lintas-instansi", "Pasal 6 ayat (4) huruf e angka 1", "Pasal 6 ayat (4) huruf e angka 2",
                    "Pasal 6 ayat (4) huruf e angka 3")}


@pytest.mark.parametrize("wilayah", ACROSS)
def test_across_instansi_the_pejabat_yang_berwenang_answers_on_the_ppk_proposal(client, app, wilayah):
    chain, usulan, _, _ = ACROSS[wilayah]
    ids = run(app, chain, until="permohonan-provinsi")
    response = post(client, "jawaban", body(chain, "jawaban-pyb", ids))
    assert_rule(response, "/rujukan", "tanpa_usulan_ppk", wilayah, usulan)


@pytest.mark.parametrize("wilayah", ACROSS)
def test_across_instansi_the_assignment_rests_on_the_answer_the_pejabat_approved(client, app, wilayah):
    chain, _, penugasan, _ = ACROSS[wilayah]
    ids = run(app, chain, until="usulan-ppk")
    response = post(client, "penugasan", body(chain, "penugasan", {"jawaban-pyb": ids["usulan-ppk"]}))
    assert_rule(response, "/dasar", "persetujuan_belum_pyb", wilayah, penugasan)


@pytest.mark.parametrize("wilayah", ACROSS)
def test_across_instansi_the_assignment_copies_both_pejabat_yang_berwenang(client, app, wilayah):
    chain, _, _, tembusan = ACROSS[wilayah]
    ids = run(app, chain, until="jawaban-pyb")
    assignment = body(chain, "penugasan", ids)
    for copy_ in assignment["tembusan"]:
        if copy_["peran"] == "pyb" and "Provinsi" in copy_["instansi"]:
            copy_["instansi"] = "Pemerintah Kabupaten Banjar"
    response = post(client, "penugasan", assignment)
    assert_rule(response, "/tembusan", "tembusan_pyb_instansi", wilayah, tembusan)
    assert "instansi pemohon" in str(response.get_json())


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
    request = post(client, "permohonan-pelibatan", own).get_json()
    from service.signatures.sign_letter import sign_letter

    sign_letter(services, request["id"], own["penandatangan"]["nip"], PASSPHRASE)

    answer = body("tanah-laut-lintas-instansi", "usulan-ppk", {"permohonan-provinsi": request["id"]})
    assert_rule(post(client, "jawaban", answer), "/rujukan/id", "belum_diteruskan", "tanah-laut", "Pasal 15 huruf b")

    sekda = body("tanah-laut-lintas-instansi", "jawaban-pyb", {"permohonan-provinsi": ""})["penandatangan"]
    forward = {"rujukan": {"id": request["id"]}, "tanggal": "2026-02-12", "jalur": "lintas_instansi",
               "unit_tujuan": own["unit_tujuan"], "pengirim": body(
        "tanah-laut-lintas-instansi", "jawaban-pyb", {"permohonan-provinsi": ""})["pengirim"],
        "penandatangan": sekda, "kepada": {"jabatan": "Sekretaris Daerah Kabupaten Banjar", "peran": "pyb",
                                            "unit": {"kode": "SETDA", "nama": "Sekretariat Daerah",
                                                     "instansi": "Pemerintah Kabupaten Banjar"}, "tempat": "Martapura"}}
    first = post(client, "permohonan-pelibatan", forward)
    assert first.status_code == 201, first.get_json()
    assert_rule(post(client, "permohonan-pelibatan", forward), "/rujukan", "sudah_diteruskan", "tanah-laut",
                "Pasal 15 huruf b")
    forward["rujukan"] = {"id": ids["permohonan"]}  # a request across PD is not forwarded across instansi
    assert_rule(post(client, "permohonan-pelibatan", forward), "/rujukan/id", "penerusan_tidak_sesuai",
                "tanah-laut", "Pasal 15 huruf b")


# --- the voluntary route -----------------------------------------------------------------------

def test_a_voluntary_application_is_approved_before_its_assignment(client, app):
    ids = run(app, "lubuk-linggau-sukarela", until="pengajuan")
    assignment = body("lubuk-linggau-sukarela", "penugasan", {"persetujuan": ids["pengajuan"]})
    assignment["dasar"][0]["jenis"] = "pengajuan_sukarela"
    response = post(client, "penugasan", assignment)
    assert_rule(response, "/dasar", "sukarela_tanpa_persetujuan", "lubuk-linggau",
                "Lampiran II huruf B angka 2 huruf b")


def test_the_voluntary_route_ends_in_an_assignment_by_the_right_official(client, app):
    """LL Lamp. II.B.2)c: the PPK of the applicant's own unit assigns."""
    ids = run(app, "lubuk-linggau-sukarela", until="persetujuan")
    assignment = body("lubuk-linggau-sukarela", "penugasan", ids)
    kepala = body("lubuk-linggau-sukarela", "persetujuan", ids)["penandatangan"]
    response = post(client, "penugasan", dict(assignment, penandatangan=kepala))
    assert_rule(response, "/penandatangan/peran", "peran_tidak_sesuai", "lubuk-linggau",
                "Lampiran II huruf B angka 2 huruf c")
    other_ppk = dict(assignment["penandatangan"], unit=kepala["unit"])
    response = post(client, "penugasan", dict(assignment, penandatangan=other_ppk))
    assert_rule(response, "/penandatangan/unit/kode", "penandatangan_penugasan_sukarela", "lubuk-linggau",
                "Lampiran II huruf B angka 2 huruf c")
    ok = post(client, "penugasan", assignment)
    assert ok.status_code == 201, ok.get_json()


# --- team decree -------------------------------------------------------------------------------

def test_a_decree_made_from_assignments_checks_the_ketua_against_where_people_come_from(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="penugasan")
    decree = body("hulu-sungai-selatan-pelibatan", "keputusan", ids)
    released = body("hulu-sungai-selatan-pelibatan", "jawaban", ids)["pegawai"][0]
    del decree["anggota"]  # filled from the assignment
    decree["ketua"] = {"nip": released["nip"]}  # a released Dinkes official as ketua
    response = post(client, "keputusan-tim-kerja", decree)
    assert_rule(response, "/ketua/unit", "ketua_unit_pemilik", "hulu-sungai-selatan", "Pasal 17 ayat (6)")

    decree = body("hulu-sungai-selatan-pelibatan", "keputusan", ids)
    decree["anggota"][1]["unit"] = decree["ketua"]["unit"]  # claims Bappeda for a Dinkes official
    response = post(client, "keputusan-tim-kerja", decree)
    assert_rule(response, "/anggota/1/unit/kode", "asal_pegawai_tidak_sesuai", "hulu-sungai-selatan",
                "Pasal 17 ayat (6)")


# --- filling from earlier letters ----------------------------------------------------------------

def test_drafts_are_filled_from_the_earlier_letter(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="jawaban")
    request = client.get(f"/api/v1/surat/{ids['permohonan']}").get_json()
    jawaban = client.get(f"/api/v1/surat/{ids['permohonan']}/konsep/jawaban").get_json()
    assert jawaban["rujukan"] == {"id": ids["permohonan"], "nomor": request["nomor"],
                                  "tanggal": request["tanggal"], "hal": request["hal"]}
    assert jawaban["kepada"]["jabatan"] == "Kepala Badan Perencanaan Pembangunan Daerah"
    assert jawaban["hal"] == f"Jawaban atas {request['hal']}" and jawaban["jalur"] == "lintas_pd"
    penugasan = client.get(f"/api/v1/surat/{ids['jawaban']}/konsep/penugasan").get_json()
    released = body("hulu-sungai-selatan-pelibatan", "jawaban", ids)["pegawai"]
    assert [p["nip"] for p in penugasan["pegawai"]] == [p["nip"] for p in released]
    assert penugasan["jangka_waktu"] == {"mulai": "2026-03-02", "jumlah": 3, "satuan": "bulan"}
    assert penugasan["unit_pemilik_kinerja"]["kode"] == "BAPPEDA" and penugasan["bentuk"] == "tim"
    assert [d["id"] for d in penugasan["dasar"]] == [ids["permohonan"], ids["jawaban"]]
    assert client.get(f"/api/v1/surat/{ids['jawaban']}/konsep/pengajuan-sukarela").status_code == 404


def test_an_outside_approval_registered_with_its_list_limits_the_assignment(client, app):
    registered = client.post("/api/v1/surat-luar", json={
        "wilayah": "bantul", "jenis": "jawaban", "nomor": "800/77/DISKOMINFO-SLEMAN/2026", "tanggal": "2026-02-17",
        "hal": "Persetujuan Pelibatan", "keputusan": "persetujuan",
        "pegawai": [{"nama": "Arif Budiman, S.Si.", "nip": spaced(sample("bantul", "penugasan")["pegawai"][0]["nip"])}]})
    assert registered.status_code == 201, registered.get_json()
    luar = registered.get_json()
    assert luar["isi"]["pegawai"][0]["nip"] == sample("bantul", "penugasan")["pegawai"][0]["nip"]
    again = client.post("/api/v1/surat-luar", json={k: luar[k] for k in ("wilayah", "jenis", "nomor", "tanggal", "hal")})
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    assignment = with_people(body("bantul-pelibatan", "penugasan", {"jawaban": luar["id"]}), "bantul")
    response = post(client, "penugasan", assignment)
    assert [(p, c) for p, c, _ in entries(response)] == [("/pegawai/1/nip", "pegawai_tidak_dilepas")]


# --- the chain and its history ----------------------------------------------------------------------

def test_the_chain_shows_every_letter_with_its_status_and_history(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan")
    for member in ids.values():
        chain = client.get(f"/api/v1/surat/{member}/rantai").get_json()
        assert [s["id"] for s in chain["surat"]] == list(ids.values())
    assert [s["status"] for s in chain["surat"]] == ["ditandatangani"] * 4
    assert {(t["dari"], t["ke"], t["hubungan"]) for t in chain["tautan"]} == {
        (ids["jawaban"], ids["permohonan"], "menjawab"),
        (ids["penugasan"], ids["permohonan"], "dasar"),
        (ids["penugasan"], ids["jawaban"], "dasar"),
        (ids["keputusan"], ids["penugasan"], "dasar"),
    }
    request = chain["surat"][0]
    assert [r["aksi"] for r in request["riwayat"]] == ["diterbitkan", "ditandatangani", "dijawab", "menjadi_dasar"]
    assert "dr. H. Akhmad Rasyidi" in request["riwayat"][2]["oleh"]
    assert client.get(f"/api/v1/surat/{'f' * 32}/rantai").status_code == 404


def test_an_outside_letter_appears_in_the_chain(client, app):
    ids = run(app, "bungo-lintas-instansi")
    chain = client.get(f"/api/v1/surat/{ids['penugasan']}/rantai").get_json()
    assert [(s["jenis"], s["luar"]) for s in chain["surat"]] == [
        ("permohonan-pelibatan", True), ("jawaban", False), ("jawaban", False), ("penugasan", False)]
    assert chain["surat"][0]["status"] == "surat_luar" and chain["surat"][0]["tautan"] is None


# --- the sample chains ---------------------------------------------------------------------------

def _replayed(tmp_path, converter, pki_dir) -> list[tuple]:
    app = create_app({"instance_dir": tmp_path, "pki_dir": pki_dir}, converter=converter)
    services = app.extensions["suratkerja"]
    names: dict[str, str] = {}
    found = []
    for step, letter in replay(services, load_chains(), lambda nip: PASSPHRASE):
        names[letter.id] = f"{step.chain}/{step.nama}"
        request = getattr(letter, "permintaan", None)
        found.append((names[letter.id], letter.nomor, getattr(letter, "status", "surat_luar"),
                      _named(request, names)))
    return found


def _named(value, names):
    """A stored request with letter ids replaced by step names, to compare runs."""
    if isinstance(value, dict):
        return {k: _named(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_named(v, names) for v in value]
    return names.get(value, value) if isinstance(value, str) else value


def test_replaying_the_sample_chains_gives_the_same_letters_and_numbers(tmp_path, converter, pki_dir):
    first = _replayed(tmp_path / "a", converter, pki_dir)
    second = _replayed(tmp_path / "b", converter, pki_dir)
    assert first == second
    assert all(status in ("ditandatangani", "surat_luar") for _, _, status, _ in first)
    by_step = {name: nomor for name, nomor, _, _ in first}
    assert by_step["hulu-sungai-selatan-pelibatan/jawaban"] == "800.1.11/1/DINKES/2026"
    assert by_step["tanah-laut-pelibatan/keputusan"] == "800.1.11.2/2-BAPPEDA/2026"
    refusals = [name for name, *_ in first if name.endswith("/penolakan")]
    assert refusals == ["bantul-penolakan/penolakan", "tanah-laut-penolakan/penolakan"]
