"""Signing back ends as pyHanko :class:`~pyhanko.sign.signers.Signer` objects.

Two back ends:

* :func:`load_pkcs12_signer` — a PKCS#12 file unlocked with the official's
  passphrase. pyHanko's stock ``SimpleSigner`` keeps the key as ASN.1 and
  re-parses it for every raw signature (and signs twice per PDF when the
  size is estimated), which costs ~95 ms per signature. :class:`KeySigner`
  keeps the parsed :mod:`cryptography` key object instead.
  :class:`Pkcs12Keyring` unlocks the same file again in ~4 ms instead of ~32.
* :func:`load_pkcs11_signer` — a key on a PKCS#11 token (tested with
  SoftHSM2) through :mod:`pyhanko.sign.pkcs11`; the key never leaves it.
  :class:`Pkcs11Keystore` finds each official's key on one token by the NIP
  in its certificate.

Passphrases and PINs appear in no log line, exception message or repr.
They are only passed through, except that a signer of a
:class:`Pkcs11Keystore` keeps its PIN while it lives (see there).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from asn1crypto import tsp, x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import (
    ECDSA,
    EllipticCurvePrivateKey,
)
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params
from pyhanko.sign.attributes import SigningCertificateV2Provider
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.signers import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .errors import SigningError, WrongPassphrase

logger = logging.getLogger(__name__)


def _asn1_cert(pyca_cert) -> x509.Certificate:
    return x509.Certificate.load(
        pyca_cert.public_bytes(serialization.Encoding.DER)
    )


class PreparedAttributes(Signer):
    """A :class:`Signer` whose signing-certificate-v2 attribute is built once per certificate.

    That attribute (hash, issuer and serial number of the certificate: the
    same in every signature) is read back from DER. pyHanko builds it afresh
    for each signature, and asn1crypto re-encodes a built value, field by
    field, every time it is written out or copied: 9 of the 14 ms a
    signature without time stamp took.
    """

    def _signed_attr_providers(self, *args, **kwargs):
        # pyHanko's internal hook for the providers of the signed attributes
        for provider in super()._signed_attr_providers(*args, **kwargs):
            if type(provider) is SigningCertificateV2Provider:
                provider = _ParsedSigningCertificate(provider.signing_cert)
            yield provider


class KeySigner(PreparedAttributes):
    """A :class:`Signer` over an in-memory, already parsed private key.

    Signatures carry the signer's certificate and the intermediate CAs, not
    the root: a verifier trusts a root it already holds, never one a file
    brings (ETSI EN 319 142-1 asks for the chain up to, not including, the
    anchor), and every certificate carried is read, hex digit by hex digit,
    by every later verification.

    :param private_key: RSA or EC key object from :mod:`cryptography`.
    :param signing_cert: the matching certificate (asn1crypto).
    :param chain: issuing CA certificates to embed in the signature.
    """

    def __init__(
        self,
        private_key: RSAPrivateKey | EllipticCurvePrivateKey,
        signing_cert: x509.Certificate,
        chain: list[x509.Certificate] = (),
    ):
        if not isinstance(private_key, (RSAPrivateKey, EllipticCurvePrivateKey)):
            raise SigningError("only RSA and EC keys are supported")
        self._private_key = private_key
        registry = SimpleCertificateStore()
        registry.register_multiple(chain)
        super().__init__(signing_cert=signing_cert, cert_registry=registry, embed_roots=False)

    def __repr__(self) -> str:
        return f"<KeySigner {self.signing_cert.subject.human_friendly!r}>"

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algo = mechanism.signature_algo
        key = self._private_key
        if algo == "rsassa_pkcs1v15":
            return key.sign(
                data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm)
            )
        if algo == "rsassa_pss":
            padding, hash_algo = process_pss_params(mechanism["parameters"])
            return key.sign(data, padding, hash_algo)
        if algo == "ecdsa":
            return key.sign(
                data, ECDSA(get_pyca_cryptography_hash(digest_algorithm))
            )
        raise SigningError(f"unsupported signature mechanism {algo}")


class _ParsedSigningCertificate(SigningCertificateV2Provider):
    """pyHanko's provider of the signing-certificate-v2 attribute, its value built once and read back from DER."""

    async def build_attr_value(self, dry_run=False) -> tsp.SigningCertificateV2:
        return _signing_certificate_v2(self.signing_cert.dump())


@lru_cache(maxsize=4096)
def _signing_certificate_v2(cert_der: bytes) -> tsp.SigningCertificateV2:
    value = as_signing_certificate_v2(x509.Certificate.load(cert_der))
    return tsp.SigningCertificateV2.load(value.dump())


def _read(path: str | Path) -> bytes:
    """The file's bytes. ``open``, not ``Path``: Python 3.11's pathlib interns
    each name it parses, and a service opens a key file per letter."""
    with open(path, "rb") as f:
        return f.read()


def load_pkcs12_signer(
    path: str | Path | bytes, passphrase: str | bytes
) -> KeySigner:
    """Unlock a PKCS#12 file (path, or its bytes) and return a signer.

    The CA certificates in the file are embedded in every signature.

    :raises WrongPassphrase: the passphrase does not open the file (or the
        file is damaged: PKCS#12 cannot tell the two apart).
    :raises SigningError: the file holds no key or certificate.
    """
    data = path if isinstance(path, bytes) else _read(path)
    secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, secret)
    except ValueError:
        # "from None": the original exception adds nothing the caller needs
        raise WrongPassphrase(
            "the PKCS#12 file could not be unlocked "
            "(wrong passphrase or damaged file)"
        ) from None
    finally:
        del secret
    if key is None or cert is None:
        raise SigningError("the PKCS#12 file holds no key and certificate")
    return KeySigner(key, _asn1_cert(cert), [_asn1_cert(c) for c in others])


SEAL_ITERATIONS = 20_000
"""PBKDF2-SHA256 rounds of a sealed key: as many as cryptography spends on a
PKCS#12 file, so the sealed copy is no easier to guess at than the file."""


@dataclass(frozen=True)
class _Sealed:
    """A validated key, encrypted under its passphrase, bound to its file's hash."""

    fingerprint: bytes
    salt: bytes
    nonce: bytes
    box: bytes
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...]


def _seal_key(secret: bytes, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", secret, salt, SEAL_ITERATIONS, 32)


def _seal(signer: KeySigner, fingerprint: bytes, secret: bytes) -> _Sealed:
    salt, nonce = os.urandom(16), os.urandom(12)
    der = signer._private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    box = AESGCM(_seal_key(secret, salt)).encrypt(nonce, der, fingerprint)
    chain = tuple(signer.cert_registry)
    return _Sealed(fingerprint, salt, nonce, box, signer.signing_cert, chain)


def _open(sealed: _Sealed, secret: bytes) -> KeySigner | None:
    """The signer, or None if ``secret`` is not the passphrase it was sealed with."""
    try:
        der = AESGCM(_seal_key(secret, sealed.salt)).decrypt(
            sealed.nonce, sealed.box, sealed.fingerprint
        )
    except InvalidTag:
        return None
    # validated when it was first unlocked, and the seal proves it unchanged
    key = serialization.load_der_private_key(
        der, password=None, unsafe_skip_rsa_key_validation=True
    )
    return KeySigner(key, sealed.cert, list(sealed.chain))


class Pkcs12Keyring:
    """Unlocks PKCS#12 files, the second time onwards in ~4 ms instead of ~32.

    :mod:`cryptography` validates an RSA key each time it loads one (a
    primality check of its factors: ~27 ms of the ~32 ms a 2048-bit PKCS#12
    unlock costs), although an official's key never changes between two
    letters. The first unlock of a file is the full, validating one; the
    key is then kept *sealed*: AES-GCM under a key derived from the
    passphrase (PBKDF2, :data:`SEAL_ITERATIONS`, a salt of its own) and
    bound to the SHA-256 of the file. A later unlock with the same
    passphrase opens the seal and loads the validated key without checking
    it again. A wrong passphrase, or a file that changed, takes the full way
    and fails or succeeds exactly as :func:`load_pkcs12_signer` does.
    Neither the passphrase nor an unlocked key is kept.

    :param capacity: files remembered; the oldest is forgotten first.
    """

    def __init__(self, capacity: int = 4096):
        self.capacity = capacity
        self._sealed: dict[str, _Sealed] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Pkcs12Keyring {len(self._sealed)} sealed>"

    def unlock(self, path: str | Path, passphrase: str | bytes) -> KeySigner:
        """Like :func:`load_pkcs12_signer` (and raising the same errors)."""
        data = _read(path)
        secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
        fingerprint = hashlib.sha256(data).digest()
        sealed = self._sealed.get(str(path))
        if sealed is not None and sealed.fingerprint == fingerprint:
            signer = _open(sealed, secret)
            if signer is not None:
                return signer
        signer = load_pkcs12_signer(data, secret)
        self._remember(str(path), _seal(signer, fingerprint, secret))
        return signer

    def _remember(self, path: str, sealed: _Sealed) -> None:
        with self._lock:
            self._sealed.pop(path, None)
            self._sealed[path] = sealed
            while len(self._sealed) > self.capacity:
                del self._sealed[next(iter(self._sealed))]


class Pkcs11Token:
    """An open PKCS#11 session with a signer on one key; close when done.

    Use as a context manager, or keep it for the life of the process and
    call :meth:`close` on shutdown. :attr:`signer` is a pyHanko
    ``PKCS11Signer``.
    """

    def __init__(self, session, signer):
        self._session = session
        self.signer = signer

    def __enter__(self) -> Pkcs11Token:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Pkcs11Token {self.signer.signing_cert.subject.human_friendly!r}>"

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None


def _open_session(module: str | Path, token_label: str | None, slot: int | None, pin: str | None):
    """A session on the token named by label or slot; logged in when ``pin`` is given.

    :raises WrongPassphrase: the PIN is wrong (or not a possible PIN).
    :raises SigningError: no such module or token, or the token is logged
        in by another signature of this process (PKCS#11 keeps one login
        per token and process).
    """
    import pkcs11.exceptions
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import open_pkcs11_session

    where = f"label {token_label!r}" if token_label else f"slot {slot}"
    if not os.path.isfile(module):
        raise SigningError(f"PKCS#11 module {str(module)!r} not found")
    try:
        return open_pkcs11_session(
            str(module),
            slot_no=slot,
            token_criteria=TokenCriteria(label=token_label) if token_label else None,
            user_pin=pin,
        )
    except (pkcs11.exceptions.PinIncorrect, pkcs11.exceptions.PinLenRange, pkcs11.exceptions.PinInvalid):
        raise WrongPassphrase("the token PIN is wrong") from None
    except pkcs11.exceptions.UserAlreadyLoggedIn:
        raise SigningError(f"PKCS#11 token {where} is busy with another signature") from None
    except (pkcs11.exceptions.PKCS11Error, OSError, RuntimeError) as exc:
        # the exception's text may name the module's internals; its type is enough
        raise SigningError(f"cannot open PKCS#11 token {where}: {type(exc).__name__}") from None


def load_pkcs11_signer(
    module: str | Path,
    *,
    token_label: str | None = None,
    slot: int | None = None,
    key_label: str | None = None,
    key_id: bytes | None = None,
    pin: str,
    cert_label: str | None = None,
    signing_cert: x509.Certificate | None = None,
    chain: list[x509.Certificate] = (),
) -> Pkcs11Token:
    """Open a session on the token labelled ``token_label`` (or in ``slot``) and log in.

    The key is found by ``key_label`` or ``key_id``; the certificate is
    ``signing_cert``, else read from the token (``cert_label``, default the
    key label, or the key's ID); ``chain`` adds CA certificates to embed.

    :raises WrongPassphrase: the PIN is wrong.
    :raises SigningError: the module, token, key or certificate is missing.
    """
    from pyhanko.sign.pkcs11 import PKCS11Signer

    session = _open_session(module, token_label, slot, pin)
    try:
        signer = PKCS11Signer(
            session,
            key_label=key_label,
            key_id=key_id,
            cert_label=None if signing_cert is not None else cert_label or key_label,
            cert_id=None if signing_cert is not None or key_label else key_id,
            signing_cert=signing_cert,
            ca_chain=list(chain),
            embed_roots=False,  # as KeySigner
        )
        # fail now, not at the first signature, if the key or cert is missing
        signer.signing_cert  # noqa: B018
    except Exception as exc:
        session.close()
        raise SigningError(
            f"no usable key/certificate {key_label or key_id!r} on the token: {exc}"
        ) from None
    return Pkcs11Token(session, signer)


class Pkcs11Keystore:
    """The officials' keys on one PKCS#11 token, each found by the NIP in its certificate.

    A key is the one whose certificate on the token has the official's NIP
    as subject ``serialNumber`` (as :mod:`signing.devpki` issues them), and
    shares that certificate's ``CKA_ID`` (the usual pairing of a key and
    its certificate). Certificates are public objects: :meth:`has_key`
    needs no PIN. :meth:`unlock` checks the PIN given, the token's user PIN.

    PKCS#11 keeps one login per token and process, shared by all its
    sessions, and a session left logged in would let any later signature
    through without a PIN. So no session outlives a call: :meth:`unlock`
    logs in to check the PIN and logs out, and the signer it returns logs
    in for each signature and out again, one signature of this process at
    a time (a signature takes milliseconds on the token). That signer keeps
    the PIN for its own life, one request: the price of never leaving the
    token logged in.

    :raises SigningError: (constructor) the module or the token is missing.
    """

    def __init__(self, module: str | Path, *, token_label: str | None = None, slot: int | None = None,
                 chain: list[x509.Certificate] = ()):
        self.module, self.token_label, self.slot = str(module), token_label, slot
        self.chain = list(chain)
        self._lock = threading.Lock()
        self._certificates()  # the module and the token are there, or the start stops

    def __repr__(self) -> str:
        return f"<Pkcs11Keystore {self.module!r} {self.token_label or self.slot!r}>"

    def _certificates(self) -> dict[str, tuple[bytes, x509.Certificate]]:
        """The token's certificates by the NIP in their subject: (CKA_ID, certificate)."""
        from pkcs11 import Attribute, ObjectClass

        session = _open_session(self.module, self.token_label, self.slot, None)
        try:
            found = {}
            for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
                cert = x509.Certificate.load(obj[Attribute.VALUE])
                nip = cert.subject.native.get("serial_number")
                if nip:
                    found[nip] = (obj[Attribute.ID], cert)
            return found
        finally:
            session.close()

    def has_key(self, nip: str) -> bool:
        return nip in self._certificates()

    def _logged_in(self, key_id: bytes, pin: str, cert: x509.Certificate) -> Pkcs11Token:
        """A session logged in with ``pin`` and a signer on the key ``key_id``; close it at once after use."""
        return load_pkcs11_signer(self.module, token_label=self.token_label, slot=self.slot, key_id=key_id,
                                  pin=pin, signing_cert=cert, chain=self.chain)

    def unlock(self, nip: str, pin: str) -> Signer:
        """The signer of ``nip``'s key, the PIN checked now.

        :raises WrongPassphrase: the PIN is wrong.
        :raises SigningError: no certificate for ``nip``, or the key is missing.
        """
        try:
            key_id, cert = self._certificates()[nip]
        except KeyError:
            raise SigningError(f"no certificate for NIP {nip} on the token") from None
        with self._lock, self._logged_in(key_id, pin, cert):
            pass
        return _Pkcs11KeySigner(self, key_id, cert, pin)


class _Pkcs11KeySigner(Signer):
    """A signer on a token key that logs in for each raw signature only (see :class:`Pkcs11Keystore`)."""

    def __init__(self, keystore: Pkcs11Keystore, key_id: bytes, cert: x509.Certificate, pin: str):
        self._lock = keystore._lock
        # in a closure, not an attribute: no repr or vars() of the signer shows the PIN
        self._log_in = lambda: keystore._logged_in(key_id, pin, cert)
        registry = SimpleCertificateStore()
        registry.register_multiple(keystore.chain)
        super().__init__(signing_cert=cert, cert_registry=registry, embed_roots=False)

    def __repr__(self) -> str:
        return f"<Pkcs11 signer {self.signing_cert.subject.human_friendly!r}>"

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        with self._lock, self._log_in() as token:
            return await token.signer.async_sign_raw(data, digest_algorithm, dry_run)


__all__ = [
    "KeySigner",
    "Pkcs11Token",
    "Pkcs11Keystore",
    "Pkcs12Keyring",
    "load_pkcs11_signer",
    "load_pkcs12_signer",
]
