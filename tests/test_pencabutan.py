"""Pencabutan: a signed letter withdrawn by its penandatangan or the pemda's arsiparis, through the API;
what the register, verification (API and QR page) and the chain say of it afterwards."""

from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import select

from service.webhooks.models import Peristiwa

from .letters.chain_support import body, entries, post, run
from .staff import post_form
from .support import SIGNER_NIP, admin_client, bearer, grant_key, issue, sign, verify

HSS = "hulu-sungai-selatan"
REASON = "Terdapat kekeliruan jangka waktu; diganti surat baru."
SIGNER_KEY = "sk_0000001a_" + "A" * 43
ARSIPARIS_KEY = "sk_0000001b_" + "B" * 43
READER_KEY = "sk_0000001c_" + "C" * 43


def signed(client) -> dict:
    created = issue(client)
    response = sign(client, created["id"])
    assert response.status_code == 200
    return response.get_json()


def cabut(client, surat_id: str, **body):
    return client.post(f"/api/v1/surat/{surat_id}/cabut", json=body)


def key_client(app, token: str, rights) -> object:
    grant_key(app.extensions["suratkerja"], token, wilayah=HSS, rights=rights)
    return bearer(app.test_client(), token)


def test_the_signer_revokes_with_a_reason_and_the_revoking_letter_and_the_number_stays(app, client):
    letter = signed(client)
    signer = key_client(app, SIGNER_KEY, {"baca", "tandatangan"})
    response = cabut(signer, letter["id"], alasan=REASON, nip=SIGNER_NIP,
                     surat_pencabut={"nomor": "000.8/9/BAPPEDA/2026", "tanggal": "2026-03-01"})
    assert response.status_code == 200, response.get_json()
    revoked = response.get_json()
    assert revoked["status"] == "dicabut" and revoked["nomor"] == letter["nomor"]
    assert revoked["pencabutan"]["alasan"] == REASON and revoked["pencabutan"]["nomor"] == "000.8/9/BAPPEDA/2026"
    assert "Muhammad Noor" in revoked["pencabutan"]["oleh"]

    riwayat = client.get(letter["tautan"]["self"]).get_json()["riwayat"]
    assert [r["aksi"] for r in riwayat] == ["diterbitkan", "dinomori", "ditandatangani", "dicabut"]
    assert REASON in riwayat[-1]["catatan"] and "000.8/9/BAPPEDA/2026" in riwayat[-1]["catatan"]
    assert "Muhammad Noor" in riwayat[-1]["oleh"] and riwayat[-1]["waktu"]
    listed = client.get("/api/v1/surat").get_json()["items"]
    assert [(s["nomor"], s["status"]) for s in listed] == [(letter["nomor"], "dicabut")]
    assert client.get(letter["tautan"]["pdf"]).status_code == 200  # still readable as it was signed


def test_a_revocation_tells_the_webhook_subscribers_once(app, client):
    letter = signed(client)
    cabut(client, letter["id"], alasan=REASON)
    cabut(client, letter["id"], alasan=REASON)  # refused: no second event
    with app.extensions["suratkerja"].sessions() as session:
        events = session.scalars(select(Peristiwa).where(Peristiwa.surat_id == letter["id"])).all()
    assert [(e.jenis, e.data["status"]) for e in events][-1:] == [("surat.dicabut", "dicabut")]
    assert [e.jenis for e in events].count("surat.dicabut") == 1


def test_the_arsiparis_revokes_without_being_the_signer(app, client):
    letter = signed(client)
    arsiparis = key_client(app, ARSIPARIS_KEY, {"baca", "admin"})
    response = cabut(arsiparis, letter["id"], alasan=REASON)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["pencabutan"]["oleh"].startswith("arsiparis")
    assert response.get_json()["pencabutan"]["nomor"] is None


def test_revoking_twice_is_409_and_the_first_revocation_stands(client):
    letter = signed(client)
    assert cabut(client, letter["id"], alasan=REASON).status_code == 200
    again = cabut(client, letter["id"], alasan="Alasan lain")
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    problem = again.get_json()
    assert problem["type"].endswith("pencabutan_ditolak") and "sudah dicabut" in problem["detail"]
    assert "Permendagri 1/2023" in problem["detail"]
    assert client.get(letter["tautan"]["self"]).get_json()["pencabutan"]["alasan"] == REASON


def test_a_revocation_without_a_reason_is_422_naming_the_rule(client):
    letter = signed(client)
    for body_ in ({}, {"alasan": ""}, {"alasan": "   "}):
        response = cabut(client, letter["id"], **body_)
        assert response.status_code == 422, body_
        [error] = response.get_json()["errors"]
        assert (error["pointer"], error["code"]) == ("/alasan", "alasan_wajib")
        assert "Permendagri 1/2023" in error["pasal"]
    assert client.get(letter["tautan"]["self"]).get_json()["status"] == "ditandatangani"


def test_a_draft_cannot_be_revoked(client):
    draft = issue(client)
    response = cabut(client, draft["id"], alasan=REASON)
    assert response.status_code == 409 and "hanya surat yang sudah ditandatangani" in response.get_json()["detail"]
    assert client.get(draft["tautan"]["self"]).get_json()["status"] == "siap_ditandatangani"


def test_only_the_signer_or_the_arsiparis_may_revoke(app, client):
    letter = signed(client)
    signer = key_client(app, SIGNER_KEY, {"baca", "tandatangan"})
    someone_else = cabut(signer, letter["id"], alasan=REASON, nip="196804111993031009")
    assert someone_else.status_code == 403 and someone_else.get_json()["type"].endswith("bukan_pencabut")
    assert "Muhammad Noor" in someone_else.get_json()["detail"]
    reader = key_client(app, READER_KEY, {"baca"})
    assert cabut(reader, letter["id"], alasan=REASON, nip=SIGNER_NIP).status_code == 403
    assert cabut(signer, letter["id"], alasan=REASON).status_code == 403  # a signer's key names whose letter
    assert client.get(letter["tautan"]["self"]).get_json()["status"] == "ditandatangani"


def test_verification_of_a_revoked_letter_says_dicabut_and_that_its_signature_is_intact(client):
    letter = signed(client)
    pdf = client.get(letter["tautan"]["pdf"]).data
    before = verify(client, pdf).get_json()
    assert before["keberlakuan"]["status"] == "berlaku" and before["tanda_tangan_utuh"]
    cabut(client, letter["id"], alasan=REASON)

    report = verify(client, pdf).get_json()
    assert report["keberlakuan"]["status"] == "dicabut"
    assert report["keberlakuan"]["pencabutan"]["alasan"] == REASON and report["keberlakuan"]["pencabutan"]["waktu"]
    assert report["terbitan"]["status"] == "dicabut"
    assert "oleh" not in report["keberlakuan"]["pencabutan"]  # who revoked stays in the register
    assert report["tanda_tangan_utuh"] is True  # the file is untouched: the register revokes, not the PDF

    page = client.get(f"/verifikasi/{letter['id']}").get_data(as_text=True)
    assert "DICABUT" in page and REASON in page and "tidak berlaku lagi sejak" in page
    assert "Tanda tangan secara kriptografis: <strong>utuh</strong>" in page
    uploaded = post_form(client, "/verifikasi", {"berkas": (io.BytesIO(pdf), "surat.pdf")},
                         content_type="multipart/form-data").get_data(as_text=True)
    assert "DICABUT" in uploaded and REASON in uploaded


def test_a_draft_preview_is_reported_as_a_draft_and_an_earlier_file_as_superseded(client):
    draft = issue(client)
    preview = client.get(draft["tautan"]["pdf"]).data
    assert verify(client, preview).get_json()["keberlakuan"]["status"] == "konsep"
    sign(client, draft["id"])
    report = verify(client, preview).get_json()  # the unsigned preview of a letter now signed
    assert report["keberlakuan"]["status"] == "konsep" and not report["versi_terbaru"]
    assert "pratinjau konsep" in report["keberlakuan"]["keterangan"]
    assert "pratinjau konsep" in post_form(client, "/verifikasi", {"berkas": (io.BytesIO(preview), "konsep.pdf")},
                                           content_type="multipart/form-data").get_data(as_text=True)


def test_an_answer_to_a_revoked_request_is_refused(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="permohonan")
    assert cabut(client, ids["permohonan"], alasan=REASON).status_code == 200
    response = post(client, "jawaban", body("hulu-sungai-selatan-pelibatan", "jawaban", ids))
    [(pointer, code, pasal)] = [e for e in entries(response) if e[1] == "rujukan_dicabut"]
    assert "Permendagri 1/2023" in pasal and pointer.endswith("/id")
    assert REASON in str(response.get_json())


def test_revoking_an_approval_refuses_new_assignments_on_it_and_the_chain_shows_it(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="jawaban")
    assert cabut(client, ids["jawaban"], alasan=REASON).status_code == 200
    response = post(client, "penugasan", body("hulu-sungai-selatan-pelibatan", "penugasan", ids))
    assert "rujukan_dicabut" in [code for _, code, _ in entries(response)]
    chain = client.get(f"/api/v1/surat/{ids['permohonan']}/rantai").get_json()
    states = {s["id"]: s for s in chain["surat"]}
    assert states[ids["jawaban"]]["status"] == "dicabut" and states[ids["permohonan"]]["status"] == "ditandatangani"
    assert states[ids["jawaban"]]["riwayat"][-1]["aksi"] == "dicabut"
    assert states[ids["jawaban"]]["riwayat"][-1]["catatan"] == REASON


@pytest.mark.parametrize("registry", ["app", pytest.param("pg_app", marks=pytest.mark.postgres)])
def test_four_revocations_at_once_one_is_recorded(request, registry):
    app = request.getfixturevalue(registry)
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="permohonan")
    start, results = threading.Barrier(4), []

    def revoke_it(i):
        client = admin_client(app)
        start.wait()
        results.append(cabut(client, ids["permohonan"], alasan=f"alasan {i}"))

    threads = [threading.Thread(target=revoke_it, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [200, 409, 409, 409]
    winner = next(r for r in results if r.status_code == 200).get_json()["pencabutan"]["alasan"]
    riwayat = admin_client(app).get(f"/api/v1/surat/{ids['permohonan']}").get_json()["riwayat"]
    assert [(r["aksi"], r["catatan"]) for r in riwayat if r["aksi"] == "dicabut"] == [("dicabut", winner)]
