"""A unit's default paraf route in the directory: imported and exported with the units (column
``UNIT_RUTE_PARAF``), listed by the API and the administrator's page, and taken by a draft that names no
verifikator."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest

from service.devtools.samples import SAMPLES
from service.wilayah import DirectoryRule

from .support import admin_client, sample

HSS = "hulu-sungai-selatan"
IMPOR = f"/api/v1/direktori/{HSS}/impor"
EKSPOR = f"/api/v1/direktori/{HSS}/ekspor"
UNIT = f"/api/v1/direktori/{HSS}/unit"
FAUZI, RUSDIANA, KADINKES = "198201092006041008", "197508222003122004", "197203151999031005"
SAMPLE_CSV = (SAMPLES / "direktori" / f"{HSS}.csv").read_text(encoding="utf-8")


def with_route(cell: str, unit: str = "BAPPEDA") -> str:
    """The sample directory with ``cell`` as the UNIT_RUTE_PARAF of ``unit``, on its last row only (BAPPEDA:
    line 4, a row no other row points to)."""
    header, *rows = csv.reader(io.StringIO(SAMPLE_CSV))
    last = max(i for i, row in enumerate(rows) if row[header.index("UNIT_KODE")] == unit)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*header, "UNIT_RUTE_PARAF"])
    writer.writerows([*row, cell if i == last else ""] for i, row in enumerate(rows))
    return out.getvalue()


def impor(client, text: str, uji: bool = False):
    return client.post(IMPOR + ("?uji=true" if uji else ""), data=text.encode("utf-8"), content_type="text/csv")


def draft(client, **changes):
    body = sample(HSS, "permohonan-pelibatan") | changes
    return client.post("/api/v1/surat/permohonan-pelibatan", json=body)


def test_an_import_sets_the_units_route_and_the_api_lists_it_in_order(client):
    response = impor(client, with_route(f"{FAUZI}; {RUSDIANA}"))
    assert response.status_code == 200, response.get_json()
    units = {u["kode"]: u for u in client.get(UNIT).get_json()}
    assert units["BAPPEDA"]["rute_paraf"] == [FAUZI, RUSDIANA]
    assert units["DINKES"]["rute_paraf"] is None
    assert units["BAPPEDA"]["nama"] == "Badan Perencanaan Pembangunan Daerah"


@pytest.mark.parametrize("cell", [f"{FAUZI} {RUSDIANA}", f"{FAUZI},{RUSDIANA}", f" {FAUZI} ;; {RUSDIANA}; "])
def test_the_nips_of_a_route_may_be_parted_by_spaces_commas_or_semicolons(client, cell):
    assert impor(client, with_route(cell)).status_code == 200
    assert {u["kode"]: u for u in client.get(UNIT).get_json()}["BAPPEDA"]["rute_paraf"] == [FAUZI, RUSDIANA]


@pytest.mark.parametrize(("cell", "code", "pasal"), [
    (f"{FAUZI}; 19820109200604100", "nip_format", "Peraturan Kepala BKN 22/2007"),          # 17 digits
    (f"{FAUZI}; 198213092006041008", "nip_tanggal_lahir", "Peraturan Kepala BKN 22/2007"),  # month 13
    (f"{FAUZI}; 196001011985031001", "rute_paraf_tidak_dikenal", "Format berkas direktori"),  # not in the file
    (" ".join(f"1982010920060410{n:02}" for n in range(11)), "rute_paraf_panjang", "Format berkas direktori"),
    (f"{FAUZI}; {RUSDIANA}; {FAUZI}", "rute_paraf_ganda", "Permendagri 1/2023"),
])
def test_a_bad_route_is_a_finding_on_its_cell_and_nothing_is_imported(client, cell, code, pasal):
    response = impor(client, with_route(cell), uji=True)
    assert response.status_code == 422
    [finding] = response.get_json()["errors"]
    assert (finding["pointer"], finding["code"]) == ("/baris/4/UNIT_RUTE_PARAF", code)
    assert finding["pasal"].startswith(pasal)
    assert impor(client, with_route(cell)).status_code == 422
    assert client.get(UNIT).get_json() == []


def test_a_route_written_two_ways_for_one_unit_is_a_finding(client):
    rows = with_route(FAUZI).splitlines()
    rows[2] += RUSDIANA  # BAPPEDA's line 3 names another route than its line 4
    response = impor(client, "\r\n".join(rows) + "\r\n")
    assert [(e["pointer"], e["code"]) for e in response.get_json()["errors"]] == [
        ("/baris/4/UNIT_RUTE_PARAF", "unit_tidak_konsisten")]


def test_the_route_reads_back_from_its_export_unchanged(client):
    assert impor(client, with_route(f"{RUSDIANA},{FAUZI}")).status_code == 200
    exported = client.get(EKSPOR).data
    header, first = exported.decode("utf-8").splitlines()[:2]
    assert header.endswith(",UNIT_RUTE_PARAF") and first.endswith(f",{RUSDIANA}; {FAUZI}")
    again = impor(client, exported.decode("utf-8")).get_json()
    assert (again["baru"], again["berubah"], again["dihapus"]) == (0, 0, 0)
    assert client.get(EKSPOR).data == exported
    assert impor(client, SAMPLE_CSV).get_json()["berubah"] == 3  # the route gone: BAPPEDA's three pegawai


def test_the_directory_page_shows_each_units_route_by_name(app, client):
    from .staff import signed_in

    assert impor(client, with_route(f"{FAUZI}; {RUSDIANA}")).status_code == 200
    page = app.test_client()
    signed_in(page, app, "admin.pemda", "admin")
    html = page.get("/admin/direktori").get_data(as_text=True)
    assert '<ol class="rute-paraf"><li>Ahmad Fauzi, S.T.</li><li>Hj. Rusdiana, S.E., M.M.</li></ol>' in html


def test_a_draft_naming_no_verifikator_takes_its_units_route_from_the_directory(client):
    assert impor(client, with_route(f"{FAUZI}; {RUSDIANA}")).status_code == 200
    response = draft(client)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["status"] == "konsep" and created["nomor"] is None
    assert client.get(created["tautan"]["self"]).get_json()["verifikator"] == [
        {"nip": FAUZI, "nama": "Ahmad Fauzi, S.T.", "jabatan": "Perencana Ahli Muda"},
        {"nip": RUSDIANA, "nama": "Hj. Rusdiana, S.E., M.M.", "jabatan": "Perencana Ahli Madya"},
    ]


def test_a_draft_that_names_its_verifikator_keeps_them_and_an_empty_list_means_none(client):
    assert impor(client, with_route(f"{FAUZI}; {RUSDIANA}")).status_code == 200
    named = draft(client, verifikator=[{"nip": RUSDIANA}]).get_json()
    assert [v["nip"] for v in client.get(named["tautan"]["self"]).get_json()["verifikator"]] == [RUSDIANA]
    none = draft(client, verifikator=[]).get_json()
    assert none["status"] == "siap_ditandatangani"
    assert client.get(none["tautan"]["self"]).get_json()["verifikator"] == []


def test_another_units_route_is_not_taken(client):
    assert impor(client, with_route(f"{KADINKES}", unit="DINKES")).status_code == 200
    created = draft(client).get_json()
    assert created["status"] == "siap_ditandatangani"


@pytest.fixture
def required(app):
    """Hulu Sungai Selatan with ``[direktori] wajib = true``."""
    profiles = app.extensions["suratkerja"].profiles
    profiles[HSS] = dataclasses.replace(profiles[HSS], direktori=DirectoryRule(wajib=True))
    return app


def test_where_the_directory_is_required_an_unknown_verifikator_is_refused(required, client):
    assert impor(client, SAMPLE_CSV).status_code == 200
    response = draft(client, verifikator=[{"nip": FAUZI}, {"nip": "196001011985031001", "nama": "Orang Luar",
                                                            "jabatan": "Analis"}])
    assert response.status_code == 422
    assert [(e["pointer"], e["code"]) for e in response.get_json()["errors"]] == [
        ("/verifikator/1/nip", "tidak_ada_di_direktori")]
    assert draft(client, verifikator=[{"nip": FAUZI}]).status_code == 201


def test_only_the_pemdas_administrator_lists_its_units(app):
    from .support import bearer, grant_key

    services = app.extensions["suratkerja"]
    admin = admin_client(app)
    assert impor(admin, with_route(FAUZI)).status_code == 200
    grant_key(services, "sk_0000000a_" + "A" * 43, wilayah=HSS, rights={"baca", "terbit"})
    grant_key(services, "sk_0000000b_" + "B" * 43, wilayah="bantul", rights={"admin"})
    assert bearer(app.test_client(), "sk_0000000a_" + "A" * 43).get(UNIT).status_code == 403
    assert bearer(app.test_client(), "sk_0000000b_" + "B" * 43).get(UNIT).status_code == 404
    assert app.test_client().get(UNIT).status_code == 401
    assert admin.get("/api/v1/direktori/tidak-ada/unit").status_code == 404
