"""The directory of a pemda: CSV import (with its dry run) and export, and letters filled and checked from it."""

from __future__ import annotations

import csv
import dataclasses
import io
from concurrent.futures import ThreadPoolExecutor

import pytest

from service.cli import main
from service.devtools.samples import SAMPLES
from service.directory.directory import list_pegawai
from service.letters import LETTER_TYPES
from service.wilayah import DirectoryRule

from .support import SIGNER_NIP, admin_client, bearer, grant_key, pdf_text, sample

HSS = "hulu-sungai-selatan"
IMPOR = f"/api/v1/direktori/{HSS}/impor"
EKSPOR = f"/api/v1/direktori/{HSS}/ekspor"
KADINKES = "197503102000032001"
NUTRISIONIS = "198507232010011003"

HEADER = ("NIP,GELAR_DEPAN,NAMA,GELAR_BELAKANG,PANGKAT,GOLONGAN,JABATAN,PERAN,NIP_PPK,UNIT_KODE,UNIT_NAMA,"
          "UNIT_INDUK,UNIT_ALAMAT,UNIT_KODE_POS,UNIT_TELEPON,UNIT_POS_EL,UNIT_LAMAN,UNIT_ADA_PENGAWAS,TGL_LAHIR")
ROWS = [
    f"{SIGNER_NIP},Ir. H.,Muhammad Noor,M.T.,Pembina Utama Muda,IV/c,Kepala Badan Perencanaan Pembangunan Daerah,"
    "pimpinan_unit; ppk,,BAPPEDA,Badan Perencanaan Pembangunan Daerah,,\"Jalan Aluh Idut Nomor 3, Kandangan\","
    "71213,(0517) 21999,perencanaan@hss.example.go.id,perencanaan.hss.example.go.id,tidak,1970-05-12",
    f"{KADINKES},dr.,Siti Rahmah,M.Kes.,Pembina Tingkat I,IV/b,Kepala Dinas Kesehatan,pimpinan_unit;ppk,,"
    "DINKES,Dinas Kesehatan,,Jalan Singakarsa Nomor 1,,,,,ya,1975-03-10",
    f"{NUTRISIONIS},,Rina Wati,S.Gz.,Penata,III/c,Nutrisionis Ahli Muda,pejabat_fungsional,{KADINKES},"
    "DINKES,Dinas Kesehatan,,,,,,,,1985-07-23",
]
CSV = "\r\n".join([HEADER, *ROWS]) + "\r\n"
SAMPLE_CSV = (SAMPLES / "direktori" / f"{HSS}.csv").read_bytes().decode("utf-8")
"""The directory of the officials and units Hulu Sungai Selatan's sample requests name."""


def impor(client, body: str | bytes, uji: bool = False):
    data = body.encode("utf-8") if isinstance(body, str) else body
    return client.post(IMPOR + ("?uji=true" if uji else ""), data=data, content_type="text/csv")


def ekspor_rows(client) -> list[str]:
    response = client.get(EKSPOR)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return response.data.decode("utf-8").splitlines()[1:]


def test_import_replaces_the_directory_and_reports_what_changed(client):
    response = impor(client, CSV)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"wilayah": HSS, "uji": False, "unit": 2, "pegawai": 3,
                                   "baru": 3, "berubah": 0, "dihapus": 0}

    changed = CSV.replace("Rina Wati", "Rina Wati Lestari").replace(ROWS[0] + "\r\n", "")
    response = impor(client, changed, uji=True)
    assert response.get_json() == {"wilayah": HSS, "uji": True, "unit": 1, "pegawai": 2,
                                   "baru": 0, "berubah": 1, "dihapus": 1}
    assert len(ekspor_rows(client)) == 3  # the dry run changed nothing
    assert impor(client, changed).status_code == 200
    assert [row.split(",")[0] for row in ekspor_rows(client)] == [KADINKES, NUTRISIONIS]


def test_a_semicolon_file_from_excel_with_a_bom_is_read(client):
    text = "\ufeff" + "\r\n".join(line.replace(",", ";") for line in (HEADER, ROWS[1])).replace(
        "pimpinan_unit;ppk", "pimpinan_unit ppk")
    response = impor(client, text.encode("utf-8"))
    assert response.status_code == 200, response.get_json()
    assert ",pimpinan_unit; ppk," in ekspor_rows(client)[0]


def test_dry_run_reports_every_bad_row_and_nothing_is_imported(client):
    bad = [
        ROWS[0].replace(SIGNER_NIP, "19700512199803100"),                 # line 2: 17 digits
        ROWS[1].replace("Dinas Kesehatan,,", "Dinas Kesehatan,SETDA,"),   # line 3: unknown parent unit
        ROWS[2].replace(KADINKES, "196001011985031001"),                # line 4: PPK not in the file
        ROWS[1],                                                        # line 5: the same NIP again
        ROWS[2].replace("III/c", "3c").replace(NUTRISIONIS, "198507232010011004").replace(
            "pejabat_fungsional", "ketua_tim"),                         # line 6: golongan and peran
        ROWS[2].replace(NUTRISIONIS, "198507232010011005").replace(",,1985", ",tidak,1985"),  # line 7: unit differs
    ]
    for uji in (True, False):
        response = impor(client, "\r\n".join([HEADER, *bad]), uji=uji)
        assert response.status_code == 422
        assert response.mimetype == "application/problem+json"
        errors = response.get_json()["errors"]
        assert [(e["pointer"], e["code"]) for e in errors] == [
            ("/baris/2/NIP", "nip_format"),
            ("/baris/5/NIP", "nip_ganda"),
            ("/baris/6/GOLONGAN", "golongan"),
            ("/baris/6/PERAN", "peran_tidak_dikenal"),
            ("/baris/7/UNIT_ADA_PENGAWAS", "unit_tidak_konsisten"),
            ("/baris/3/UNIT_INDUK", "unit_tidak_dikenal"),
            ("/baris/4/NIP_PPK", "ppk_tidak_dikenal"),
        ]
        assert "sudah ada di baris 3" in errors[1]["message"]
        assert errors[0]["pasal"].startswith("Peraturan Kepala BKN")
        assert ekspor_rows(client) == []


def test_a_missing_column_a_circle_of_units_and_a_ppk_without_the_role_are_reported(client):
    no_unit_name = HEADER.replace(",UNIT_NAMA,", ",NAMA_UNIT,")
    response = impor(client, "\r\n".join([no_unit_name, *ROWS]))
    assert response.status_code == 422
    assert [(e["pointer"], e["code"]) for e in response.get_json()["errors"]] == [
        ("/baris/1/UNIT_NAMA", "kolom_tidak_ada")]

    circle = CSV.replace("Dinas Kesehatan,,Jalan", "Dinas Kesehatan,BAPPEDA,Jalan").replace(
        "Pembangunan Daerah,,\"Jalan", "Pembangunan Daerah,DINKES,\"Jalan")
    assert [(e["pointer"], e["code"]) for e in impor(client, circle).get_json()["errors"]] == [
        ("/baris/2/UNIT_INDUK", "unit_melingkar"), ("/baris/3/UNIT_INDUK", "unit_melingkar")]
    not_ppk = CSV.replace("pimpinan_unit;ppk", "pimpinan_unit")
    assert [e["pointer"] for e in impor(client, not_ppk).get_json()["errors"]] == ["/baris/4/NIP_PPK"]
    assert impor(client, b"NIP,NAMA\r\n\xff\xfe").get_json()["errors"][0]["code"] == "bukan_utf8"
    assert [e["code"] for e in impor(client, HEADER).get_json()["errors"]] == ["berkas_kosong"]
    assert [e["code"] for e in impor(client, b"").get_json()["errors"]] == ["berkas_kosong"]
    huge = impor(client, "\r\n".join([HEADER, ROWS[0], ROWS[1].replace("Siti", "S" * 200_000)]))
    assert [(e["pointer"], e["code"]) for e in huge.get_json()["errors"]] == [("/baris/3", "bukan_csv")]
    assert ekspor_rows(client) == []


def test_export_reads_back_to_the_same_directory(client):
    assert impor(client, CSV).status_code == 200
    exported = client.get(EKSPOR)
    assert exported.headers["Content-Disposition"] == f'attachment; filename="direktori_{HSS}.csv"'
    response = impor(client, exported.data)
    assert response.get_json()["berubah"] == 0 and response.get_json()["pegawai"] == 3
    assert client.get(EKSPOR).data == exported.data
    rows = exported.data.decode().splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == [SIGNER_NIP, KADINKES, NUTRISIONIS]  # by unit, then NIP
    assert rows[2] == (f"{NUTRISIONIS},,Rina Wati,S.Gz.,Penata,III/c,Nutrisionis Ahli Muda,pejabat_fungsional,"
                       f"{KADINKES},DINKES,Dinas Kesehatan,,Jalan Singakarsa Nomor 1,,,,,ya,")  # no UNIT_RUTE_PARAF


ACCESS = [
    # who calls                           key: pemda, rights, units           import  export
    ("no credential",                     None,                                 401,    401),
    ("a key without the admin right",     (HSS, {"terbit", "baca"}, None),      403,    403),
    ("an administrator of one unit",      (HSS, {"admin"}, {"DINKES"}),         403,    403),
    ("another pemda's administrator",     ("bungo", {"admin"}, None),           404,    404),
    ("this pemda's administrator",        (HSS, {"admin"}, None),               200,    200),
]


@pytest.mark.parametrize("who, key, imports, exports", ACCESS, ids=[row[0] for row in ACCESS])
def test_only_the_pemdas_administrators_import_and_export_its_directory(app, who, key, imports, exports):
    services = app.extensions["suratkerja"]
    token = None if key is None else grant_key(services, "sk_0000d1e0_" + "D" * 43, wilayah=key[0], rights=key[1],
                                               units=key[2])
    caller = bearer(app.test_client(), token)
    assert impor(caller, CSV).status_code == imports
    assert caller.get(EKSPOR).status_code == exports
    assert len(list_pegawai(services.sessions, services.profiles, HSS)) == (3 if imports == 200 else 0)


def test_an_import_is_in_the_audit_trail_and_a_dry_run_is_not(client):
    assert impor(client, CSV, uji=True).status_code == 200
    assert impor(client, CSV).status_code == 200
    entries = [e for e in client.get("/api/v1/audit").get_json() if e["aksi"].startswith("direktori")]
    assert [(e["aksi"], e["wilayah"], e["rincian"]["pegawai"]) for e in entries] == [("direktori.impor", HSS, 3)]


@pytest.mark.parametrize("registry", ["app", pytest.param("pg_app", marks=pytest.mark.postgres)])
def test_imports_at_once_each_replace_the_whole_directory(request, registry):
    clients = [admin_client(request.getfixturevalue(registry)) for _ in range(6)]
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(impor, clients, [CSV, SAMPLE_CSV] * 3))
    assert [a.status_code for a in answers] == [200] * 6
    assert len(ekspor_rows(clients[0])) in (3, 7)


def test_unknown_region_is_404_and_a_wrong_media_type_415(client):
    assert client.get("/api/v1/direktori/atlantis/ekspor").status_code == 404
    assert client.post("/api/v1/direktori/atlantis/impor", data=CSV, content_type="text/csv").status_code == 404
    assert client.post(IMPOR, json={"csv": CSV}).status_code == 415


def _from_directory(body: dict) -> dict:
    """The sample request naming its unit and signer by kode and NIP only."""
    body["pengirim"] = {"kode": "BAPPEDA"}
    body["penandatangan"] = {"nip": SIGNER_NIP}
    return body


def test_the_directory_supplies_the_kop_and_the_signature_block(client):
    assert impor(client, CSV).status_code == 200
    body = _from_directory(sample(HSS, "permohonan-pelibatan"))
    body["unit_tujuan"] = {"kode": "DINKES"}
    response = client.post("/api/v1/surat/permohonan-pelibatan", json=body)
    assert response.status_code == 201, response.get_json()
    text = pdf_text(client.get(response.get_json()["tautan"]["pdf"]).data)
    for printed in ("Jalan Aluh Idut Nomor 3, Kandangan", "71213", "(0517) 21999", "perencanaan@hss.example.go.id",
                    "perencanaan.hss.example.go.id", "BADAN PERENCANAAN PEMBANGUNAN DAERAH",
                    "Ir. H. Muhammad Noor, M.T.", "Pembina Utama Muda", "IV/c", "19700512 199803 1 006",
                    "Kepala Badan Perencanaan Pembangunan Daerah"):
        assert printed in text, printed
    assert "Jenderal Sudirman" not in text  # the sample's own address: the directory wins


def test_the_directory_wins_over_the_signature_block_the_request_sends(client):
    assert impor(client, CSV).status_code == 200
    body = sample(HSS, "permohonan-pelibatan")
    body["penandatangan"]["nama"] = "Orang Lain"
    response = client.post("/api/v1/surat/permohonan-pelibatan", json=body)
    assert response.status_code == 201, response.get_json()
    text = pdf_text(client.get(response.get_json()["tautan"]["pdf"]).data)
    assert "Ir. H. Muhammad Noor, M.T." in text and "Orang Lain" not in text


def test_a_role_the_directory_does_not_grant_is_refused_with_the_article_that_needs_it(client):
    assert impor(client, SAMPLE_CSV).status_code == 200
    body = sample(HSS, "permohonan-pelibatan")
    body["penandatangan"] = {"nip": "198201092006041008", "peran": "pimpinan_unit"}
    body["hal"] = ""
    response = client.post("/api/v1/surat/permohonan-pelibatan/validasi", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{
        "pointer": "/penandatangan/peran", "code": "peran_tidak_diberikan",
        "message": "Menurut direktori Pemerintah Kabupaten Hulu Sungai Selatan, Ahmad Fauzi, S.T. "
                   "(NIP 198201092006041008) bukan pimpinan/kepala unit; perannya: pejabat fungsional.",
        "pasal": "Perbup Hulu Sungai Selatan 45/2023 Pasal 14 ayat (3)",
    }, {  # answered with the request's other findings
        "pointer": "/hal", "code": "panjang_tidak_valid", "message": "Panjang harus antara 1 dan 300.",
        "pasal": "Permendagri 1/2023 tentang Tata Naskah Dinas",
    }]


def test_a_role_refused_in_a_list_cites_the_rule_of_that_place(client):
    assert impor(client, SAMPLE_CSV).status_code == 200
    body = sample(HSS, "pengajuan-sukarela")
    body["mengetahui"][0] = {"nip": "198607142010011012", "peran": "pimpinan_unit"}
    response = client.post("/api/v1/surat/pengajuan-sukarela/validasi", json=body)
    refused = [e for e in response.get_json()["errors"] if e["code"] == "peran_tidak_diberikan"]
    assert [(e["pointer"], e["pasal"]) for e in refused] == [
        ("/mengetahui/0/peran", "Perbup Hulu Sungai Selatan 45/2023 Pasal 15 ayat (3) huruf a")]


def test_a_role_left_out_is_the_officials_main_role(client):
    assert impor(client, SAMPLE_CSV).status_code == 200
    body = sample(HSS, "permohonan-pelibatan")
    body["penandatangan"] = {"nip": SIGNER_NIP}
    assert client.post("/api/v1/surat/permohonan-pelibatan/validasi", json=body).status_code == 200


def test_a_decree_knows_from_the_directory_whether_the_owner_unit_keeps_a_pejabat_pengawas(client):
    body = sample(HSS, "keputusan-tim-kerja")
    assert impor(client, SAMPLE_CSV).status_code == 200
    body["unit_masih_ada_pengawas"] = True  # the directory says BAPPEDA keeps none
    assert client.post("/api/v1/surat/keputusan-tim-kerja/validasi", json=body).status_code == 200

    assert impor(client, SAMPLE_CSV.replace(",tidak\r\n", ",ya\r\n", 1)).status_code == 200
    response = client.post("/api/v1/surat/keputusan-tim-kerja/validasi", json=sample(HSS, "keputusan-tim-kerja"))
    assert [(e["pointer"], e["code"], e["pasal"]) for e in response.get_json()["errors"]] == [
        ("/ketua/peran", "ketua_pengawas", "Perbup Hulu Sungai Selatan 45/2023 Pasal 17 ayat (4)")]


def test_without_a_directory_entry_the_request_is_taken_as_sent(client):
    other = CSV.replace(SIGNER_NIP, "197005121998031007").replace("BAPPEDA", "BAPPERIDA")
    assert impor(client, other).status_code == 200
    response = client.post("/api/v1/surat/permohonan-pelibatan", json=sample(HSS, "permohonan-pelibatan"))
    assert response.status_code == 201, response.get_json()
    assert "Jenderal Sudirman" in pdf_text(client.get(response.get_json()["tautan"]["pdf"]).data)


@pytest.fixture
def required(app):
    """Hulu Sungai Selatan with ``[direktori] wajib = true``."""
    profiles = app.extensions["suratkerja"].profiles
    profiles[HSS] = dataclasses.replace(profiles[HSS], direktori=DirectoryRule(wajib=True))
    return app


def test_a_pemda_that_requires_the_directory_refuses_units_and_officials_it_does_not_hold(required, client):
    body = sample(HSS, "permohonan-pelibatan")
    response = client.post("/api/v1/surat/permohonan-pelibatan/validasi", json=body)
    assert response.status_code == 422
    assert {(e["pointer"], e["code"]) for e in response.get_json()["errors"]} == {
        ("/penandatangan/nip", "tidak_ada_di_direktori"), ("/pengirim/kode", "tidak_ada_di_direktori"),
        ("/penandatangan/unit/kode", "tidak_ada_di_direktori"), ("/unit_tujuan/kode", "tidak_ada_di_direktori"),
        ("/kepada/unit/kode", "tidak_ada_di_direktori"),
    }
    assert "[direktori] wajib = true" in response.get_json()["errors"][0]["pasal"]
    regions = {r["kode"]: r for r in client.get("/api/v1/wilayah").get_json()}
    assert regions[HSS]["direktori_wajib"] is True and regions["bungo"]["direktori_wajib"] is False
    assert impor(client, CSV).status_code == 200
    assert client.post("/api/v1/surat/permohonan-pelibatan/validasi", json=body).status_code == 200


@pytest.mark.parametrize("jenis", sorted(LETTER_TYPES))
def test_every_sample_of_the_region_names_only_people_and_units_of_its_sample_directory(required, client, jenis):
    assert impor(client, SAMPLE_CSV).status_code == 200
    response = client.post(f"/api/v1/surat/{jenis}/validasi", json=sample(HSS, jenis))
    assert response.status_code == 200, response.get_json()


def test_the_sample_directory_reads_back_from_its_export(client):
    assert impor(client, SAMPLE_CSV).get_json()["pegawai"] == 7
    assert impor(client, client.get(EKSPOR).data).get_json()["berubah"] == 0


def test_the_cli_imports_checks_and_exports(tmp_path, monkeypatch, capsys):
    config = tmp_path / "suratkerja.toml"
    config.write_text(f'instance_dir = "{tmp_path / "instance"}"\n', encoding="utf-8")
    monkeypatch.setenv("SURATKERJA_CONFIG", str(config))
    source, target = tmp_path / "simpeg.csv", tmp_path / "ekspor.csv"
    source.write_text(CSV, encoding="utf-8")

    main(["direktori", "impor", HSS, str(source), "--uji"])
    assert '"uji": true' in capsys.readouterr().out
    main(["direktori", "ekspor", HSS, str(target)])
    assert target.read_text(encoding="utf-8").count("\n") == 1
    main(["direktori", "impor", HSS, str(source)])
    main(["direktori", "ekspor", HSS, str(target)])
    assert target.read_text(encoding="utf-8").count("\n") == 4
    capsys.readouterr()
    main(["audit", "verify"])
    assert capsys.readouterr().out.startswith("1 entri,")  # the import, not the dry run

    source.write_text(HEADER + "\r\n" + ROWS[0].replace("IV/c", "IV"), encoding="utf-8")
    with pytest.raises(SystemExit) as refused:
        main(["direktori", "impor", HSS, str(source)])
    assert "/baris/2/GOLONGAN" in str(refused.value)



def test_the_export_keeps_spreadsheet_formulas_as_text_and_reads_back_the_same(client):
    """OWASP CSV injection: a cell a spreadsheet would run (=, +, -, @ first) is written behind a ' mark."""
    hostile = CSV.replace("Nutrisionis Ahli Muda", "=cmd|' /C calc'!A0").replace(
        "(0517) 21999", "+62 517 21999").replace("Rina Wati", "@SUM(1)").replace(
        "Jalan Singakarsa Nomor 1", "-1+2").replace("Siti Rahmah", "''Aisyah")  # a ' of its own
    assert impor(client, hostile).status_code == 200
    exported = client.get(EKSPOR).data
    cells = [cell for row in csv.reader(io.StringIO(exported.decode("utf-8"))) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert {"'=cmd|' /C calc'!A0", "'+62 517 21999", "'@SUM(1)", "'-1+2", "''Aisyah"} <= set(cells)

    again = impor(client, exported).get_json()
    assert (again["berubah"], again["baru"], again["dihapus"]) == (0, 0, 0)
    assert client.get(EKSPOR).data == exported
    names = {p["nip"]: p["nama"] for p in list_pegawai(*_registry(client), HSS)}
    assert (names[NUTRISIONIS], names[KADINKES]) == ("@SUM(1)", "'Aisyah")


def _registry(client):
    services = client.application.extensions["suratkerja"]
    return services.sessions, services.profiles


def test_the_directory_page_lists_every_bad_row_imports_only_a_clean_file_and_records_it(app):
    from .staff import post_form, signed_in

    page = app.test_client()
    signed_in(page, app, "admin.pemda", "admin")
    bad = "\r\n".join([HEADER, ROWS[0].replace("IV/c", "4c"), ROWS[1]]).encode()
    for aksi in ("periksa", "impor"):
        answer = post_form(page, "/admin/direktori", {"berkas": (io.BytesIO(bad), "simpeg.csv"), "aksi": aksi},
                           content_type="multipart/form-data")
        assert answer.status_code == 422
        html = answer.get_data(as_text=True)
        assert "<td>2</td><td>GOLONGAN</td>" in html and "tidak ada yang diimpor" in html
    assert "Direktori masih kosong." in page.get("/admin/direktori").get_data(as_text=True)

    checked = post_form(page, "/admin/direktori", {"berkas": (io.BytesIO(CSV.encode()), "simpeg.csv"),
                                                    "aksi": "periksa"}, content_type="multipart/form-data")
    assert "Berkas bersih: 2 unit, 3 pegawai" in checked.get_data(as_text=True)
    imported = post_form(page, "/admin/direktori", {"berkas": (io.BytesIO(CSV.encode()), "simpeg.csv"),
                                                     "aksi": "impor"}, content_type="multipart/form-data",
                         follow_redirects=True)
    assert "3 baru, 0 berubah, 0 dihapus" in imported.get_data(as_text=True)
    dinkes = page.get("/admin/direktori?unit=DINKES").get_data(as_text=True)
    assert "Rina Wati" in dinkes and "Muhammad Noor" not in dinkes
    assert page.get("/admin/direktori?unit=SETDA").status_code == 404
    assert page.get("/admin/direktori.csv").data == admin_client(app).get(EKSPOR).data
    entries = [e for e in admin_client(app).get("/api/v1/audit").get_json() if e["aksi"] == "direktori.impor"]
    assert [(e["pelaku"], e["rincian"]["baru"]) for e in entries] == [("akun:admin.pemda", 3)]


def test_the_directory_page_takes_a_file_over_the_request_limit_up_to_the_upload_limit(app):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import stream_encode_multipart

    from .staff import form_token, signed_in

    page = app.test_client()
    signed_in(page, app, "admin.besar", "admin")
    notes = ",".join(["x" * 100_000] * 6)  # SIMPEG's other columns, ignored: 600 KB over the 512 KiB of a request
    big = f"{HEADER}{',CATATAN' * 6}\r\n{ROWS[1]},{notes}\r\n".encode()
    body, _, boundary = stream_encode_multipart({  # in memory: the test client's own spool file is never closed
        "csrf_token": form_token(page, "/admin/direktori"), "aksi": "periksa",
        "berkas": FileStorage(io.BytesIO(big), "simpeg.csv", content_type="text/csv")}, use_tempfile=False)
    answer = page.post("/admin/direktori", data=body.getvalue(),
                       content_type=f"multipart/form-data; boundary={boundary}")
    assert answer.status_code == 200 and "Berkas bersih: 1 unit, 1 pegawai" in answer.get_data(as_text=True)
