"""Access beyond the matrix: who sees a letter as it moves (tembusan once
signed, Rahasia only to the units it is between), keys revoked and rotated,
secrets kept out of answers and logs, the audit trail and its chain."""

from __future__ import annotations

import logging
import multiprocessing
import re
import uuid

import pytest
from sqlalchemy import create_engine, select, text

from service import registry_services
from service.chain import PROFILE_RULE_KEYS
from service.access import audit
from service.cli import main
from service.plumbing.config import load_settings
from service.plumbing.models import JejakAudit
from service.wilayah import load_profiles

from .conftest import PG_URL

from .support import HOST_ADMIN_TOKEN, PASSPHRASE, admin_client, bearer, grant_key, sample, sign, verify

HSS, JENIS = "hulu-sungai-selatan", "permohonan-pelibatan"
EVERY = {"terbit", "tandatangan", "baca", "verifikasi", "admin"}


def _unit_client(app, unit: str, n: int, rights=EVERY):
    token = f"sk_1000000{n}_" + unit[0] * 43
    grant_key(app.extensions["suratkerja"], token, wilayah=HSS, units={unit}, rights=rights)
    return bearer(app.test_client(), token)


def _letter(admin, **changes) -> dict:
    body = sample(HSS, JENIS)
    body["tembusan"].append({"jabatan": "Kepala Dinas Pendidikan", "kode_unit": "DISDIK"})
    body.update(changes)
    response = admin.post(f"/api/v1/surat/{JENIS}", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _listed(client) -> set[str]:
    return {s["id"] for s in client.get("/api/v1/surat").get_json()["items"]}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_app(request):
    """The app on SQLite, and on PostgreSQL: the scope is one SQL condition, it must hold on both."""
    return request.getfixturevalue("app" if request.param == "sqlite" else "pg_app")


def test_the_tembusan_unit_reads_a_letter_once_it_is_signed(any_app):
    app = any_app
    admin = admin_client(app)
    letter = _letter(admin)
    bappeda, dinkes, disdik, inspektorat = (_unit_client(app, u, i) for i, u in
                                            enumerate(("BAPPEDA", "DINKES", "DISDIK", "INSPEKTORAT")))
    assert letter["id"] in _listed(bappeda) and letter["id"] in _listed(dinkes)
    assert letter["id"] not in _listed(disdik)
    assert disdik.get(f"/api/v1/surat/{letter['id']}").status_code == 404
    assert sign(admin, letter["id"]).status_code == 200
    assert letter["id"] in _listed(disdik)
    assert disdik.get(f"/api/v1/surat/{letter['id']}/pdf").status_code == 200
    assert letter["id"] not in _listed(inspektorat)
    assert inspektorat.get(f"/api/v1/surat/{letter['id']}/rantai").status_code == 404


def test_a_rahasia_letter_is_read_only_by_the_units_it_is_between(any_app):
    app = any_app
    admin = admin_client(app)
    signing = sign(admin, _letter(admin, sifat="Rahasia")["id"])
    assert signing.status_code == 200
    letter = signing.get_json()
    dinkes, disdik = _unit_client(app, "DINKES", 1), _unit_client(app, "DISDIK", 2)
    assert letter["id"] not in _listed(disdik)  # a tembusan unit: not for a secret letter
    assert disdik.get(f"/api/v1/surat/{letter['id']}/pdf").status_code == 404
    pdf = dinkes.get(f"/api/v1/surat/{letter['id']}/pdf")
    assert pdf.status_code == 200
    entries = admin.get("/api/v1/audit").get_json()
    download = [e for e in entries if e["aksi"] == "surat.unduh_rahasia"]
    assert len(download) == 1 and download[0]["objek"] == letter["id"]
    assert download[0]["pelaku"] == "kunci:sk_10000001" and download[0]["alamat_ip"] == "127.0.0.1"
    # anyone may verify it: jenis, nomor, tanggal, unit and the verdict, never the hal
    anonymous = app.test_client()
    page = anonymous.get(f"/verifikasi/{letter['id']}").get_data(as_text=True)
    report = verify(anonymous, pdf.data).get_json()
    for shown in (page, str(report)):
        assert letter["nomor"] in shown and letter["hal"] not in shown
    assert report["identik_dengan_terbitan"] and report["terbitan"]["sifat"] == "Rahasia"
    assert "Sah" in page or "SAH" in page


def test_a_unit_key_issues_only_in_its_units_name_and_cannot_copy_from_letters_it_cannot_read(app):
    admin = admin_client(app)
    other = _letter(admin)  # BAPPEDA to DINKES
    disdik = _unit_client(app, "DISDIK", 3)
    body = sample(HSS, JENIS)
    refused = disdik.post(f"/api/v1/surat/{JENIS}", json=body)
    assert refused.status_code == 403 and "BAPPEDA" in refused.get_json()["detail"]
    answer = sample(HSS, "jawaban")
    answer["rujukan"] = {"id": other["id"], "tanggal": other["tanggal"]}
    answer["pengirim"]["kode"] = answer["penandatangan"]["unit"]["kode"] = "DISDIK"
    copied = disdik.post("/api/v1/surat/jawaban/validasi", json=answer)
    assert copied.status_code == 404 and other["hal"] not in copied.get_data(as_text=True)
    # the unit must be named: left out, it would be filled from the letter answered
    del answer["pengirim"]
    unnamed = disdik.post("/api/v1/surat/jawaban/validasi", json=answer)
    assert unnamed.status_code == 422
    assert [e["pointer"] for e in unnamed.get_json()["errors"]] == ["/pengirim/kode"]
    assert admin.get("/api/v1/surat").get_json()["total"] == 1


@pytest.mark.parametrize("header", [
    "Bearer", "Bearer ", "Bearer sk_zz", "Bearer sk_00000001_" + "X" * 43, "Bearer " + "x" * 5000,
    "Basic dXNlcjpwYXNz", "bearer sk_00000001_" + "H" * 42 + "!",
])
def test_a_bad_credential_is_a_401_problem_never_a_500(app, header):
    admin_client(app)
    response = app.test_client().get("/api/v1/surat", headers={"Authorization": header})
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="suratkerja"'


def test_revoking_or_rotating_a_key_takes_effect_on_the_next_request(app, caplog):
    caplog.set_level(logging.DEBUG)
    admin = admin_client(app)
    made = admin.post("/api/v1/kunci", json={"nama": "e-office BAPPEDA", "hak": ["baca"], "unit": ["BAPPEDA"],
                                             "wilayah": HSS})
    assert made.status_code == 201
    token, prefix = made.get_json()["token"], made.get_json()["prefiks"]
    assert re.fullmatch(r"sk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", token) and token.startswith(prefix)
    holder = bearer(app.test_client(), token)
    assert holder.get("/api/v1/surat").status_code == 200
    listed = admin.get("/api/v1/kunci").get_json()
    mine = next(k for k in listed if k["prefiks"] == prefix)
    assert mine["terakhir_dipakai"] is not None and "token" not in mine

    rotated = admin.post(f"/api/v1/kunci/{prefix}/putar").get_json()
    assert holder.get("/api/v1/surat").status_code == 401
    renewed = bearer(app.test_client(), rotated["token"])
    assert renewed.get("/api/v1/surat").status_code == 200
    assert rotated["unit"] == ["BAPPEDA"] and rotated["hak"] == ["baca"]
    assert admin.post(f"/api/v1/kunci/{prefix}/putar").status_code == 409  # a revoked key stays revoked

    assert admin.post(f"/api/v1/kunci/{rotated['prefiks']}/cabut").status_code == 200
    assert renewed.get("/api/v1/surat").status_code == 401
    # the secrets were in the two answers that made them, and nowhere else
    body_of_list = admin.get("/api/v1/kunci").get_data(as_text=True)
    audit_csv = admin.get("/api/v1/audit/csv").get_data(as_text=True)
    for secret in (token, rotated["token"], HOST_ADMIN_TOKEN):
        assert secret not in caplog.text and secret not in body_of_list and secret not in audit_csv
        assert secret[12:] not in audit_csv


def test_the_audit_trail_records_writes_and_detects_an_edited_and_a_deleted_entry(app):
    admin = admin_client(app)
    letter = _letter(admin)
    sign(admin, letter["id"])
    admin.post("/api/v1/kunci", json={"nama": "e-office", "hak": ["baca"], "wilayah": HSS})
    services = app.extensions["suratkerja"]
    entries = admin.get("/api/v1/audit").get_json()
    assert [e["aksi"] for e in reversed(entries)] == ["surat.terbit", "surat.tandatangan", "kunci.buat"]
    assert all(e["pelaku"] == "kunci:sk_00000001" for e in entries)
    csv_lines = admin.get("/api/v1/audit/csv").get_data(as_text=True).splitlines()
    assert csv_lines[0].startswith("id,waktu,wilayah,pelaku,alamat_ip,aksi") and len(csv_lines) == 4
    with services.sessions() as session:
        assert audit.verify_chain(session)[2] == []
    ids = [e["id"] for e in reversed(entries)]
    with services.sessions.begin() as session:
        session.execute(text("UPDATE jejak_audit SET pelaku = 'akun:orang-lain' WHERE id = :i"), {"i": ids[0]})
    with services.sessions() as session:
        assert [(b.id, "diubah" in b.reason) for b in audit.verify_chain(session)[2]] == [(ids[0], True)]
    with services.sessions.begin() as session:
        session.execute(text("UPDATE jejak_audit SET pelaku = 'kunci:sk_00000001' WHERE id = :i"), {"i": ids[0]})
        session.execute(text("DELETE FROM jejak_audit WHERE id = :i"), {"i": ids[1]})
    with services.sessions() as session:
        assert [(b.id, "dihapus" in b.reason) for b in audit.verify_chain(session)[2]] == [(ids[2], True)]


def _registry(config: dict):
    return registry_services(load_settings(config), load_profiles(PROFILE_RULE_KEYS))


def _append_many(config: dict, who: str, count: int) -> None:
    services = _registry(config)
    for i in range(count):
        audit.append(services, audit.Actor(who), "uji", wilayah=HSS, objek=str(i))
    services.sessions.kw["bind"].dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def registry_config(request, tmp_path, pki_dir):
    """Settings of a fresh registry on SQLite, or on a fresh PostgreSQL schema."""
    config = {"instance_dir": tmp_path, "pki_dir": pki_dir}
    if request.param == "sqlite":
        yield config
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield {**config, "database_url": f"{PG_URL}?options=-csearch_path%3D{schema}"}
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_two_processes_appending_at_once_keep_one_chain(registry_config):
    services = _registry(registry_config)
    context = multiprocessing.get_context("fork")  # two real processes; forked, they start at once
    workers = [context.Process(target=_append_many, args=(registry_config, f"proses-{n}", 40)) for n in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    try:
        with services.sessions() as session:
            count, _, breaks = audit.verify_chain(session)
            writers = [e.pelaku for e in session.scalars(select(JejakAudit).order_by(JejakAudit.id))]
    finally:
        services.sessions.kw["bind"].dispose()
    assert (count, breaks) == (80, [])
    assert writers.count("proses-0") == writers.count("proses-1") == 40


def test_key_and_audit_commands(tmp_path, monkeypatch, capsys):
    config = tmp_path / "suratkerja.toml"
    config.write_text(f'instance_dir = "{tmp_path}"\n')
    monkeypatch.setenv("SURATKERJA_CONFIG", str(config))
    monkeypatch.delenv("SURATKERJA_DATABASE_URL", raising=False)
    main(["kunci", "buat", "--nama", "e-office", "--wilayah", HSS, "--unit", "BAPPEDA", "--hak", "terbit,baca"])
    out = capsys.readouterr().out
    token = re.search(r"sk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", out)[0]
    assert out.count(token) == 1
    main(["kunci", "putar", token[:11], "--berkas", str(tmp_path / "rahasia" / "kunci.txt")])
    out = capsys.readouterr().out
    written = tmp_path / "rahasia" / "kunci.txt"
    assert written.stat().st_mode & 0o777 == 0o600
    new = written.read_text().strip()
    assert new not in out and new[:11] in out
    main(["kunci", "cabut", new[:11]])
    main(["kunci", "daftar"])
    listed = capsys.readouterr().out
    assert listed.count("dicabut 20") == 2 and token not in listed and new not in listed
    main(["audit", "verify"])
    out = capsys.readouterr().out
    assert "3 entri" in out and "Jejak audit utuh." in out
    with pytest.raises(SystemExit, match="unknown|wilayah|hak"):
        main(["kunci", "buat", "--nama", "x", "--wilayah", HSS, "--hak", "semua"])


def test_sign_ins_are_recorded_failed_ones_too(app):
    """What the staff login calls: who tried, from where, and whether it worked; never a password."""
    with app.test_request_context("/masuk", method="POST", environ_base={"REMOTE_ADDR": "10.1.2.3"}):
        audit.record_sign_in("budi", wilayah=HSS, berhasil=False, alasan="kata sandi salah")
        audit.record_sign_in("budi", wilayah=HSS, berhasil=True)
    entries = admin_client(app).get("/api/v1/audit").get_json()
    assert [(e["pelaku"], e["aksi"], e["alamat_ip"]) for e in reversed(entries)] == [
        ("akun:budi", "masuk_gagal", "10.1.2.3"), ("akun:budi", "masuk", "10.1.2.3")]
    assert entries[1]["rincian"] == {"alasan": "kata sandi salah"}


def test_the_chain_shows_a_unit_only_the_letters_it_may_read(app):
    """The sample chain of Hulu Sungai Selatan, seen by each unit it passes: never more than that unit lists."""
    from service.devtools.replay import load_chains, replay

    services = app.extensions["suratkerja"]
    chain = [c for c in load_chains() if c[0] == "hulu-sungai-selatan-pelibatan"]
    letters = [letter for _, letter in replay(services, chain, lambda nip: PASSPHRASE)]
    admin = admin_client(app)
    whole = admin.get(f"/api/v1/surat/{letters[0].id}/rantai").get_json()
    units = {s["unit"]["kode"] for s in admin.get("/api/v1/surat").get_json()["items"]}
    shown_to = {}
    for n, unit in enumerate(sorted(units)):
        client = _unit_client(app, unit, n)
        listed = _listed(client)
        seen = {s["id"] for s in client.get(f"/api/v1/surat/{letters[0].id}/rantai").get_json().get("surat", [])}
        assert seen <= listed | {s["id"] for s in whole["surat"] if s["luar"]}
        shown_to[unit] = seen
    assert any(seen and len(seen) < len(whole["surat"]) for seen in shown_to.values())
