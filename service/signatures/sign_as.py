"""Sign-later by whichever back end holds the officials' keys: the one entry the API and the pages share.

With the Esign back end the official's key is at BSrE, opened by their NIK
and a passphrase or TOTP (:func:`~.sign_remote.sign_remotely`); otherwise it
is held here and opened by its passphrase (:func:`~.sign_letter.sign_letter`).
"""

from __future__ import annotations

from typing import Mapping

from ..access import audit
from ..plumbing.models import Surat
from ..plumbing.services import Services
from .esign import local_passphrase, remote_credentials
from .sign_letter import sign_letter
from .sign_remote import sign_remotely


def sign_as(services: Services, surat: Surat, nip: str, credentials: Mapping, level: str | None,
            actor: audit.Actor) -> Surat:
    """Sign letter ``surat`` (as the caller may read it) as official ``nip`` with ``credentials`` (``passphrase``; with Esign ``nik`` and
    ``passphrase`` or ``totp``), recorded in the audit trail as done by ``actor``.

    :raises InvalidRequest: credentials the back end cannot use; and see the two orchestrators.
    """
    esign = services.signing.esign_for(surat.wilayah, nip)
    if esign is None:
        return sign_letter(services, surat.id, nip, local_passphrase(credentials), level, actor)
    nik, secret = remote_credentials(esign, credentials)
    surat = sign_remotely(services, esign, surat.id, nip, nik, secret, level)
    audit.append(services, actor, "surat.tandatangan", wilayah=surat.wilayah, objek=surat.id,
                 rincian={"nomor": surat.nomor, "status": surat.status})
    return surat
