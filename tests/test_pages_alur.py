"""A draft's workflow in the staff pages (Flask test client): paraf in order, return with a note,
revision (its 422 listed per field), cancellation, signing once ready, revocation; each form shown
only to whom may use it, and each refusal shown on the letter's page with the API's status."""

from __future__ import annotations

import hashlib
import html
import io
import json
import re

import pytest

from .staff import post_form, signed_in
from .support import PASSPHRASE, SIGNER_NIP, issue, sample, verify

RUSDIANA = {"nip": "197508222003122004", "nama": "Hj. Rusdiana, S.E., M.M.", "jabatan": "Perencana Ahli Madya"}
FAUZI = {"nip": "198201092006041008", "nama": "Ahmad Fauzi, S.T.", "jabatan": "Perencana Ahli Muda"}
BUTTONS = ("paraf", "kembalikan", "revisi", "batalkan", "cabut", "tandatangani")


def _draft(client, *leave_out: str) -> dict:
    """A draft of BAPPEDA (signed by SIGNER_NIP) whose paraf are Rusdiana's, then Fauzi's."""
    body = sample("hulu-sungai-selatan", "permohonan-pelibatan")
    for key in leave_out:
        del body[key]
    return issue(client, body, verifikator=[RUSDIANA, FAUZI])


class Office:
    """The staff of BAPPEDA, each signed in on a client of their own."""

    def __init__(self, app):
        self.app = app
        self.konseptor = self._account("konseptor", "konseptor")
        self.rusdiana = self._account("rusdiana", "verifikator", nip=RUSDIANA["nip"])
        self.fauzi = self._account("fauzi", "verifikator", nip=FAUZI["nip"])
        self.kepala = self._account("kepala", "penandatangan", nip=SIGNER_NIP)
        self.arsip = self._account("arsip", "arsiparis")
        self.pembaca = self._account("pembaca", "pembaca")

    def _account(self, username: str, peran: str, nip: str | None = None):
        client = self.app.test_client()
        signed_in(client, self.app, username, peran, unit=("BAPPEDA",), nip=nip)
        return client


@pytest.fixture
def office(app) -> Office:
    return Office(app)


def page(client, surat_id: str) -> str:
    response = client.get(f"/surat/{surat_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def buttons(text: str) -> set[str]:
    return {b for b in BUTTONS if f'id="{b}"' in text}


def section(text: str, name: str) -> str:
    return text.split(f'id="{name}"')[1].split("</section>")[0]


def act(client, surat_id: str, step: str, data: dict):
    """Post ``step``'s form of the letter's page, with its token, as the page would."""
    return post_form(client, f"/surat/{surat_id}/{step}", data, page=f"/surat/{surat_id}")


def test_paraf_in_order_then_the_signer_signs(client, office):
    draft = _draft(client)
    sid = draft["id"]
    assert draft["status"] == "konsep" and draft["nomor"] is None

    first = page(office.rusdiana, sid)
    assert buttons(first) == {"paraf", "kembalikan"} and "menunggu paraf" in first
    assert "(konsep — belum bernomor)" in first and "Konsep, menunggu paraf" in first
    assert draft["hal"] in section(office.rusdiana.get("/saya").get_data(as_text=True), "menunggu-paraf")
    assert draft["hal"] not in section(office.fauzi.get("/saya").get_data(as_text=True), "menunggu-paraf")
    assert buttons(page(office.fauzi, sid)) == set()  # not his turn yet
    signer = page(office.kepala, sid)
    assert buttons(signer) == {"kembalikan"}  # no signing before every paraf is in
    waiting = re.sub(r"\s+", " ", signer.split('id="menunggu-paraf"')[1].split("</p>")[0])
    assert RUSDIANA["nama"] in waiting and FAUZI["nama"] in waiting
    assert draft["hal"] not in section(office.kepala.get("/saya").get_data(as_text=True), "menunggu-tanda-tangan")

    done = act(office.rusdiana, sid, "paraf", {"versi": 1})
    assert done.status_code == 302 and done.headers["Location"] == f"/surat/{sid}"
    assert "Paraf telah diberikan." in page(office.rusdiana, sid)
    assert act(office.rusdiana, sid, "paraf", {"versi": 1}).status_code == 403  # his turn is over: Fauzi's
    assert buttons(page(office.fauzi, sid)) == {"paraf", "kembalikan"}
    assert act(office.fauzi, sid, "paraf", {"versi": 1}).status_code == 302

    ready = page(office.kepala, sid)
    assert "Siap ditandatangani" in ready and buttons(ready) == {"kembalikan", "tandatangani"}
    route = ready.split('id="rute-paraf"')[1].split("</table>")[0]
    assert route.count("diparaf ") == 2 and "menunggu paraf" not in route
    assert draft["hal"] in section(office.kepala.get("/saya").get_data(as_text=True), "menunggu-tanda-tangan")
    assert act(office.kepala, sid, "tandatangan", {"passphrase": PASSPHRASE}).status_code == 302
    signed = client.get(f"/api/v1/surat/{sid}").get_json()
    assert signed["status"] == "ditandatangani" and signed["nomor"] in page(office.kepala, sid)


def test_a_paraf_from_a_page_read_before_a_revision_is_refused_409(client, office):
    sid = _draft(client)["id"]
    body = sample("hulu-sungai-selatan", "permohonan-pelibatan")
    body.update(verifikator=[RUSDIANA, FAUZI], hal="Permohonan Pelibatan, diperbaiki")
    assert client.post(f"/api/v1/surat/{sid}/revisi", json={"surat": body}).status_code == 200

    stale = act(office.rusdiana, sid, "paraf", {"versi": 1})  # the form of the page read at version 1
    text = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "versi 2" in text and 'id="galat"' in text
    assert client.get(f"/api/v1/surat/{sid}/versi").get_json()["items"][1]["paraf"] == []
    assert act(office.rusdiana, sid, "paraf", {"versi": 2}).status_code == 302


def test_returned_with_a_note_revised_then_cancelled(client, office):
    draft = _draft(client)
    sid = draft["id"]
    assert act(office.rusdiana, sid, "paraf", {"versi": 1}).status_code == 302
    empty = act(office.fauzi, sid, "kembalikan", {"versi": 1, "catatan": "  "})
    assert empty.status_code == 422 and "Wajib diisi." in empty.get_data(as_text=True)
    note = "Perbaiki maksud dan tujuan."
    assert act(office.fauzi, sid, "kembalikan", {"versi": 1, "catatan": note}).status_code == 302

    mine = section(office.konseptor.get("/saya").get_data(as_text=True), "dikembalikan")
    assert note in mine and FAUZI["nama"] in mine
    returned = page(office.konseptor, sid)
    assert "Dikembalikan untuk diperbaiki" in returned and buttons(returned) == {"revisi", "batalkan"}
    assert 'id="catatan-kembali"' in returned
    assert buttons(page(office.fauzi, sid)) == set() and buttons(page(office.pembaca, sid)) == set()

    shown = json.loads(html.unescape(re.search(r'<textarea[^>]*name="permintaan"[^>]*>(.*?)</textarea>', returned,
                                               re.S).group(1)))
    assert shown["hal"] == draft["hal"]  # the current version's request, to correct

    broken = act(office.konseptor, sid, "revisi", {"versi": 1, "permintaan": "{bukan json"})
    assert broken.status_code == 422 and "bukan JSON yang sah" in broken.get_data(as_text=True)
    wrong = dict(shown, hal="", jangka_waktu={**shown["jangka_waktu"], "satuan": "abad"})
    refused = act(office.konseptor, sid, "revisi", {"versi": 1, "permintaan": json.dumps(wrong)})
    listed = refused.get_data(as_text=True).split('id="temuan"')[1].split("</ul>")[0]
    assert refused.status_code == 422
    assert "<code>/hal</code>" in listed and "<code>/jangka_waktu/satuan</code>" in listed
    assert listed.count("Dasar:") == listed.count("<li>") >= 2  # one line per field, each with its article

    better = dict(shown, maksud_tujuan="penyusunan kajian penurunan prevalensi stunting tingkat desa")
    done = act(office.konseptor, sid, "revisi", {"versi": 1, "permintaan": json.dumps(better),
                                                  "catatan": "maksud dan tujuan diperjelas"})
    assert done.status_code == 302
    revised = page(office.konseptor, sid)
    assert 'id="versi">2<' in revised and "Konsep, menunggu paraf" in revised
    route = revised.split('id="rute-paraf"')[1].split("</table>")[0]
    assert "menunggu paraf" in route and "diparaf" not in route  # the paraf of version 1 do not count
    versions = revised.split('id="versi-daftar"')[1].split("</table>")[0]
    assert f"/surat/{sid}/versi/1/pdf" in versions and "maksud dan tujuan diperjelas" in versions
    old = office.pembaca.get(f"/surat/{sid}/versi/1/pdf")
    assert old.status_code == 200 and old.mimetype == "application/pdf"
    assert hashlib.sha256(old.data).hexdigest() == draft["sha256"]["pdf"]
    assert office.pembaca.get(f"/surat/{sid}/versi/9/pdf").status_code == 404
    assert buttons(page(office.rusdiana, sid)) == {"paraf", "kembalikan"}  # the route starts again

    stale = act(office.arsip, sid, "batalkan", {"versi": 1, "alasan": "Tidak jadi."})
    assert stale.status_code == 409
    assert act(office.pembaca, sid, "batalkan", {"versi": 2, "alasan": "Tidak jadi."}).status_code == 403
    assert act(office.arsip, sid, "batalkan", {"versi": 2, "alasan": "Kegiatan ditunda."}).status_code == 302
    cancelled = page(office.konseptor, sid)
    assert "Dibatalkan" in cancelled and buttons(cancelled) == set() and "Kegiatan ditunda." in cancelled


def test_the_signer_or_the_arsiparis_revokes_a_signed_letter(client, office):
    first, second = issue(client), issue(client)
    for letter in (first, second):
        assert act(office.kepala, letter["id"], "tandatangan", {"passphrase": PASSPHRASE}).status_code == 302
    assert buttons(page(office.kepala, first["id"])) == {"cabut"}
    assert buttons(page(office.arsip, first["id"])) == {"cabut"}
    assert buttons(page(office.konseptor, first["id"])) == set()
    assert act(office.konseptor, first["id"], "cabut", {"alasan": "Salah"}).status_code == 403

    half = act(office.kepala, first["id"], "cabut", {"alasan": "Diganti.", "nomor": "800/9/BAPPEDA/2026"})
    assert half.status_code == 422 and "keduanya" in half.get_data(as_text=True)
    done = act(office.kepala, first["id"], "cabut", {"alasan": "Diganti dengan surat baru.",
                                                     "nomor": "800/9/BAPPEDA/2026", "tanggal": "2026-03-01"})
    assert done.status_code == 302
    revoked = client.get(f"/api/v1/surat/{first['id']}").get_json()
    assert revoked["status"] == "dicabut" and revoked["pencabutan"]["nomor"] == "800/9/BAPPEDA/2026"
    assert revoked["pencabutan"]["oleh"].startswith("Ir. H. Muhammad Noor")
    text = page(office.pembaca, first["id"])
    assert "DICABUT" in text and "Diganti dengan surat baru." in text and buttons(text) == set()
    assert act(office.kepala, first["id"], "cabut", {"alasan": "Lagi."}).status_code == 409

    assert act(office.arsip, second["id"], "cabut", {"alasan": "Salah alamat."}).status_code == 302
    assert client.get(f"/api/v1/surat/{second['id']}").get_json()["pencabutan"]["oleh"] == "arsiparis (akun:arsip)"


def test_the_registry_and_the_letter_page_show_a_draft_without_number(client, office):
    draft = _draft(client, "tanggal")  # dated when signed
    listed = office.pembaca.get("/surat").get_data(as_text=True)
    assert "(konsep — belum bernomor)" in listed and "Konsep, menunggu paraf" in listed
    mine = office.konseptor.get("/saya").get_data(as_text=True)
    assert draft["hal"] in section(mine, "konsep") and "(konsep — belum bernomor)" in section(mine, "konsep")
    text = page(office.pembaca, draft["id"])
    assert 'id="nomor">(konsep — belum bernomor)<' in text and "(ditetapkan saat ditandatangani)" in text


def test_verification_reports_paraf_and_knows_a_preview_from_a_letter_in_force(client, office):
    draft = _draft(client)
    sid = draft["id"]
    v1 = client.get(f"/api/v1/surat/{sid}/pdf").data
    body = sample("hulu-sungai-selatan", "permohonan-pelibatan")
    body.update(verifikator=[RUSDIANA, FAUZI], maksud_tujuan="penyusunan kajian stunting tingkat desa")
    assert client.post(f"/api/v1/surat/{sid}/revisi", json={"surat": body}).status_code == 200
    for who in (office.rusdiana, office.fauzi):
        assert act(who, sid, "paraf", {"versi": 2}).status_code == 302
    assert act(office.kepala, sid, "tandatangan", {"passphrase": PASSPHRASE}).status_code == 302
    letter = client.get(f"/api/v1/surat/{sid}").get_json()
    numbered = next(r["sha256"] for r in letter["riwayat"] if r["aksi"] == "dinomori")

    older = verify(client, v1).get_json()  # the preview of version 1, superseded by a revision
    assert older["identik_dengan_terbitan"] and not older["versi_terbaru"]
    assert older["keberlakuan"]["status"] == "konsep"
    v2 = client.get(f"/api/v1/surat/{sid}/versi/2/pdf").data
    assert verify(client, v2).get_json()["keberlakuan"]["status"] == "konsep"
    assert hashlib.sha256(v2).hexdigest() != numbered
    # the numbered file before its signature is no letter in force either (the store keeps it by hash)
    unsigned = office.app.extensions["suratkerja"].store.get(numbered)
    assert verify(client, unsigned).get_json()["keberlakuan"]["status"] == "konsep"

    report = verify(client, client.get(f"/api/v1/surat/{sid}/pdf").data).get_json()
    assert report["keberlakuan"]["status"] == "berlaku"
    paraf = report["terbitan"]["paraf"]
    assert [p["nama"] for p in paraf] == [RUSDIANA["nama"], FAUZI["nama"]]
    assert paraf[0]["jabatan"] == RUSDIANA["jabatan"] and paraf[0]["waktu"].endswith("+00:00")
    assert "nip" not in paraf[0]
    assert verify(client, v1).get_json()["terbitan"]["paraf"] == paraf  # the letter's, whatever file is shown

    visitor = office.app.test_client()
    public = visitor.get(f"/verifikasi/{sid}").get_data(as_text=True)  # where the QR code leads
    shown = public.split('id="diparaf"')[1].split("</dd>")[0]
    assert RUSDIANA["nama"] in shown and FAUZI["jabatan"] in shown
    signed = client.get(f"/api/v1/surat/{sid}/pdf").data
    uploaded = post_form(visitor, "/verifikasi", {"berkas": (io.BytesIO(signed), "surat.pdf")},
                         content_type="multipart/form-data").get_data(as_text=True)
    assert RUSDIANA["nama"] in uploaded.split('id="diparaf"')[1].split("</p>")[0]
