"""PAdES signing and strict verification of suratkerja letters.

Independent of the web service (never imports ``service``) and of Flask.
Typical use::

    signer = load_pkcs12_signer(p12_path, passphrase)
    signed = sign_pdf(pdf, signer, field_name="ttd", level=PadesLevel.B_T,
                      timestamper=http_timestamper(tsa_url), box=(0, 300, 60, 560, 160),
                      appearance=Appearance(jabatan, nama, nip, qr_url, footer))
    report = verify_pdf(signed, trust_roots=[root_ca]).to_dict()
"""

from .devpki import is_development_certificate
from .errors import SigningError, WrongPassphrase
from .placement import BelowDestination, find_destination
from .report import SignatureReport, VerificationReport
from .sign import PadesLevel, sign_pdf
from .signers import KeySigner, Pkcs11Keystore, Pkcs11Token, Pkcs12Keyring, load_pkcs11_signer, load_pkcs12_signer
from .stamp import Appearance
from .timestamps import (
    KeyTimeStamper,
    LocalTsa,
    http_timestamper,
    load_dev_timestamper,
    start_local_tsa,
)
from .verify import as_certificate, verify_pdf

__all__ = [
    "Appearance",
    "as_certificate",
    "BelowDestination",
    "KeySigner",
    "KeyTimeStamper",
    "LocalTsa",
    "PadesLevel",
    "Pkcs11Keystore",
    "Pkcs11Token",
    "Pkcs12Keyring",
    "SignatureReport",
    "SigningError",
    "VerificationReport",
    "WrongPassphrase",
    "http_timestamper",
    "find_destination",
    "is_development_certificate",
    "load_dev_timestamper",
    "load_pkcs11_signer",
    "load_pkcs12_signer",
    "sign_pdf",
    "start_local_tsa",
    "verify_pdf",
]
