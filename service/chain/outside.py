"""Registering a letter that came from outside the service, so that letters
here can name it by id and the rules across letters can read what it says."""

from __future__ import annotations

from typing import Any, Mapping

from marshmallow import ValidationError, validates_schema
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..plumbing.errors import Conflict, Finding, InvalidRequest
from ..letters.common import JALUR, JangkaWaktuSchema, UnitRefSchema
from ..letters.fields import BaseSchema, Daftar, Msg, Objek, Tanggal, Teks, length, one_of, text
from ..letters.nip import NIP
from ..plumbing.models import SuratLuar
from ..wilayah import RegionProfile
from ..issuing.validation import WILAYAH_SOURCE, load

IDENTITY = ("wilayah", "jenis", "nomor", "tanggal", "hal")


class PegawaiLuarSchema(BaseSchema):
    nama = text(150)
    nip = NIP(required=True)


TEAM = ("nama_tim", "ketua", "anggota")
DECREE = "keputusan-tim-kerja"


class SuratLuarInSchema(BaseSchema):
    """A letter from outside the service (e.g. a request or an approval of another instansi,
    or the decree of a team formed there that people of this region report to).

    What it releases (``pegawai``), for how long (``jangka_waktu``) and, of a
    decree, the team (``nama_tim``, ``ketua``, ``anggota``) are optional; the
    rules across letters check what is given.
    """

    wilayah = text(60, metadata={"description": "Wilayah yang registernya menyimpan rujukan ini"})
    jenis = Teks(required=True, validate=one_of(
        ("permohonan-pelibatan", "jawaban", "penugasan", DECREE, "pengajuan-sukarela", "lainnya")))
    nomor = text(120)
    tanggal = Tanggal(required=True)
    hal = text(300)
    pengirim = Objek(UnitRefSchema)
    jalur = Teks(validate=one_of(JALUR))
    keputusan = Teks(validate=one_of(("persetujuan", "penolakan")))
    pegawai = Daftar(Objek(PegawaiLuarSchema), validate=length(0, 50))
    jangka_waktu = Objek(JangkaWaktuSchema)
    unit_pemilik_kinerja = Objek(UnitRefSchema)
    nama_tim = Teks(validate=length(1, 200), metadata={"description": "Keputusan tim kerja: nama tim"})
    ketua = Objek(PegawaiLuarSchema, metadata={"description": "Keputusan tim kerja: ketua (bersama anggota)"})
    anggota = Daftar(Objek(PegawaiLuarSchema), validate=length(1, 50),
                     metadata={"description": "Keputusan tim kerja: anggota (bersama ketua)"})

    @validates_schema
    def _team_of_a_decree(self, data: dict, **kwargs) -> None:
        """A team is said of a decree only, and as a whole: its ketua with its anggota."""
        said = [name for name in TEAM if name in data]
        if said and data.get("jenis") != DECREE:
            message = f"Hanya keputusan tim kerja yang menyebut {', '.join(said)}."
            raise ValidationError(Msg(message, "bukan_keputusan"), said[0])
        if ("ketua" in data) != ("anggota" in data):
            raise ValidationError(Msg("Sebutkan ketua bersama anggota tim.", "tim_tidak_lengkap"),
                                  "anggota" if "ketua" in data else "ketua")


def register_outside(session: Session, profiles: Mapping[str, RegionProfile], payload: Any) -> SuratLuar:
    """Validate and add an outside letter to ``session``.

    :raises InvalidRequest: the payload breaks the schema, or names an unknown region.
    :raises Conflict: the region's register already holds a letter with this nomor and tanggal.
    """
    schema = SuratLuarInSchema()
    data = load(schema, payload)
    if data["wilayah"] not in profiles:
        raise InvalidRequest([Finding("/wilayah", "wilayah_tidak_dikenal",
                                      f"Wilayah '{data['wilayah']}' tidak dikenal.", WILAYAH_SOURCE)])
    fixed = {k: data.pop(k) for k in IDENTITY}
    existing = session.scalars(select(SuratLuar.id).where(
        SuratLuar.wilayah == fixed["wilayah"], SuratLuar.nomor == fixed["nomor"],
        SuratLuar.tanggal == fixed["tanggal"])).first()
    if existing:
        raise Conflict(f"Surat ini sudah terdaftar dengan id {existing}.")
    luar = SuratLuar(**fixed, isi=schema.dump(data))
    session.add(luar)
    session.flush()  # the id and timestamps, for the caller's answer
    return luar
