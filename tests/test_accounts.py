"""Staff accounts in the pages: sign-in and sign-out, the attempt limit, CSRF,
passwords, account administration, and what each account may see and sign."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from service import create_app
from service.accounts.models import Akun, SesiAkun

from .staff import NEW_PASSWORD, WILAYAH, form_token, make_account, post_form, sign_in, signed_in
from .support import PASSPHRASE, SIGNER_NIP, issue, sample, sign

OTHER_NIP = "198103152006041003"


def _registry(app):
    return app.extensions["suratkerja"].sessions


def test_sign_in_opens_surat_saya_and_a_wrong_password_is_refused_alike(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    akun, password = make_account(app, "budi", "pembaca")
    assert client.get("/saya").headers["Location"].startswith("/masuk")
    wrong = sign_in(client, "budi", "bukan-sandinya-sama-sekali")
    unknown = sign_in(client, "tidak-ada", password)
    for answer in (wrong, unknown):
        assert answer.status_code == 401
        assert "Nama pengguna atau kata sandi salah" in answer.get_data(as_text=True)
        assert "bukan-sandinya" not in answer.get_data(as_text=True) and password not in answer.get_data(as_text=True)
    assert sign_in(client, "budi", password).headers["Location"] == "/saya"
    page = client.get("/saya").get_data(as_text=True)
    assert "Surat saya" in page and "Staf budi" in page and "Menunggu paraf saya" in page
    with _registry(app)() as session:
        stored = session.scalar(select(Akun.sandi_hash).where(Akun.id == akun.id))
    assert stored.startswith("$argon2id$") and password not in stored
    assert password not in caplog.text and "bukan-sandinya" not in caplog.text


def test_a_signed_out_cookie_replayed_signs_no_one_in(app, client):
    signed_in(client, app, "sari", "pembaca")
    cookie = client.get_cookie("session").value
    assert client.get("/saya").status_code == 200
    assert post_form(client, "/keluar", {}, page="/saya").headers["Location"] == "/masuk"
    client.set_cookie("session", cookie)  # the cookie from before signing out, replayed
    assert client.get("/saya").status_code == 302
    with _registry(app)() as session:
        assert session.scalars(select(SesiAkun)).all() == []


def test_an_expired_session_signs_no_one_in(app_shell, tmp_path, pki_dir, converter):
    from .conftest import _with_services

    for app in _with_services(app_shell, {"instance_dir": tmp_path, "pki_dir": pki_dir, "session_hours": 1e-6},
                              converter):
        client = app.test_client()
        akun, password = make_account(app, "kilat", "pembaca")
        assert sign_in(client, "kilat", password).status_code == 302
        assert client.get("/saya").status_code == 302


def test_wrong_passwords_lock_the_account_out_with_retry_after(app, client):
    akun, password = make_account(app, "dikunci", "pembaca")
    for _ in range(5):
        assert sign_in(client, "dikunci", "salah-salah-salah-salah").status_code == 401
    locked = sign_in(client, "dikunci", password)  # even the right password waits
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 800
    assert "coba lagi dalam" in locked.get_data(as_text=True)
    other, other_password = make_account(app, "tetangga", "pembaca")
    assert sign_in(client, "tetangga", other_password).status_code == 302  # per account


@pytest.mark.redis
def test_the_sign_in_limit_is_shared_through_redis(tmp_path, pki_dir, converter):
    import uuid

    config = {"instance_dir": tmp_path, "pki_dir": pki_dir, "redis_url": "redis://127.0.0.1:6379/0",
              "login_attempts": 2}
    first, second = (create_app(config, converter=converter) for _ in range(2))  # two processes' worth
    username = f"r{uuid.uuid4().hex[:10]}"
    akun, password = make_account(first, username, "pembaca")
    assert sign_in(first.test_client(), username, "salah-salah-salah-salah").status_code == 401
    assert sign_in(second.test_client(), username, "salah-salah-salah-salah").status_code == 401
    assert sign_in(first.test_client(), username, password).status_code == 429


def test_a_form_without_its_csrf_token_is_refused(app, client):
    akun, password = make_account(app, "tanpa-token", "admin")
    refused = client.post("/masuk", data={"wilayah": WILAYAH, "username": "tanpa-token", "sandi": password})
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"
    assert "Formulir" in refused.get_json()["title"]
    assert sign_in(client, "tanpa-token", password).status_code == 302
    assert client.post("/keluar").status_code == 400
    assert client.post("/admin/akun", data={"username": "x", "nama": "X", "peran": "admin"}).status_code == 400
    assert client.get("/saya").status_code == 200  # still signed in: the forged sign-out did nothing


def test_changing_the_password_ends_the_other_sessions(app, client):
    akun, password = make_account(app, "ganti", "pembaca")
    elsewhere = app.test_client()
    assert sign_in(elsewhere, "ganti", password).status_code == 302
    assert sign_in(client, "ganti", password).status_code == 302
    wrong = post_form(client, "/sandi", {"sandi_lama": "keliru-keliru-keliru", "sandi_baru": NEW_PASSWORD,
                                         "ulangi": NEW_PASSWORD})
    assert wrong.status_code == 422 and "saat ini salah" in wrong.get_data(as_text=True)
    short = post_form(client, "/sandi", {"sandi_lama": password, "sandi_baru": "pendek", "ulangi": "pendek"})
    assert short.status_code == 422 and "minimal 12" in short.get_data(as_text=True)
    done = post_form(client, "/sandi", {"sandi_lama": password, "sandi_baru": NEW_PASSWORD, "ulangi": NEW_PASSWORD})
    assert done.headers["Location"] == "/saya"
    assert client.get("/saya").status_code == 200
    assert elsewhere.get("/saya").status_code == 302
    assert sign_in(app.test_client(), "ganti", password).status_code == 401
    assert sign_in(app.test_client(), "ganti", NEW_PASSWORD).status_code == 302


def test_an_administrator_creates_an_account_whose_owner_must_change_the_password(app, client):
    signed_in(client, app, "admin", "admin")
    created = post_form(client, "/admin/akun", {"username": "ttd", "nama": "Ir. Penanda", "peran": ["penandatangan"],
                                                "unit": "BAPPEDA", "nip": SIGNER_NIP})
    html = created.get_data(as_text=True)
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    password = html.split('id="sandi-sementara"')[1].split(">")[1].split("<")[0]
    assert len(password) >= 20 and password not in client.get("/admin/akun").get_data(as_text=True)
    newcomer = app.test_client()
    assert sign_in(newcomer, "ttd", password).status_code == 302
    assert newcomer.get("/saya").headers["Location"] == "/sandi"  # nothing else until the password is changed
    post_form(newcomer, "/sandi", {"sandi_lama": password, "sandi_baru": NEW_PASSWORD, "ulangi": NEW_PASSWORD})
    assert newcomer.get("/saya").status_code == 200


def test_an_account_is_refused_with_one_message_per_wrong_field(app, client):
    signed_in(client, app, "admin2", "admin")
    refused = post_form(client, "/admin/akun", {"username": "X!", "nama": "Tanpa NIP", "peran": ["penandatangan"]})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Nama pengguna 3–60" in html and "terhubung ke NIP" in html
    assert post_form(client, "/admin/akun", {"username": "admin2", "nama": "Dua", "peran": ["pembaca"]}
                     ).status_code == 422  # taken


def test_reset_and_deactivation_end_the_accounts_sessions(app, client):
    signed_in(client, app, "admin3", "admin")
    akun, password = make_account(app, "staf", "konseptor")
    staff = app.test_client()
    assert sign_in(staff, "staf", password).status_code == 302
    reset = post_form(client, f"/admin/akun/{akun.id}/reset-sandi", {}, page=f"/admin/akun/{akun.id}")
    assert reset.status_code == 200 and "sekali ini saja" in reset.get_data(as_text=True)
    assert staff.get("/saya").status_code == 302
    assert sign_in(staff, "staf", password).status_code == 401
    fresh = reset.get_data(as_text=True).split('id="sandi-sementara"')[1].split(">")[1].split("<")[0]
    assert sign_in(staff, "staf", fresh).status_code == 302
    post_form(client, f"/admin/akun/{akun.id}", {"nama": "Staf", "peran": ["konseptor"], "unit": "", "nip": ""})
    assert staff.get("/sandi").status_code == 302  # aktif unticked: deactivated, signed out
    assert sign_in(app.test_client(), "staf", fresh).status_code == 401


def test_administration_is_for_the_pemdas_administrator_only(app, client):
    stranger, _ = make_account(app, "asing", "admin", wilayah="bantul")
    signed_in(client, app, "baca", "pembaca")
    assert client.get("/admin/akun").status_code == 403
    admin = app.test_client()
    signed_in(admin, app, "admin4", "admin")
    listing = admin.get("/admin/akun").get_data(as_text=True)
    assert "baca" in listing and "asing" not in listing
    assert admin.get(f"/admin/akun/{stranger.id}").status_code == 404  # another pemda's account is not found
    assert post_form(admin, f"/admin/akun/{stranger.id}/reset-sandi", {}, page="/admin/akun").status_code == 404


def test_a_penandatangan_signs_in_the_browser_only_as_their_official(app, client):
    created = issue(client)  # signed by SIGNER_NIP of BAPPEDA
    signer = app.test_client()
    signed_in(signer, app, "kepala", "penandatangan", unit=("BAPPEDA",), nip=SIGNER_NIP)
    waiting = signer.get("/saya").get_data(as_text=True)
    section = waiting.split('id="menunggu-tanda-tangan"')[1].split("</section>")[0]
    assert f"/surat/{created['id']}" in section
    page = signer.get(f"/surat/{created['id']}").get_data(as_text=True)
    assert 'id="tandatangani"' in page and f"/surat/{created['id']}/pdf" in page
    wrong = post_form(signer, f"/surat/{created['id']}/tandatangan", {"passphrase": "bukan-passphrase"},
                      page=f"/surat/{created['id']}")
    assert wrong.status_code == 401 and "bukan-passphrase" not in wrong.get_data(as_text=True)
    other = app.test_client()
    signed_in(other, app, "lain", "penandatangan", unit=("BAPPEDA",), nip=OTHER_NIP)
    assert 'id="tandatangani"' not in other.get(f"/surat/{created['id']}").get_data(as_text=True)
    assert post_form(other, f"/surat/{created['id']}/tandatangan", {"passphrase": PASSPHRASE},
                     page="/saya").status_code == 403
    done = post_form(signer, f"/surat/{created['id']}/tandatangan", {"passphrase": PASSPHRASE},
                     page=f"/surat/{created['id']}")
    assert done.headers["Location"] == f"/surat/{created['id']}"
    assert client.get(created["tautan"]["self"]).get_json()["status"] == "ditandatangani"
    after = signer.get("/saya").get_data(as_text=True).split('id="ditandatangani"')[1]
    assert f"/surat/{created['id']}" in after
    pdf = signer.get(f"/surat/{created['id']}/pdf")
    assert pdf.mimetype == "application/pdf" and b"/ByteRange" in pdf.data


def test_letters_outside_the_accounts_pemda_or_units_are_not_found(app, client):
    created = issue(client)  # BAPPEDA to DINKES, Hulu Sungai Selatan
    elsewhere = issue(client, sample("bantul", "permohonan-pelibatan"))
    reader = app.test_client()
    signed_in(reader, app, "dinkes", "pembaca", unit=("DINKES",))
    assert reader.get(f"/surat/{created['id']}").status_code == 200  # addressed to DINKES
    assert f"/surat/{created['id']}" in reader.get("/surat").get_data(as_text=True)
    for path in (f"/surat/{elsewhere['id']}", f"/surat/{elsewhere['id']}/pdf"):
        assert reader.get(path).status_code == 404
    assert f"/surat/{elsewhere['id']}" not in reader.get("/surat").get_data(as_text=True)
    outsider = app.test_client()
    signed_in(outsider, app, "dispar", "pembaca", unit=("DISPAR",))
    assert outsider.get(f"/surat/{created['id']}").status_code == 404


def test_the_verification_pages_stay_public(client):
    created = issue(client)
    assert client.get("/verifikasi").status_code == 200
    assert client.get(f"/verifikasi/{created['id']}").status_code == 200
    assert form_token(client, "/verifikasi")


def test_a_unit_receives_a_signed_letters_tembusan_in_surat_saya(app, client):
    body = sample(WILAYAH, "permohonan-pelibatan")
    body["tembusan"].append({"jabatan": "Inspektur Kabupaten Hulu Sungai Selatan", "kode_unit": "INSPEKTORAT"})
    created = issue(client, body)
    reader = app.test_client()
    signed_in(reader, app, "inspektorat", "pembaca", unit=("INSPEKTORAT",))
    assert reader.get(f"/surat/{created['id']}").status_code == 404  # a copy is received once signed
    sign(client, created["id"])
    copies = reader.get("/saya").get_data(as_text=True).split('id="tembusan"')[1]
    assert f"/surat/{created['id']}" in copies
    assert reader.get(f"/surat/{created['id']}").status_code == 200


def test_sign_ins_failed_ones_too_and_browser_signatures_are_in_the_audit_trail(app, client):
    from service.plumbing.models import JejakAudit

    created = issue(client)
    akun, password = make_account(app, "kepala2", "penandatangan", unit=("BAPPEDA",), nip=SIGNER_NIP)
    staff = app.test_client()
    sign_in(staff, "kepala2", "salah-salah-salah-salah")
    sign_in(staff, "kepala2", password)
    post_form(staff, f"/surat/{created['id']}/tandatangan", {"passphrase": PASSPHRASE}, page=f"/surat/{created['id']}")
    post_form(staff, "/keluar", {}, page="/saya")
    with _registry(app)() as session:
        trail = [(e.pelaku, e.aksi, e.objek, e.alamat_ip) for e in session.scalars(
            select(JejakAudit).where(JejakAudit.pelaku.like("akun:%")).order_by(JejakAudit.id))]
        details = " ".join(str(e.rincian) for e in session.scalars(select(JejakAudit)))
    assert [(who, what) for who, what, _, _ in trail] == [
        ("akun:kepala2", "masuk_gagal"), ("akun:kepala2", "masuk"), ("akun:kepala2", "surat.tandatangan"),
        ("akun:kepala2", "keluar")]
    assert trail[2][2] == created["id"] and all(ip == "127.0.0.1" for *_, ip in trail)
    assert password not in details and PASSPHRASE not in details and "salah-salah" not in details


def test_an_administrator_makes_and_revokes_an_api_key_in_the_pages(app, client):
    admin = app.test_client()
    signed_in(admin, app, "admin.kunci", "admin")
    made = post_form(admin, "/admin/kunci", {"nama": "e-office Bappeda", "hak": ["baca"], "unit": "BAPPEDA"})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    token = made.get_data(as_text=True).split('id="kunci-lengkap"')[1].split(">")[1].split("<")[0]
    assert token not in admin.get("/admin/kunci").get_data(as_text=True)
    system = app.test_client()
    system.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert system.get("/api/v1/surat").status_code == 200
    assert system.post("/api/v1/surat/permohonan-pelibatan", json=sample(WILAYAH, "permohonan-pelibatan")
                       ).status_code == 403  # baca only
    revoked = post_form(admin, f"/admin/kunci/{token[:11]}/cabut", {}, page="/admin/kunci")
    assert revoked.headers["Location"] == "/admin/kunci"
    assert system.get("/api/v1/surat").status_code == 401  # the next request
    assert "dicabut" in admin.get("/admin/kunci").get_data(as_text=True)


def test_the_audit_trail_page_and_its_csv_show_the_pemdas_entries(app, client):
    admin = app.test_client()
    signed_in(admin, app, "admin.audit", "admin")
    sign_in(app.test_client(), "admin.audit", "salah-salah-salah-salah")
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "akun:admin.audit" in page and "masuk_gagal" in page
    export = admin.get("/admin/audit.csv")
    assert export.mimetype == "text/csv" and export.get_data(as_text=True).startswith("id,waktu,wilayah,pelaku")
    assert "masuk_gagal" in export.get_data(as_text=True)


def test_an_administrator_is_the_whole_pemdas(app, client):
    signed_in(client, app, "admin.utama", "admin")
    refused = post_form(client, "/admin/akun", {"username": "admin.unit", "nama": "Admin Unit", "peran": ["admin"],
                                                "unit": "BAPPEDA"})
    assert refused.status_code == 422 and "seluruh unit" in refused.get_data(as_text=True)


def test_a_rahasia_letter_opens_only_for_the_roles_cleared_for_it_and_its_download_is_audited(app, client):
    from service.plumbing.models import JejakAudit

    body = sample(WILAYAH, "permohonan-pelibatan")
    body["sifat"] = "Rahasia"
    created = issue(client, body)
    reader, keeper = app.test_client(), app.test_client()
    signed_in(reader, app, "pembaca.bappeda", "pembaca", unit=("BAPPEDA",))
    signed_in(keeper, app, "tu.bappeda", "arsiparis", unit=("BAPPEDA",))
    assert reader.get(f"/surat/{created['id']}").status_code == 404
    assert created["hal"] not in reader.get("/surat").get_data(as_text=True)
    assert keeper.get(f"/surat/{created['id']}").status_code == 200
    assert keeper.get(f"/surat/{created['id']}/pdf").status_code == 200
    with _registry(app)() as session:
        downloads = session.scalars(select(JejakAudit.pelaku).where(JejakAudit.aksi == "surat.unduh_rahasia")).all()
    assert downloads == ["akun:tu.bappeda"]
