"""Signing on someone's behalf: the delegation register (a.n., u.b., Plt., Plh.), the refusal of a letter
signed without a delegation valid on its date, and what the letter, its stamp and its verification say."""

from __future__ import annotations

import datetime as dt

import pytest

from service.directory.delegation import SUMBER
from service.devtools.samples import SAMPLES
from service.issuing.printing import today

from .support import PASSPHRASE, SIGNER_NIP, bearer, grant_key, last_number, pdf_text, sample, sign

HSS, BANTUL = "hulu-sungai-selatan", "bantul"
JENIS = "permohonan-pelibatan"
DELEGASI = f"/api/v1/direktori/{HSS}/delegasi"
DIREKTORI = (SAMPLES / "direktori" / f"{HSS}.csv").read_bytes()
KEPALA = SIGNER_NIP
"""Muhammad Noor, Kepala Badan Perencanaan Pembangunan Daerah."""
MADYA = "197508222003122004"
"""Rusdiana, Perencana Ahli Madya: holds the a.n. a u.b. passes through."""
MUDA = "198201092006041008"
"""Ahmad Fauzi, Perencana Ahli Muda: signs on the Kepala's behalf (the development PKI holds his key)."""
KEPALA_JABATAN = "Kepala Badan Perencanaan Pembangunan Daerah"
TANGGAL = "2026-02-10"
"""The sample letter's date."""


def catat(client, jenis: str = "a.n.", pemberi: str = KEPALA, penerima: str = MUDA, dari: str = "2026-01-01",
          sampai: str = "2026-12-31", **extra):
    return client.post(DELEGASI, json={"jenis": jenis, "nip_pemberi": pemberi, "nip_penerima": penerima,
                                       "berlaku_dari": dari, "berlaku_sampai": sampai, **extra})


def on_behalf(atas_nama: dict, tanggal: str = TANGGAL) -> dict:
    """The sample letter signed by Ahmad Fauzi on the Kepala's behalf (the directory fills the rest)."""
    body = sample(HSS, JENIS)
    body["tanggal"] = tanggal
    body["penandatangan"] = {"nip": MUDA, "atas_nama": atas_nama}
    return body


@pytest.fixture
def directory(client):
    assert client.post(f"/api/v1/direktori/{HSS}/impor", data=DIREKTORI, content_type="text/csv").status_code == 200
    return client


# --- the register -------------------------------------------------------------

def test_an_administrator_records_lists_and_ends_a_delegation_and_the_audit_trail_says_so(directory):
    client = directory
    made = catat(client, dasar_nomor="800/12/BAPPEDA/2026", dasar_tanggal="2025-12-30")
    assert made.status_code == 201, made.get_json()
    entry = made.get_json()
    assert {k: entry[k] for k in ("jenis", "nip_pemberi", "nama_pemberi", "nama_penerima", "berlaku_sampai")} == {
        "jenis": "a.n.", "nip_pemberi": KEPALA, "nama_pemberi": "Ir. H. Muhammad Noor, M.T.",
        "nama_penerima": "Ahmad Fauzi, S.T.", "berlaku_sampai": "2026-12-31"}

    listed = client.get(DELEGASI, query_string={"nip": MUDA}).get_json()
    assert [d["id"] for d in listed] == [entry["id"]]
    assert client.get(DELEGASI, query_string={"nip": "199002202015032003"}).get_json() == []

    ended = client.post(f"{DELEGASI}/{entry['id']}/akhiri", json={"sampai": "2026-02-09"})
    assert ended.status_code == 200 and ended.get_json()["berlaku_sampai"] == "2026-02-09"
    assert ended.get_json()["status"] == "berakhir" and ended.get_json()["diakhiri"]
    again = client.post(f"{DELEGASI}/{entry['id']}/akhiri", json={"sampai": "2026-02-09"})
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    assert "sudah berakhir pada 9 Februari 2026" in again.get_json()["detail"]
    assert client.post(f"{DELEGASI}/{'0' * 32}/akhiri", json={}).status_code == 404

    actions = [e["aksi"] for e in client.get("/api/v1/audit").get_json()]
    assert actions[:2] == ["delegasi.akhiri", "delegasi.catat"]


@pytest.mark.parametrize(("entry", "errors"), [
    ({"jenis": "Plt."}, [("/dasar_nomor", "dasar_wajib"), ("/dasar_tanggal", "dasar_wajib")]),
    ({"jenis": "u.b."}, [("/nip_antara", "ub_tanpa_antara")]),
    ({"jenis": "a.n.", "nip_antara": MADYA}, [("/nip_antara", "antara_hanya_ub")]),
    ({"penerima": KEPALA}, [("/nip_penerima", "delegasi_diri_sendiri")]),
    ({"dari": "2026-03-01", "sampai": "2026-02-01"}, [("/berlaku_sampai", "rentang_tanggal")]),
], ids=["plt-tanpa-surat-perintah", "ub-tanpa-pemegang-an", "antara-bukan-ub", "diri-sendiri", "tanggal-terbalik"])
def test_an_impossible_delegation_is_refused_field_by_field_with_its_source(client, entry, errors):
    response = catat(client, **entry)
    assert response.status_code == 422
    found = response.get_json()["errors"]
    assert [(e["pointer"], e["code"]) for e in found] == errors
    assert {e["pasal"] for e in found} == {SUMBER}
    assert client.get(DELEGASI).get_json() == []


def test_who_may_see_and_keep_the_register(app, client):
    assert catat(client).status_code == 201
    services = app.extensions["suratkerja"]
    grant_key(services, "sk_0000000a_" + "A" * 43, wilayah=HSS, units={"DINKES"}, rights={"baca"})
    grant_key(services, "sk_0000000b_" + "B" * 43, wilayah=BANTUL, rights={"baca", "admin"})
    reader = bearer(app.test_client(), "sk_0000000a_" + "A" * 43)
    other_pemda = bearer(app.test_client(), "sk_0000000b_" + "B" * 43)

    assert len(reader.get(DELEGASI).get_json()) == 1  # who reads the pemda's letters learns who signs for whom
    assert catat(reader).status_code == 403
    assert other_pemda.get(DELEGASI).status_code == 404 and catat(other_pemda).status_code == 404
    assert other_pemda.get(f"/api/v1/direktori/{BANTUL}/delegasi").get_json() == []


def test_the_register_survives_a_directory_import(directory):
    assert catat(directory).status_code == 201
    assert directory.post(f"/api/v1/direktori/{HSS}/impor", data=DIREKTORI, content_type="text/csv").status_code == 200
    assert len(directory.get(DELEGASI).get_json()) == 1


# --- the letter ---------------------------------------------------------------

def validate(client, body: dict):
    return client.post(f"/api/v1/surat/{JENIS}/validasi", json=body)


AN = {"jenis": "a.n.", "nip": KEPALA}
UB = {"jenis": "u.b.", "nip": KEPALA, "melalui": {"nip": MADYA}}


@pytest.mark.parametrize(("register", "atas_nama", "pointer", "code", "says"), [
    ([], AN, "/penandatangan/atas_nama", "tanpa_delegasi", "Tidak ada delegasi a.n."),
    ([{"sampai": "2026-02-09"}], AN, "/penandatangan/atas_nama", "delegasi_berakhir",
     "berakhir pada 9 Februari 2026; surat bertanggal 10 Februari 2026"),
    ([{"dari": "2026-02-11"}], AN, "/penandatangan/atas_nama", "delegasi_belum_berlaku",
     "baru berlaku sejak 11 Februari 2026"),
    ([{"jenis": "Plh.", "dasar_nomor": "800/3/BAPPEDA/2026", "dasar_tanggal": "2026-01-02"}], AN,
     "/penandatangan/atas_nama/jenis", "delegasi_jenis_lain", "adalah Plh., bukan a.n."),
    ([{"jenis": "u.b.", "nip_antara": MADYA}], UB, "/penandatangan/atas_nama/melalui", "ub_tanpa_an",
     "u.b. hanya sesudah a.n."),
    ([{"penerima": MADYA, "sampai": "2026-02-01"}, {"jenis": "u.b.", "nip_antara": MADYA}], UB,
     "/penandatangan/atas_nama/melalui", "delegasi_berakhir", "u.b. hanya sesudah a.n.: Delegasi a.n."),
    ([{"penerima": MADYA}], {"jenis": "u.b.", "nip": KEPALA}, "/penandatangan/atas_nama/melalui", "ub_tanpa_an",
     "sebutkan pemegang a.n."),
], ids=["tanpa-delegasi", "berakhir", "belum-berlaku", "jenis-lain", "ub-tanpa-an", "ub-an-berakhir",
        "ub-tanpa-melalui"])
def test_a_letter_signed_on_someones_behalf_without_a_valid_delegation_is_refused(
        directory, register, atas_nama, pointer, code, says):
    for entry in register:
        assert catat(directory, **entry).status_code == 201
    response = validate(directory, on_behalf(atas_nama))
    assert response.status_code == 422, response.get_json()
    [error] = response.get_json()["errors"]
    assert (error["pointer"], error["code"], error["pasal"]) == (pointer, code, SUMBER)
    assert says in error["message"]


def test_a_delegation_valid_on_the_letters_date_lets_it_through_whatever_today_is(directory):
    assert catat(directory, dari="2026-02-10", sampai="2026-02-10").status_code == 201
    assert validate(directory, on_behalf(AN)).status_code == 200
    assert validate(directory, on_behalf(AN, tanggal="2026-02-11")).status_code == 422


def test_u_b_passes_through_the_a_n_holder_named_in_the_register(directory):
    assert catat(directory, penerima=MADYA).status_code == 201
    assert catat(directory, jenis="u.b.", nip_antara=MADYA).status_code == 201
    assert validate(directory, on_behalf(UB)).status_code == 200


def test_signing_on_someones_behalf_plays_their_role_not_ones_own(directory):
    """The rule wants the pimpinan unit to sign a request; signed a.n. Kepala it is his request."""
    assert catat(directory).status_code == 201
    assert validate(directory, on_behalf(AN)).status_code == 200
    body = sample(HSS, JENIS)
    body["penandatangan"] = {"nip": MUDA}  # on his own authority a Perencana Ahli Muda may not
    assert validate(directory, body).status_code == 422


def test_a_voluntary_application_is_never_signed_on_someone_elses_behalf(client):
    body = sample(HSS, "pengajuan-sukarela")
    body["penandatangan"]["atas_nama"] = AN
    response = client.post("/api/v1/surat/pengajuan-sukarela/validasi", json=body)
    assert [(e["pointer"], e["code"]) for e in response.get_json()["errors"]] == [
        ("/penandatangan/atas_nama", "isian_tidak_dikenal")]


def test_the_letter_its_stamp_and_its_verification_say_on_whose_behalf_it_is_signed(directory):
    assert catat(directory).status_code == 201
    response = directory.post(f"/api/v1/surat/{JENIS}/terbit-tandatangan",
                              json={"surat": on_behalf(AN), "passphrase": PASSPHRASE})
    assert response.status_code == 201, response.get_json()
    pdf = directory.get(response.get_json()["tautan"]["pdf"]).data
    text = pdf_text(pdf)  # the fast tests' converter runs the block's lines together; tests/layout reads them apart
    assert f"a.n. {KEPALA_JABATAN}Perencana Ahli Muda, " in text
    assert f"elektronik oleh: a.n. {KEPALA_JABATAN} Perencana Ahli Muda Ahmad Fauzi, S.T. NIP" in text  # the stamp

    report = directory.post("/api/v1/verifikasi", data=pdf, content_type="application/pdf").get_json()
    assert report["terbitan"]["ditandatangani_sebagai"] == f"a.n. {KEPALA_JABATAN}, Perencana Ahli Muda"
    page = directory.get(f"/verifikasi/{response.get_json()['id']}").get_data(as_text=True)
    assert f"ditandatangani a.n. {KEPALA_JABATAN}, Perencana Ahli Muda" in " ".join(page.split())


def test_the_stamp_prints_the_block_line_by_line():
    from signing import Appearance

    stamp = Appearance(jabatan=f"a.n. {KEPALA_JABATAN}\nPerencana Ahli Muda", nama="Ahmad Fauzi, S.T.",
                       nip="19820109 200604 1 008")
    assert stamp.lines()[2:6] == ["a.n. Kepala Badan Perencanaan", "Pembangunan Daerah", "Perencana Ahli Muda",
                                  "Ahmad Fauzi, S.T."]


def test_the_cli_records_lists_and_ends_a_delegation(tmp_path, monkeypatch, capsys):
    import json

    from service.cli import main

    config = tmp_path / "suratkerja.toml"
    config.write_text(f'instance_dir = "{tmp_path / "instance"}"\n', encoding="utf-8")
    monkeypatch.setenv("SURATKERJA_CONFIG", str(config))
    main(["delegasi", "catat", HSS, "--jenis", "Plh.", "--pemberi", KEPALA, "--penerima", MUDA, "--dari",
          "2026-02-01", "--sampai", "2026-02-28", "--dasar-nomor", "800/3/BAPPEDA/2026", "--dasar-tanggal",
          "2026-01-30"])
    made = json.loads(capsys.readouterr().out)
    main(["delegasi", "akhiri", HSS, made["id"], "--sampai", "2026-02-14"])
    assert json.loads(capsys.readouterr().out)["berlaku_sampai"] == "2026-02-14"
    main(["delegasi", "daftar", HSS])
    assert [d["jenis"] for d in json.loads(capsys.readouterr().out)] == ["Plh."]

    with pytest.raises(SystemExit) as refused:
        main(["delegasi", "catat", HSS, "--jenis", "Plt.", "--pemberi", KEPALA, "--penerima", MUDA, "--dari",
              "2026-02-01", "--sampai", "2026-02-28"])
    assert "/dasar_nomor" in str(refused.value)


def test_the_directory_page_keeps_the_register(app, client):
    from .staff import post_form, signed_in

    page = app.test_client()
    signed_in(page, app, "admin.pemda", "admin")
    entry = {"jenis": "Plt.", "nip_pemberi": KEPALA, "nip_penerima": MUDA, "berlaku_dari": "2026-02-01",
             "berlaku_sampai": "2026-12-31"}
    refused = post_form(page, "/admin/direktori/delegasi", entry, page="/admin/direktori")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Nomor surat dasar (surat perintah Plt./Plh.): Plt. ditetapkan dengan surat perintah" in html
    assert SUMBER in html and "Belum ada delegasi." in html

    made = post_form(page, "/admin/direktori/delegasi", {**entry, "dasar_nomor": "800/5/BAPPEDA/2026",
                                                         "dasar_tanggal": "2026-01-30"},
                     page="/admin/direktori", follow_redirects=True)
    assert "Delegasi Plt. dicatat" in made.get_data(as_text=True)
    [listed] = client.get(DELEGASI).get_json()
    assert listed["dasar_nomor"] == "800/5/BAPPEDA/2026"

    ended = post_form(page, f"/admin/direktori/delegasi/{listed['id']}/akhiri", {}, page="/admin/direktori",
                      follow_redirects=True)
    assert "diakhiri" in ended.get_data(as_text=True)
    assert client.get(DELEGASI).get_json()[0]["diakhiri"]
    assert [e["pelaku"] for e in client.get("/api/v1/audit").get_json()[:2]] == ["akun:admin.pemda"] * 2


def test_an_answer_to_a_request_signed_a_n_is_addressed_to_the_official_it_was_signed_for(directory):
    assert catat(directory).status_code == 201
    made = directory.post(f"/api/v1/surat/{JENIS}", json=on_behalf(AN))
    assert made.status_code == 201, made.get_json()
    assert sign(directory, made.get_json()["id"], nip=MUDA).status_code == 200  # answered once signed
    konsep = directory.get(f"/api/v1/surat/{made.get_json()['id']}/konsep/jawaban").get_json()
    assert konsep["kepada"]["jabatan"] == KEPALA_JABATAN and konsep["kepada"]["peran"] == "pimpinan_unit"


def test_a_draft_signed_later_needs_the_delegation_on_the_day_it_is_signed(directory):
    """A draft without a date takes the signing day: a delegation ended before it refuses the signature,
    and the number stays free."""
    day = today()
    entry = catat(directory, dari=(day - dt.timedelta(days=30)).isoformat(),
                  sampai=(day + dt.timedelta(days=30)).isoformat())
    assert entry.status_code == 201
    body = on_behalf(AN)
    body.pop("tanggal")
    draft = directory.post(f"/api/v1/surat/{JENIS}", json=body)
    assert draft.status_code == 201, draft.get_json()
    ended = directory.post(f"{DELEGASI}/{entry.get_json()['id']}/akhiri",
                           json={"sampai": (day - dt.timedelta(days=1)).isoformat()})
    assert ended.status_code == 200
    refused = sign(directory, draft.get_json()["id"], nip=MUDA)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["pointer"].startswith("/penandatangan/atas_nama")
    assert last_number(directory) == 0
