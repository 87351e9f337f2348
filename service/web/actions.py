"""What the signed-in account may do with a letter, as its page offers it.

A form is shown only to whom the service would let use it, by the rules
the API's operations apply (:mod:`service.api.alur`, the revocation and
signing orchestrators); the service decides again when the form is
posted, so a page read before a change is refused there, never obeyed.
"""

from __future__ import annotations

from ..access.principal import PARAF, TANDATANGAN, TERBIT, Principal
from ..plumbing.errors import SuratError
from ..plumbing.models import AWAITING_COUNTERSIGN, DRAFT, READY, SIGNED, Surat
from ..signatures.revocation import account_revoker
from ..signatures.signature import signers_of
from ..workflow.state import OPEN

BERI_PARAF, KEMBALIKAN, REVISI, BATALKAN, CABUT, TANDA_TANGAN = (
    "paraf", "kembalikan", "revisi", "batalkan", "cabut", "tandatangan")


def allowed(principal: Principal, surat: Surat, due: list[dict], signed: int) -> frozenset[str]:
    """The steps ``principal`` may take on ``surat``, whose route still waits for ``due`` (in order) and
    which carries ``signed`` signatures.

    Paraf: the verifikator whose turn it is. Kembalikan: that verifikator, or the penandatangan, while the
    draft is under review. Revisi and batalkan: the issuing unit's konseptor or arsiparis, while a draft.
    Cabut: the penandatangan's own account or the issuing unit's arsiparis, once signed by everyone.
    Tanda tangan: the official whose turn it is, once every paraf is in.
    """
    def mine(official: dict) -> bool:
        return bool(principal.nip) and official["nip"] == principal.nip

    turn = due[0] if surat.status == DRAFT and due else None
    steps = set()
    if turn and PARAF in principal.rights and mine(turn):
        steps.add(BERI_PARAF)
    if surat.status in (DRAFT, READY) and (
            (turn and PARAF in principal.rights and mine(turn))
            or (TANDATANGAN in principal.rights and mine(surat.permintaan["penandatangan"]))):
        steps.add(KEMBALIKAN)
    if surat.status in OPEN and TERBIT in principal.rights and principal.covers(surat.unit_kode):
        steps |= {REVISI, BATALKAN}
    if surat.status == SIGNED and _may_revoke(principal, surat):
        steps.add(CABUT)
    order = signers_of(surat)
    if (surat.status in (READY, AWAITING_COUNTERSIGN) and TANDATANGAN in principal.rights
            and signed < len(order) and mine(order[signed])):
        steps.add(TANDA_TANGAN)
    return frozenset(steps)


def _may_revoke(principal: Principal, surat: Surat) -> bool:
    try:
        account_revoker(principal, surat)
    except SuratError:
        return False
    return True
