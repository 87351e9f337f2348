"""Every rule of MATRIX.md sections 1-5, broken once from a valid sample.

Each case starts from the sample request of its region and letter type,
breaks exactly one rule, and checks the 422 entry: its pointer, its code and
the article it cites.
"""

from __future__ import annotations

import pytest

from service.plumbing.errors import InvalidRequest
from service.chain import PROFILE_RULE_KEYS
from service.wilayah import load_profiles
from service.issuing.validation import validate_letter

from .conftest import all_samples, sample

PROFILES = load_profiles(PROFILE_RULE_KEYS)
SEBUTAN = {k: p.instrumen.sebutan for k, p in PROFILES.items()}
NASIONAL = "PermenPANRB 7/2022 (ketentuan nasional; {} tidak mengatur)"


def cite(wilayah: str, ref: str) -> str:
    return NASIONAL.format(SEBUTAN[wilayah]) if ref == "nasional" else f"{SEBUTAN[wilayah]} {ref}"


def drop(key):
    return lambda body: body.pop(key)


def empty(key):
    return lambda body: body.__setitem__(key, [])


def set_path(path: str, value):
    def mutate(body):
        *parents, last = path.split("/")
        target = body
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return mutate


def no_tembusan(peran):
    return lambda body: body.__setitem__("tembusan", [t for t in body["tembusan"] if t.get("peran") != peran])


def all_of(*mutations):
    def mutate(body):
        for m in mutations:
            m(body)
    return mutate


def same_unit_request(body):
    body["unit_tujuan"] = {k: body["pengirim"][k] for k in ("kode", "nama", "instansi")}


def same_unit_application(body):
    body["unit_tujuan"] = dict(body["penandatangan"]["unit"])


def foreign_member(body):
    body["anggota"][0]["unit"] = {"kode": "DISPERKIM", "nama": "Dinas Perumahan", "instansi": body["pengirim"]["instansi"]}
    body["ketua"]["unit"] = dict(body["anggota"][0]["unit"])


def forwarding(instansi_tujuan):
    """The sample request turned into the Pejabat yang Berwenang's forwarding to another instansi."""
    return all_of(
        set_path("jalur", "lintas_instansi"), set_path("penandatangan/peran", "pyb"),
        set_path("unit_tujuan/instansi", instansi_tujuan),
        set_path("kepada/peran", "pyb"), set_path("kepada/unit/instansi", instansi_tujuan),
    )


P = "permohonan-pelibatan"
CASES = []
ISI = {"maksud_tujuan": "a", "kompetensi": "b", "target_kinerja": "c", "jangka_waktu": "d"}
ISI_REF = {
    "hulu-sungai-selatan": "Pasal 14 ayat (4) huruf {}", "tanah-laut": "Pasal 18 huruf {}",
    "bungo": "Pasal 6 angka i) huruf {}", "lubuk-linggau": "nasional", "bantul": "nasional",
}
for wilayah, ref in ISI_REF.items():
    for field, huruf in ISI.items():
        CASES.append((wilayah, P, f"isi-{field}", drop(field), f"/{field}", "isi_minimum", ref.format(huruf)))

SIGNER_PERMOHONAN = {
    "hulu-sungai-selatan": "Pasal 14 ayat (3)", "lubuk-linggau": "Lampiran II huruf A angka 2 huruf a",
    "tanah-laut": "Pasal 14 huruf a", "bungo": "Pasal 6 ayat (3) huruf a",
    "bantul": "Lampiran II huruf A angka 2 huruf a",
}
for wilayah, ref in SIGNER_PERMOHONAN.items():
    CASES += [
        (wilayah, P, "penandatangan-peran", set_path("penandatangan/peran", "pejabat_fungsional"),
         "/penandatangan/peran", "peran_tidak_sesuai", ref),
        (wilayah, P, "kepada-peran", set_path("kepada/peran", "pelaksana"),
         "/kepada/peran", "peran_tidak_sesuai", ref),
        (wilayah, P, "penandatangan-unit-lain", set_path("penandatangan/unit/kode", "DISPERKIM"),
         "/penandatangan/unit", "penandatangan_bukan_pemilik_kinerja", ref),
    ]
CASES += [
    ("hulu-sungai-selatan", P, "dalam-unit", same_unit_request, "/unit_tujuan", "dalam_unit", "Pasal 14 ayat (2)"),
    ("bungo", P, "dalam-unit", same_unit_request, "/unit_tujuan", "dalam_unit", "Pasal 6 ayat (2)"),
    ("hulu-sungai-selatan", P, "jalur-tidak-diatur", set_path("jalur", "lintas_instansi"), "/jalur",
     "jalur_tidak_diatur", "Pasal 14 ayat (1) huruf b"),
    ("tanah-laut", P, "jalur-tidak-sesuai", set_path("jalur", "lintas_instansi"), "/jalur",
     "jalur_tidak_sesuai", "Pasal 15"),
    ("lubuk-linggau", P, "tembusan-ppk", no_tembusan("ppk"), "/tembusan", "tembusan_wajib",
     "Lampiran II huruf A angka 2 huruf a"),
    ("bungo", P, "tembusan-ppk", no_tembusan("ppk"), "/tembusan", "tembusan_wajib", "Pasal 6 ayat (3) huruf a"),
    ("bantul", P, "tembusan-ppk", no_tembusan("ppk"), "/tembusan", "tembusan_wajib",
     "Lampiran II huruf A angka 2 huruf a"),
    ("tanah-laut", P, "lintas-instansi-melalui-pyb",
     all_of(set_path("jalur", "lintas_instansi"), set_path("unit_tujuan/instansi", "Pemerintah Provinsi Kalimantan Selatan"),
            set_path("kepada/peran", "pyb"), set_path("kepada/unit/instansi", "Pemerintah Provinsi Kalimantan Selatan"),
            lambda b: b["tembusan"].append({"jabatan": "PPK Bappeda", "peran": "ppk"})),
     "/kepada/unit", "kepada_melalui_pyb", "Pasal 15 huruf a"),
    ("tanah-laut", P, "penerusan-tanpa-rujukan", forwarding("Pemerintah Provinsi Kalimantan Selatan"),
     "/rujukan", "penerusan_tanpa_rujukan", "Pasal 15 huruf b"),
    ("bungo", P, "penerusan-kepada-pyb-dituju",
     all_of(forwarding("Pemerintah Provinsi Jambi"), set_path("kepada/unit/instansi", "Pemerintah Kabupaten Bungo")),
     "/kepada", "kepada_melalui_pyb", "Pasal 6 ayat (4) huruf b"),
    ("tanah-laut", P, "lintas-instansi-tembusan-ppk",
     all_of(set_path("jalur", "lintas_instansi"), set_path("unit_tujuan/instansi", "Pemerintah Provinsi Kalimantan Selatan"),
            set_path("kepada/peran", "pyb")),
     "/tembusan", "tembusan_wajib", "Pasal 15 huruf a"),
]

J = "jawaban"
ALASAN = {"hulu-sungai-selatan": "nasional", "lubuk-linggau": "Lampiran II huruf A angka 2 huruf b angka 2",
          "tanah-laut": "Pasal 14 huruf d", "bungo": "Pasal 6 ayat (3) huruf d",
          "bantul": "Lampiran II huruf A angka 2 huruf b angka 2"}
for wilayah, ref in ALASAN.items():
    CASES.append((wilayah, J, "penolakan-tanpa-alasan", all_of(set_path("keputusan", "penolakan"), empty("alasan")),
                  "/alasan", "alasan_penolakan", ref))
DAFTAR = {"hulu-sungai-selatan": "nasional", "lubuk-linggau": "nasional", "tanah-laut": "Pasal 15 huruf e angka 1",
          "bungo": "Pasal 6 ayat (4) huruf e angka 1"}
for wilayah, ref in DAFTAR.items():
    CASES.append((wilayah, J, "persetujuan-tanpa-pegawai", empty("pegawai"), "/pegawai", "daftar_pegawai", ref))
PENJAWAB = {"hulu-sungai-selatan": "nasional", "lubuk-linggau": "Lampiran II huruf A angka 2 huruf b",
            "tanah-laut": "Pasal 14 huruf b", "bungo": "Pasal 6 ayat (3) huruf b",
            "bantul": "Lampiran II huruf A angka 2 huruf b"}
WITHIN_INSTANSI = {"tanah-laut": "lintas_pd", "bungo": "lintas_uo"}
"""The TL and BGO sample answers go across instansi; these routes stay inside one."""
for wilayah, ref in PENJAWAB.items():
    route = set_path("jalur", WITHIN_INSTANSI.get(wilayah, "lintas_pd"))
    CASES.append((wilayah, J, "penjawab-peran", all_of(route, set_path("penandatangan/peran", "pelaksana")),
                  "/penandatangan/peran", "peran_tidak_sesuai", ref))
ACROSS = {"tanah-laut": ("Pasal 15 huruf e angka 1", "Pasal 15 huruf e angka 2"),
          "bungo": ("Pasal 6 ayat (4) huruf e angka 1", "Pasal 6 ayat (4) huruf e angka 1")}
for wilayah, (usulan, jawaban) in ACROSS.items():
    CASES += [
        (wilayah, J, "lintas-instansi-penjawab", set_path("penandatangan/peran", "pimpinan_unit"),
         "/penandatangan/peran", "peran_tidak_sesuai", usulan),
        (wilayah, J, "lintas-instansi-usulan-kepada-pyb", set_path("kepada/peran", "pimpinan_unit"),
         "/kepada/peran", "kepada_melalui_pyb", usulan),
        (wilayah, J, "lintas-instansi-pyb-kepada-instansi-pemohon", set_path("penandatangan/peran", "pyb"),
         "/kepada/unit", "kepada_melalui_pyb", jawaban),
    ]
CASES.append(("tanah-laut", J, "rekomendasi-ppk", drop("rekomendasi_ppk"), "/rekomendasi_ppk", "rekomendasi_ppk",
              "Pasal 14 huruf b"))

T = "penugasan"
PENUGAS = {"hulu-sungai-selatan": "Pasal 14 ayat (5)", "lubuk-linggau": "Lampiran II huruf A angka 2 huruf b angka 1",
           "tanah-laut": "Pasal 14 huruf c", "bungo": "Pasal 6 ayat (3) huruf c", "bantul": "Pasal 13 ayat (4)"}
for wilayah, ref in PENUGAS.items():
    CASES.append((wilayah, T, "penanda-tangan-peran", set_path("penandatangan/peran", "pelaksana"),
                  "/penandatangan/peran", "peran_tidak_sesuai", ref))
DASAR = {"hulu-sungai-selatan": ("permohonan", "Pasal 14 ayat (5)"),
         "lubuk-linggau": ("persetujuan", "Lampiran II huruf A angka 2 huruf b angka 1"),
         "tanah-laut": ("persetujuan", "Pasal 14 huruf c"), "bungo": ("persetujuan", "Pasal 6 ayat (3) huruf c"),
         "bantul": ("persetujuan", "Lampiran II huruf A angka 2 huruf b angka 1")}
for wilayah, (kind, ref) in DASAR.items():
    CASES.append((wilayah, T, "dasar", lambda b, k=kind: b.__setitem__("dasar", [d for d in b["dasar"] if d["jenis"] != k]
                                                                        or [dict(b["dasar"][0], jenis="lainnya")]),
                  "/dasar", "dasar_penugasan", ref))
CASES += [
    ("tanah-laut", T, "tiga-tembusan-lintas-instansi", no_tembusan("pyb"), "/tembusan", "tembusan_wajib",
     "Pasal 15 huruf e angka 4"),
    ("bungo", T, "tiga-tembusan-lintas-instansi", no_tembusan("ppk"), "/tembusan", "tembusan_wajib",
     "Pasal 6 ayat (4) huruf e angka 3"),
    ("lubuk-linggau", T, "individu-satu-orang", set_path("bentuk", "individu"), "/pegawai", "penugasan_individu",
     "nasional"),
]

K = "keputusan-tim-kerja"
KETUA = {"hulu-sungai-selatan": "Pasal 17 ayat (6)", "lubuk-linggau": "Pasal 10 ayat (4)",
         "bungo": "Pasal 9 ayat (3)", "bantul": "Pasal 11 ayat (4)"}
for wilayah, ref in KETUA.items():
    CASES.append((wilayah, K, "ketua-dari-unit-pemilik", foreign_member, "/ketua/unit", "ketua_unit_pemilik", ref))
PENGAWAS = {"hulu-sungai-selatan": "Pasal 17 ayat (4)", "lubuk-linggau": "Lampiran IV huruf A angka 3",
            "tanah-laut": "Pasal 21 ayat (3)", "bungo": "Pasal 9 ayat (2)", "bantul": "Pasal 8 ayat (3)"}
for wilayah, ref in PENGAWAS.items():
    CASES.append((wilayah, K, "ketua-pengawas", all_of(set_path("unit_masih_ada_pengawas", True),
                                                        set_path("ketua/peran", "pejabat_fungsional")),
                  "/ketua/peran", "ketua_pengawas", ref))
PERTIMBANGAN = {"hulu-sungai-selatan": "Pasal 17 ayat (5)", "tanah-laut": "Pasal 21 ayat (1)", "bungo": "Pasal 9 ayat (1)"}
for wilayah, ref in PERTIMBANGAN.items():
    CASES.append((wilayah, K, "pertimbangan-ketua", drop("pertimbangan_ketua"), "/pertimbangan_ketua",
                  "pertimbangan_ketua", ref))
PENETAP = {"hulu-sungai-selatan": "Pasal 17 ayat (7)", "tanah-laut": "Pasal 21 ayat (1)", "bungo": "Pasal 9 ayat (4)",
           "lubuk-linggau": "Lampiran IV huruf A angka 4 huruf a angka 5", "bantul": "nasional"}
for wilayah, ref in PENETAP.items():
    CASES.append((wilayah, K, "penetap-peran", set_path("penandatangan/peran", "pelaksana"),
                  "/penandatangan/peran", "peran_tidak_sesuai", ref))

S = "pengajuan-sukarela"
DALAM = {"hulu-sungai-selatan": "Pasal 15 ayat (2) huruf a", "lubuk-linggau": "Lampiran II huruf B angka 1 huruf a",
         "tanah-laut": "Lampiran II huruf B angka 1 huruf a", "bungo": "Pasal 7 ayat (2) huruf a",
         "bantul": "Lampiran II huruf B angka 1 huruf a"}
for wilayah, ref in DALAM.items():
    CASES.append((wilayah, S, "dalam-unit", same_unit_application, "/unit_tujuan", "dalam_unit", ref))
KEPADA = {"hulu-sungai-selatan": "Pasal 15 ayat (3) huruf a", "lubuk-linggau": "Lampiran II huruf B angka 2 huruf a",
          "tanah-laut": "Lampiran II huruf B angka 2 huruf a", "bungo": "Pasal 7 ayat (3) huruf a",
          "bantul": "Lampiran II huruf B angka 2 huruf a"}
for wilayah, ref in KEPADA.items():
    CASES.append((wilayah, S, "kepada-peran", set_path("kepada/peran", "ppk"), "/kepada/peran", "peran_tidak_sesuai", ref))
    CASES.append((wilayah, S, "atasan-tidak-sesuai", set_path("mengetahui/0/peran", "pelaksana"), "/mengetahui",
                  "persetujuan_atasan", ref))
CASES += [
    ("bungo", S, "persetujuan-ppk-dan-pimpinan", lambda b: b["mengetahui"].pop(), "/mengetahui",
     "persetujuan_atasan", "Pasal 7 ayat (3) huruf a"),
    ("hulu-sungai-selatan", S, "atasan-unit-lain", set_path("mengetahui/0/unit/kode", "DISPERKIM"),
     "/mengetahui/0/unit", "atasan_unit_lain", "Pasal 15 ayat (3) huruf a"),
    ("lubuk-linggau", S, "tembusan-ppk", no_tembusan("ppk"), "/tembusan", "tembusan_wajib",
     "Lampiran II huruf B angka 2 huruf a"),
    ("tanah-laut", S, "tembusan-ppk", no_tembusan("ppk"), "/tembusan", "tembusan_wajib", "Lampiran II huruf B"),
    ("bantul", S, "tembusan-ppk", no_tembusan("ppk"), "/tembusan", "tembusan_wajib",
     "Lampiran II huruf B angka 2 huruf a"),
    ("bantul", S, "pemohon-bukan-fungsional", set_path("penandatangan/peran", "pejabat_pengawas"),
     "/penandatangan/peran", "peran_tidak_sesuai", "nasional"),
]


@pytest.mark.parametrize(
    "wilayah, jenis, mutate, pointer, code, ref",
    [pytest.param(w, j, m, p, c, r, id=f"{w}-{j}-{name}") for w, j, name, m, p, c, r in CASES],
)
def test_breaking_the_rule_gives_its_entry_and_article(wilayah, jenis, mutate, pointer, code, ref):
    body = sample(wilayah, jenis)
    mutate(body)
    with pytest.raises(InvalidRequest) as caught:
        validate_letter(jenis, body, PROFILES)
    found = [(f.pointer, f.code, f.pasal) for f in caught.value.findings]
    assert (pointer, code, cite(wilayah, ref)) in found, found


def test_tanah_laut_ketua_from_another_unit_is_a_warning_not_an_error():
    body = sample("tanah-laut", K)
    foreign_member(body)
    valid = validate_letter(K, body, PROFILES)
    assert [(w.pointer, w.code, w.pasal) for w in valid.warnings] == [
        ("/ketua/unit", "ketua_unit_pemilik", "Perbup Tanah Laut 26/2024 Pasal 21 ayat (2)")]


@pytest.mark.parametrize("wilayah, jenis", all_samples())
def test_every_sample_is_valid(wilayah, jenis):
    assert validate_letter(jenis, sample(wilayah, jenis), PROFILES).warnings == []


@pytest.mark.parametrize("nip, code", [
    ("19680411199303100", "nip_format"), ("1968041119930310xx", "nip_format"),
    ("196813111993031009", "nip_tanggal_lahir"), ("196802301993031009", "nip_tanggal_lahir"),
    ("196804111993131009", "nip_tmt"), ("196804111980031009", "nip_tmt_usia"),
    ("196804111993033009", "nip_jenis_kelamin"),
])
def test_a_wrong_nip_names_the_wrong_part(nip, code):
    body = sample("bantul", P)
    body["penandatangan"]["nip"] = nip
    with pytest.raises(InvalidRequest) as caught:
        validate_letter(P, body, PROFILES)
    assert [(f.pointer, f.code) for f in caught.value.findings] == [("/penandatangan/nip", code)]
    assert "BKN" in caught.value.findings[0].pasal


def test_printed_nip_spacing_is_accepted():
    body = sample("bantul", P)
    body["penandatangan"]["nip"] = "19701103 199703 1 005"
    assert validate_letter(P, body, PROFILES).data["penandatangan"]["nip"] == "197011031997031005"
