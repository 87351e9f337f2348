"""Signing with a key held by a remote service that speaks the Cloud Signature Consortium API (v1).

The key never leaves the service: pyHanko's :class:`CSCSigner` sends only
the digest of the signed attributes to ``signatures/signHash``. What the
service needs before it signs is the official's consent, given as the PIN
(or OTP) the official types: ``credentials/authorize`` turns it into
signature activation data (SAD) for one signature.

* **SCAL1** (the service does not bind the SAD to a hash): the SAD is asked
  for when the key is unlocked, before the letter is signed, so a wrong PIN
  is known as early as a wrong PKCS#12 passphrase would be.
* **SCAL2** (``credentials/info`` answers ``"SCAL": "2"``): the SAD must name
  the hash it authorises, which exists only once the signature is being
  made, so :meth:`SecretAuthorization.authorize_signature` asks for it then,
  through pyHanko's ``format_csc_auth_request(hash_b64s=…)``.

Either way the secret is used for one ``credentials/authorize`` call and
then forgotten, and it is never part of an exception, a log line or a
``repr``. A request body is never logged (neither aiohttp nor this module
does).

The service answers a wrong PIN or OTP with HTTP 400 and an ``error`` of
``invalid_pin``/``invalid_otp``, or ``invalid_request`` describing the PIN
or OTP as invalid (as CSC API v1.0.4.0's examples do): that becomes
:class:`WrongPassphrase`. Everything else (unreachable, a refused client
token, a 5xx) is a :class:`SigningError`.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Literal

import aiohttp
from pyhanko.sign.signers.csc_signer import (
    CSCAuthorizationInfo,
    CSCAuthorizationManager,
    CSCCredentialInfo,
    CSCServiceSessionInfo,
    CSCSigner,
    fetch_certs_in_csc_credential,
)

from pyhanko.sign.general import SigningError as PyHankoSigningError

from .errors import SigningError, WrongPassphrase
from .loop import run
from .signers import PreparedAttributes

logger = logging.getLogger(__name__)

Secret = Literal["PIN", "OTP"]

_WRONG_SECRET_ERRORS = {"invalid_pin", "invalid_otp"}


class CredentialNotFound(SigningError):
    """The service holds no credential under the ID asked for."""


@dataclass(frozen=True)
class CscService:
    """Where a CSC service is and how this client authenticates to it."""

    url: str
    """Base URL, the part before ``/csc/v1/…``."""
    token: str | None = field(default=None, repr=False)
    """OAuth bearer token of this client (the pemda's application), if the service wants one."""
    secret: Secret = "PIN"
    """What the official types to authorise a signature: the credential's PIN or an OTP."""
    timeout: float = 30.0
    """Seconds a call may take; ``signatures/signHash`` included."""

    def session_info(self, credential_id: str) -> CSCServiceSessionInfo:
        return CSCServiceSessionInfo(self.url.rstrip("/"), credential_id, oauth_token=self.token)

    def client_timeout(self) -> aiohttp.ClientTimeout:
        return aiohttp.ClientTimeout(total=self.timeout)


def _refusal(status: int, answer: object) -> SigningError:
    """The error a non-2xx answer of ``credentials/authorize`` stands for."""
    error = description = ""
    if isinstance(answer, dict):
        error, description = str(answer.get("error", "")), str(answer.get("error_description", ""))
    wrong = error in _WRONG_SECRET_ERRORS or (
        error == "invalid_request" and "invalid" in description.lower()
        and any(word in description for word in ("PIN", "OTP")))
    if status == 400 and wrong:
        return WrongPassphrase("the signing service refused the PIN or OTP")
    if status in (401, 403):
        logger.error("the CSC signing service refused this client's credentials (HTTP %s)", status)
    return SigningError(f"the signing service refused the authorisation (HTTP {status} {error})")


class SecretAuthorization(CSCAuthorizationManager):
    """``credentials/authorize`` with the official's PIN or OTP, for one signature.

    The secret is dropped after its one use, successful or not: a second
    signature needs the official's consent again.
    """

    def __init__(self, service: CscService, session_info: CSCServiceSessionInfo,
                 credential_info: CSCCredentialInfo, secret: str):
        super().__init__(session_info, credential_info)
        self._service = service
        self._secret: str | None = secret
        self._sad: CSCAuthorizationInfo | None = None

    def __repr__(self) -> str:
        return f"<SecretAuthorization {self.csc_session_info.credential_id}>"

    async def authorize_now(self) -> None:
        """Ask for the SAD before any hash is known (SCAL1), so a wrong secret is known at once.

        :raises WrongPassphrase: the service refused the PIN or OTP.
        :raises SigningError: the service could not be asked.
        """
        self._sad = await self._authorize(None, 1)

    async def authorize_signature(self, hash_b64s: list[str]) -> CSCAuthorizationInfo:
        if self._sad is not None:
            sad, self._sad = self._sad, None
            return sad
        pinned = hash_b64s if self.credential_info.hash_pinning_required else None
        return await self._authorize(pinned, len(hash_b64s))

    async def _authorize(self, hash_b64s: list[str] | None, count: int) -> CSCAuthorizationInfo:
        secret, self._secret = self._secret, None
        if secret is None:
            raise SigningError("this authorisation has been used: the official must consent again")
        request = self.format_csc_auth_request(
            num_signatures=count, hash_b64s=hash_b64s,
            **({"pin": secret} if self._service.secret == "PIN" else {"otp": secret}))
        del secret
        try:
            status, answer = await _post(self._service, self.csc_session_info.endpoint_url("credentials/authorize"),
                                         self.auth_headers, request)
        finally:
            request.clear()
        if status >= 300:
            raise _refusal(status, answer)
        try:
            return self.parse_csc_auth_response(answer if isinstance(answer, dict) else {})
        except PyHankoSigningError:
            raise SigningError("the signing service answered the authorisation without a SAD") from None


async def _post(service: CscService, url: str, headers: dict, body: dict) -> tuple[int, object]:
    """POST ``body`` as JSON; the status and the decoded answer (``None`` if it is not JSON).

    :raises SigningError: the service cannot be reached or does not answer in time.
    """
    try:
        async with aiohttp.ClientSession(timeout=service.client_timeout()) as session:
            async with session.post(url, headers=headers, json=body) as response:
                text = await response.text()
                status = response.status
    except (aiohttp.ClientError, TimeoutError) as e:
        raise SigningError(f"the signing service cannot be reached ({type(e).__name__})") from None
    try:
        return status, json.loads(text)
    except ValueError:
        return status, None


class CscRemoteSigner(PreparedAttributes, CSCSigner):
    """pyHanko's CSC signer, with an HTTP session per signature on the loop that makes it.

    Like :class:`~signing.signers.KeySigner` it carries the chain without
    the root and builds its signing-certificate attribute once.

    A signer is unlocked on one thread and used on another (each thread
    runs its own event loop, see :mod:`signing.loop`); an aiohttp session
    belongs to the loop it was opened on, so one is opened around each
    signature instead of with the signer. A refused PIN or OTP (SCAL2: the
    authorisation happens while signing) passes through pyHanko as
    :class:`WrongPassphrase`: pyHanko handles only its own ``SigningError``.
    """

    def __init__(self, service: CscService, authorization: SecretAuthorization):
        super().__init__(session=None, auth_manager=authorization, sign_timeout=int(service.timeout) or 1,
                         embed_roots=False)
        self._service = service

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        if dry_run:
            return await super().async_sign_raw(data, digest_algorithm, dry_run=True)
        try:
            async with aiohttp.ClientSession(timeout=self._service.client_timeout()) as self.session:
                return await super().async_sign_raw(data, digest_algorithm)
        finally:
            self.session = None


class CscKeystore:
    """The officials' credentials at one CSC service, each found by NIP.

    :param credential_id: the credential ID of an official, ``{nip}`` standing
        for the NIP (e.g. ``"pemda-x/{nip}"``).
    """

    CREDENTIAL_INFO_TTL = 600.0
    """Seconds a credential's certificates, looked up to tell whether the official has a key,
    are reused to unlock it (one round trip instead of two)."""

    def __init__(self, service: CscService, credential_id: str = "{nip}"):
        self.service = service
        self.credential_id = credential_id
        self._known: dict[str, tuple[float, CSCCredentialInfo]] = {}

    def _session_info(self, nip: str) -> CSCServiceSessionInfo:
        return self.service.session_info(self.credential_id.format(nip=nip))

    def _credential(self, nip: str) -> CSCCredentialInfo:
        """``credentials/info`` of ``nip``'s credential (certificates, SCAL), briefly remembered.

        :raises CredentialNotFound: the service has no such credential.
        :raises SigningError: the service cannot be asked.
        """
        known = self._known.get(nip)
        if known and time.monotonic() - known[0] < self.CREDENTIAL_INFO_TTL:
            return known[1]
        info = run(self._fetch(self._session_info(nip)))
        self._known[nip] = time.monotonic(), info
        return info

    async def _fetch(self, session_info: CSCServiceSessionInfo) -> CSCCredentialInfo:
        async with aiohttp.ClientSession() as session:
            try:
                return await fetch_certs_in_csc_credential(session, session_info, timeout=int(self.service.timeout) or 1)
            except TimeoutError:
                raise SigningError("credentials/info did not answer in time") from None
            except PyHankoSigningError as e:
                cause = e.__cause__
                if isinstance(cause, aiohttp.ClientResponseError):
                    if cause.status == 404:
                        raise CredentialNotFound(f"no credential {session_info.credential_id}") from None
                    if cause.status in (401, 403):
                        logger.error("the CSC signing service refused this client's credentials (HTTP %s)",
                                     cause.status)
                raise SigningError(f"credentials/info failed: {type(cause).__name__}") from None

    def has_key(self, nip: str) -> bool:
        """Whether the service holds a credential for ``nip``.

        :raises SigningError: the service cannot be asked.
        """
        try:
            self._credential(nip)
        except CredentialNotFound:
            return False
        return True

    def unlock(self, nip: str, secret: str) -> CscRemoteSigner:
        """``nip``'s remote signer, authorised by the official's PIN or OTP for one signature.

        At SCAL1 the PIN is checked now; at SCAL2, when the signature is made.

        :raises WrongPassphrase: the service refused the secret (SCAL1).
        :raises SigningError: no credential, or the service cannot be asked.
        """
        info = self._credential(nip)
        authorization = SecretAuthorization(self.service, self._session_info(nip), info, secret)
        del secret
        if not info.hash_pinning_required:
            run(authorization.authorize_now())
        return CscRemoteSigner(self.service, authorization)
