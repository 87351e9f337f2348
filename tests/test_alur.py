"""A draft's life over the API: paraf in order, sent back, revised, cancelled; the number taken at signing.

Every transition answers who may make it, refuses a stale version or a
wrong state with a problem document, records history and audit, and
leaves the number free until the first signature.
"""

from __future__ import annotations

from sqlalchemy import select

from service.issuing.printing import NOMOR_KONSEP
from service.webhooks.models import Peristiwa

from .support import (JENIS, PASSPHRASE, SIGNER_NIP, bearer, grant_key, issue, last_number, pdf_text, sample,
                      sign)

URL = f"/api/v1/surat/{JENIS}"
HSS = "hulu-sungai-selatan"
PERTAMA = {"nip": "198503152010011002", "nama": "Rina Marlina, S.E.", "jabatan": "Kepala Subbagian Umum"}
KEDUA = {"nip": "197811202005012003", "nama": "Drs. Hasan Basri", "jabatan": "Sekretaris Bappeda"}


def draft(client, **overrides) -> dict:
    body = sample(HSS, JENIS)
    body["verifikator"] = [PERTAMA, KEDUA]
    body.update(overrides)
    return issue(client, body)


def act(client, surat_id: str, aksi: str, **body):
    return client.post(f"/api/v1/surat/{surat_id}/{aksi}", json=body)


def letter(client, surat_id: str) -> dict:
    return client.get(f"/api/v1/surat/{surat_id}").get_json()


def events(client, surat_id: str) -> list[str]:
    with client.application.extensions["suratkerja"].sessions() as session:
        return list(session.scalars(select(Peristiwa.jenis).where(Peristiwa.surat_id == surat_id)
                                    .order_by(Peristiwa.id)))


def test_paraf_are_given_in_order_on_the_current_version_and_signing_waits_for_them(client):
    created = draft(client)
    assert created["status"] == "konsep" and created["nomor"] is None
    assert [v["nip"] for v in created["verifikator"]] == [PERTAMA["nip"], KEDUA["nip"]]

    early = sign(client, created["id"])
    problem = early.get_json()
    assert early.status_code == 409 and problem["type"].endswith("paraf_belum_lengkap")
    assert [p["nip"] for p in problem["paraf_belum"]] == [PERTAMA["nip"], KEDUA["nip"]]
    assert "Rina Marlina" in problem["detail"] and "Hasan Basri" in problem["detail"]

    out_of_turn = act(client, created["id"], "paraf", nip=KEDUA["nip"], versi=1)
    assert out_of_turn.status_code == 403 and "Rina Marlina" in out_of_turn.get_json()["detail"]
    assert act(client, created["id"], "paraf", nip=PERTAMA["nip"], versi=2).status_code == 409  # no such version
    first = act(client, created["id"], "paraf", nip=PERTAMA["nip"], versi=1)
    assert first.status_code == 200 and first.get_json()["status"] == "konsep"
    assert act(client, created["id"], "paraf", nip=PERTAMA["nip"], versi=1).status_code == 403  # once
    still = sign(client, created["id"]).get_json()
    assert [p["nip"] for p in still["paraf_belum"]] == [KEDUA["nip"]]
    last = act(client, created["id"], "paraf", nip=KEDUA["nip"], versi=1)
    assert last.status_code == 200 and last.get_json()["status"] == "siap_ditandatangani"
    assert last.get_json()["nomor"] is None and last_number(client) == 0  # approved, still unnumbered

    signed = sign(client, created["id"])
    assert signed.status_code == 200 and signed.get_json()["nomor"] and last_number(client) == 1
    history = letter(client, created["id"])["riwayat"]
    assert [r["aksi"] for r in history] == ["diterbitkan", "diparaf", "diparaf", "dinomori", "ditandatangani"]
    assert "Rina Marlina" in history[1]["oleh"] and history[1]["sha256"] == created["sha256"]["pdf"]
    versions = client.get(f"/api/v1/surat/{created['id']}/versi").get_json()["items"]
    assert [(p["nip"], p["sha256"]) for p in versions[0]["paraf"]] == [
        (PERTAMA["nip"], created["sha256"]["pdf"]), (KEDUA["nip"], created["sha256"]["pdf"])]
    assert events(client, created["id"]) == ["surat.dibuat", "surat.diparaf", "surat.diparaf",
                                             "surat.ditandatangani"]


def test_the_numbered_letter_differs_from_the_approved_version_only_in_its_number(client):
    created = issue(client)  # the request fixes its date, so only the number changes
    preview = client.get(created["tautan"]["pdf"]).data
    assert NOMOR_KONSEP in pdf_text(preview)
    signed = sign(client, created["id"]).get_json()
    numbered = client.application.extensions["suratkerja"].store.get(signed["sha256"]["pdf"])
    assert pdf_text(numbered) == pdf_text(preview).replace(NOMOR_KONSEP, signed["nomor"])
    dinomori = next(r for r in letter(client, created["id"])["riwayat"] if r["aksi"] == "dinomori")
    assert dinomori["sha256"] == signed["sha256"]["pdf"] and created["sha256"]["pdf"] in dinomori["catatan"]
    assert signed["nomor"] in dinomori["catatan"]


def test_a_draft_without_a_date_takes_the_signing_day(client):
    body = sample(HSS, JENIS)
    body.pop("tanggal", None)
    created = issue(client, body)
    assert created["tanggal"] is None and "[tanggal ditetapkan saat ditandatangani]" in pdf_text(
        client.get(created["tautan"]["pdf"]).data)
    signed = sign(client, created["id"]).get_json()
    from service.issuing.printing import today
    assert signed["tanggal"] == today().isoformat()


def test_a_returned_draft_is_revised_into_a_new_version_and_its_paraf_start_again(client):
    created = draft(client)
    assert act(client, created["id"], "paraf", nip=PERTAMA["nip"], versi=1).status_code == 200
    no_note = act(client, created["id"], "kembalikan", nip=KEDUA["nip"], catatan="  ")
    assert no_note.status_code == 422 and no_note.get_json()["errors"][0]["pointer"] == "/catatan"
    assert act(client, created["id"], "kembalikan", nip=PERTAMA["nip"], catatan="x").status_code == 403  # not due
    returned = act(client, created["id"], "kembalikan", nip=KEDUA["nip"], catatan="Hal kurang jelas")
    assert returned.status_code == 200 and returned.get_json()["status"] == "dikembalikan"
    assert act(client, created["id"], "paraf", nip=KEDUA["nip"], versi=1).status_code == 409
    assert sign(client, created["id"]).status_code == 409

    body = sample(HSS, JENIS)
    body["verifikator"] = [PERTAMA, KEDUA]
    body["hal"] = "Permohonan Pelibatan Analis Kebijakan (diperbaiki)"
    revised = client.post(f"/api/v1/surat/{created['id']}/revisi", json={"surat": body, "catatan": "Hal diperjelas"})
    assert revised.status_code == 200, revised.get_json()
    after = revised.get_json()
    assert after["versi"] == 2 and after["status"] == "konsep" and after["hal"].endswith("(diperbaiki)")
    assert after["sha256"]["pdf"] != created["sha256"]["pdf"]
    assert act(client, created["id"], "paraf", nip=PERTAMA["nip"], versi=1).status_code == 409  # the old version
    assert act(client, created["id"], "paraf", nip=KEDUA["nip"], versi=2).status_code == 403  # reset: first again
    assert act(client, created["id"], "paraf", nip=PERTAMA["nip"], versi=2).status_code == 200

    versions = client.get(f"/api/v1/surat/{created['id']}/versi").get_json()["items"]
    assert [(v["versi"], v["berlaku"], len(v["paraf"])) for v in versions] == [(1, False, 1), (2, True, 1)]
    assert versions[1]["catatan"] == "Hal diperjelas"
    old = client.get(versions[0]["pdf"])
    assert old.status_code == 200 and "diperbaiki" not in pdf_text(old.data)
    assert client.get(f"/api/v1/surat/{created['id']}/versi/3/pdf").status_code == 404
    history = [(r["aksi"], r["catatan"]) for r in letter(client, created["id"])["riwayat"]]
    assert ("dikembalikan", "versi 1: Hal kurang jelas") in history and ("direvisi", "versi 2: Hal diperjelas") in history
    assert events(client, created["id"])[:4] == ["surat.dibuat", "surat.diparaf", "surat.dikembalikan",
                                                 "surat.diparaf"]


def test_a_revision_stays_the_same_letter_and_is_checked_like_a_new_one(client):
    created = issue(client)
    moved = sample(HSS, JENIS)
    moved["pengirim"]["kode"] = moved["penandatangan"]["unit"]["kode"] = "DISKOMINFO"
    refused = client.post(f"/api/v1/surat/{created['id']}/revisi", json={"surat": moved})
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["code"] == "revisi_unit_lain"
    broken = sample(HSS, JENIS)
    del broken["hal"]
    assert client.post(f"/api/v1/surat/{created['id']}/revisi", json={"surat": broken}).status_code == 422
    assert letter(client, created["id"])["versi"] == 1


def test_the_penandatangan_may_send_a_ready_draft_back(client):
    created = issue(client)
    returned = act(client, created["id"], "kembalikan", nip=SIGNER_NIP, catatan="Tembusan kurang")
    assert returned.status_code == 200 and returned.get_json()["status"] == "dikembalikan"


def test_a_cancelled_draft_holds_no_number_and_allows_nothing_more(client):
    created = draft(client)
    assert act(client, created["id"], "batalkan").status_code == 422  # a reason is required
    cancelled = act(client, created["id"], "batalkan", alasan="Kegiatan ditunda")
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "dibatalkan"
    assert cancelled.get_json()["nomor"] is None and last_number(client) == 0
    for refused in (act(client, created["id"], "paraf", nip=PERTAMA["nip"], versi=1),
                    act(client, created["id"], "batalkan", alasan="lagi"),
                    client.post(f"/api/v1/surat/{created['id']}/revisi", json={"surat": sample(HSS, JENIS)}),
                    sign(client, created["id"])):
        assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert letter(client, created["id"])["riwayat"][-1]["catatan"] == "Kegiatan ditunda"
    assert events(client, created["id"]) == ["surat.dibuat", "surat.dibatalkan"]


def test_a_signed_letter_is_revoked_not_cancelled(client):
    signed = sign(client, issue(client)["id"]).get_json()
    refused = act(client, signed["id"], "batalkan", alasan="Salah")
    assert refused.status_code == 409 and "dicabut" in refused.get_json()["detail"]


def test_a_cancelled_answer_lets_the_request_be_answered_again(client):
    request = sign(client, issue(client)["id"]).get_json()
    answer = sample(HSS, "jawaban")
    answer["rujukan"] = {"id": request["id"]}
    first = issue(client, dict(answer), jenis="jawaban")
    second = client.post("/api/v1/surat/jawaban", json=answer)
    assert second.status_code == 422 and second.get_json()["errors"][0]["code"] == "sudah_dijawab"
    assert act(client, first["id"], "batalkan", alasan="Salah jawab").status_code == 200
    assert client.post("/api/v1/surat/jawaban", json=answer).status_code == 201


def test_paraf_cannot_be_given_in_one_call_nor_twice_by_one_person(client):
    body = sample(HSS, JENIS)
    body["verifikator"] = [PERTAMA]
    at_once = client.post(f"{URL}/terbit-tandatangan", json={"surat": body, "passphrase": PASSPHRASE})
    assert at_once.status_code == 422 and at_once.get_json()["errors"][0]["code"] == "paraf_tidak_dalam_satu_panggilan"
    body["verifikator"] = [PERTAMA, PERTAMA, {"nip": SIGNER_NIP, "nama": "Ir. H. Muhammad Noor", "jabatan": "Kepala"}]
    twice = client.post(URL, json=body)
    assert twice.status_code == 422
    assert [(e["pointer"], e["code"]) for e in twice.get_json()["errors"]] == [
        ("/verifikator/1/nip", "verifikator_ganda"), ("/verifikator/2/nip", "verifikator_penandatangan")]


def test_each_transition_needs_its_own_right(app, client):
    created = draft(client)
    reader = bearer(app.test_client(), grant_key(app.extensions["suratkerja"], "sk_0000000a_" + "A" * 43,
                                                 wilayah=HSS, rights={"baca", "terbit"}))
    assert act(reader, created["id"], "paraf", nip=PERTAMA["nip"], versi=1).status_code == 403
    assert act(reader, created["id"], "kembalikan", nip=PERTAMA["nip"], catatan="x").status_code == 403
    verifier = bearer(app.test_client(), grant_key(app.extensions["suratkerja"], "sk_0000000b_" + "B" * 43,
                                                   wilayah=HSS, rights={"baca", "paraf"}))
    assert act(verifier, created["id"], "batalkan", alasan="x").status_code == 403
    assert act(verifier, created["id"], "paraf", nip=PERTAMA["nip"], versi=1).status_code == 200
    audit = client.get("/api/v1/audit").get_json()
    assert any(e["aksi"] == "surat.paraf" and e["pelaku"] == "kunci:sk_0000000b" for e in audit)


def test_a_draft_answer_is_checked_again_when_signed_its_request_revoked_meanwhile(client):
    request = sign(client, issue(client)["id"]).get_json()
    answer = sample(HSS, "jawaban")
    answer["rujukan"] = {"id": request["id"]}
    drafted = issue(client, answer, jenis="jawaban")
    revoked = client.post(f"/api/v1/surat/{request['id']}/cabut", json={"alasan": "Salah alamat", "nip": SIGNER_NIP})
    assert revoked.status_code == 200
    signer = answer["penandatangan"]["nip"]
    refused = sign(client, drafted["id"], nip=signer)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["code"] == "rujukan_dicabut"
    assert letter(client, drafted["id"])["nomor"] is None and last_number(client) == 1  # only the request's


def test_a_client_that_read_an_older_version_is_refused_rather_than_obeyed(client):
    created = draft(client)
    body = sample(HSS, JENIS)
    body["verifikator"] = [PERTAMA, KEDUA]
    assert client.post(f"/api/v1/surat/{created['id']}/revisi", json={"surat": body, "versi": 1}).status_code == 200
    for stale in (client.post(f"/api/v1/surat/{created['id']}/revisi", json={"surat": body, "versi": 1}),
                  act(client, created["id"], "batalkan", alasan="Tidak jadi", versi=1),
                  act(client, created["id"], "kembalikan", nip=SIGNER_NIP, catatan="Perbaiki", versi=1)):
        assert stale.status_code == 409 and "versi 2" in stale.get_json()["detail"]
    assert letter(client, created["id"])["versi"] == 2 and letter(client, created["id"])["status"] == "konsep"


def test_a_secret_drafts_version_handed_out_is_in_the_audit_trail(client):
    created = issue(client, sifat="Rahasia")
    assert client.get(f"/api/v1/surat/{created['id']}/versi/1/pdf").status_code == 200
    read = [e for e in client.get("/api/v1/audit").get_json() if e["aksi"] == "surat.unduh_rahasia"]
    assert [(e["objek"], e["rincian"]["versi"]) for e in read] == [(created["id"], 1)]
