"""The chain of letters (MATRIX §6), what is the same for every letter type:
two clients answering at once, outside letters, the chain view, and the
sample chains replayed. The rules of one letter type across letters are
tested with that type (tests/letters/test_<jenis>.py)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from service import create_app
from service.devtools.replay import load_chains, replay

from .conftest import PASSPHRASE, sample
from .support import admin_client, sign
from .letters.chain_support import body, entries, post, run, spaced, with_people


@pytest.mark.parametrize("registry", ["app", pytest.param("pg_app", marks=pytest.mark.postgres)])
def test_two_clients_answering_the_same_request_at_once_one_succeeds(request, registry):
    app = request.getfixturevalue(registry)
    ids = run(app, "lubuk-linggau-pelibatan", until="permohonan")
    answer = body("lubuk-linggau-pelibatan", "jawaban", ids)
    start, results = threading.Barrier(4), []

    def answer_it():
        client = admin_client(app)
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
    listed = admin_client(app).get("/api/v1/surat?unit=DISKOMINFO&wilayah=lubuk-linggau").get_json()
    assert [s["nomor"] for s in listed["items"]] == [winner["nomor"]]
    chain = admin_client(app).get(f"/api/v1/surat/{ids['permohonan']}/rantai").get_json()
    assert [s["jenis"] for s in chain["surat"]] == ["permohonan-pelibatan", "jawaban"]


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
    assert [s["status"] for s in chain["surat"]] == ["ditandatangani"] * 5
    assert {(t["dari"], t["ke"], t["hubungan"]) for t in chain["tautan"]} == {
        (ids["jawaban"], ids["permohonan"], "menjawab"),
        (ids["penugasan"], ids["permohonan"], "dasar"),
        (ids["penugasan"], ids["jawaban"], "dasar"),
        (ids["keputusan"], ids["penugasan"], "dasar"),
        (ids["laporan"], ids["keputusan"], "dasar"),
    }
    request = chain["surat"][0]
    assert [r["aksi"] for r in request["riwayat"]] == [
        "diterbitkan", "diparaf", "dinomori", "ditandatangani", "dijawab", "menjadi_dasar"]
    assert "Rusdiana" in request["riwayat"][1]["oleh"]  # its verifikator, before it was signed
    assert "dr. H. Akhmad Rasyidi" in request["riwayat"][4]["oleh"]
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
    assert all(status in ("ditandatangani", "surat_luar") for name, _, status, _ in first if "pencabutan" not in name)
    assert [(name, status) for name, _, status, _ in first if status == "dicabut"] == [
        ("bantul-penolakan/pencabutan", "dicabut")]
    by_step = {name: nomor for name, nomor, _, _ in first}
    assert by_step["bantul-penolakan/pencabutan"] == by_step["bantul-penolakan/permohonan"]  # keeps its number
    assert by_step["hulu-sungai-selatan-pelibatan/jawaban"] == "800.1.11/1/DINKES/2026"
    assert by_step["tanah-laut-pelibatan/keputusan"] == "800.1.11.2/2-BAPPEDA/2026"
    refusals = [name for name, *_ in first if name.endswith("/penolakan")]
    assert refusals == ["bantul-penolakan/penolakan", "tanah-laut-penolakan/penolakan"]


# --- reports made and due ------------------------------------------------------------------------

def _due(client, surat_id: str, per: str | None = None) -> list[dict]:
    response = client.get(f"/api/v1/surat/{surat_id}/rantai" + (f"?per={per}" if per else ""))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["laporan"]


def test_a_decree_asks_a_report_of_each_member_to_the_ketua_and_of_the_ketua_to_the_region_s_official(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan")
    due = _due(client, ids["permohonan"], per="2026-06-01")  # the last day of the three months
    assert {d["dasar"] for d in due} == {ids["keputusan"]}  # the team assignment reports through the decree
    assert [(d["kedudukan"], d["status"], d["jatuh_tempo"]) for d in due] == [
        ("ketua", "belum", "2026-06-01")] + [("anggota", "belum", "2026-06-01")] * 3
    ketua, *members = due
    assert ketua["pelapor"]["nama"] == "Ahmad Fauzi, S.T." and ketua["kepada"] == {"peran": ["ppk"], "unit": None}
    assert ketua["pasal"] == "Perbup Hulu Sungai Selatan 45/2023 Pasal 21 ayat (3) huruf b"
    assert [r["id"] for r in ketua["dibuat"]] == [ids["laporan"]]  # the March report, made but not final
    assert all(m["kepada"] == {"nama": "Ahmad Fauzi, S.T.", "nip": "198201092006041008"} for m in members)
    assert members[0]["pasal"] == "Perbup Hulu Sungai Selatan 45/2023 Pasal 21 ayat (3) huruf a"

    late = _due(client, ids["laporan"], per="2026-06-02")
    assert [(d["status"], d["terlambat"]) for d in late] == [("terlambat", True)] * 4


def test_a_signed_report_to_the_end_of_the_period_closes_what_was_due(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan")
    final = body("hulu-sungai-selatan-pelibatan", "laporan", ids)
    final["periode"] = {"mulai": "2026-03-02", "selesai": "2026-06-01"}
    created = post(client, "laporan-pelaksanaan-tugas", final)
    assert created.status_code == 201, created.get_json()
    draft = _due(client, ids["keputusan"], per="2026-06-10")[0]
    assert draft["status"] == "terlambat" and len(draft["dibuat"]) == 2  # a draft closes nothing

    assert sign(client, created.get_json()["id"], nip="198201092006041008").status_code == 200
    ketua, *members = _due(client, ids["keputusan"], per="2026-06-10")
    assert ketua["status"] == "selesai" and not ketua["terlambat"]
    assert [m["status"] for m in members] == ["terlambat"] * 3


def test_an_individual_assignment_asks_its_person_s_report_and_a_draft_asks_none(client, app):
    ids = run(app, "lubuk-linggau-sukarela")
    [due] = _due(client, ids["penugasan"], per="2026-04-01")
    assert (due["kedudukan"], due["pelapor"]["nama"], due["status"]) == ("individu", "M. Iqbal Maulana, S.T.", "belum")
    assert due["kepada"] == {"peran": ["pimpinan_unit"], "unit": None}
    assert due["pasal"] == "Perwali Lubuk Linggau 32/2024 Pasal 14"

    ids = run(app, "tanah-laut-lintas-instansi")  # a team assignment no decree has made a team: each reports
    assert [d["kedudukan"] for d in _due(client, ids["penugasan"], per="2026-04-01")] == ["individu"] * 2

    ids = run(app, "hulu-sungai-selatan-pelibatan", until="penugasan")  # nor has a decree not yet signed
    draft = post(client, "keputusan-tim-kerja", body("hulu-sungai-selatan-pelibatan", "keputusan", ids))
    assert draft.status_code == 201, draft.get_json()
    owed = _due(client, ids["penugasan"], per="2026-04-01")
    assert {d["dasar"] for d in owed} == {ids["penugasan"]} and {d["kedudukan"] for d in owed} == {"individu"}

    ids = run(app, "hulu-sungai-selatan-pelibatan", until="jawaban")
    draft = post(client, "penugasan", body("hulu-sungai-selatan-pelibatan", "penugasan", ids))
    assert draft.status_code == 201, draft.get_json()
    assert _due(client, draft.get_json()["id"]) == []


def test_reports_are_judged_on_today_unless_asked_for_another_day(client, app):
    from service.issuing.printing import today

    ids = run(app, "lubuk-linggau-sukarela")
    chain = client.get(f"/api/v1/surat/{ids['penugasan']}/rantai").get_json()
    assert chain["per"] == today().isoformat()
    assert chain["laporan"][0]["status"] == ("terlambat" if today() > dt.date(2026, 6, 1) else "belum")
    bad = client.get(f"/api/v1/surat/{ids['penugasan']}/rantai?per=besok")
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
