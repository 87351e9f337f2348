"""The HTTP API as an e-office client and a clerk see it."""

from __future__ import annotations

import functools
import shutil

import pytest

import service
from service import create_app
from service.chain import PROFILE_RULE_KEYS
from service.wilayah import CHAIN_SECTION, PROFILE_DIR, load_profiles

from .conftest import _with_services
from .staff import signed_in
from .support import JENIS, admin_client, issue, sample, sign

URL = f"/api/v1/surat/{JENIS}"
LETTER_TYPES = set(PROFILE_RULE_KEYS) - {CHAIN_SECTION}


def assert_problem(response, status):
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    return problem


def test_a_draft_has_no_number_until_it_is_signed(client):
    body = sample("hulu-sungai-selatan", JENIS)
    created = issue(client, body)
    assert created["status"] == "siap_ditandatangani" and created["versi"] == 1 and created["verifikator"] == []
    assert created["nomor"] is None and created["tanggal"] == body["tanggal"]  # the request fixes its date
    meta = client.get(created["tautan"]["self"]).get_json()
    assert meta["nomor"] is None and meta["sha256"]["pdf"] == created["sha256"]["pdf"]
    pdf = client.get(created["tautan"]["pdf"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert "permohonan-pelibatan_konsep-v1.pdf" in pdf.headers["Content-Disposition"]
    assert sign(client, created["id"]).status_code == 200
    signed = client.get(created["tautan"]["self"]).get_json()
    assert signed["status"] == "ditandatangani" and signed["nomor"].endswith(f"/{signed['tanggal'][:4]}")
    name = client.get(created["tautan"]["pdf"]).headers["Content-Disposition"]
    assert "permohonan-pelibatan_" in name and name.endswith(".pdf") and "/" not in name.split("filename=")[1]
    assert created["tautan"]["verifikasi"] == f"http://127.0.0.1:8000/verifikasi/{created['id']}"  # the QR code's


def test_letters_lead_to_the_configured_public_address(app_shell, tmp_path, converter, pki_dir):
    config = {"instance_dir": tmp_path, "pki_dir": pki_dir, "base_url": "https://suratkerja.contoh.go.id"}
    for app in _with_services(app_shell, config, converter):
        client = admin_client(app)
        created = issue(client)
        assert created["tautan"]["verifikasi"] == f"https://suratkerja.contoh.go.id/verifikasi/{created['id']}"
        chain = client.get(f"/api/v1/surat/{created['id']}/rantai").get_json()
        assert chain["surat"][0]["tautan"]["verifikasi"] == created["tautan"]["verifikasi"]


def test_invalid_letter_gets_422_with_one_entry_per_field(client):
    body = sample("hulu-sungai-selatan", JENIS)
    del body["target_kinerja"]
    body["penandatangan"]["nip"] = "19681301199303100"
    body["kepada"]["peran"] = "bukan-peran"
    problem = assert_problem(client.post(URL, json=body), 422)
    entries = {e["pointer"]: e for e in problem["errors"]}
    assert set(entries) == {"/penandatangan/nip", "/kepada/peran"}  # schema errors first, rules after
    assert entries["/penandatangan/nip"]["code"] == "nip_format"
    for entry in problem["errors"]:
        assert set(entry) == {"pointer", "code", "message", "pasal"} and entry["pasal"]
    body["penandatangan"]["nip"] = "196804111993031009"
    body["kepada"]["peran"] = "pimpinan_unit"
    problem = assert_problem(client.post(URL, json=body), 422)
    assert problem["errors"] == [{
        "pointer": "/target_kinerja", "code": "isi_minimum",
        "message": "Surat wajib memuat ekspektasi/target kinerja.",
        "pasal": "Perbup Hulu Sungai Selatan 45/2023 Pasal 14 ayat (4) huruf c",
    }]
    assert client.get("/api/v1/surat").get_json()["total"] == 0


@pytest.mark.parametrize(
    "kwargs, status",
    [
        ({"data": "{\"wilayah\": ", "content_type": "application/json"}, 400),
        ({"data": b"\xff\xfe{}", "content_type": "application/json"}, 400),
        ({"data": "[" * 50000 + "]" * 50000, "content_type": "application/json"}, 400),
        ({"data": "wilayah=bantul", "content_type": "application/x-www-form-urlencoded"}, 415),
        ({"data": "{}"}, 415),
        ({"json": ["bukan", "objek"]}, 422),
        ({"data": " " * (600 * 1024), "content_type": "application/json"}, 413),
    ],
    ids=["truncated-json", "not-utf8", "too-deep", "form", "no-content-type", "array", "too-large"],
)
def test_unreadable_bodies_get_4xx_problem_never_500(idle_client, kwargs, status):
    assert_problem(idle_client.post(URL, **kwargs), status)


def test_unknown_jenis_and_region(idle_client):
    problem = assert_problem(idle_client.post("/api/v1/surat/surat-cinta", json={}), 404)
    assert "permohonan-pelibatan" in problem["detail"]
    assert_problem(idle_client.post("/api/v1/surat/surat-cinta/validasi", json={}), 404)
    body = sample("hulu-sungai-selatan", JENIS)
    body["wilayah"] = "atlantis"
    problem = assert_problem(idle_client.post(URL, json=body), 422)
    assert [e["code"] for e in problem["errors"]] == ["wilayah_tidak_dikenal"]
    assert_problem(idle_client.get("/api/v1/surat/" + "0" * 32), 404)
    not_an_id = assert_problem(idle_client.get("/api/v1/surat/tidak-ada"), 405)  # only a letter type's POST
    assert not_an_id["type"] == "urn:suratkerja:masalah:metode_tidak_diizinkan"
    assert_problem(idle_client.get("/api/v1/surat/tidak-ada/pdf"), 404)


def test_validate_only_issues_nothing(client):
    response = client.post(f"{URL}/validasi", json=sample("hulu-sungai-selatan", JENIS))
    assert response.status_code == 200 and response.get_json()["valid"] is True
    assert client.get("/api/v1/surat").get_json()["total"] == 0
    first = issue(client)
    assert sign(client, first["id"]).status_code == 200
    assert "/1/" in client.get(first["tautan"]["self"]).get_json()["nomor"]  # validation took no number


def test_list_filters_and_pages(client):
    a = issue(client, hal="Permohonan Pelibatan Analis Kebijakan", tanggal="2026-03-02")
    b = issue(client, hal="Permohonan Pelibatan Perencana", tanggal="2026-05-10")
    bantul = issue(client, sample("bantul", JENIS))

    def ids(query):
        body = client.get(f"/api/v1/surat?{query}").get_json()
        return {item["id"] for item in body["items"]}, body["total"]

    assert ids("wilayah=hulu-sungai-selatan") == ({a["id"], b["id"]}, 2)
    assert ids("q=perencana") == ({b["id"]}, 1)
    assert ids("q=%25") == (set(), 0)  # a literal %, not a wildcard
    assert ids("dari=2026-04-01&sampai=2026-06-30&wilayah=hulu-sungai-selatan") == ({b["id"]}, 1)
    assert ids(f"unit={bantul['unit']['kode']}&wilayah=bantul") == ({bantul["id"]}, 1)
    assert ids("jenis=penugasan") == (set(), 0)
    page1, total = ids("per_halaman=2&halaman=1")
    page2, _ = ids("per_halaman=2&halaman=2")
    assert total == 3 and len(page1) == 2 and len(page2) == 1 and not page1 & page2
    problem = assert_problem(client.get("/api/v1/surat?per_halaman=500&dari=kemarin"), 422)
    assert {e["pointer"] for e in problem["errors"]} == {"/per_halaman", "/dari"}


def test_wilayah_lists_every_region_profile(idle_client):
    regions = {r["kode"]: r for r in idle_client.get("/api/v1/wilayah").get_json()}
    assert set(regions) == {path.stem for path in PROFILE_DIR.glob("*.toml")}
    assert regions["tanah-laut"]["instrumen"]["sebutan"] == "Perbup Tanah Laut 26/2024"
    assert all(set(r["jenis_surat"]) == LETTER_TYPES for r in regions.values())


def test_a_sixth_region_file_is_loaded_listed_and_issues_letters(tmp_path, monkeypatch, converter, pki_dir):
    """A new region is one TOML file and its emblem, not new code.

    ``create_app`` reads the profiles from ``service/wilayah/`` only, so the
    test points its loader at a copy holding a sixth region.
    """
    wilayah = tmp_path / "wilayah"
    shutil.copytree(PROFILE_DIR, wilayah, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shutil.copy(wilayah / "bantul.toml", wilayah / "kota-contoh.toml")
    shutil.copy(wilayah / "lambang" / "bantul.png", wilayah / "lambang" / "kota-contoh.png")
    (wilayah / "kota-contoh.toml").write_text(
        (wilayah / "kota-contoh.toml").read_text(encoding="utf-8").replace('"lambang/bantul.png"', '"lambang/kota-contoh.png"'),
        encoding="utf-8")

    profiles = load_profiles(PROFILE_RULE_KEYS, wilayah)
    assert set(profiles) == set(load_profiles(PROFILE_RULE_KEYS)) | {"kota-contoh"}
    assert profiles["kota-contoh"].lambang == wilayah / "lambang" / "kota-contoh.png"
    monkeypatch.setattr(service, "load_profiles", functools.partial(load_profiles, directory=wilayah))
    client = admin_client(create_app({"instance_dir": tmp_path / "instance", "pki_dir": pki_dir}, converter=converter))
    regions = {r["kode"]: r for r in client.get("/api/v1/wilayah").get_json()}
    assert "kota-contoh" in regions and set(regions["kota-contoh"]["jenis_surat"]) == LETTER_TYPES
    created = issue(client, sample("bantul", JENIS), wilayah="kota-contoh")
    assert [s["id"] for s in client.get("/api/v1/surat?wilayah=kota-contoh").get_json()["items"]] == [created["id"]]


def test_openapi_documents_every_letter_schema_and_docs_work_offline(idle_client):
    spec = idle_client.get("/api/v1/openapi.json").get_json()
    for jenis in ("permohonan-pelibatan", "jawaban", "penugasan", "keputusan-tim-kerja", "pengajuan-sukarela"):
        post = spec["paths"][f"/api/v1/surat/{jenis}"]["post"]
        ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.split("/")[-1] in spec["components"]["schemas"]
        assert {"201", "422", "415", "413"} <= set(post["responses"])
    assert "application/pdf" in spec["paths"]["/api/v1/surat/{surat_id}/pdf"]["get"]["responses"]["200"]["content"]
    assert {"laporan", "per"} <= set(spec["components"]["schemas"]["Rantai"]["properties"])
    assert {"jatuh_tempo", "status", "terlambat", "kepada", "dibuat"} <= set(
        spec["components"]["schemas"]["LaporanWajib"]["properties"])
    rantai = spec["paths"]["/api/v1/surat/{surat_id}/rantai"]["get"]
    assert "per" in [p["name"] for p in rantai["parameters"]]
    page = idle_client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "https://" not in html.split("<body>")[0]  # no CDN
    with idle_client.get("/api/v1/docs/aset/swagger-ui-bundle.js") as asset:
        assert asset.status_code == 200 and asset.mimetype == "text/javascript"


def test_list_page_shows_letters_for_people(app, client):
    created = issue(client)
    assert client.get("/surat").status_code == 302  # signed-in staff only, not API keys
    signed_in(client, app, "arsip", "arsiparis")
    page = client.get("/surat")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "belum bernomor" in html and f"/surat/{created['id']}" in html
    assert client.get("/surat?dari=bukan-tanggal&halaman=x").status_code == 200
