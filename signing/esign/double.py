"""A test double of BSrE's Esign Client Service (v1 and v2), signing with the development CA.

The real service cannot be reached from here (nor from most development
machines): the tests and the development run start this small WSGI app on
a loopback port instead. It keeps to the shapes public client code shows
(see :mod:`signing.esign.client`), not to what would be convenient:

* HTTP Basic authentication of the client application on every call; a
  wrong one is a plain 401 with no body code;
* v1 ``POST /api/sign/pdf`` (multipart: ``file``, ``nik``, ``passphrase``,
  ``tampilan``, ``image``, ``imageTTD``, ``linkQR``, ``page``/``halaman``,
  ``xAxis``, ``yAxis``, ``width``, ``height``, ``tag_koordinat``,
  ``reason``, ``location``) → the signed PDF with an ``id_dokumen`` header;
  ``GET /api/sign/download/<id_dokumen>``; ``POST /api/sign/verify``
  (``signed_file``); ``GET /api/user/status/<nik>``;
* v2 ``POST /api/v2/sign/pdf`` (JSON ``{nik, passphrase | totp,
  signatureProperties: [...], file: [base64]}``) → ``{time, file:
  [base64]}``; ``POST /api/v2/verify/pdf``; ``POST /api/v2/sign/get/totp``;
  ``POST /api/v2/user/check/status``;
* errors ``{"status_code": 2011 | 2021 | 2031, "error": …}`` with HTTP 400;
  a PDF that cannot be read answers 500, as the real one has been seen to.

A signature is PAdES B-T (approval, not certification), by a certificate
the development issuing CA makes for the user on first use: subject as
:func:`signing.devpki.official_name` (``serialNumber`` = NIP). Placement by
coordinates (points from the page's lower left, ``page`` from 1) or by tag:
the box's lower left at the first occurrence of the tag character in the
text, found with poppler's ``pdftotext -bbox``.

Modes, for the tests (:attr:`EsignDouble.mode`, or ``--mode``):
``normal``; ``slow`` (answers after :attr:`EsignDouble.delay` seconds);
``late`` (v1 sends its headers, ``id_dokumen`` among them, at once and
signs and sends the file only after the delay: a client that gave up
meanwhile finds the file later by its id); ``altered`` (the document is
changed, in a revision of its own, before it is signed).

Users come from a JSON file: ``[{"nik", "nip", "nama", "jabatan",
"passphrase", "totp"?, "sertifikat"?: false}]``. Not for production: it
holds passphrases in clear and a CA key.

    python -m signing.esign.double --pki DEVPKI --users users.json \\
        --credentials-file client.txt [--host 127.0.0.1] [--port 8319] [--mode normal]
"""

from __future__ import annotations

import argparse
import base64
import hmac
import json
import logging
import re
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from .. import devpki
from ..loop import run
from ..signers import KeySigner, _asn1_cert
from ..timestamps import load_dev_timestamper
from ..verify import verify_pdf

logger = logging.getLogger(__name__)

MODES = ("normal", "slow", "late", "altered")
STAMP_TEXT = "Ditandatangani secara elektronik oleh\n%(signer)s\n%(ts)s"


@dataclass(frozen=True)
class User:
    nik: str
    nip: str
    nama: str
    jabatan: str
    passphrase: str
    totp: str = ""
    sertifikat: bool = True


class Refusal(Exception):
    """An answer with a BSrE error code (HTTP 400)."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class EsignDouble:
    """The app (a WSGI callable) and what it keeps: users, keys, signed documents by ``id_dokumen``.

    :param pki: a development PKI directory (:class:`signing.devpki.DevPki`).
    :param credentials: the client application's ``(username, password)``.
    """

    def __init__(self, pki: Path, users: list[User], credentials: tuple[str, str]):
        self.pki = devpki.DevPki(pki).ensure()
        self.users = {u.nik: u for u in users}
        self.credentials = credentials
        self.mode, self.delay = "normal", 2.0
        self.documents: dict[str, bytes] = {}
        """Every document signed, by ``id_dokumen``, whether or not its answer reached the client."""
        self._signers: dict[str, KeySigner] = {}
        self._lock = threading.Lock()
        self._timestamper = load_dev_timestamper(pki)

    # -- WSGI -----------------------------------------------------------------

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self._dispatch(request)
        finally:
            request.close()  # the uploaded files' spooled copies
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        if not self._authorised(request):
            return Response("Unauthorized", 401, {"WWW-Authenticate": 'Basic realm="esign"'})
        routes = {
            ("POST", "/api/sign/pdf"): self._sign_v1,
            ("POST", "/api/v2/sign/pdf"): self._sign_v2,
            ("POST", "/api/sign/verify"): lambda r: self._verify(r.files["signed_file"].read()),
            ("POST", "/api/v2/verify/pdf"): lambda r: self._verify(base64.b64decode(r.get_json()["file"])),
            ("POST", "/api/v2/sign/get/totp"): lambda r: _json({"message": "TOTP telah dikirim"}),
            ("POST", "/api/v2/user/check/status"): lambda r: self._status(r.get_json().get("nik", "")),
        }
        try:
            if request.method == "GET" and request.path.startswith("/api/sign/download/"):
                return self._download(request.path.rsplit("/", 1)[1])
            if request.method == "GET" and request.path.startswith("/api/user/status/"):
                return self._status(request.path.rsplit("/", 1)[1])
            handler = routes.get((request.method, request.path))
            if handler is None:
                return _json({"status": 404, "error": "Not Found"}, 404)
            return handler(request)
        except Refusal as refusal:
            return _json({"status_code": refusal.code, "error": refusal.message}, 400)
        except Exception:  # noqa: BLE001 - as the real service: a document it cannot read is a 500
            logger.exception("esign double: request failed")
            return _json({"status": 500, "error": "Internal Server Error"}, 500)

    def _authorised(self, request: Request) -> bool:
        auth = request.authorization
        if auth is None or auth.type != "basic":
            return False
        return hmac.compare_digest(f"{auth.username}:{auth.password}", "%s:%s" % self.credentials)

    # -- signing ----------------------------------------------------------------

    def _sign_v1(self, request: Request) -> Response:
        form = request.form
        user = self._user(form.get("nik", ""), form.get("passphrase", ""), "")
        pdf = request.files["file"].read()
        image = request.files["imageTTD"].read() if form.get("image") == "true" and "imageTTD" in request.files else None
        spot = _spot(form.get("tampilan", "").lower(), form.get("page") or form.get("halaman"), form.get("xAxis"),
                     form.get("yAxis"), form.get("width"), form.get("height"), form.get("tag_koordinat"))
        id_dokumen = uuid.uuid4().hex
        sign = lambda: self._sign(user, pdf, spot, image, form.get("reason", ""), form.get("location", ""),  # noqa: E731
                                  id_dokumen)
        headers = {"id_dokumen": id_dokumen}
        if self.mode == "late":
            return Response(self._later(sign), 200, headers, mimetype="application/pdf")
        self._wait()
        return Response(sign(), 200, headers, mimetype="application/pdf")

    def _later(self, sign):
        yield b""  # the headers go out now
        self._wait()
        yield sign()

    def _sign_v2(self, request: Request) -> Response:
        body = request.get_json()
        user = self._user(body.get("nik", ""), body.get("passphrase", ""), body.get("totp", ""))
        props = (body.get("signatureProperties") or [{}])[0]
        spot = _spot(str(props.get("tampilan", "")).lower(), props.get("page"), props.get("originX"),
                     props.get("originY"), props.get("width"), props.get("height"), props.get("tag"))
        image = base64.b64decode(props["imageBase64"]) if props.get("imageBase64") else None
        self._wait()
        signed = [base64.b64encode(self._sign(user, base64.b64decode(f), spot, image, props.get("reason", ""),
                                              props.get("location", ""), uuid.uuid4().hex)).decode()
                  for f in body.get("file", [])]
        return _json({"time": int(time.time() * 1000), "file": signed})

    def _wait(self) -> None:
        if self.mode in ("slow", "late"):
            time.sleep(self.delay)

    def _user(self, nik: str, passphrase: str, totp: str) -> User:
        user = self.users.get(nik)
        if user is None:
            raise Refusal(2011, "User tidak terdaftar")
        if not user.sertifikat:
            raise Refusal(2021, "User tidak memiliki sertifikat")
        good = (passphrase and hmac.compare_digest(passphrase, user.passphrase)) or (
            totp and user.totp and hmac.compare_digest(totp, user.totp))
        if not good:
            raise Refusal(2031, "Passphrase anda salah")
        return user

    def _sign(self, user: User, pdf: bytes, spot, image: bytes | None, reason: str, location: str,
              id_dokumen: str) -> bytes:
        if self.mode == "altered":
            pdf = _altered(pdf)
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        box = _box(spot, pdf)
        style = TextStampStyle(stamp_text=STAMP_TEXT, border_width=0,
                               background=PdfImage(Image.open(BytesIO(image)).convert("RGB")) if image else None,
                               background_opacity=1)
        field_name = f"esign-{id_dokumen[:12]}"
        spec = fields.SigFieldSpec(field_name, on_page=box[0], box=box[1:]) if box else None
        meta = signers.PdfSignatureMetadata(field_name=field_name, md_algorithm="sha256", reason=reason or None,
                                            location=location or None, subfilter=fields.SigSeedSubFilter.PADES)
        signer = signers.PdfSigner(meta, self._signer(user), timestamper=self._timestamper, stamp_style=style,
                                   new_field_spec=spec)
        signed = run(signer.async_sign_pdf(writer)).getvalue()
        self.documents[id_dokumen] = signed
        logger.info("esign double: signed %s", id_dokumen)
        return signed

    def _signer(self, user: User) -> KeySigner:
        """The user's key and certificate, made by the development issuing CA on first use."""
        with self._lock:
            if user.nik not in self._signers:
                key = devpki._new_key()
                official = devpki.Official(nama=user.nama, nip=user.nip, jabatan=user.jabatan)
                cert = devpki.issue_certificate(self.pki.issuing, devpki.official_name(official, self.pki.organisation),
                                                key, kind="signer", base_url=self.pki.base_url)
                self._signers[user.nik] = KeySigner(key, _asn1_cert(cert), [_asn1_cert(self.pki.issuing.cert)])
            return self._signers[user.nik]

    # -- the other calls ------------------------------------------------------------

    def _download(self, id_dokumen: str) -> Response:
        pdf = self.documents.get(id_dokumen)
        if pdf is None:
            return _json({"status": 404, "error": "Dokumen tidak ditemukan"}, 404)
        return Response(pdf, 200, {"id_dokumen": id_dokumen}, mimetype="application/pdf")

    def _verify(self, pdf: bytes) -> Response:
        report = verify_pdf(pdf, trust_roots=[self.pki.root.cert], other_certs=[self.pki.issuing.cert],
                            crls=[p.read_bytes() for p in self.pki.crl_paths])
        return _json({"conclusion": report.indication, "jumlah_signature": len(report.signatures),
                      "details": [{"signer": s.signer_subject, "passed": s.passed} for s in report.signatures]})

    def _status(self, nik: str) -> Response:
        user = self.users.get(nik)
        if user is None:
            raise Refusal(2011, "User tidak terdaftar")
        return _json({"status_code": 1111, "message": "ISSUE" if user.sertifikat else "NOT_ISSUED"})


def _json(data: dict, status: int = 200) -> Response:
    return Response(json.dumps(data), status, mimetype="application/json")


def _spot(tampilan, page, x, y, width, height, tag):
    """``None`` (invisible), ``("tag", char, w, h)`` or ``("xy", page_index, x, y, w, h)``."""
    if tampilan != "visible":
        return None
    if tag:
        return "tag", str(tag), float(width), float(height)
    return "xy", int(page or 1) - 1, float(x), float(y), float(width), float(height)


def _box(spot, pdf: bytes):
    if spot is None:
        return None
    if spot[0] == "xy":
        _, page, x, y, w, h = spot
        return page, int(x), int(y), int(x + w), int(y + h)
    _, char, w, h = spot
    page, x, y = _find_char(pdf, char)
    return page, int(x), int(y), int(x + w), int(y + h)


_WORD = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">|<word xMin="([\d.]+)" yMin="[\d.]+" '
                   r'xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')


def _find_char(pdf: bytes, char: str) -> tuple[int, float, float]:
    """(page index, x, y from the bottom) of the first word that is ``char``.

    :raises Refusal: the text has no such character (the service cannot place the signature).
    """
    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode()
    page, height = -1, 0.0
    for m in _WORD.finditer(out):
        if m.group(1):
            page, height = page + 1, float(m.group(2))
        elif m.group(5).strip() == char:
            return page, float(m.group(3)), height - float(m.group(4))
    raise Refusal(2041, "Tag koordinat tidak ditemukan di dokumen")


def _altered(pdf: bytes) -> bytes:
    """``pdf`` with its title changed in an update of its own: not the document that was sent."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    info = writer.trailer["/Info"] if "/Info" in writer.trailer else None
    if info is None:
        writer.trailer["/Info"] = writer.add_object(generic.DictionaryObject())
        info = writer.trailer["/Info"]
    info = info.get_object()
    info[generic.pdf_name("/Title")] = generic.TextStringObject("diubah oleh layanan")
    writer.update_container(info)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class RunningDouble:
    """A double served on a loopback port in a thread of this process."""

    app: EsignDouble
    url: str
    _server: object
    _thread: threading.Thread

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()


def serve_in_thread(app: EsignDouble, host: str = "127.0.0.1", port: int = 0) -> RunningDouble:
    """Serve ``app`` (threaded: a slow answer holds no other request) until :meth:`RunningDouble.stop`."""
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="esign-double", daemon=True)
    thread.start()
    return RunningDouble(app, f"http://{host}:{server.server_port}", server, thread)


def load_users(path: str | Path) -> list[User]:
    return [User(**entry) for entry in json.loads(Path(path).read_text(encoding="utf-8"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m signing.esign.double",
                                     description="Test double of the BSrE Esign Client Service (NOT FOR PRODUCTION).")
    parser.add_argument("--pki", required=True, help="development PKI directory (suratkerja devpki)")
    parser.add_argument("--users", required=True, help="JSON list of users (nik, nip, nama, jabatan, passphrase)")
    parser.add_argument("--credentials-file", required=True, help="file holding the client's username:password")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8319)
    parser.add_argument("--mode", choices=MODES, default="normal")
    parser.add_argument("--delay", type=float, default=2.0, help="seconds of the slow and late modes")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    username, _, password = Path(args.credentials_file).read_text(encoding="utf-8").strip().partition(":")
    app = EsignDouble(Path(args.pki), load_users(args.users), (username, password))
    app.mode, app.delay = args.mode, args.delay
    print(f"Esign double (development only) on http://{args.host}:{args.port}", flush=True)
    make_server(args.host, args.port, app, threaded=True).serve_forever()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
