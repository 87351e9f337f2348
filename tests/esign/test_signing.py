"""Letters signed by BSrE through the Esign Client Service (its double, over HTTP on loopback).

Both API versions, both ways of placing the stamp, sign-later and
create-and-sign: the stored letter validates for poppler's pdfsig and the
service's own report, and is the letter that was sent plus one signature
of its penandatangan.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import find_destination

from ..support import JENIS, PASSPHRASE, SIGNER_NIP, issue, pdfsig, sample, verify
from .conftest import SIGNER_NIK, TOTP, nik_of

CREATE_AND_SIGN = f"/api/v1/surat/{JENIS}/terbit-tandatangan"


def _signed_pdf(client, created: dict) -> bytes:
    letter = client.get(created["tautan"]["self"]).get_json()
    assert letter["status"] == "ditandatangani", letter
    taken_at_signing = ["dinomori"] if created["nomor"] is None else []  # a draft signed later
    assert [r["aksi"] for r in letter["riwayat"]] == ["diterbitkan", *taken_at_signing, "ditandatangani"]
    return client.get(created["tautan"]["pdf"]).data


def _stamp_box(pdf: bytes):
    """The stamp's rectangle, and where the template's bookmark ``ttd`` is."""
    reader = PdfFileReader(BytesIO(pdf))
    widget = reader.embedded_signatures[0].sig_field
    rect = [float(v) for v in (widget["/Rect"] if "/Rect" in widget else widget["/Kids"][0]["/Rect"])]
    return rect, find_destination(reader, "ttd")


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("placement", ["coordinates", "tag"])
def test_a_letter_created_and_signed_through_esign_validates_and_carries_the_stamp_at_its_bookmark(
        esign_client, version, placement, nssdb, tmp_path):
    client = esign_client(version, placement)
    created = client.post(CREATE_AND_SIGN, json={"surat": sample("hulu-sungai-selatan", JENIS),
                                                 "nik": SIGNER_NIK, "passphrase": PASSPHRASE})
    assert created.status_code == 201, created.get_json()
    pdf = _signed_pdf(client, created.get_json())

    out = pdfsig(pdf, nssdb, tmp_path)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
    report = verify(client, pdf).get_json()
    assert report["indication"] == "TOTAL_PASSED", report
    assert report["identik_dengan_terbitan"] is True
    [sig] = report["signatures"]
    assert sig["signer_nip"] == SIGNER_NIP and sig["level"] == "B-T"
    (x1, y1, x2, y2), (_, x, top) = _stamp_box(pdf)
    assert abs(x1 - x) < 1 and abs(y2 - top) < 8 and x2 > x1 and y2 > y1


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_an_issued_letter_is_signed_later_through_esign(esign_client, version, nssdb, tmp_path):
    client = esign_client(version)
    created = issue(client)
    signed = client.post(f"/api/v1/surat/{created['id']}/tandatangan",
                         json={"nip": SIGNER_NIP, "nik": SIGNER_NIK, "passphrase": PASSPHRASE})
    assert signed.status_code == 200, signed.get_json()
    assert signed.get_json()["status"] == "ditandatangani"
    pdf = _signed_pdf(client, created)
    assert "Signature is Valid." in pdfsig(pdf, nssdb, tmp_path)
    preview = client.get(created["tautan"]["self"]).get_json()["sha256"]["pdf"]
    assert verify(client, pdf).get_json()["indication"] == "TOTAL_PASSED"
    assert preview != signed.get_json()["sha256"]["ditandatangani"]


@pytest.mark.parametrize("level, found", [
    ("B-LT", [("signature", "B-LT")]),
    ("B-LTA", [("signature", "B-LTA"), ("document_timestamp", None)]),
])
def test_a_letter_bsre_signed_at_b_t_comes_back_at_the_long_term_level_asked(esign_client, nssdb, tmp_path,
                                                                              level, found):
    client = esign_client("v2")
    created = client.post(CREATE_AND_SIGN, json={"surat": sample("hulu-sungai-selatan", JENIS), "nik": SIGNER_NIK,
                                                 "passphrase": PASSPHRASE, "tingkat": level})
    assert created.status_code == 201, created.get_json()
    pdf = _signed_pdf(client, created.get_json())
    report = verify(client, pdf).get_json()
    assert report["indication"] == "TOTAL_PASSED", report
    assert [(s["kind"], s["level"]) for s in report["signatures"]] == found
    out = pdfsig(pdf, nssdb, tmp_path)  # poppler checks the signature, not document time stamps
    assert out.split("Signature #2")[0].count("Signature is Valid.") == 1, out


def test_a_totp_signs_through_version_2_and_is_refused_for_version_1(esign_client):
    client = esign_client("v2")
    created = client.post(CREATE_AND_SIGN, json={"surat": sample("hulu-sungai-selatan", JENIS),
                                                 "nik": SIGNER_NIK, "totp": TOTP})
    assert created.status_code == 201, created.get_json()

    client = esign_client("v1")
    refused = client.post(CREATE_AND_SIGN, json={"surat": sample("hulu-sungai-selatan", JENIS),
                                                 "nik": SIGNER_NIK, "totp": TOTP})
    assert refused.status_code == 422
    assert [e["pointer"] for e in refused.get_json()["errors"]] == ["/totp"]


def test_the_esign_back_end_asks_for_the_nik_and_exactly_one_secret(esign_client):
    client = esign_client("v1")
    letter = issue(client)
    url = f"/api/v1/surat/{letter['id']}/tandatangan"
    no_nik = client.post(url, json={"nip": SIGNER_NIP, "passphrase": PASSPHRASE})
    assert no_nik.status_code == 422 and no_nik.get_json()["errors"][0]["pointer"] == "/nik"
    both = client.post(url, json={"nip": SIGNER_NIP, "nik": SIGNER_NIK, "passphrase": PASSPHRASE, "totp": TOTP})
    assert both.status_code == 422 and both.get_json()["errors"][0]["pointer"] == "/passphrase"
    bad_nik = client.post(url, json={"nip": SIGNER_NIP, "nik": "12345", "passphrase": PASSPHRASE})
    assert bad_nik.status_code == 422 and bad_nik.get_json()["errors"][0]["code"] == "nik_tidak_valid"
    assert client.get(letter["tautan"]["self"]).get_json()["status"] == "siap_ditandatangani"


def test_every_sample_letter_signs_through_esign_and_passes_the_service_s_report(esign_client):
    """Each sample created and signed on a registry of its own, taking turns at version and placement
    (the combinations each have their tests above and in test_mengetahui), then countersigned by each
    "Mengetahui" in order."""
    from ..support import all_samples

    for index, (wilayah, jenis) in enumerate(all_samples()):
        client = esign_client(("v1", "v2")[index % 2], ("coordinates", "tag")[index // 2 % 2])
        body = sample(wilayah, jenis)
        nip = body["penandatangan"]["nip"].replace(" ", "")
        created = client.post(f"/api/v1/surat/{jenis}/terbit-tandatangan",
                              json={"surat": body, "nik": nik_of(nip), "passphrase": PASSPHRASE})
        assert created.status_code == 201, (wilayah, jenis, created.get_json())
        signers = [nip]
        for official in body.get("mengetahui", []):
            signers.append(official["nip"].replace(" ", ""))
            signed = client.post(f"/api/v1/surat/{created.get_json()['id']}/tandatangan",
                                 json={"nip": signers[-1], "nik": nik_of(signers[-1]), "passphrase": PASSPHRASE})
            assert signed.status_code == 200, (wilayah, jenis, signed.get_json())
        report = verify(client, client.get(created.get_json()["tautan"]["pdf"]).data).get_json()
        assert report["indication"] == "TOTAL_PASSED", (wilayah, jenis, report)
        assert [s["signer_nip"] for s in report["signatures"]] == signers
