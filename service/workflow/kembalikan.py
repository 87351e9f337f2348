"""Dikembalikan: the verifikator whose turn it is, or the penandatangan, sends a draft back with a note.

The konseptor then revises it (a new version, paraf reset) or cancels it.
"""

from __future__ import annotations

from ..access import audit
from ..letters.nip import format_nip
from ..plumbing.errors import Forbidden
from ..plumbing.models import DRAFT, READY, RETURNED, Riwayat, Surat
from ..plumbing.services import Services
from ..webhooks import outbox
from .route import RULE
from .state import check_state, due, move, official_line


def returner(services: Services, surat: Surat, nip: str) -> dict:
    """Who sends it back: the verifikator whose turn it is, or the letter's penandatangan.

    :raises WrongState: not a draft under review. :raises Forbidden: anyone else.
    """
    check_state(surat, (DRAFT, READY), "pengembalian")
    signer = surat.permintaan["penandatangan"]
    if nip == signer["nip"]:
        return signer
    with services.sessions() as session:
        waiting = due(session, surat)
    if waiting and waiting[0]["nip"] == nip:
        return waiting[0]
    who = f"{waiting[0]['nama']} (NIP {format_nip(waiting[0]['nip'])}) atau " if waiting else ""
    raise Forbidden(f"Hanya {who}penandatangan, {signer['nama']}, yang dapat mengembalikan konsep ini. Dasar: {RULE}.")


def return_draft(services: Services, surat: Surat, nip: str, catatan: str, actor: audit.Actor) -> Surat:
    """Send ``surat`` back to its konseptor with ``catatan``, as official ``nip``.

    :raises WrongState, Forbidden: see :func:`returner`.
    """
    person = returner(services, surat, nip)
    return move(services, surat, to=RETURNED, actor=actor, aksi="surat.kembalikan", event=outbox.DIKEMBALIKAN,
                entry=Riwayat(aksi="dikembalikan", oleh=official_line(person), sha256=None,
                              catatan=f"versi {surat.versi}: {catatan}"))
