"""Keputusan pembentukan tim kerja: every rule of MATRIX §4 broken once from
the region's sample, and the decree made from its members' assignments."""

from __future__ import annotations


from service.letters.fields import NASKAH_DINAS
from service.letters.keputusan_tim_kerja import JENIS as K

from ..conftest import sample
from .chain_support import assert_rule, body, entries, post, run
from .rules_support import all_of, drop, rule_table_tests, set_path, warnings_of


def foreign_member(body):
    body["anggota"][0]["unit"] = {"kode": "DISPERKIM", "nama": "Dinas Perumahan", "instansi": body["pengirim"]["instansi"]}
    body["ketua"]["unit"] = dict(body["anggota"][0]["unit"])


CASES = []
KETUA = {"hulu-sungai-selatan": "Pasal 17 ayat (6)", "lubuk-linggau": "Pasal 10 ayat (4)",
         "bungo": "Pasal 9 ayat (3)", "bantul": "Pasal 11 ayat (4)"}
for wilayah, ref in KETUA.items():
    CASES.append((wilayah, "ketua-dari-unit-pemilik", foreign_member, "/ketua/unit", "ketua_unit_pemilik", ref))
PENGAWAS = {"hulu-sungai-selatan": "Pasal 17 ayat (4)", "lubuk-linggau": "Lampiran IV huruf A angka 3",
            "tanah-laut": "Pasal 21 ayat (3)", "bungo": "Pasal 9 ayat (2)", "bantul": "Pasal 8 ayat (3)"}
for wilayah, ref in PENGAWAS.items():
    CASES.append((wilayah, "ketua-pengawas", all_of(set_path("unit_masih_ada_pengawas", True),
                                                     set_path("ketua/peran", "pejabat_fungsional")),
                  "/ketua/peran", "ketua_pengawas", ref))
PERTIMBANGAN = {"hulu-sungai-selatan": "Pasal 17 ayat (5)", "tanah-laut": "Pasal 21 ayat (1)", "bungo": "Pasal 9 ayat (1)"}
for wilayah, ref in PERTIMBANGAN.items():
    CASES.append((wilayah, "pertimbangan-ketua", drop("pertimbangan_ketua"), "/pertimbangan_ketua",
                  "pertimbangan_ketua", ref))
PENETAP = {"hulu-sungai-selatan": "Pasal 17 ayat (7)", "tanah-laut": "Pasal 21 ayat (1)", "bungo": "Pasal 9 ayat (4)",
           "lubuk-linggau": "Lampiran IV huruf A angka 4 huruf a angka 5", "bantul": "nasional"}
for wilayah, ref in PENETAP.items():
    CASES.append((wilayah, "penetap-peran", set_path("penandatangan/peran", "pelaksana"),
                  "/penandatangan/peran", "peran_tidak_sesuai", ref))


test_breaking_the_rule_gives_its_entry_and_article, test_every_sample_is_valid = rule_table_tests(K, CASES)


def test_tanah_laut_ketua_from_another_unit_is_a_warning_not_an_error():
    body = sample("tanah-laut", K)
    foreign_member(body)
    assert [(w.pointer, w.code, w.pasal) for w in warnings_of(K, body)] == [
        ("/ketua/unit", "ketua_unit_pemilik", "Perbup Tanah Laut 26/2024 Pasal 21 ayat (2)")]


# --- across letters ----------------------------------------------------------------------------

def test_a_decree_made_from_assignments_checks_the_ketua_against_where_people_come_from(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="penugasan")
    decree = body("hulu-sungai-selatan-pelibatan", "keputusan", ids)
    released = body("hulu-sungai-selatan-pelibatan", "jawaban", ids)["pegawai"][0]
    del decree["anggota"]  # filled from the assignment
    decree["ketua"] = {"nip": released["nip"]}  # a released Dinkes official as ketua
    response = post(client, K, decree)
    assert_rule(response, "/ketua/unit", "ketua_unit_pemilik", "hulu-sungai-selatan", "Pasal 17 ayat (6)")

    decree = body("hulu-sungai-selatan-pelibatan", "keputusan", ids)
    decree["anggota"][1]["unit"] = decree["ketua"]["unit"]  # claims Bappeda for a Dinkes official
    response = post(client, K, decree)
    assert_rule(response, "/anggota/1/unit/kode", "asal_pegawai_tidak_sesuai", "hulu-sungai-selatan",
                "Pasal 17 ayat (6)")


def test_a_decree_on_an_assignment_registered_from_outside_is_checked_on_what_it_says(client, app):
    ids = run(app, "hulu-sungai-selatan-pelibatan", until="penugasan")
    member = body("hulu-sungai-selatan-pelibatan", "keputusan", ids)["anggota"][1]
    registered = client.post("/api/v1/surat-luar", json={
        "wilayah": "hulu-sungai-selatan", "jenis": "penugasan", "nomor": "800.1.11.1/4/DINKES/2026",
        "tanggal": "2026-02-25", "hal": "Penugasan", "pegawai": [{"nama": member["nama"], "nip": member["nip"]}],
    }).get_json()
    decree = body("hulu-sungai-selatan-pelibatan", "keputusan", ids)
    decree["dasar"].append({"id": registered["id"]})
    created = post(client, K, decree)
    assert created.status_code == 201, created.get_json()


# --- the team's name --------------------------------------------------------------------------

def test_the_decree_is_titled_by_the_team_s_one_name(client):
    """Without a hal the title is composed from nama_tim; a hal naming the team otherwise is refused."""
    decree = sample("bungo", K)
    del decree["hal"]
    created = post(client, K, decree)
    assert created.status_code == 201, created.get_json()
    assert client.get(f"/api/v1/surat/{created.get_json()['id']}").get_json()["hal"] == "Pembentukan Tim Kerja Kajian Penurunan Stunting"

    decree = sample("bungo", K)
    decree["hal"] = "Pembentukan Tim Kerja Penyusunan Kajian Penurunan Stunting"
    response = post(client, K, decree)
    assert ("/hal", "hal_tanpa_nama_tim", NASKAH_DINAS) in entries(response)
