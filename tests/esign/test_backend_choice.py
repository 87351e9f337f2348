"""The Esign back end chosen for one region or one official, beside local keys for the others."""

from __future__ import annotations

from ..support import JENIS, PASSPHRASE, SIGNER_NIP, sample, verify
from .conftest import TOTP, nik_of

CREATE_AND_SIGN = f"/api/v1/surat/{JENIS}/terbit-tandatangan"


def _signer_nip(wilayah: str) -> str:
    return "".join(sample(wilayah, JENIS)["penandatangan"]["nip"].split())


def test_a_region_signs_through_esign_while_the_others_keep_their_keys(esign_client, double):
    client = esign_client("v2", signer_backend="pkcs12", signer_backend_by_wilayah={"bungo": "esign-v2"})
    bungo = client.post(CREATE_AND_SIGN, json={"surat": sample("bungo", JENIS), "passphrase": PASSPHRASE,
                                               "nik": nik_of(_signer_nip("bungo"))})
    assert bungo.status_code == 201, bungo.get_json()
    assert len(double.documents) == 1  # BSrE signed it
    local = client.post(CREATE_AND_SIGN, json={"surat": sample("hulu-sungai-selatan", JENIS),
                                               "passphrase": PASSPHRASE})
    assert local.status_code == 201, local.get_json()
    assert len(double.documents) == 1  # signed here, with the official's PKCS#12 file
    for created in (bungo.get_json(), local.get_json()):
        assert created["status"] == "ditandatangani"
        assert verify(client, client.get(created["tautan"]["pdf"]).data).get_json()["indication"] == "TOTAL_PASSED"


def test_an_official_keeps_a_local_key_where_the_service_signs_through_esign(esign_client, double):
    client = esign_client("v1", signer_backend_by_nip={SIGNER_NIP: "pkcs12"})
    issued = client.post(f"/api/v1/surat/{JENIS}", json=sample("hulu-sungai-selatan", JENIS)).get_json()
    signed = client.post(f"/api/v1/surat/{issued['id']}/tandatangan", json={"nip": SIGNER_NIP, "passphrase": PASSPHRASE})
    assert signed.status_code == 200, signed.get_json()  # no NIK asked: the key is here
    assert signed.get_json()["status"] == "ditandatangani" and not double.documents
    other = client.post(CREATE_AND_SIGN, json={"surat": sample("bungo", JENIS), "passphrase": PASSPHRASE})
    assert other.status_code == 422 and other.get_json()["errors"][0]["pointer"] == "/nik"  # BSrE's: NIK needed


def test_a_region_s_esign_service_configured_by_its_own_table(esign_client, esign_double, esign_files, pki_dir,
                                                               double):
    table = {"kind": "esign-v2", "url": esign_double.url, "username_file": str(esign_files / "user"),
             "password_file": str(esign_files / "password"), "roots_file": str(pki_dir / "root-ca.pem")}
    client = esign_client("v1", signer_backend="pkcs12", signer_backends={"esign-bungo": table},
                          signer_backend_by_wilayah={"bungo": "esign-bungo"})
    created = client.post(CREATE_AND_SIGN, json={"surat": sample("bungo", JENIS), "totp": TOTP,
                                                 "nik": nik_of(_signer_nip("bungo"))})
    assert created.status_code == 201, created.get_json()  # a TOTP: version 2, as the table says
    assert len(double.documents) == 1
