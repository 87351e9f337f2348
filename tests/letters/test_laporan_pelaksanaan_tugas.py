"""Laporan pelaksanaan tugas: every rule of MATRIX §7 broken once from the
region's sample, and the report's place at the end of the chain."""

from __future__ import annotations

from service.letters.fields import NASKAH_DINAS
from service.letters.laporan_pelaksanaan_tugas import JENIS as L
from service.plumbing.models import Surat

from ..conftest import sample
from .chain_support import assert_rule, body, entries, post, run
from .rules_support import PROFILES, all_of, rule_table_tests, set_path, warnings_of

MEMBER = {"nama": "Anggota Tim", "nip": "199002202015032003", "kontribusi": "menganalisis data"}


def as_ketua(body):
    body.update(bentuk="tim", kedudukan="ketua")
    body["kontribusi"] = body.get("kontribusi") or [dict(MEMBER)]
    body["kepada"].pop("nip", None)


def as_anggota(body):
    body.update(bentuk="tim", kedudukan="anggota", kontribusi=[])


def as_individu(body):
    body.update(bentuk="individu", kontribusi=[])
    body.pop("kedudukan", None)


def addressed(who: str, wilayah: str, unit: str | None = None):
    """The report of ``who`` sent to an official with the role the region wants, of ``unit``
    (a unit the rule does not accept) or of the unit the rule names."""
    def mutate(body):
        rule = PROFILES[wilayah].rules(L)[who]
        expected = body["unit_pemilik_kinerja"] if rule.get("unit") == "pemilik" else body["penandatangan"]["unit"]
        body["kepada"].update(peran=rule["peran"][0], unit=dict(expected, kode=unit) if unit else dict(expected))
    return mutate


ARTICLES = {
    "hulu-sungai-selatan": {"individu": "Pasal 21 ayat (2)", "anggota": "Pasal 21 ayat (3) huruf a",
                            "ketua": "Pasal 21 ayat (3) huruf b", "kontribusi": "Pasal 20 ayat (5) huruf e"},
    "lubuk-linggau": {"individu": "Pasal 14", "anggota": "Pasal 15 ayat (1)", "ketua": "Pasal 15 ayat (2)",
                      "kontribusi": "Lampiran III huruf C angka 3) huruf e"},
    "tanah-laut": {"individu": "Pasal 23 ayat (1)", "anggota": "Pasal 23 ayat (3)", "ketua": "Pasal 23 ayat (2)",
                   "kontribusi": "Lampiran II huruf A.2 huruf c angka 5"},
    "bungo": {"individu": "Pasal 11", "anggota": "Pasal 12 ayat (1) huruf a", "ketua": "Pasal 12 ayat (1) huruf b",
              "kontribusi": "Pasal 10 ayat (4) huruf e"},
    "bantul": {"individu": "Pasal 15", "anggota": "Pasal 16 ayat (1)", "ketua": "Pasal 16 ayat (2)",
               "kontribusi": "Lampiran III huruf C angka 3) huruf e"},
}
POSITION = {"individu": as_individu, "anggota": as_anggota, "ketua": as_ketua}

CASES = []
for wilayah, ref in ARTICLES.items():
    for who in ("individu", "ketua"):
        CASES.append((wilayah, f"{who}-kepada-peran", all_of(POSITION[who], set_path("kepada/peran", "pelaksana")),
                      "/kepada/peran", "peran_tidak_sesuai", ref[who]))
    for who in POSITION:
        CASES.append((wilayah, f"{who}-pelapor-peran", all_of(POSITION[who], set_path("penandatangan/peran", "ppk")),
                      "/penandatangan/peran", "peran_tidak_sesuai", ref[who]))
    CASES.append((wilayah, "anggota-kepada-ketua", all_of(as_anggota, lambda b: b["kepada"].pop("nip", None)),
                  "/kepada/nip", "kepada_ketua_tim", ref["anggota"]))
    CASES.append((wilayah, "ketua-kontribusi", all_of(as_ketua, set_path("kontribusi", [])),
                  "/kontribusi", "kontribusi_anggota", ref["kontribusi"]))
    CASES.append((wilayah, "tim-tanpa-kedudukan", all_of(as_anggota, lambda b: b.pop("kedudukan")),
                  "/kedudukan", "kedudukan_tim", "nasional"))
for wilayah, who in (("tanah-laut", "individu"), ("tanah-laut", "ketua"), ("bungo", "individu"), ("bungo", "ketua")):
    CASES.append((wilayah, f"{who}-kepada-unit", all_of(POSITION[who], addressed(who, wilayah, "DISPERKIM")),
                  "/kepada/unit/kode", "kepada_unit_tidak_sesuai", ARTICLES[wilayah][who]))


test_breaking_the_rule_gives_its_entry_and_article, test_every_sample_is_valid = rule_table_tests(L, CASES)


def test_the_region_names_whose_official_receives_the_report():
    """Bungo: an individual reports to the PPK of their own unit; the ketua to the owner unit's Pimpinan UO."""
    for who in ("individu", "ketua"):
        report = sample("bungo", L)
        POSITION[who](report)
        report["penandatangan"]["peran"] = "pejabat_fungsional"
        addressed(who, "bungo")(report)
        assert warnings_of(L, report) == []


# --- across letters ----------------------------------------------------------------------------

CHAIN = "hulu-sungai-selatan-pelibatan"


def _report(ids: dict, step: str) -> dict:
    report = sample("hulu-sungai-selatan", L)
    report["dasar"] = [{"id": ids[step]}]
    return report


def test_a_ketua_reports_on_the_signed_decree_and_a_member_only_to_its_ketua(client, app):
    ids = run(app, CHAIN)
    created = post(client, L, _report(ids, "keputusan"))
    assert created.status_code == 201, created.get_json()

    member = _report(ids, "keputusan")
    as_anggota(member)
    member["penandatangan"] = body(CHAIN, "keputusan", ids)["anggota"][1]
    member["kepada"].update(nip="197005121998031006", nama="Ir. H. Muhammad Noor, M.T.")  # the Kepala, not the ketua
    assert_rule(post(client, L, member), "/kepada/nip", "kepada_bukan_ketua", "hulu-sungai-selatan",
                "Pasal 21 ayat (3) huruf a")

    impostor = _report(ids, "keputusan")
    impostor["penandatangan"] = body(CHAIN, "keputusan", ids)["anggota"][0]
    assert_rule(post(client, L, impostor), "/penandatangan/nip", "pelapor_bukan_ketua", "hulu-sungai-selatan",
                "Pasal 21 ayat (3) huruf b")


def test_a_report_rests_on_an_assignment_or_decree_that_is_signed(client, app):
    ids = run(app, CHAIN, until="penugasan")
    on_answer = _report(ids, "jawaban")
    on_answer["dasar"][0]["jenis"] = "penugasan"
    on_answer = post(client, L, on_answer)
    assert_rule(on_answer, "/dasar/0/id", "dasar_bukan_penugasan", "hulu-sungai-selatan",
                "Pasal 21 ayat (3) huruf b")

    draft = post(client, "keputusan-tim-kerja", body(CHAIN, "keputusan", ids))
    assert draft.status_code == 201, draft.get_json()
    on_draft = post(client, L, _report({"keputusan": draft.get_json()["id"]}, "keputusan"))
    assert ("/dasar/0/id", "rujukan_belum_ditandatangani", NASKAH_DINAS) in entries(on_draft)


def test_a_member_report_is_drafted_from_the_decree(client, app):
    ids = run(app, CHAIN)
    decree = client.get(f"/api/v1/surat/{ids['keputusan']}").get_json()
    draft = client.get(f"/api/v1/surat/{ids['keputusan']}/konsep/{L}").get_json()
    assert draft["dasar"][0]["nomor"] == decree["nomor"] and draft["bentuk"] == "tim"
    assert draft["nama_tim"] == "Tim Kerja Kajian Penurunan Stunting"
    assert draft["unit_pemilik_kinerja"]["kode"] == "BAPPEDA"


VOLUNTARY = "lubuk-linggau-sukarela"


def test_an_individual_reports_on_their_own_assignment_within_its_period(client, app):
    ids = run(app, VOLUNTARY, until="penugasan")
    other = body(VOLUNTARY, "laporan", ids)
    other["penandatangan"] = sample("lubuk-linggau", L)["penandatangan"]  # assigned by another letter
    assert_rule(post(client, L, other), "/penandatangan/nip", "pelapor_tidak_ditugaskan", "lubuk-linggau", "Pasal 14")

    late = body(VOLUNTARY, "laporan", ids)
    late["periode"]["selesai"] = "2026-07-31"  # the assignment ends on 1 June 2026
    assert_rule(post(client, L, late), "/periode", "periode_di_luar_penugasan", "lubuk-linggau", "Pasal 14")


def test_a_member_report_goes_to_the_ketua_and_a_ketua_credits_only_members(client, app):
    ids = run(app, "bantul-pelibatan", until="keputusan")
    member = body("bantul-pelibatan", "laporan", ids)  # no addressee: the decree's ketua is filled in
    created = post(client, L, member)
    assert created.status_code == 201, created.get_json()
    with app.extensions["suratkerja"].sessions.begin() as session:
        issued = session.get(Surat, created.get_json()["id"]).permintaan
    assert issued["kepada"]["nip"] == "198209262008011008" and issued["kedudukan"] == "anggota"

    decree = body("bantul-pelibatan", "keputusan", ids)
    kepala = decree["penandatangan"]
    ketua = _report(ids, "keputusan")
    ketua.update(wilayah="bantul", pengirim=decree["pengirim"], penandatangan=decree["ketua"],
                 kepada={"jabatan": kepala["jabatan"], "peran": kepala["peran"], "unit": kepala["unit"],
                         "tempat": "Bantul"})
    ketua["kontribusi"][0]["nip"] = "196804111993031009"  # not in the Bantul team
    assert_rule(post(client, L, ketua), "/kontribusi/0/nip", "kontribusi_bukan_anggota", "bantul",
                "Lampiran III huruf C angka 3) huruf e")


def test_a_team_report_names_the_team_as_its_decree_does(client, app):
    ids = run(app, CHAIN)
    report = _report(ids, "keputusan")
    report["nama_tim"] = "Tim Kerja Penyusunan Kajian Penurunan Stunting"
    assert ("/nama_tim", "nama_tim_tidak_sesuai", NASKAH_DINAS) in entries(post(client, L, report))


# --- a decree that came from outside ---------------------------------------------------------------

PROVINCE = {"kode": "BAPPEDA-DIY", "nama": "Badan Perencanaan Pembangunan Daerah",
            "instansi": "Pemerintah Daerah Istimewa Yogyakarta"}
OUTSIDE_KETUA = {"nama": "Ir. Hari Wibowo, M.T.", "nip": "197501012000031001"}


def _outside_decree(client, **team) -> dict:
    response = client.post("/api/v1/surat-luar", json={
        "wilayah": "bantul", "jenis": "keputusan-tim-kerja", "nomor": "800.1.11.2/9/BAPPEDA-DIY/2026",
        "tanggal": "2026-03-02", "hal": "Pembentukan Tim Kerja Satu Data Provinsi", "pengirim": PROVINCE,
        "jangka_waktu": {"mulai": "2026-03-02", "jumlah": 3, "satuan": "bulan"}, **team})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _member_report(dasar: dict) -> dict:
    report = body("bantul-pelibatan", "laporan", {"keputusan": "-"})
    report["dasar"] = [dasar]
    report["hal"] = "Laporan Pelaksanaan Tugas sebagai Anggota Tim Kerja Satu Data Provinsi Bulan Maret 2026"
    report["unit_pemilik_kinerja"] = PROVINCE
    report["tugas"] = "menyusun Satu Data Provinsi"
    report["kepada"] = {"jabatan": "Ketua Tim Kerja Satu Data Provinsi", "peran": "pejabat_fungsional",
                        "unit": PROVINCE, "tempat": "Yogyakarta", **OUTSIDE_KETUA}
    return report


def test_a_member_reports_on_a_decree_registered_from_outside_that_names_the_team(client, app):
    arif = body("bantul-pelibatan", "laporan", {"keputusan": "-"})["penandatangan"]
    rina = sample("bantul", "jawaban")["pegawai"][1]
    decree = _outside_decree(client, nama_tim="Tim Kerja Satu Data Provinsi", ketua=OUTSIDE_KETUA,
                             anggota=[{"nama": arif["nama"], "nip": arif["nip"]}])
    created = post(client, L, _member_report({"id": decree["id"]}))
    assert created.status_code == 201, created.get_json()
    with app.extensions["suratkerja"].sessions.begin() as session:
        issued = session.get(Surat, created.get_json()["id"]).permintaan
    assert (issued["kedudukan"], issued["nama_tim"]) == ("anggota", "Tim Kerja Satu Data Provinsi")

    stranger = {**_member_report({"id": decree["id"]}), "penandatangan": rina, "kedudukan": "anggota"}
    assert_rule(post(client, L, stranger), "/penandatangan/nip", "pelapor_bukan_anggota", "bantul",
                "Pasal 16 ayat (1)")
    elsewhere = _member_report({"id": decree["id"]})
    elsewhere["kepada"]["nip"] = rina["nip"]
    assert_rule(post(client, L, elsewhere), "/kepada/nip", "kepada_bukan_ketua", "bantul", "Pasal 16 ayat (1)")

    due = client.get(f"/api/v1/surat/{decree['id']}/rantai?per=2026-04-01").get_json()["laporan"]
    assert [(d["kedudukan"], d["pelapor"]["nip"], len(d["dibuat"])) for d in due] == [
        ("ketua", OUTSIDE_KETUA["nip"], 0), ("anggota", arif["nip"], 1)]


def test_a_decree_registered_without_its_team_is_checked_on_what_it_says(client, app):
    decree = _outside_decree(client)
    cited = {"jenis": "keputusan_tim_kerja", **{k: decree[k] for k in ("nomor", "tanggal", "hal")}}
    for _ in range(2):  # twice: by number, the registered letter is found each time
        created = post(client, L, {**_member_report(cited), "bentuk": "tim", "kedudukan": "anggota"})
        assert created.status_code == 201, created.get_json()
    chain = client.get(f"/api/v1/surat/{decree['id']}/rantai").get_json()
    assert len(chain["surat"]) == 3 and chain["laporan"] == []  # no team known: no report is owed to it


def test_only_a_decree_names_a_team_and_as_a_whole(client):
    def refused(**fields):
        response = client.post("/api/v1/surat-luar", json={
            "wilayah": "bantul", "nomor": "1/2026", "tanggal": "2026-03-02", "hal": "Tim", **fields})
        assert response.status_code == 422, response.get_json()
        return [(e["pointer"], e["code"]) for e in response.get_json()["errors"]]

    assert refused(jenis="penugasan", ketua=OUTSIDE_KETUA) == [("/ketua", "bukan_keputusan")]
    assert refused(jenis="keputusan-tim-kerja", ketua=OUTSIDE_KETUA) == [("/anggota", "tim_tidak_lengkap")]
