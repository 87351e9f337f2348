"""Paraf: each verifikator, in order, approves the current version of a draft; the last makes it ready to sign.

A paraf names the version and records the hash of its preview: approving a
version that is no longer the current one (a revision came meanwhile) is refused.
"""

from __future__ import annotations

from ..access import audit
from ..letters.nip import format_nip
from ..plumbing.errors import Forbidden
from ..plumbing.models import DRAFT, READY, Paraf, Riwayat, Surat
from ..plumbing.services import Services
from ..webhooks import outbox
from .route import RULE
from .state import check_state, check_version, due, move, official_line


def whose_paraf(services: Services, surat: Surat, nip: str) -> dict:
    """The verifikator whose turn it is, who must be ``nip``.

    :raises WrongState: not waiting for paraf. :raises Forbidden: someone else's turn, or not on the route.
    """
    check_state(surat, (DRAFT,), "paraf")
    with services.sessions() as session:
        waiting = due(session, surat)
    person = waiting[0]
    if person["nip"] != nip:
        raise Forbidden(f"Giliran paraf ada pada {person['nama']} (NIP {format_nip(person['nip'])}). Dasar: {RULE}.")
    return person


def give_paraf(services: Services, surat: Surat, nip: str, versi: int, actor: audit.Actor) -> Surat:
    """Paraf by verifikator ``nip`` on version ``versi`` of ``surat``, which must be the current one.

    :raises WrongState: another version is current, or the letter is not waiting for paraf.
    :raises Forbidden: not this verifikator's turn.
    """
    check_version(surat, versi)
    person = whose_paraf(services, surat, nip)
    place = surat.verifikator.index(person)
    last = place == len(surat.verifikator) - 1
    return move(services, surat, to=READY if last else DRAFT, actor=actor, aksi="surat.paraf",
                event=outbox.DIPARAF, entry=Riwayat(aksi="diparaf", oleh=official_line(person),
                                                     sha256=surat.pdf_sha256, catatan=f"versi {surat.versi}"),
                rows=[Paraf(versi=surat.versi, urutan=place, nip=person["nip"], nama=person["nama"],
                            jabatan=person["jabatan"], sha256=surat.pdf_sha256)])
