"""Who may do what over the API: every operation × every kind of caller.

Each cell is the status the caller gets. ``"200 kosong"`` is a 200 that
shows nothing of the letter (or key, or audit entry) under test: a list
filtered to the caller's scope. For every cell that is not the right
caller's, the answer must not contain the row's marker (the letter's hal,
the outside letter's hal, the other key's name), and a refused call must
leave the registry exactly as it was: 0 reads and 0 writes outside scope.

Callers (columns; the staff roles have their own table below, over the pages):

- ``tanpa_kredensial``: no ``Authorization`` header;
- ``pemda_lain``: a key of another pemda (Bantul) with every right;
- ``unit_lain``: a key of this pemda (Hulu Sungai Selatan) for unit DISDIK
  only (not concerned by the letter), with every right;
- ``tanpa_hak``: a key of this pemda for every unit, with every right but the
  one the operation needs;
- ``berhak``: the right caller: a key for the issuing unit BAPPEDA with
  every right (administration: a key for the whole pemda with ``admin``).
  Reconciliation is for a letter BSrE left ``belum_pasti``, revocation for a
  signed letter, paraf for a draft with verifikators: for this draft (ready
  to sign, no paraf asked) the right caller reaches the operation and gets
  its 409; a draft answer cannot rest on a request that is itself a draft
  (422). The penandatangan may send the draft back (kembalikan). Webhook subscriptions: any key subscribes for itself; the
  one under test belongs to another key of the pemda, so only its
  administrators reach it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Callable

import pytest
from sqlalchemy import func, select

from service.access.principal import RIGHTS
from service.accounts.models import Akun
from service.devtools.samples import SAMPLES
from service.directory.delegation import add_delegation
from service.directory.models import Delegasi, Pegawai, Unit
from service.access.keys import principal_of
from service.plumbing.models import (JejakAudit, KunciApi, Paraf, Penomoran, Riwayat, Surat, SuratLuar, SuratVersi,
                                     Tautan)
from service.webhooks import subscriptions
from service.webhooks.delivery import fan_out
from service.webhooks.models import Langganan, Pengiriman

from .staff import make_account, post_form, signed_in
from .support import PASSPHRASE, SIGNER_NIP, admin_client, bearer, grant_key, sample

HSS, BANTUL = "hulu-sungai-selatan", "bantul"
JENIS = "permohonan-pelibatan"
CALLERS = ("tanpa_kredensial", "pemda_lain", "unit_lain", "tanpa_hak", "berhak")
KOSONG = "200 kosong"

# fmt: off
MATRIX = {
    # operasi                  tanpa_kredensial  pemda_lain  unit_lain  tanpa_hak  berhak
    "terbitkan":               (401,             404,        403,       403,       201),
    "validasi":                (401,             404,        403,       403,       200),
    "terbit_tandatangan":      (401,             404,        403,       403,       201),
    "daftar_surat":            (401,             KOSONG,     KOSONG,    403,       200),
    "baca_surat":              (401,             404,        404,       403,       200),
    "unduh_pdf":               (401,             404,        404,       403,       200),
    "rantai":                  (401,             404,        404,       403,       200),
    "konsep_jawaban":          (401,             404,        404,       403,       422),
    "tandatangani":            (401,             404,        404,       403,       200),
    "rekonsiliasi":            (401,             404,        404,       403,       409),
    "cabut_surat":             (401,             404,        404,       403,       409),
    "rekonsiliasi_berkas":     (401,             404,        404,       403,       409),
    "paraf":                   (401,             404,        404,       403,       409),
    "kembalikan":              (401,             404,        404,       403,       200),
    "revisi":                  (401,             404,        404,       403,       200),
    "batalkan":                (401,             404,        404,       403,       200),
    "daftar_versi":            (401,             404,        404,       403,       200),
    "unduh_versi":             (401,             404,        404,       403,       200),
    "daftarkan_surat_luar":    (401,             404,        201,       403,       201),
    "baca_surat_luar":         (401,             404,        200,       403,       200),
    "wilayah":                 (401,             KOSONG,     200,       200,       200),
    "verifikasi":              (200,             200,        200,       200,       200),
    "daftar_kunci":            (401,             KOSONG,     403,       403,       200),
    "buat_kunci":              (401,             404,        403,       403,       201),
    "cabut_kunci":             (401,             404,        403,       403,       200),
    "putar_kunci":             (401,             404,        403,       403,       201),
    "jejak_audit":             (401,             KOSONG,     403,       403,       200),
    "ekspor_audit":            (401,             KOSONG,     403,       403,       200),
    "impor_direktori":         (401,             404,        403,       403,       200),
    "ekspor_direktori":        (401,             404,        403,       403,       200),
    "daftar_delegasi":         (401,             404,        200,       403,       200),
    "catat_delegasi":          (401,             404,        403,       403,       201),
    "akhiri_delegasi":         (401,             404,        403,       403,       200),
    "buat_webhook":            (401,             201,        201,       403,       201),
    "daftar_webhook":          (401,             KOSONG,     KOSONG,    KOSONG,    200),
    "baca_webhook":            (401,             404,        404,       404,       200),
    "hapus_webhook":           (401,             404,        404,       404,       204),
    "aktifkan_webhook":        (401,             404,        404,       404,       200),
    "pengiriman_webhook":      (401,             404,        404,       404,       200),
    "kirim_ulang_webhook":     (401,             404,        404,       404,       202),
    "unit_direktori":          (401,             404,        403,       403,       200),
    "arsip_surat":             (401,             404,        404,       403,       404),
}
# fmt: on

TOKENS = {
    "pemda_lain": "sk_0000000b_" + "B" * 43,
    "unit_lain": "sk_0000000d_" + "D" * 43,
    "tanpa_hak": "sk_0000000e_" + "E" * 43,
    "berhak": "sk_0000000f_" + "F" * 43,
}
DIREKTORI = (SAMPLES / "direktori" / f"{HSS}.csv").read_bytes()
VICTIM = "sk_0000000c_" + "C" * 43
"""Another key of Hulu Sungai Selatan, the one the key operations act on."""
VICTIM_NAME = "sistem e-office dinas kesehatan"


@dataclass
class Setting:
    """What every cell starts from: one draft letter of BAPPEDA to DINKES, one outside letter, two keys."""

    surat: dict
    luar: dict
    pdf: bytes
    langganan: dict | None = None
    """The victim key's webhook subscription, with the delivery of the letter's event."""
    delegasi: dict | None = None
    """A delegation in the pemda's register (:func:`_delegation`)."""


@dataclass(frozen=True)
class Operation:
    call: Callable
    rights: tuple[str, ...] = ()
    """What the right caller needs; ``tanpa_hak`` holds every other right."""
    marker: Callable[[Setting], str | None] = lambda s: s.surat["hal"]
    """What the right caller's answer shows and no one else's may (none: a write whose answer shows something new)."""
    admin: bool = False
    """Administration: the right caller holds a key for the whole pemda."""


def _luar_body(**extra) -> dict:
    return {"wilayah": HSS, "jenis": "permohonan-pelibatan", "nomor": "000.8/12/SETDA/2026", "tanggal": "2026-02-05",
            "hal": "Permohonan dari Pemerintah Provinsi Kalimantan Selatan", **extra}


def _letter(c, s): return c.post(f"/api/v1/surat/{JENIS}", json=sample(HSS, JENIS))


OPERATIONS = {
    "terbitkan": Operation(_letter, ("terbit",)),
    "validasi": Operation(lambda c, s: c.post(f"/api/v1/surat/{JENIS}/validasi", json=sample(HSS, JENIS)), ("terbit",),
                          marker=lambda s: None),
    "terbit_tandatangan": Operation(lambda c, s: c.post(f"/api/v1/surat/{JENIS}/terbit-tandatangan", json={
        "surat": sample(HSS, JENIS), "passphrase": PASSPHRASE}), ("terbit", "tandatangan")),
    "daftar_surat": Operation(lambda c, s: c.get("/api/v1/surat"), ("baca",)),
    "baca_surat": Operation(lambda c, s: c.get(f"/api/v1/surat/{s.surat['id']}"), ("baca",)),
    "unduh_pdf": Operation(lambda c, s: c.get(f"/api/v1/surat/{s.surat['id']}/pdf"), ("baca",),
                           marker=lambda s: "%PDF"),
    "rantai": Operation(lambda c, s: c.get(f"/api/v1/surat/{s.surat['id']}/rantai"), ("baca",)),
    "konsep_jawaban": Operation(lambda c, s: c.get(f"/api/v1/surat/{s.surat['id']}/konsep/jawaban"), ("baca",),
                                marker=lambda s: None),
    "tandatangani": Operation(lambda c, s: c.post(f"/api/v1/surat/{s.surat['id']}/tandatangan", json={
        "nip": SIGNER_NIP, "passphrase": PASSPHRASE}), ("tandatangan",)),
    "rekonsiliasi": Operation(lambda c, s: c.post(f"/api/v1/surat/{s.surat['id']}/rekonsiliasi", json={
        "hasil": "periksa"}), ("tandatangan",), marker=lambda s: None),
    "cabut_surat": Operation(lambda c, s: c.post(f"/api/v1/surat/{s.surat['id']}/cabut", json={
        "alasan": "Salah sasaran", "nip": SIGNER_NIP}), ("tandatangan", "admin"), marker=lambda s: None),
    "rekonsiliasi_berkas": Operation(lambda c, s: c.post(f"/api/v1/surat/{s.surat['id']}/rekonsiliasi/berkas",
                                                         data=s.pdf, content_type="application/pdf"),
                                     ("tandatangan",), marker=lambda s: None),
    "paraf": Operation(lambda c, s: c.post(f"/api/v1/surat/{s.surat['id']}/paraf", json={
        "nip": SIGNER_NIP, "versi": 1}), ("paraf",), marker=lambda s: None),
    "kembalikan": Operation(lambda c, s: c.post(f"/api/v1/surat/{s.surat['id']}/kembalikan", json={
        "nip": SIGNER_NIP, "catatan": "Perbaiki hal"}), ("paraf", "tandatangan")),
    "revisi": Operation(lambda c, s: c.post(f"/api/v1/surat/{s.surat['id']}/revisi", json={
        "surat": sample(HSS, JENIS), "catatan": "Perbaikan"}), ("terbit",)),
    "batalkan": Operation(lambda c, s: c.post(f"/api/v1/surat/{s.surat['id']}/batalkan", json={
        "alasan": "Tidak jadi"}), ("terbit",)),
    "daftar_versi": Operation(lambda c, s: c.get(f"/api/v1/surat/{s.surat['id']}/versi"), ("baca",),
                              marker=lambda s: s.surat["sha256"]["pdf"]),
    "unduh_versi": Operation(lambda c, s: c.get(f"/api/v1/surat/{s.surat['id']}/versi/1/pdf"), ("baca",),
                             marker=lambda s: "%PDF"),
    "daftarkan_surat_luar": Operation(lambda c, s: c.post("/api/v1/surat-luar", json=_luar_body(
        nomor="000.8/13/SETDA/2026")), ("terbit",), marker=lambda s: None),
    "baca_surat_luar": Operation(lambda c, s: c.get(f"/api/v1/surat-luar/{s.luar['id']}"), ("baca",),
                                 marker=lambda s: s.luar["hal"]),
    "wilayah": Operation(lambda c, s: c.get("/api/v1/wilayah"), marker=lambda s: "Hulu Sungai Selatan"),
    "verifikasi": Operation(lambda c, s: c.post("/api/v1/verifikasi", data=s.pdf, content_type="application/pdf"),
                            marker=lambda s: None),
    "daftar_kunci": Operation(lambda c, s: c.get("/api/v1/kunci"), ("admin",), lambda s: VICTIM_NAME, True),
    "buat_kunci": Operation(lambda c, s: c.post("/api/v1/kunci", json={
        "nama": "sistem baru", "wilayah": HSS, "hak": ["baca"]}), ("admin",), lambda s: None, True),
    "cabut_kunci": Operation(lambda c, s: c.post(f"/api/v1/kunci/{VICTIM[:11]}/cabut"), ("admin",),
                             lambda s: VICTIM_NAME, True),
    "putar_kunci": Operation(lambda c, s: c.post(f"/api/v1/kunci/{VICTIM[:11]}/putar"), ("admin",),
                             lambda s: VICTIM_NAME, True),
    "jejak_audit": Operation(lambda c, s: c.get("/api/v1/audit"), ("admin",), lambda s: s.surat["id"], True),
    "ekspor_audit": Operation(lambda c, s: c.get("/api/v1/audit/csv"), ("admin",), lambda s: s.surat["id"], True),
    "impor_direktori": Operation(lambda c, s: c.post(f"/api/v1/direktori/{HSS}/impor", data=DIREKTORI,
                                                     content_type="text/csv"), ("admin",), lambda s: None, True),
    "ekspor_direktori": Operation(lambda c, s: c.get(f"/api/v1/direktori/{HSS}/ekspor"), ("admin",),
                                  lambda s: "NIP,GELAR_DEPAN,NAMA", True),
    "daftar_delegasi": Operation(lambda c, s: c.get(f"/api/v1/direktori/{HSS}/delegasi"), ("baca",),
                                 lambda s: DELEGATION_MARKER),
    "catat_delegasi": Operation(lambda c, s: c.post(f"/api/v1/direktori/{HSS}/delegasi", json={
        "jenis": "a.n.", "nip_pemberi": SIGNER_NIP, "nip_penerima": "198201092006041008",
        "berlaku_dari": "2026-01-01", "berlaku_sampai": "2026-12-31"}), ("admin",), lambda s: None, True),
    "akhiri_delegasi": Operation(lambda c, s: c.post(f"/api/v1/direktori/{HSS}/delegasi/{s.delegasi['id']}/akhiri",
                                                     json={"sampai": "2026-03-31"}), ("admin",),
                                 lambda s: DELEGATION_MARKER, True),
}

DELEGATION_MARKER = "800/77/BAPPEDA/2026"
"""The nomor of the surat perintah the register's delegation rests on."""


def _delegation(services, wilayah: str = HSS) -> dict:
    """A Plh. of BAPPEDA's Kepala in the pemda's register, resting on :data:`DELEGATION_MARKER`."""
    return add_delegation(services.sessions, services.profiles, wilayah, {
        "jenis": "Plh.", "nip_pemberi": SIGNER_NIP, "nip_penerima": "198201092006041008",
        "berlaku_dari": dt.date(2026, 1, 1), "berlaku_sampai": dt.date(2026, 12, 31),
        "dasar_nomor": DELEGATION_MARKER, "dasar_tanggal": dt.date(2025, 12, 30)}, per=dt.date(2026, 2, 10))


WEBHOOK_URL = "http://127.0.0.1:9/penerima-dinas-kesehatan"


def _webhook(path: str = "") -> Callable:
    return lambda s: f"/api/v1/webhook/{s.langganan['id']}{path.format(**s.langganan)}"


def _victim_subscription(services) -> dict:
    """A subscription of :data:`VICTIM` to the letter's events, and the delivery of its surat.dibuat."""
    grant_key(services, VICTIM, wilayah=HSS, rights={"baca"})
    with services.sessions.begin() as session:
        victim = session.scalar(select(KunciApi).where(KunciApi.prefiks == VICTIM[:11]))
        langganan = subscriptions.create(session, principal_of(victim), WEBHOOK_URL, ["surat.dibuat"])
        fan_out(session, dt.datetime.now(dt.timezone.utc))
        session.flush()
        delivery = session.scalar(select(Pengiriman).where(Pengiriman.langganan_id == langganan.id))
        return {"id": langganan.id, "pengiriman": delivery.id}


_WEBHOOK_OPERATIONS = {
    "buat_webhook": Operation(lambda c, s: c.post("/api/v1/webhook", json={
        "url": "http://127.0.0.1:9/baru", "peristiwa": ["surat.dibuat"]}), ("baca",), marker=lambda s: None),
    "daftar_webhook": Operation(lambda c, s: c.get("/api/v1/webhook"), ("admin",), lambda s: WEBHOOK_URL, True),
    "baca_webhook": Operation(lambda c, s: c.get(_webhook()(s)), ("admin",), lambda s: WEBHOOK_URL, True),
    "hapus_webhook": Operation(lambda c, s: c.delete(_webhook()(s)), ("admin",), lambda s: None, True),
    "aktifkan_webhook": Operation(lambda c, s: c.post(_webhook("/aktifkan")(s)), ("admin",), lambda s: WEBHOOK_URL,
                                  True),
    "pengiriman_webhook": Operation(lambda c, s: c.get(_webhook("/pengiriman")(s)), ("admin",),
                                    lambda s: s.surat["id"], True),
    "kirim_ulang_webhook": Operation(lambda c, s: c.post(_webhook("/pengiriman/{pengiriman}/kirim-ulang")(s)),
                                     ("admin",), lambda s: None, True),
}
OPERATIONS.update(_WEBHOOK_OPERATIONS)
OPERATIONS["unit_direktori"] = Operation(lambda c, s: c.get(f"/api/v1/direktori/{HSS}/unit"), ("admin",),
                                         lambda s: None, True)
OPERATIONS["arsip_surat"] = Operation(lambda c, s: c.get(f"/api/v1/surat/{s.surat['id']}/arsip.pdf"), ("baca",),
                                      marker=lambda s: None)  # a draft of a region without cetak_arsip: 404


def _registry(services) -> dict:
    """Everything a call could have written (counts, counters, revocations, the audit trail)."""
    with services.sessions() as session:
        counts = {m.__tablename__: session.scalar(select(func.count()).select_from(m))
                  for m in (Surat, Riwayat, SuratLuar, Tautan, KunciApi, JejakAudit, Unit, Pegawai, Langganan,
                            Pengiriman, SuratVersi, Paraf, Delegasi)}
        counts["delegasi_sampai"] = sorted(session.scalars(select(Delegasi.berlaku_sampai)))
        counts["penomoran"] = session.scalar(select(func.sum(Penomoran.terakhir)))
        counts["dicabut"] = session.scalar(select(func.count()).where(KunciApi.dicabut.is_not(None)))
        counts["status"] = sorted(session.scalars(select(Surat.status)))
    return counts


def _grant_callers(services, operation: Operation) -> None:
    everything = set(RIGHTS)
    grant_key(services, TOKENS["pemda_lain"], wilayah=BANTUL, rights=everything)
    grant_key(services, TOKENS["unit_lain"], wilayah=HSS, units={"DISDIK"}, rights=everything)
    grant_key(services, TOKENS["tanpa_hak"], wilayah=HSS, rights=(everything - set(operation.rights)) or {"baca"})
    grant_key(services, TOKENS["berhak"], wilayah=HSS, units=None if operation.admin else {"BAPPEDA"},
              rights=everything)
    grant_key(services, VICTIM, wilayah=HSS, rights={"baca"})
    with services.sessions.begin() as session:
        session.scalar(select(KunciApi).where(KunciApi.prefiks == VICTIM[:11])).nama = VICTIM_NAME


def _cells():
    for name, row in MATRIX.items():
        for caller, expected in zip(CALLERS, row):
            yield pytest.param(name, caller, expected, id=f"{name}-{caller}")


def test_the_matrix_names_every_operation_of_the_api(app):
    """A new operation must get a row: the OpenAPI document and the table list the same number."""
    spec = admin_client(app).get("/api/v1/openapi.json").get_json()
    operations = [(m, p) for p, ops in spec["paths"].items() for m in ops if m in ("get", "post", "put", "delete")]
    per_letter_type = 3  # terbitkan, validasi, terbit-tandatangan: one row each, the same for every jenis
    from service.letters import LETTER_TYPES
    assert len(operations) == len(MATRIX) + (len(LETTER_TYPES) - 1) * per_letter_type


@pytest.mark.parametrize(("name", "caller", "expected"), list(_cells()))
def test_who_may_do_what(app, name, caller, expected):
    admin = admin_client(app)
    services = app.extensions["suratkerja"]
    surat = admin.post(f"/api/v1/surat/{JENIS}", json=sample(HSS, JENIS)).get_json()
    luar = admin.post("/api/v1/surat-luar", json=_luar_body()).get_json()
    setting = Setting(surat, luar, admin.get(surat["tautan"]["pdf"]).data)
    operation = OPERATIONS[name]
    _grant_callers(services, operation)
    setting.langganan = _victim_subscription(services)
    setting.delegasi = _delegation(services)
    client = bearer(app.test_client(), TOKENS.get(caller))
    before = _registry(services)

    response = operation.call(client, setting)

    status = 200 if expected == KOSONG else expected
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    if status >= 400:
        assert response.mimetype == "application/problem+json"
        assert _registry(services) == before, "a refused call changed the registry"
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    marker = operation.marker(setting)
    if marker is not None:
        shown = marker.encode() in response.data
        assert shown == (caller == "berhak" or expected not in (KOSONG, 401, 403, 404)), "shown outside scope, or hidden"


# --- staff accounts --------------------------------------------------------
#
# The pages take the signed-in account as their caller, and the API never
# does: a staff session cookie on the API is no credential at all, so every
# API operation answers a signed-in staff member as it answers nobody.

@pytest.mark.parametrize("name", list(MATRIX))
def test_a_staff_session_is_no_credential_on_the_api(app, name):
    admin = admin_client(app)
    surat = admin.post(f"/api/v1/surat/{JENIS}", json=sample(HSS, JENIS)).get_json()
    luar = admin.post("/api/v1/surat-luar", json=_luar_body()).get_json()
    setting = Setting(surat, luar, admin.get(surat["tautan"]["pdf"]).data,
                      _victim_subscription(app.extensions["suratkerja"]), _delegation(app.extensions["suratkerja"]))
    client = app.test_client()
    signed_in(client, app, "semua.peran", *STAFF_ROLES, nip=SIGNER_NIP)
    before = _registry(app.extensions["suratkerja"])

    response = OPERATIONS[name].call(client, setting)

    assert response.status_code == MATRIX[name][CALLERS.index("tanpa_kredensial")]
    if response.status_code >= 400:
        assert _registry(app.extensions["suratkerja"]) == before


# What each staff role may do through the pages, over one draft letter of
# BAPPEDA to DINKES (its penandatangan is SIGNER_NIP), one other account and
# one API key of the pemda (what the administration rows act on). Columns:
#
# - ``tanpa_sesi``: not signed in (the pages send people to /masuk: 302);
# - ``pemda_lain``: an account of Bantul holding every role;
# - ``unit_lain``: an account of this pemda for unit DISDIK (not concerned by
#   the letter), holding every role but admin (an administrator is the
#   whole pemda's);
# - one column per staff role, an account of BAPPEDA holding only that role
#   (the penandatangan linked to SIGNER_NIP; the administrator of every unit).
#
# ``"200 kosong"``: the page answers but shows nothing of the letter or of
# the other account. A refused call leaves the registry as it was.

STAFF_ROLES = ("admin", "arsiparis", "konseptor", "verifikator", "penandatangan", "pembaca")
STAFF_CALLERS = ("tanpa_sesi", "pemda_lain", "unit_lain", *STAFF_ROLES)

# fmt: off
STAFF_MATRIX = {
    # halaman            tanpa_sesi pemda_lain unit_lain admin   arsiparis konseptor verifikator penandatangan pembaca
    "surat_saya":       (302,       KOSONG,    KOSONG,   200,    200,      200,      200,        200,          200),
    "daftar_surat":     (302,       KOSONG,    KOSONG,   200,    200,      200,      200,        200,          200),
    "buka_surat":       (302,       404,       404,      200,    200,      200,      200,        200,          200),
    "pdf_surat":        (302,       404,       404,      200,    200,      200,      200,        200,          200),
    "tandatangani":     (302,       404,       404,      403,    403,      403,      403,        302,          403),
    "pdf_versi":        (302,       404,       404,      200,    200,      200,      200,        200,          200),
    "paraf":            (302,       404,       404,      403,    403,      403,      409,        403,          403),
    "kembalikan":       (302,       404,       404,      403,    403,      403,      403,        302,          403),
    "revisi":           (302,       404,       404,      403,    302,      302,      403,        403,          403),
    "batalkan":         (302,       404,       404,      403,    302,      302,      403,        403,          403),
    "cabut":            (302,       404,       404,      403,    409,      403,      403,        409,          403),
    "verifikasi":       (200,       200,       200,      200,    200,      200,      200,        200,          200),
    "daftar_akun":      (302,       KOSONG,    403,      200,    403,      403,      403,        403,          403),
    "buat_akun":        (302,       200,       403,      200,    403,      403,      403,        403,          403),
    "ubah_akun":        (302,       404,       403,      200,    403,      403,      403,        403,          403),
    "reset_sandi_akun": (302,       404,       403,      200,    403,      403,      403,        403,          403),
    "daftar_kunci":     (302,       KOSONG,    403,      200,    403,      403,      403,        403,          403),
    "buat_kunci":       (302,       200,       403,      200,    403,      403,      403,        403,          403),
    "cabut_kunci":      (302,       404,       403,      302,    403,      403,      403,        403,          403),
    "putar_kunci":      (302,       404,       403,      200,    403,      403,      403,        403,          403),
    "jejak_audit":      (302,       KOSONG,    403,      200,    403,      403,      403,        403,          403),
    "ekspor_audit":     (302,       KOSONG,    403,      200,    403,      403,      403,        403,          403),
    "direktori":        (302,       KOSONG,    403,      200,    403,      403,      403,        403,          403),
    "direktori_unit":   (302,       404,       403,      200,    403,      403,      403,        403,          403),
    "periksa_direktori":(302,       200,       403,      200,    403,      403,      403,        403,          403),
    "impor_direktori":  (302,       302,       403,      302,    403,      403,      403,        403,          403),
    "ekspor_direktori": (302,       KOSONG,    403,      200,    403,      403,      403,        403,          403),
    "catat_delegasi":   (302,       302,       403,      302,    403,      403,      403,        403,          403),
    "akhiri_delegasi":  (302,       404,       403,      302,    403,      403,      403,        403,          403),
}
# fmt: on

VICTIM_ACCOUNT = "korban.dinkes"


@dataclass(frozen=True)
class Page:
    call: Callable
    marker: Callable[[Setting, int], str | None] = lambda s, v: s.surat["hal"]
    """What the allowed caller's answer shows and no one else's may."""


def _form(client, path: str, data: dict, **kwargs):
    return post_form(client, path, data, page="/saya", **kwargs)


DIRECTORY_MARKER = "Rusdiana"
"""An official of BAPPEDA in Hulu Sungai Selatan's directory (what the directory rows show)."""


def _upload(client, aksi: str):
    """The directory page's form, its file checked (Periksa) or imported (Impor)."""
    return _form(client, "/admin/direktori", {"berkas": (io.BytesIO(DIREKTORI), "simpeg.csv"), "aksi": aksi},
                 content_type="multipart/form-data")


PAGES = {
    "surat_saya": Page(lambda c, s, v: c.get("/saya")),
    "daftar_surat": Page(lambda c, s, v: c.get("/surat")),
    "buka_surat": Page(lambda c, s, v: c.get(f"/surat/{s.surat['id']}")),
    "pdf_surat": Page(lambda c, s, v: c.get(f"/surat/{s.surat['id']}/pdf"), marker=lambda s, v: "%PDF"),
    "tandatangani": Page(lambda c, s, v: _form(c, f"/surat/{s.surat['id']}/tandatangan", {"passphrase": PASSPHRASE}),
                         marker=lambda s, v: None),
    # the draft needs no paraf, so it is ready to sign: the verifikator reaches paraf and gets its 409, and
    # the signer returns it; cabut is for a signed letter (409 for those who may revoke). A page refusing a
    # step still shows the letter to whoever may read it: no marker.
    "pdf_versi": Page(lambda c, s, v: c.get(f"/surat/{s.surat['id']}/versi/1/pdf"), marker=lambda s, v: "%PDF"),
    "paraf": Page(lambda c, s, v: _form(c, f"/surat/{s.surat['id']}/paraf", {"versi": 1}), marker=lambda s, v: None),
    "kembalikan": Page(lambda c, s, v: _form(c, f"/surat/{s.surat['id']}/kembalikan", {
        "versi": 1, "catatan": "Lengkapi kebutuhan."}), marker=lambda s, v: None),
    "revisi": Page(lambda c, s, v: _form(c, f"/surat/{s.surat['id']}/revisi", {
        "versi": 1, "permintaan": json.dumps(sample(HSS, JENIS)), "catatan": "diperjelas"}), marker=lambda s, v: None),
    "batalkan": Page(lambda c, s, v: _form(c, f"/surat/{s.surat['id']}/batalkan", {
        "versi": 1, "alasan": "Tidak jadi."}), marker=lambda s, v: None),
    "cabut": Page(lambda c, s, v: _form(c, f"/surat/{s.surat['id']}/cabut", {"alasan": "Salah sasaran"}),
                  marker=lambda s, v: None),
    "verifikasi": Page(lambda c, s, v: _form(c, "/verifikasi", {"berkas": (io.BytesIO(s.pdf), "surat.pdf")},
                                             content_type="multipart/form-data"), marker=lambda s, v: s.surat["nomor"]),
    "daftar_akun": Page(lambda c, s, v: c.get("/admin/akun"), marker=lambda s, v: VICTIM_ACCOUNT),
    "buat_akun": Page(lambda c, s, v: _form(c, "/admin/akun", {"username": "baru", "nama": "Akun Baru",
                                                               "peran": ["pembaca"]}), marker=lambda s, v: None),
    "ubah_akun": Page(lambda c, s, v: _form(c, f"/admin/akun/{v}", {"nama": "Diubah", "peran": ["pembaca"],
                                                                     "aktif": "y"}), marker=lambda s, v: VICTIM_ACCOUNT),
    "reset_sandi_akun": Page(lambda c, s, v: _form(c, f"/admin/akun/{v}/reset-sandi", {}),
                             marker=lambda s, v: VICTIM_ACCOUNT),
    "daftar_kunci": Page(lambda c, s, v: c.get("/admin/kunci"), marker=lambda s, v: VICTIM_NAME),
    "buat_kunci": Page(lambda c, s, v: _form(c, "/admin/kunci", {"nama": "sistem baru", "hak": ["baca"]}),
                       marker=lambda s, v: None),
    "cabut_kunci": Page(lambda c, s, v: _form(c, f"/admin/kunci/{VICTIM[:11]}/cabut", {}),
                        marker=lambda s, v: VICTIM_NAME),
    "putar_kunci": Page(lambda c, s, v: _form(c, f"/admin/kunci/{VICTIM[:11]}/putar", {}),
                        marker=lambda s, v: VICTIM_NAME),
    "jejak_audit": Page(lambda c, s, v: c.get("/admin/audit"), marker=lambda s, v: s.surat["id"]),
    "ekspor_audit": Page(lambda c, s, v: c.get("/admin/audit.csv"), marker=lambda s, v: s.surat["id"]),
    "direktori": Page(lambda c, s, v: c.get("/admin/direktori"), marker=lambda s, v: DIRECTORY_MARKER),
    "direktori_unit": Page(lambda c, s, v: c.get("/admin/direktori?unit=BAPPEDA"), marker=lambda s, v: DIRECTORY_MARKER),
    "periksa_direktori": Page(lambda c, s, v: _upload(c, "periksa"), marker=lambda s, v: None),
    "impor_direktori": Page(lambda c, s, v: _upload(c, "impor"), marker=lambda s, v: None),
    "ekspor_direktori": Page(lambda c, s, v: c.get("/admin/direktori.csv"), marker=lambda s, v: DIRECTORY_MARKER),
    "catat_delegasi": Page(lambda c, s, v: _form(c, "/admin/direktori/delegasi", {
        "jenis": "a.n.", "nip_pemberi": SIGNER_NIP, "nip_penerima": "198201092006041008", "berlaku_dari": "2026-01-01",
        "berlaku_sampai": "2026-12-31"}), marker=lambda s, v: None),
    "akhiri_delegasi": Page(lambda c, s, v: _form(c, f"/admin/direktori/delegasi/{s.delegasi['id']}/akhiri", {}),
                            marker=lambda s, v: None),
}


def _staff_registry(services) -> dict:
    """:func:`_registry` and the accounts (their hashes, roles, state): what a page could have written."""
    with services.sessions() as session:
        accounts = sorted((a.username, a.nama, a.sandi_hash, a.peran, a.aktif) for a in session.scalars(select(Akun)))
    return {**_registry(services), "akun": accounts}


def _staff_caller(client, app, caller: str) -> None:
    if caller == "pemda_lain":
        signed_in(client, app, "asing", *STAFF_ROLES, wilayah=BANTUL, nip=SIGNER_NIP)  # every unit of Bantul
    elif caller == "unit_lain":
        signed_in(client, app, "disdik", *STAFF_ROLES[1:], unit=("DISDIK",), nip=SIGNER_NIP)
    elif caller != "tanpa_sesi":  # an administrator is the whole pemda's
        signed_in(client, app, f"staf.{caller}", caller, unit=() if caller == "admin" else ("BAPPEDA",),
                  nip=SIGNER_NIP if caller == "penandatangan" else None)


def _staff_cells():
    for name, row in STAFF_MATRIX.items():
        for caller, expected in zip(STAFF_CALLERS, row):
            yield pytest.param(name, caller, expected, id=f"{name}-{caller}")


@pytest.mark.parametrize(("name", "caller", "expected"), list(_staff_cells()))
def test_which_staff_role_may_do_what_in_the_pages(app, name, caller, expected):
    admin = admin_client(app)
    services = app.extensions["suratkerja"]
    surat = admin.post(f"/api/v1/surat/{JENIS}", json=sample(HSS, JENIS)).get_json()
    setting = Setting(surat, {}, admin.get(surat["tautan"]["pdf"]).data, delegasi=_delegation(services))
    victim, _ = make_account(app, VICTIM_ACCOUNT, "pembaca", unit=("DINKES",))
    assert admin.post(f"/api/v1/direktori/{HSS}/impor", data=DIREKTORI, content_type="text/csv").status_code == 200
    grant_key(services, VICTIM, wilayah=HSS, rights={"baca"})
    with services.sessions.begin() as session:
        session.scalar(select(KunciApi).where(KunciApi.prefiks == VICTIM[:11])).nama = VICTIM_NAME
    client = app.test_client()
    _staff_caller(client, app, caller)
    before = _staff_registry(services)

    response = PAGES[name].call(client, setting, victim.id)

    status = 200 if expected == KOSONG else expected
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    if status >= 400 or caller == "tanpa_sesi":
        assert _staff_registry(services) == before, "a refused call changed the registry"
    if status == 302 and caller == "tanpa_sesi":
        assert response.headers["Location"].startswith("/masuk")
    marker = PAGES[name].marker(setting, victim.id)
    if marker is not None:
        assert (marker.encode() in response.data) == (expected == 200), "shown outside scope, or hidden"
