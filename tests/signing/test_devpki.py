"""The development PKI command: files, permissions, secrets kept out of output."""

from __future__ import annotations

import json
import stat

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from signing import is_development_certificate, load_pkcs12_signer
from signing.devpki import main

OFFICIAL = {"nama": "Siti Aminah, S.E.", "nip": "197501012000032001", "jabatan": "Sekretaris Daerah"}


def test_devpki_command(tmp_path, capsys):
    officials = tmp_path / "pejabat.json"
    officials.write_text(json.dumps([OFFICIAL]), encoding="utf-8")
    pki_dir = tmp_path / "pki"
    assert main([str(pki_dir), "--officials", str(officials), "--base-url", "http://127.0.0.1:9000"]) == 0
    base = pki_dir / "officials" / OFFICIAL["nip"]
    passphrase_file = base.with_suffix(".passphrase")
    assert stat.S_IMODE(passphrase_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((pki_dir / "root-ca.key.pem").stat().st_mode) == 0o600
    passphrase = passphrase_file.read_text()
    assert passphrase not in capsys.readouterr().out

    signer = load_pkcs12_signer(base.with_suffix(".p12"), passphrase)
    subject = signer.signing_cert.subject.native
    assert subject["common_name"] == OFFICIAL["nama"] and subject["serial_number"] == OFFICIAL["nip"]
    assert is_development_certificate(signer.signing_cert)

    cert = x509.load_pem_x509_certificate(base.with_suffix(".pem").read_bytes())
    cdp = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert cdp[0].full_name[0].value == "http://127.0.0.1:9000/pki/issuing-ca.crl"
    tsa = x509.load_pem_x509_certificate((pki_dir / "tsa.pem").read_bytes())
    eku = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert "NOT FOR PRODUCTION" in cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert (pki_dir / "root-ca.crl").exists() and (pki_dir / "issuing-ca.crl").exists()

    # a second run keeps what exists
    before = base.with_suffix(".p12").read_bytes()
    assert main([str(pki_dir), "--officials", str(officials)]) == 0
    assert base.with_suffix(".p12").read_bytes() == before
