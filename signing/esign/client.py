"""A client of a BSrE-style Esign Client Service, versions 1 and 2.

BSrE (BSSN) keeps the civil servants' keys; a pemda's server sends the
document with the official's NIK and passphrase (or a TOTP from the BSrE
app) and gets the signed PDF back. Nothing of this API is published as a
specification; the shapes below are those public client code uses (found
with the ``search`` tool, queries "api/v2/sign/pdf", "tag_koordinat",
"/api/sign/download/"; e.g. PHP and Node clients of pemda and hospital
systems that call ``/api/sign/pdf`` with ``nik``, ``passphrase``,
``tampilan``, ``image``/``imageTTD``, ``linkQR``, ``width``, ``height``,
``tag_koordinat``, read the ``id_dokumen`` response header and fetch
``/api/sign/download/{id_dokumen}``; and v2 clients posting
``{nik, passphrase | totp, signatureProperties: [{tampilan, imageBase64,
page, originX, originY, width, height, location, reason, contactInfo,
tag}], file: [base64]}`` to ``/api/v2/sign/pdf`` and reading
``file[0]`` of the answer; errors as ``{"status_code": 2031, "error":
"Passphrase anda salah"}``, 2011 "User tidak terdaftar"):

* every call carries HTTP Basic authentication of the *client application*
  (read from files by the caller); a wrong one is a plain 401;
* v1 ``POST /api/sign/pdf`` multipart → the signed PDF, header
  ``id_dokumen``; ``GET /api/sign/download/{id_dokumen}`` fetches it again;
* v2 ``POST /api/v2/sign/pdf`` JSON → ``{"time": …, "file": [base64]}``;
* 2011 user not registered, 2021 no certificate, 2031 wrong passphrase.

Assumptions where public code is silent, kept to what the double
(:mod:`.double`) implements: coordinates are PDF points from the page's
lower left, ``page`` counts from 1, v1 takes TOTP nowhere (v2 only).

A request that may have reached the service and got no answer (a read
timeout, a connection dropped after sending) is :class:`UnknownOutcome`:
the document may have been signed, so this client never sends it again.
A connection that could not be made is :class:`EsignUnavailable`: nothing
was sent. Nothing here logs a request body, a passphrase or a TOTP, and
the NIK appears in logs only masked.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass, field
from typing import Literal

import requests

from ..errors import SigningError, WrongPassphrase

logger = logging.getLogger(__name__)

Version = Literal["v1", "v2"]
CONNECT_TIMEOUT = 5.0
"""Seconds to open the connection: nothing is sent before it is open."""


class EsignError(SigningError):
    """The Esign Client Service did not sign; see the subclasses."""


class UserNotRegistered(EsignError):
    """2011: the NIK is not registered with BSrE."""


class NoCertificate(EsignError):
    """2021: the NIK is registered but holds no (valid) certificate."""


class WrongEsignPassphrase(EsignError, WrongPassphrase):
    """2031: the passphrase (or TOTP) is wrong."""


class ClientCredentialsRefused(EsignError):
    """A plain 401: the client application's own credentials were refused."""


class EsignUnavailable(EsignError):
    """No usable answer, and certainly nothing signed (refused connection, 5xx, a malformed answer)."""


class UnknownOutcome(EsignError):
    """The request was sent and no answer came: the document may or may not be signed.

    :attr:`id_dokumen` is set when the service named the document before
    the answer broke off (v1 sends it as a header).
    """

    def __init__(self, message: str, id_dokumen: str | None = None):
        super().__init__(message)
        self.id_dokumen = id_dokumen


ERROR_CODES = {2011: UserNotRegistered, 2021: NoCertificate, 2031: WrongEsignPassphrase}


@dataclass(frozen=True)
class Coordinates:
    """A visible signature's box: ``page`` from 0 here (sent from 1), in points from the lower left."""

    page: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tag:
    """A visible signature placed by the service at the first occurrence of ``char`` in the text."""

    char: str
    width: float
    height: float


Placement = Coordinates | Tag | None


@dataclass(frozen=True)
class Secret:
    """The official's passphrase or TOTP; shown by no repr."""

    kind: Literal["passphrase", "totp"]
    value: str = field(repr=False)


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    id_dokumen: str | None


def mask(nik: str) -> str:
    """A NIK as logs may show it: its last four digits."""
    return f"…{nik[-4:]}"


class EsignClient:
    """One Esign Client Service (a base URL and version) and the client application's credentials.

    :param timeout: seconds to wait for the answer once the request is sent.
    """

    def __init__(self, base_url: str, version: Version, username: str, password: str, timeout: float):
        self.base_url = base_url.rstrip("/")
        self.version = version
        self.timeout = timeout
        self._auth = (username, password)

    def __repr__(self) -> str:
        return f"<EsignClient {self.version} {self.base_url}>"

    def sign(self, pdf: bytes, *, nik: str, secret: Secret, placement: Placement = None,
             image: bytes | None = None, link_qr: str = "", reason: str = "", location: str = "") -> Signed:
        """The PDF signed by the official of ``nik``; sent once, never again.

        :param image: PNG drawn in the visible signature (the stamp's QR code).
        :raises UserNotRegistered, NoCertificate, WrongEsignPassphrase, ClientCredentialsRefused:
            the service's answer.
        :raises EsignUnavailable: not signed (no connection, a server error, a malformed answer).
        :raises UnknownOutcome: sent, and no answer.
        """
        logger.info("Esign %s: signing for NIK %s", self.version, mask(nik))
        if self.version == "v1":
            return self._sign_v1(pdf, nik, secret, placement, image, link_qr, reason, location)
        return self._sign_v2(pdf, nik, secret, placement, image, reason, location)

    def download(self, id_dokumen: str) -> bytes | None:
        """v1: the signed document ``id_dokumen``, or None if the service has none by that id.

        :raises EsignUnavailable, ClientCredentialsRefused: no answer to use.
        """
        response = self._send("GET", f"/api/sign/download/{id_dokumen}", sent_means_unknown=False)
        if response.status_code == 404:
            return None
        self._raise_for_error(response)
        return self._pdf_body(response)

    # -- v1 -------------------------------------------------------------------

    def _sign_v1(self, pdf, nik, secret, placement, image, link_qr, reason, location) -> Signed:
        if secret.kind != "passphrase":
            raise EsignUnavailable("Esign v1 signs with a passphrase only; TOTP needs v2")
        form = {"nik": nik, "passphrase": secret.value, "reason": reason, "location": location,
                "tampilan": "invisible" if placement is None else "visible",
                "image": "true" if image else "false"}
        if link_qr and not image:
            form["linkQR"] = link_qr
        if isinstance(placement, Coordinates):
            form.update(page=str(placement.page + 1), xAxis=_num(placement.x), yAxis=_num(placement.y),
                        width=_num(placement.width), height=_num(placement.height))
        elif isinstance(placement, Tag):
            form.update(tag_koordinat=placement.char, width=_num(placement.width), height=_num(placement.height))
        files = {"file": ("surat.pdf", pdf, "application/pdf")}
        if image:
            files["imageTTD"] = ("ttd.png", image, "image/png")
        response = self._send("POST", "/api/sign/pdf", data=form, files=files)
        id_dokumen = response.headers.get("id_dokumen")
        self._raise_for_error(response)
        return Signed(self._pdf_body(response, id_dokumen), id_dokumen)

    # -- v2 -------------------------------------------------------------------

    def _sign_v2(self, pdf, nik, secret, placement, image, reason, location) -> Signed:
        properties = {"tampilan": "INVISIBLE" if placement is None else "VISIBLE",
                      "reason": reason, "location": location}
        if image:
            properties["imageBase64"] = base64.b64encode(image).decode()
        if isinstance(placement, Coordinates):
            properties.update(page=placement.page + 1, originX=placement.x, originY=placement.y,
                              width=placement.width, height=placement.height)
        elif isinstance(placement, Tag):
            properties.update(tag=placement.char, width=placement.width, height=placement.height)
        body = {"nik": nik, secret.kind: secret.value, "signatureProperties": [properties],
                "file": [base64.b64encode(pdf).decode()]}
        response = self._send("POST", "/api/v2/sign/pdf", json=body)
        self._raise_for_error(response)
        body = _body(response)
        try:
            return Signed(base64.b64decode(json.loads(body)["file"][0], validate=True), None)
        except (ValueError, KeyError, IndexError, TypeError) as e:
            raise EsignUnavailable(f"Esign v2 answered 200 without a usable file ({type(e).__name__})") from None

    # -- the wire ---------------------------------------------------------------

    def _send(self, method: str, path: str, *, sent_means_unknown: bool = True, **kwargs) -> requests.Response:
        """One request, streamed so that a timeout while the body arrives is told apart from one before."""
        try:
            return requests.request(method, self.base_url + path, auth=self._auth, stream=True,
                                    timeout=(min(CONNECT_TIMEOUT, self.timeout), self.timeout), **kwargs)
        except (requests.ConnectTimeout, requests.exceptions.SSLError) as e:
            raise EsignUnavailable(f"Esign service unreachable ({type(e).__name__})") from None
        except requests.ConnectionError as e:
            if _never_connected(e) or not sent_means_unknown:
                raise EsignUnavailable(f"Esign service unreachable ({type(e).__name__})") from None
            raise UnknownOutcome(f"Esign {method} {path}: the connection broke after sending") from None
        except requests.Timeout:
            if not sent_means_unknown:
                raise EsignUnavailable(f"Esign {method} {path}: no answer in {self.timeout} s") from None
            raise UnknownOutcome(f"Esign {method} {path}: no answer in {self.timeout} s") from None

    def _raise_for_error(self, response: requests.Response) -> None:
        if response.status_code == 200:
            return
        code = None
        try:
            code = int(json.loads(_body(response)).get("status_code"))
        except (ValueError, TypeError, AttributeError, UnknownOutcome):
            pass
        if code in ERROR_CODES:
            raise ERROR_CODES[code](f"Esign answered {code}")
        if response.status_code == 401:
            raise ClientCredentialsRefused("the Esign service refused the client application's credentials")
        raise EsignUnavailable(f"Esign answered HTTP {response.status_code}" + (f" ({code})" if code else ""))

    def _pdf_body(self, response: requests.Response, id_dokumen: str | None = None) -> bytes:
        body = _body(response, id_dokumen)
        if not body.startswith(b"%PDF-"):
            raise EsignUnavailable("Esign answered 200 with something that is not a PDF")
        return body


def _body(response: requests.Response, id_dokumen: str | None = None) -> bytes:
    """The whole body; one that stalls or breaks off is an unknown outcome (the service may have signed)."""
    try:
        return response.content
    except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError):
        raise UnknownOutcome("the Esign answer broke off", id_dokumen) from None


def _never_connected(error: requests.ConnectionError) -> bool:
    """Whether the connection was never made (refused, no route, unknown host): nothing was sent."""
    text = repr(error.args[0]) if error.args else ""
    return "NewConnectionError" in text or "NameResolutionError" in text


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
