"""Start-up checks of signing: production never runs on development trust, and the
signer back end is chosen, and opened, by configuration."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from service import create_app
from service.plumbing.config import ConfigError
from service.signatures import setup

from .conftest import sample
from .softhsm import TOKEN_LABEL, TOKEN_PIN
from .support import SIGNER_NIP, admin_client

TSA_URL = "http://tsa.pemda.invalid/tsr"
"""The penandatangan of the hulu-sungai-selatan samples, whose key goes on the token."""
OTHER_NIP = "197203151999031005"
"""An official of another sample: a PKCS#12 file in the PKI, but no key on the token."""


def _start(tmp_path, **settings):
    return create_app({"instance_dir": tmp_path, **settings}, converter=object())


@pytest.fixture(scope="module")
def production_pki(tmp_path_factory):
    """A trust root that is not the development PKI's (a stand-in for a real CA's)."""
    directory = tmp_path_factory.mktemp("pki-produksi")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Root CA Pemerintah Daerah")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (directory / "root-ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return directory


def test_production_on_the_development_pki_does_not_start(tmp_path, pki_dir):
    with pytest.raises(ConfigError, match=r"production = true but the PKI in .* is the development PKI"):
        _start(tmp_path, production=True, pki_dir=pki_dir, tsa_url=TSA_URL)


def test_production_without_a_timestamp_authority_does_not_start_the_development_one(tmp_path, production_pki):
    with pytest.raises(ConfigError, match="production = true needs tsa_url"):
        _start(tmp_path, production=True, pki_dir=production_pki)
    assert production_pki not in setup._LOCAL_TSA


def test_production_without_a_trust_root_does_not_start(tmp_path):
    with pytest.raises(ConfigError, match=r"production = true needs a trust root: .*root-ca\.pem is missing"):
        _start(tmp_path, production=True, pki_dir=tmp_path / "kosong", tsa_url=TSA_URL)


def test_production_on_another_trust_root_with_a_timestamp_authority_starts(tmp_path, production_pki):
    app = _start(tmp_path, production=True, pki_dir=production_pki, tsa_url=TSA_URL)
    assert app.extensions["suratkerja"].signing.production


def test_development_settings_still_start_on_the_development_pki(tmp_path, pki_dir):
    assert _start(tmp_path, pki_dir=pki_dir).extensions["suratkerja"].signing.timestamper is not None


def test_a_missing_pkcs11_module_stops_the_start(tmp_path, pki_dir):
    missing = tmp_path / "tidak-ada.so"
    with pytest.raises(ConfigError, match=r'signer_backend = "pkcs11": PKCS#11 module .*tidak-ada\.so.* not found'):
        _start(tmp_path, pki_dir=pki_dir, signer_backend="pkcs11", pkcs11_module=str(missing),
               pkcs11_token_label=TOKEN_LABEL)


@pytest.mark.softhsm
def test_an_unknown_token_label_stops_the_start(tmp_path, pki_dir, token):
    with pytest.raises(ConfigError, match="""signer_backend = "pkcs11": cannot open PKCS#11 token label 'tidak-ada'"""):
        _start(tmp_path, pki_dir=pki_dir, signer_backend="pkcs11", pkcs11_module=token,
               pkcs11_token_label="tidak-ada")


@pytest.fixture
def hsm_client(tmp_path, pki_dir, converter, token):
    app = create_app({"instance_dir": tmp_path, "pki_dir": pki_dir, "signer_backend": "pkcs11",
                      "pkcs11_module": token, "pkcs11_token_label": TOKEN_LABEL}, converter=converter)
    return admin_client(app)


@pytest.mark.softhsm
def test_a_letter_is_issued_and_signed_with_the_key_on_the_token(hsm_client):
    body = sample("hulu-sungai-selatan", "permohonan-pelibatan")
    assert body["penandatangan"]["nip"].replace(" ", "") == SIGNER_NIP
    wrong = hsm_client.post("/api/v1/surat/permohonan-pelibatan/terbit-tandatangan",
                            json={"surat": body, "passphrase": "0000"})
    assert wrong.status_code == 401, wrong.get_json()
    created = hsm_client.post("/api/v1/surat/permohonan-pelibatan/terbit-tandatangan",
                              json={"surat": body, "passphrase": TOKEN_PIN})
    assert created.status_code == 201, created.get_json()
    letter = created.get_json()
    assert letter["status"] == "ditandatangani"
    pdf = hsm_client.get(letter["tautan"]["pdf"]).data
    report = hsm_client.post("/api/v1/verifikasi", data=pdf, content_type="application/pdf").get_json()
    assert report["indication"] == "TOTAL_PASSED", report
    assert report["signatures"][0]["signer_nip"] == SIGNER_NIP
    assert report["terbitan"]["nomor"] == letter["nomor"]


@pytest.mark.softhsm
def test_the_token_signs_one_letter_after_another(hsm_client):
    """Each signature's login ends with it: the next one logs in again, with its own PIN checked."""
    body = sample("hulu-sungai-selatan", "permohonan-pelibatan")
    for _ in range(2):
        draft = hsm_client.post("/api/v1/surat/permohonan-pelibatan", json=body).get_json()
        signed = hsm_client.post(f"/api/v1/surat/{draft['id']}/tandatangan",
                                 json={"nip": SIGNER_NIP, "passphrase": TOKEN_PIN})
        assert signed.status_code == 200, signed.get_json()
    draft = hsm_client.post("/api/v1/surat/permohonan-pelibatan", json=body).get_json()
    wrong = hsm_client.post(f"/api/v1/surat/{draft['id']}/tandatangan", json={"nip": SIGNER_NIP, "passphrase": "9999"})
    assert wrong.status_code == 401, wrong.get_json()


@pytest.mark.softhsm
def test_an_official_without_a_key_on_the_token_is_told_so(hsm_client):
    body = sample("hulu-sungai-selatan", "permohonan-pelibatan")
    body["penandatangan"]["nip"] = OTHER_NIP
    response = hsm_client.post("/api/v1/surat/permohonan-pelibatan/terbit-tandatangan",
                               json={"surat": body, "passphrase": TOKEN_PIN})
    assert response.status_code == 409, response.get_json()
    assert "Belum ada sertifikat elektronik" in response.get_json()["detail"]


@pytest.mark.softhsm
def test_a_token_signer_shows_its_pin_nowhere(tmp_path, pki_dir, token):
    setup = _start(tmp_path, pki_dir=pki_dir, signer_backend="pkcs11", pkcs11_module=token,
                   pkcs11_token_label=TOKEN_LABEL).extensions["suratkerja"].signing
    signer = setup.unlock(SIGNER_NIP, TOKEN_PIN)
    assert SIGNER_NIP in signer.signing_cert.subject.human_friendly
    assert TOKEN_PIN not in repr(signer) and TOKEN_PIN not in repr(vars(signer))


def test_the_command_names_a_mistyped_setting_without_a_traceback(tmp_path):
    config = tmp_path / "suratkerja.toml"
    config.write_text('production = "false"\n')
    done = subprocess.run([sys.executable, "-m", "service.cli", "serve", "--port", "1"], capture_output=True,
                          text=True, env={**os.environ, "SURATKERJA_CONFIG": str(config)}, timeout=60)
    assert done.returncode == 1
    assert "suratkerja: setting 'production' must be bool, not str" in done.stderr
    assert "Traceback" not in done.stderr
