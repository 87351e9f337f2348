"""A pengajuan sukarela signed through BSrE: the penandatangan, then each "Mengetahui" in order.

The Esign service signs in a signature field it adds itself; each
countersignature is therefore a new field after the first signature. The
stored letter must validate for poppler's pdfsig, for pyHanko's own
difference analysis and for the service's stricter report, each stamp on
its signer's own block; a returned file with anything more is refused.
"""

from __future__ import annotations

import time
from io import BytesIO

import pytest
from asn1crypto.crl import CertificateList
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from service.signatures import esign
from signing import find_destination
from signing.esign import Coordinates, ReturnedFileRefused, Secret, check_returned, with_empty_form
from signing.signers import load_pkcs12_signer
from signing.verify import as_certificate

from ..support import PASSPHRASE, pdfsig, sample, text_pdf, verify
from .conftest import nik_of

JENIS = "pengajuan-sukarela"
WILAYAH = "bungo"
"""Bungo's sample has two "Mengetahui"."""


def _nip(official: dict) -> str:
    return official["nip"].replace(" ", "")


def _create_and_sign(client):
    body = sample(WILAYAH, JENIS)
    created = client.post(f"/api/v1/surat/{JENIS}/terbit-tandatangan",
                          json={"surat": body, "nik": nik_of(_nip(body["penandatangan"])), "passphrase": PASSPHRASE})
    assert created.status_code == 201, created.get_json()
    return body, created.get_json()


def _countersign(client, letter: dict, official: dict):
    return client.post(f"/api/v1/surat/{letter['id']}/tandatangan",
                       json={"nip": _nip(official), "nik": nik_of(_nip(official)), "passphrase": PASSPHRASE})


def _stamps(pdf: bytes):
    """Each signature's stamp rectangle and the destination of its signer's bookmark, in signing order."""
    reader = PdfFileReader(BytesIO(pdf))
    found = []
    for index, sig in enumerate(sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)):
        widget = sig.sig_field
        rect = [float(v) for v in (widget["/Rect"] if "/Rect" in widget else widget["/Kids"][0]["/Rect"])]
        found.append((rect, find_destination(reader, "ttd" if index == 0 else f"ttdmengetahui{index}")))
    return found


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("placement", ["coordinates", "tag"])
def test_a_pengajuan_sukarela_is_signed_through_esign_by_each_signer_in_order_and_validates(
        esign_client, version, placement, pki_dir, nssdb, tmp_path):
    client = esign_client(version, placement)
    body, created = _create_and_sign(client)
    letter = client.get(created["tautan"]["self"]).get_json()
    assert letter["status"] == "menunggu_mengetahui"
    first, second = body["mengetahui"]
    assert _countersign(client, letter, second).status_code == 403  # not their turn yet
    assert _countersign(client, letter, first).status_code == 200
    done = _countersign(client, letter, second)
    assert done.status_code == 200, done.get_json()
    letter = client.get(created["tautan"]["self"]).get_json()
    assert letter["status"] == "ditandatangani"
    assert [r["aksi"] for r in letter["riwayat"]] == [
        "diterbitkan", "ditandatangani", "ditandatangani_mengetahui", "ditandatangani_mengetahui"]
    pdf = client.get(created["tautan"]["pdf"]).data

    out = pdfsig(pdf, nssdb, tmp_path)
    assert out.count("Signature is Valid.") == 3 and out.count("Certificate is Trusted.") == 3, out
    report = verify(client, pdf).get_json()
    assert report["indication"] == "TOTAL_PASSED", report
    assert [s["signer_nip"] for s in report["signatures"]] == [
        _nip(body["penandatangan"]), _nip(first), _nip(second)]
    embedded = sorted(PdfFileReader(BytesIO(pdf)).embedded_signatures, key=lambda s: s.signed_revision)
    for later, sig in reversed(list(enumerate(embedded, 1))):  # pyHanko's own verdict and difference analysis
        context = ValidationContext(
            trust_roots=[as_certificate((pki_dir / "root-ca.pem").read_bytes())],
            other_certs=[as_certificate((pki_dir / "issuing-ca.pem").read_bytes())],
            crls=[CertificateList.load(p.read_bytes()) for p in pki_dir.glob("*.crl")], allow_fetching=False)
        status = validate_pdf_signature(sig, context)
        assert status.bottom_line, status.pretty_print_details()
        assert status.modification_level == (ModificationLevel.NONE if later == len(embedded)  # the new fields
                                             else ModificationLevel.FORM_FILLING)
    for (x1, y1, x2, y2), (_, x, top) in _stamps(pdf):  # each stamp on its own signer's block
        assert abs(x1 - x) < 1 and abs(y2 - top) < 8 and x2 > x1 and y2 > y1


def test_a_countersignature_the_service_returned_altered_is_refused_and_the_letter_waits(esign_client, double):
    client = esign_client("v2")
    body, created = _create_and_sign(client)
    letter = client.get(created["tautan"]["self"]).get_json()
    double.mode = "altered"
    refused = _countersign(client, letter, body["mengetahui"][0])
    assert refused.status_code == 502, refused.get_json()
    after = client.get(created["tautan"]["self"]).get_json()
    assert after["status"] == "menunggu_mengetahui"
    assert after["sha256"]["ditandatangani"] == letter["sha256"]["ditandatangani"]
    assert after["riwayat"][-1]["aksi"] == "tanda_tangan_esign_ditolak"
    double.mode = "normal"
    assert _countersign(client, letter, body["mengetahui"][0]).status_code == 200


def _signed_by_double(esign_client, version="v1"):
    """An app signing through the double, Bungo's sample signed by its penandatangan, and that file."""
    client = esign_client(version)
    body, created = _create_and_sign(client)
    services = client.application.extensions["suratkerja"]
    sent = services.store.get(client.get(created["tautan"]["self"]).get_json()["sha256"]["ditandatangani"])
    return services, body, sent


def test_a_countersignature_placed_elsewhere_than_asked_or_by_another_official_is_refused(esign_client, pki_dir):
    services, body, sent = _signed_by_double(esign_client)
    backend = services.signing.esign_for(WILAYAH, _nip(body["mengetahui"][0]))
    official = _nip(body["mengetahui"][0])
    asked = esign.asked_box(sent, 1)
    elsewhere = Coordinates(asked[0], asked[1], asked[2] - 200, asked[3] - asked[1], asked[4] - asked[2])
    returned = backend.client.sign(sent, nik=nik_of(official), secret=Secret("passphrase", PASSPHRASE),
                                   placement=elsewhere).pdf
    roots = backend.trust_roots
    with pytest.raises(ReturnedFileRefused, match="not at"):
        check_returned(sent, returned, official={official}, trust_roots=roots, other_certs=backend.intermediates,
                       box=asked)
    with pytest.raises(ReturnedFileRefused, match="not the official"):
        check_returned(sent, returned, official={_nip(body["penandatangan"])}, trust_roots=roots,
                       other_certs=backend.intermediates, box=(asked[0], asked[1], asked[2] - 200,
                                                                 asked[3], asked[4] - 200))
    assert check_returned(sent, returned, official={official}, trust_roots=roots, other_certs=backend.intermediates,
                          box=(asked[0], asked[1], asked[2] - 200, asked[3], asked[4] - 200)).signer_nip == official


@pytest.mark.parametrize("local", ["penandatangan", "mengetahui"])
def test_signers_with_local_keys_and_signers_through_esign_share_a_letter(esign_client, double, local, nssdb,
                                                                           tmp_path):
    """One official's key held here (PKCS#12), the others' at BSrE (tag placement): the letter's first
    signature is an approval one, each later one in its own field on its signer's block."""
    body = sample(WILAYAH, JENIS)
    first, second = body["mengetahui"]
    held_here = _nip(body["penandatangan"] if local == "penandatangan" else first)
    client = esign_client("v2", "tag", signer_backend_by_nip={held_here: "pkcs12"})
    credentials = {"passphrase": PASSPHRASE}
    if local != "penandatangan":
        credentials["nik"] = nik_of(_nip(body["penandatangan"]))
    created = client.post(f"/api/v1/surat/{JENIS}/terbit-tandatangan", json={"surat": body, **credentials})
    assert created.status_code == 201, created.get_json()
    letter = created.get_json()
    for official in (first, second):
        nip = _nip(official)
        extra = {} if nip == held_here else {"nik": nik_of(nip)}
        signed = client.post(f"/api/v1/surat/{letter['id']}/tandatangan",
                             json={"nip": nip, "passphrase": PASSPHRASE, **extra})
        assert signed.status_code == 200, signed.get_json()
    assert len(double.documents) == 2  # BSrE signed for the two others
    pdf = client.get(letter["tautan"]["pdf"]).data
    assert pdfsig(pdf, nssdb, tmp_path).count("Signature is Valid.") == 3
    report = verify(client, pdf).get_json()
    assert report["indication"] == "TOTAL_PASSED", report
    assert not report["signatures"][0]["certification"]
    for (x1, y1, x2, y2), (_, x, top) in _stamps(pdf):
        assert abs(x1 - x) < 1 and abs(y2 - top) < 8 and x2 > x1 and y2 > y1


def test_a_countersignature_without_an_answer_is_settled_once_and_a_refused_one_returns_the_letter_waiting(
        esign_client, double):
    client = esign_client("v1", esign_timeout=1.5)
    body, created = _create_and_sign(client)
    first, second = body["mengetahui"]
    url = f"/api/v1/surat/{created['id']}"
    double.mode, double.delay = "late", 2.5
    assert _countersign(client, created, first).status_code == 504
    assert client.get(url).get_json()["status"] == "belum_pasti"
    assert _countersign(client, created, second).status_code == 409  # nothing moves until it is settled
    deadline = time.monotonic() + 10
    while len(double.documents) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    settled = client.post(f"{url}/rekonsiliasi", json={})
    assert settled.status_code == 200, settled.get_json()
    assert settled.get_json()["status"] == "menunggu_mengetahui"

    double.mode = "slow"
    assert _countersign(client, created, second).status_code == 504
    released = client.post(f"{url}/rekonsiliasi", json={"hasil": "tidak_ditandatangani"})
    assert released.status_code == 200 and released.get_json()["status"] == "menunggu_mengetahui"
    double.mode = "normal"
    assert _countersign(client, created, second).status_code == 200
    letter = client.get(url).get_json()
    assert letter["status"] == "ditandatangani"
    assert [r["aksi"] for r in letter["riwayat"]] == [
        "diterbitkan", "ditandatangani", "penandatanganan_belum_pasti", "ditandatangani_mengetahui",
        "penandatanganan_belum_pasti", "rekonsiliasi_tidak_ditandatangani", "ditandatangani_mengetahui"]
    assert verify(client, client.get(created["tautan"]["pdf"]).data).get_json()["indication"] == "TOTAL_PASSED"


def _signed_with_local_key(sent: bytes, p12, box, writes_on_the_page: bool) -> bytes:
    """``sent`` signed in a new field at ``box`` with a genuine key, the same update writing on the page if asked."""
    writer = IncrementalPdfFileWriter(BytesIO(sent))
    if writes_on_the_page:
        page_text = generic.StreamObject(stream_data=b"BT /F1 24 Tf 60 400 Td (BATAL) Tj ET")
        writer.add_stream_to_page(0, writer.add_object(page_text))
    meta = signers.PdfSignatureMetadata(field_name="esign-lain", subfilter=fields.SigSeedSubFilter.PADES)
    return signers.PdfSigner(meta, load_pkcs12_signer(p12, PASSPHRASE),
                             new_field_spec=fields.SigFieldSpec("esign-lain", on_page=box[0], box=box[1:]),
                             ).sign_pdf(writer).getvalue()


@pytest.mark.parametrize("writes_on_the_page", [False, True])
@pytest.mark.parametrize("signature", ["penandatangan", "mengetahui"])
def test_a_signature_whose_own_update_also_changes_the_page_is_refused(esign_client, pki_dir, signature,
                                                                       writes_on_the_page):
    """The official's genuine signature, in a field of its own where asked; if the same update also
    writes on the page, it is not the sent file plus one signature (the first signature has no
    earlier one whose analysis would notice: the check compares the update itself)."""
    services, body, signed = _signed_by_double(esign_client, "v2")
    if signature == "penandatangan":
        official = _nip(body["penandatangan"])
        sent = with_empty_form(text_pdf([("Surat uji", ["ttd"])]))
        asked = esign.asked_box(sent, 0)
    else:
        official, sent = _nip(body["mengetahui"][0]), signed
        asked = esign.asked_box(sent, 1)
    returned = _signed_with_local_key(sent, pki_dir / "officials" / f"{official}.p12", asked, writes_on_the_page)
    backend = services.signing.esign_for(WILAYAH, official)
    check = lambda: check_returned(sent, returned, official={official}, trust_roots=backend.trust_roots,  # noqa: E731
                                   other_certs=backend.intermediates, box=asked)
    if not writes_on_the_page:
        assert check().signer_nip == official
        return
    with pytest.raises(ReturnedFileRefused, match="MODIFIED_AFTER_SIGNING|changes more than its signature"):
        check()
