"""Signing back ends as pyHanko :class:`~pyhanko.sign.signers.Signer` objects.

Two back ends:

* :func:`load_pkcs12_signer` — a PKCS#12 file unlocked with the official's
  passphrase. pyHanko's stock ``SimpleSigner`` keeps the key as ASN.1 and
  re-parses it for every raw signature (and signs twice per PDF when the
  size is estimated), which costs ~95 ms per signature. :class:`KeySigner`
  keeps the parsed :mod:`cryptography` key object instead.
* :func:`load_pkcs11_signer` — a key on a PKCS#11 token (tested with
  SoftHSM2) through :mod:`pyhanko.sign.pkcs11`; the key never leaves it.

Passphrases and PINs are only passed through: no object keeps them, and
they appear in no log line, exception message or repr.
"""

from __future__ import annotations

import logging
from pathlib import Path

from asn1crypto import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import (
    ECDSA,
    EllipticCurvePrivateKey,
)
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params
from pyhanko.sign.signers import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .errors import SigningError, WrongPassphrase

logger = logging.getLogger(__name__)


def _asn1_cert(pyca_cert) -> x509.Certificate:
    return x509.Certificate.load(
        pyca_cert.public_bytes(serialization.Encoding.DER)
    )


class KeySigner(Signer):
    """A :class:`Signer` over an in-memory, already parsed private key.

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
        super().__init__(signing_cert=signing_cert, cert_registry=registry)

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


def load_pkcs12_signer(
    path: str | Path | bytes, passphrase: str | bytes
) -> KeySigner:
    """Unlock a PKCS#12 file (path, or its bytes) and return a signer.

    The CA certificates in the file are embedded in every signature.

    :raises WrongPassphrase: the passphrase does not open the file (or the
        file is damaged: PKCS#12 cannot tell the two apart).
    :raises SigningError: the file holds no key or certificate.
    """
    data = path if isinstance(path, bytes) else Path(path).read_bytes()
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


def load_key_signer(
    key_pem: bytes, cert: x509.Certificate, chain: list[x509.Certificate] = ()
) -> KeySigner:
    """Signer from an unencrypted PEM key (the development TSA and tests)."""
    key = serialization.load_pem_private_key(key_pem, password=None)
    return KeySigner(key, cert, list(chain))


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


def load_pkcs11_signer(
    module: str | Path,
    *,
    token_label: str,
    key_label: str,
    pin: str,
    cert_label: str | None = None,
    chain: list[x509.Certificate] = (),
) -> Pkcs11Token:
    """Open a session on the token labelled ``token_label`` and log in.

    The certificate is read from the token (``cert_label``, default the key
    label); ``chain`` adds CA certificates to embed.

    :raises WrongPassphrase: the PIN is wrong.
    :raises SigningError: the module, token, key or certificate is missing.
    """
    import pkcs11.exceptions
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    try:
        session = open_pkcs11_session(
            str(module),
            token_criteria=TokenCriteria(label=token_label),
            user_pin=pin,
        )
    except pkcs11.exceptions.PinIncorrect:
        raise WrongPassphrase("the token PIN is wrong") from None
    except (pkcs11.exceptions.PKCS11Error, OSError, RuntimeError) as exc:
        raise SigningError(
            f"cannot open PKCS#11 token {token_label!r}: {type(exc).__name__}"
        ) from None
    try:
        signer = PKCS11Signer(
            session,
            key_label=key_label,
            cert_label=cert_label or key_label,
            ca_chain=list(chain),
        )
        # fail now, not at the first signature, if the cert is missing
        signer.signing_cert  # noqa: B018
    except Exception as exc:
        session.close()
        raise SigningError(
            f"no usable key/certificate {key_label!r} on the token: {exc}"
        ) from None
    return Pkcs11Token(session, signer)


__all__ = [
    "KeySigner",
    "Pkcs11Token",
    "load_key_signer",
    "load_pkcs11_signer",
    "load_pkcs12_signer",
]
