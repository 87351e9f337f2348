"""Dibatalkan: a draft abandoned before it is signed. It never held a number, so none is lost; a link only
one letter may hold (one answer per request) is let go, so the real answer can still be made."""

from __future__ import annotations

from sqlalchemy import update

from ..access import audit
from ..plumbing.models import CANCELLED, Riwayat, Surat, Tautan
from ..plumbing.services import Services
from ..webhooks import outbox
from .state import OPEN, check_state, move


def cancel(services: Services, surat: Surat, alasan: str, oleh: str, actor: audit.Actor) -> Surat:
    """Cancel draft ``surat`` for ``alasan``; ``oleh`` names who, as the history says.

    :raises WrongState: signed (revoke it instead), being signed, or already cancelled.
    """
    check_state(surat, OPEN, "pembatalan (surat yang sudah ditandatangani dicabut, bukan dibatalkan)")
    return move(services, surat, to=CANCELLED, actor=actor, aksi="surat.batal", event=outbox.DIBATALKAN,
                entry=Riwayat(aksi="dibatalkan", oleh=oleh, catatan=alasan),
                also=[update(Tautan).where(Tautan.surat_id == surat.id).values(kunci=None)])
