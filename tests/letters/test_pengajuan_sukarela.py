"""Surat pengajuan sukarela: every rule of MATRIX §5 broken once from the
region's sample. Its rules across letters are those of the answer and the
assignment that follow it (test_jawaban, test_penugasan)."""

from __future__ import annotations


from service.letters.pengajuan_sukarela import JENIS as S

from .rules_support import no_tembusan, rule_table_tests, set_path


def same_unit_application(body):
    body["unit_tujuan"] = dict(body["penandatangan"]["unit"])


CASES = []
DALAM = {"hulu-sungai-selatan": "Pasal 15 ayat (2) huruf a", "lubuk-linggau": "Lampiran II huruf B angka 1 huruf a",
         "tanah-laut": "Lampiran II huruf B angka 1 huruf a", "bungo": "Pasal 7 ayat (2) huruf a",
         "bantul": "Lampiran II huruf B angka 1 huruf a"}
for wilayah, ref in DALAM.items():
    CASES.append((wilayah, "dalam-unit", same_unit_application, "/unit_tujuan", "dalam_unit", ref))
KEPADA = {"hulu-sungai-selatan": "Pasal 15 ayat (3) huruf a", "lubuk-linggau": "Lampiran II huruf B angka 2 huruf a",
          "tanah-laut": "Lampiran II huruf B angka 2 huruf a", "bungo": "Pasal 7 ayat (3) huruf a",
          "bantul": "Lampiran II huruf B angka 2 huruf a"}
for wilayah, ref in KEPADA.items():
    CASES.append((wilayah, "kepada-peran", set_path("kepada/peran", "ppk"), "/kepada/peran", "peran_tidak_sesuai", ref))
    CASES.append((wilayah, "atasan-tidak-sesuai", set_path("mengetahui/0/peran", "pelaksana"), "/mengetahui",
                  "persetujuan_atasan", ref))
CASES += [
    ("bungo", "persetujuan-ppk-dan-pimpinan", lambda b: b["mengetahui"].pop(), "/mengetahui",
     "persetujuan_atasan", "Pasal 7 ayat (3) huruf a"),
    ("hulu-sungai-selatan", "atasan-unit-lain", set_path("mengetahui/0/unit/kode", "DISPERKIM"),
     "/mengetahui/0/unit", "atasan_unit_lain", "Pasal 15 ayat (3) huruf a"),
    ("lubuk-linggau", "tembusan-ppk", no_tembusan("ppk"), "/tembusan", "tembusan_wajib",
     "Lampiran II huruf B angka 2 huruf a"),
    ("tanah-laut", "tembusan-ppk", no_tembusan("ppk"), "/tembusan", "tembusan_wajib", "Lampiran II huruf B"),
    ("bantul", "tembusan-ppk", no_tembusan("ppk"), "/tembusan", "tembusan_wajib",
     "Lampiran II huruf B angka 2 huruf a"),
    ("bantul", "pemohon-bukan-fungsional", set_path("penandatangan/peran", "pejabat_pengawas"),
     "/penandatangan/peran", "peran_tidak_sesuai", "nasional"),
]


test_breaking_the_rule_gives_its_entry_and_article, test_every_sample_is_valid = rule_table_tests(
    S, CASES)
