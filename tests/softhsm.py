"""A SoftHSM2 token holding one official's key and certificate, for PKCS#11 tests."""

from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

from asn1crypto import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

SOFTHSM_MODULE = next(
    (p for p in ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
     if Path(p).exists()),
    None,
)
TOKEN_LABEL, KEY_LABEL, TOKEN_PIN = "suratkerja", "pemohon", "4719"
_MADE: dict[bytes, str] = {}
"""The token this process made, by the PKCS#12 it holds: SoftHSM reads its
configuration once per process, so a second token directory would go unseen."""


@contextmanager
def softhsm_token(p12: bytes, passphrase: bytes, work: Path):
    """Import the key of ``p12`` into a fresh token; yield the module path.

    The key goes in with ``softhsm2-util``, the certificate with python-pkcs11
    (softhsm2-util imports keys only). ``SOFTHSM2_CONF`` points at ``work``
    for the duration. The process's one token is made once; later calls
    for the same key yield it again.
    """
    if _MADE:
        if p12 not in _MADE:
            raise RuntimeError("SoftHSM: one token per test process, holding one key")
        yield _MADE[p12]
        return
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    (work / "tokens").mkdir(parents=True)
    conf = work / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {work / 'tokens'}\nobjectstore.backend = file\n")
    old_conf = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    key, cert, _ = pkcs12.load_key_and_certificates(p12, passphrase)
    key_pem = work / "key.pem"
    key_pem.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    run = lambda *args: subprocess.run(args, check=True, capture_output=True, timeout=60)  # noqa: E731
    try:
        run("softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL,
            "--so-pin", "123456", "--pin", TOKEN_PIN)
        run("softhsm2-util", "--import", str(key_pem), "--token", TOKEN_LABEL, "--label", KEY_LABEL,
            "--id", "01", "--pin", TOKEN_PIN)
        key_pem.unlink()
        cert_der = cert.public_bytes(serialization.Encoding.DER)
        asn1_cert = x509.Certificate.load(cert_der)
        token = pkcs11.lib(SOFTHSM_MODULE).get_token(token_label=TOKEN_LABEL)
        with token.open(rw=True, user_pin=TOKEN_PIN) as session:
            session.create_object({
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.LABEL: KEY_LABEL,
                Attribute.ID: b"\x01",
                Attribute.TOKEN: True,
                Attribute.VALUE: cert_der,
                Attribute.SUBJECT: asn1_cert.subject.dump(),
                Attribute.ISSUER: asn1_cert.issuer.dump(),
                Attribute.SERIAL_NUMBER: asn1_cert["tbs_certificate"]["serial_number"].dump(),
            })
        _MADE[p12] = SOFTHSM_MODULE
        yield SOFTHSM_MODULE
    finally:
        key_pem.unlink(missing_ok=True)
        if old_conf is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = old_conf
