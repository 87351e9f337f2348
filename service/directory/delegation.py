"""The delegation register and the check of a letter signed on someone's behalf.

A letter is signed a.n. (atas nama), u.b. (untuk beliau), Plt. (pelaksana
tugas) or Plh. (pelaksana harian) only under a delegation the pemda has
recorded here: who gives it (``nip_pemberi``: on whose behalf, or whose
office is held), who signs (``nip_penerima``), of which kind, from and to
which day, and on which letter it rests. u.b. is a.n. passed on one level
down, so it names the a.n. holder it passes through (``nip_antara``) and is
valid only while that a.n. is.

:func:`check_delegation` is the one check. Preparing a letter calls it with
the letter's date; it takes the date as an argument so that signing can ask
again on the signing date. The register is the pemda's own record: a CSV
import of units and pegawai does not touch it.

The rules' source: Permendagri 1/2023 on Tata Naskah Dinas regulates the
a.n., u.b., Plt. and Plh. signature; its text was not at hand, so the
citation says it is second-hand (public naskah dinas guides quoting it:
a.n. is a written grant to a lower official; u.b. is given by the a.n.
holder one level further down and is written after a.n.; Plt. and Plh. are
appointed by a surat perintah, and Plt./Plh. is written before the jabatan
held). Only its Pasal 44 (how the name of a Plt. or Plh. signer is written)
was read, at pasal.id.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from ..issuing.bahasa import tanggal as tanggal_id
from ..letters.common import JENIS_ATAS_NAMA
from ..letters.fields import BaseSchema, Tanggal, Teks, length, one_of
from ..letters.nip import NIP, format_nip, normalise_nip
from ..plumbing.errors import Conflict, Finding, InvalidRequest, NotFound
from ..wilayah import RegionProfile
from .models import Delegasi, Pegawai

SUMBER = ("Permendagri 1/2023 tentang Tata Naskah Dinas, penandatanganan a.n., u.b., Plt. dan Plh. "
          "(sumber sekunder: pedoman tata naskah dinas yang mengutipnya; nomor pasal belum diverifikasi)")
"""The rule every refusal cites (see the module's docstring for why it is second-hand)."""

DASAR_WAJIB = ("Plt.", "Plh.")
"""The kinds that rest on a letter of appointment (surat perintah) the register must name."""

AT = "/penandatangan/atas_nama"


class DelegasiBaruSchema(BaseSchema):
    """A new entry of the register, as the API and the CLI take it."""

    jenis = Teks(required=True, validate=one_of(JENIS_ATAS_NAMA))
    nip_pemberi = NIP(required=True, metadata={"description": "Pejabat yang diatasnamakan, atau yang jabatannya "
                                                              "dilaksanakan (Plt./Plh.)"})
    nip_penerima = NIP(required=True, metadata={"description": "Pejabat yang menandatangani"})
    nip_antara = NIP(metadata={"description": "Untuk u.b. saja: pemegang a.n. yang melimpahkannya satu tingkat ke "
                                              "bawah"})
    berlaku_dari = Tanggal(required=True)
    berlaku_sampai = Tanggal(required=True, metadata={"description": "Hari terakhir (termasuk)"})
    dasar_nomor = Teks(validate=length(1, 120), metadata={
        "description": "Nomor surat yang menjadi dasarnya (surat perintah Plt./Plh.: wajib)"})
    dasar_tanggal = Tanggal()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _pemda(profiles: Mapping[str, RegionProfile], wilayah: str) -> str:
    if wilayah not in profiles:
        raise NotFound(f"Wilayah '{wilayah}' tidak dikenal.")
    return wilayah


def status_on(row: Delegasi, day: dt.date) -> str:
    """``berlaku``, ``belum_berlaku`` or ``berakhir`` on ``day``."""
    if day < row.berlaku_dari:
        return "belum_berlaku"
    return "berakhir" if day > row.berlaku_sampai else "berlaku"


def delegation_dict(row: Delegasi, names: Mapping[str, str], today: dt.date) -> dict:
    """One entry as the API and the page show it, with the names the directory holds and its status today."""
    return {
        "id": row.id, "wilayah": row.wilayah, "jenis": row.jenis,
        "nip_pemberi": row.nip_pemberi, "nama_pemberi": names.get(row.nip_pemberi),
        "nip_penerima": row.nip_penerima, "nama_penerima": names.get(row.nip_penerima),
        "nip_antara": row.nip_antara, "nama_antara": names.get(row.nip_antara) if row.nip_antara else None,
        "berlaku_dari": row.berlaku_dari, "berlaku_sampai": row.berlaku_sampai,
        "dasar_nomor": row.dasar_nomor, "dasar_tanggal": row.dasar_tanggal,
        "dicatat": row.dicatat, "diakhiri": row.diakhiri, "status": status_on(row, today),
    }


def _names(session: Session, wilayah: str, rows: list[Delegasi]) -> dict[str, str]:
    nips = {n for r in rows for n in (r.nip_pemberi, r.nip_penerima, r.nip_antara) if n}
    if not nips:
        return {}
    return {p.nip: p.nama_lengkap for p in session.scalars(
        select(Pegawai).where(Pegawai.wilayah == wilayah, Pegawai.nip.in_(nips)))}


def _entry_findings(data: dict) -> list[Finding]:
    """What makes a new entry impossible, each with its field (the schema has checked the shapes)."""
    findings = []
    jenis, antara = data["jenis"], data.get("nip_antara")

    def refuse(field: str, code: str, message: str) -> None:
        findings.append(Finding(f"/{field}", code, message, SUMBER))

    if data["nip_pemberi"] == data["nip_penerima"]:
        refuse("nip_penerima", "delegasi_diri_sendiri", "Pemberi dan penerima delegasi tidak boleh orang yang sama.")
    if data["berlaku_sampai"] < data["berlaku_dari"]:
        refuse("berlaku_sampai", "rentang_tanggal", "Tanggal akhir tidak boleh sebelum tanggal mulai.")
    if jenis == "u.b." and not antara:
        refuse("nip_antara", "ub_tanpa_antara",
               "u.b. diberikan oleh pemegang a.n. satu tingkat ke bawah: sebutkan NIP pemegang a.n. itu.")
    elif jenis == "u.b." and antara in (data["nip_pemberi"], data["nip_penerima"]):
        refuse("nip_antara", "ub_tanpa_antara", "Pemegang a.n. pada u.b. adalah pejabat ketiga, bukan pemberi "
                                                "atau penerima.")
    if jenis != "u.b." and antara:
        refuse("nip_antara", "antara_hanya_ub", "NIP pemegang a.n. hanya diisi untuk u.b.")
    if jenis in DASAR_WAJIB:
        for field in ("dasar_nomor", "dasar_tanggal"):
            if not data.get(field):
                refuse(field, "dasar_wajib", f"{jenis} ditetapkan dengan surat perintah: nomor dan tanggalnya wajib.")
    return findings


def add_delegation(sessions: sessionmaker[Session], profiles: Mapping[str, RegionProfile], wilayah: str,
                   data: dict, *, per: dt.date) -> dict:
    """Record a delegation of the pemda (``data`` as the API's schema loads it); ``per``: today, for its status.

    :raises NotFound: unknown pemda.
    :raises InvalidRequest: an impossible entry (one finding per field).
    """
    pemda = _pemda(profiles, wilayah)
    findings = _entry_findings(data)
    if findings:
        raise InvalidRequest(findings)
    row = Delegasi(wilayah=pemda, id=uuid.uuid4().hex, dicatat=_now(), **{
        k: data.get(k) for k in ("jenis", "nip_pemberi", "nip_penerima", "nip_antara", "berlaku_dari",
                                 "berlaku_sampai", "dasar_nomor", "dasar_tanggal")})
    with sessions.begin() as session:
        session.add(row)
        session.flush()
        return delegation_dict(row, _names(session, pemda, [row]), per)


def list_delegations(sessions: sessionmaker[Session], profiles: Mapping[str, RegionProfile], wilayah: str,
                     *, per: dt.date, nip: str | None = None) -> list[dict]:
    """The pemda's delegations, the latest first, each with its status on ``per`` (today); with ``nip``,
    those the official gives, receives or passes through."""
    query = select(Delegasi).where(Delegasi.wilayah == _pemda(profiles, wilayah))
    if nip is not None:
        query = query.where(or_(Delegasi.nip_pemberi == nip, Delegasi.nip_penerima == nip, Delegasi.nip_antara == nip))
    with sessions() as session:
        rows = list(session.scalars(query.order_by(Delegasi.berlaku_dari.desc(), Delegasi.dicatat.desc())))
        names = _names(session, wilayah, rows)
        return [delegation_dict(r, names, per) for r in rows]


def end_delegation(sessions: sessionmaker[Session], profiles: Mapping[str, RegionProfile], wilayah: str,
                   delegasi_id: str, *, per: dt.date, sampai: dt.date | None = None) -> dict:
    """End a delegation early: its last day becomes ``sampai`` (default ``per``, today); letters dated later
    refuse it.

    :raises NotFound: no such delegation in the pemda.
    :raises Conflict: it ends on or before that day already.
    """
    pemda, last = _pemda(profiles, wilayah), sampai or per
    with sessions.begin() as session:
        row = session.get(Delegasi, (pemda, delegasi_id))
        if row is None:
            raise NotFound("Delegasi tidak ditemukan.")
        if row.berlaku_sampai <= last:
            raise Conflict(f"Delegasi ini sudah berakhir pada {tanggal_id(row.berlaku_sampai)}.")
        row.berlaku_sampai, row.diakhiri = last, _now()
        session.flush()
        return delegation_dict(row, _names(session, pemda, [row]), per)


def _nip(value: Any) -> str | None:
    nip = value.get("nip") if isinstance(value, dict) else None
    return normalise_nip(nip) if isinstance(nip, str) else None


def _who(nip: str) -> str:
    return f"NIP {format_nip(nip)}"


def _refusal(rows: list[Delegasi], jenis: str, pemberi: str, penerima: str, day: dt.date,
             where: str = AT) -> Finding | None:
    """Why no delegation of ``jenis`` from ``pemberi`` to ``penerima`` holds on ``day`` (None: one does).

    ``rows``: every delegation from ``pemberi`` to ``penerima``, of any kind.
    """
    kind = [r for r in rows if r.jenis == jenis]
    if any(status_on(r, day) == "berlaku" for r in kind):
        return None
    said = f"{jenis} dari {_who(pemberi)} kepada {_who(penerima)}"
    later = [r for r in kind if status_on(r, day) == "belum_berlaku"]
    if later:
        first = min(r.berlaku_dari for r in later)
        return Finding(where, "delegasi_belum_berlaku",
                       f"Delegasi {said} baru berlaku sejak {tanggal_id(first)}; surat bertanggal {tanggal_id(day)}.",
                       SUMBER)
    if kind:
        last = max(r.berlaku_sampai for r in kind)
        return Finding(where, "delegasi_berakhir",
                       f"Delegasi {said} berakhir pada {tanggal_id(last)}; surat bertanggal {tanggal_id(day)}.",
                       SUMBER)
    other = sorted({r.jenis for r in rows if status_on(r, day) == "berlaku"})
    if other:
        return Finding(f"{AT}/jenis", "delegasi_jenis_lain",
                       f"Delegasi yang berlaku dari {_who(pemberi)} kepada {_who(penerima)} adalah "
                       f"{', '.join(other)}, bukan {jenis}.", SUMBER)
    return Finding(where, "tanpa_delegasi",
                   f"Tidak ada delegasi {said} di register delegasi; surat tidak boleh ditandatangani {jenis}.",
                   SUMBER)


def _between(session: Session, wilayah: str, pemberi: str, penerima: str) -> list[Delegasi]:
    return list(session.scalars(select(Delegasi).where(
        Delegasi.wilayah == wilayah, Delegasi.nip_penerima == penerima, Delegasi.nip_pemberi == pemberi)))


def check_delegation(session: Session, wilayah: str, data: dict, tanggal: dt.date) -> list[Finding]:
    """Whether the letter's penandatangan may sign it on someone's behalf on ``tanggal`` (nothing to say
    when they sign on their own authority).

    :param data: the letter as validated (or as stored): ``penandatangan.atas_nama`` is read.
    :param tanggal: the letter's date when it is prepared; the signing date when it is signed.
    :return: one finding per refusal, pointing into ``/penandatangan/atas_nama``.
    """
    signer = data.get("penandatangan") if isinstance(data, dict) else None
    atas_nama = signer.get("atas_nama") if isinstance(signer, dict) else None
    penerima, pemberi = _nip(signer), _nip(atas_nama)
    if penerima is None or pemberi is None:
        return []
    jenis, melalui = atas_nama.get("jenis"), _nip(atas_nama.get("melalui"))
    if pemberi == penerima:
        return [Finding(f"{AT}/nip", "delegasi_diri_sendiri",
                        "Penanda tangan tidak menandatangani atas nama dirinya sendiri.", SUMBER)]
    if jenis != "u.b.":
        if melalui is not None:
            return [Finding(f"{AT}/melalui", "antara_hanya_ub", "Pemegang a.n. (melalui) hanya disebut untuk u.b.",
                            SUMBER)]
        return list(filter(None, [_refusal(_between(session, wilayah, pemberi, penerima), jenis, pemberi, penerima,
                                           tanggal)]))
    if melalui is None:
        return [Finding(f"{AT}/melalui", "ub_tanpa_an",
                        "u.b. hanya sesudah a.n.: sebutkan pemegang a.n. (melalui) yang melimpahkannya.", SUMBER)]
    an = _refusal(_between(session, wilayah, pemberi, melalui), "a.n.", pemberi, melalui, tanggal, f"{AT}/melalui")
    if an is not None:  # the a.n. it passes on is missing, of another kind, or not valid that day
        code = "ub_tanpa_an" if an.code in ("tanpa_delegasi", "delegasi_jenis_lain") else an.code
        return [Finding(f"{AT}/melalui", code, f"u.b. hanya sesudah a.n.: {an.message}", SUMBER)]
    rows = [r for r in _between(session, wilayah, pemberi, penerima) if r.jenis != "u.b." or r.nip_antara == melalui]
    return list(filter(None, [_refusal(rows, "u.b.", pemberi, penerima, tanggal)]))
