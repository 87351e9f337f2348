"""RFC 3161 time stamping: an in-process TSA, a local HTTP TSA, a client.

* :class:`KeyTimeStamper` answers time-stamp requests in process with the
  development TSA key. pyHanko's ``DummyTimeStamper`` re-parses its key for
  every token; this one keeps the parsed key (tests, the benchmark, and the
  HTTP server below).
* :class:`LocalTsa` serves :class:`KeyTimeStamper` over HTTP
  (``POST`` ``application/timestamp-query`` to any path) on a small threaded
  stdlib server, so that development mirrors production, where signatures
  are stamped by a TSA over HTTP. Start it in process
  (:func:`start_local_tsa`) or as a command (:func:`main`, meant as the
  console script ``suratkerja-tsa``)::

      suratkerja-tsa DEVPKI_DIR [--host 127.0.0.1] [--port 8318]

* :func:`http_timestamper` is the client: pyHanko's ``HTTPTimeStamper``
  with a timeout, so a dead TSA fails a signature instead of hanging it, and
  a kept-alive connection per thread (:class:`KeepAliveTimeStamper`).
"""

from __future__ import annotations

import argparse
import logging
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import cms, core, tsp, x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
import requests
from pyhanko.sign import general
from pyhanko.sign.timestamps import DummyTimeStamper, HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from .verify import as_certificate

logger = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 16 * 1024
"""A time-stamp query is a hash and a few fields; anything larger is junk."""


class KeyTimeStamper(DummyTimeStamper):
    """An in-process TSA that signs with an already parsed RSA key.

    The signing-certificate attribute names the TSA certificate, the same in
    every token: it is built once and kept in its parsed DER form, which
    asn1crypto writes out as it is (built afresh, it re-encodes the issuer's
    name field by field: half the cost of a token).

    :param tsa_cert: certificate with the critical ``timeStamping`` EKU.
    :param tsa_key: its private key (:mod:`cryptography` object).
    :param chain: CA certificates to embed in each token.
    """

    def __init__(
        self,
        tsa_cert: x509.Certificate,
        tsa_key: RSAPrivateKey,
        chain: list[x509.Certificate] = (),
    ):
        super().__init__(tsa_cert=tsa_cert, tsa_key=None, certs_to_embed=chain)
        self._key = tsa_key
        self._signing_certificate = tsp.SigningCertificate.load(
            general.as_signing_certificate(tsa_cert).dump()
        )

    def __repr__(self) -> str:
        return f"<KeyTimeStamper {self.tsa_cert.subject.human_friendly!r}>"

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, dt: datetime
    ) -> tuple[bytes, cms.CMSAttributes]:
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                general.simple_cms_attribute('content_type', 'tst_info'),
                general.simple_cms_attribute(
                    'signing_time', cms.Time({'utc_time': core.UTCTime(dt)})
                ),
                general.simple_cms_attribute(
                    'signing_certificate', self._signing_certificate
                ),
                general.simple_cms_attribute(
                    'message_digest', digest.finalize()
                ),
            ]
        )
        signature = self._key.sign(
            signed_attrs.dump(),
            PKCS1v15(),
            get_pyca_cryptography_hash(md_algorithm),
        )
        return signature, signed_attrs


def load_dev_timestamper(pki_dir: str | Path) -> KeyTimeStamper:
    """:class:`KeyTimeStamper` with the TSA key of a :mod:`signing.devpki`.

    Its tokens carry the TSA certificate and the issuing CA; the root is the
    verifier's own (see :class:`~signing.signers.KeySigner`).
    """
    pki_dir = Path(pki_dir)

    def cert(name: str) -> x509.Certificate:
        return as_certificate((pki_dir / f"{name}.pem").read_bytes())

    key = serialization.load_pem_private_key(
        (pki_dir / "tsa.key.pem").read_bytes(), password=None
    )
    return KeyTimeStamper(cert("tsa"), key, [cert("issuing-ca")])


class _TsaHandler(BaseHTTPRequestHandler):
    server: _TsaServer
    protocol_version = "HTTP/1.1"  # keep-alive: every answer has a Content-Length
    disable_nagle_algorithm = True  # headers and body go out as two writes; no 40 ms delayed-ACK wait

    def do_POST(self) -> None:  # noqa: N802 (stdlib naming)
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 < length <= MAX_REQUEST_BYTES:
            self.send_error(400, "bad Content-Length")
            return
        body = self.rfile.read(length)
        try:
            request = tsp.TimeStampReq.load(body)
            request.native  # parse fully now, not halfway through signing
            response = self.server.timestamper.request_tsa_response(request)
        except (ValueError, TypeError, KeyError) as exc:
            logger.info("rejected time-stamp request: %s", exc)
            self.send_error(400, "malformed time-stamp request")
            return
        data = response.dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        logger.debug("TSA %s " + format, self.address_string(), *args)


class _TsaServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, timestamper: KeyTimeStamper):
        super().__init__(address, _TsaHandler)
        self.timestamper = timestamper


class LocalTsa:
    """A running local TSA; :attr:`url` to give to :func:`http_timestamper`.

    Use as a context manager or call :meth:`stop`.
    """

    def __init__(self, timestamper: KeyTimeStamper, host: str, port: int):
        self._server = _TsaServer((host, port), timestamper)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/tsa"

    def start(self) -> LocalTsa:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="local-tsa", daemon=True
        )
        self._thread.start()
        logger.info("local development TSA at %s", self.url)
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> LocalTsa:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_local_tsa(
    timestamper: KeyTimeStamper, host: str = "127.0.0.1", port: int = 0
) -> LocalTsa:
    """Serve ``timestamper`` over HTTP in a daemon thread (port 0: any)."""
    return LocalTsa(timestamper, host, port).start()


class KeepAliveTimeStamper(HTTPTimeStamper):
    """pyHanko's HTTP time-stamp client over one kept-alive connection per thread.

    The stock client opens an aiohttp session for every signature (each
    signature runs on an event loop of its own, so it cannot keep one),
    which builds a TLS context, CA bundle and all, even for plain HTTP:
    about half the cost of a time stamp. This one posts through a
    ``requests`` session kept per thread. Blocking inside the coroutine is
    harmless: pyHanko runs it alone on its own loop.
    """

    def __init__(self, url: str, timeout: float):
        super().__init__(url, timeout=timeout)
        self._local = threading.local()

    def _http(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        try:
            response = self._http().post(
                self.url, data=req.dump(), headers=self.request_headers(), timeout=self.timeout
            )
            response.raise_for_status()
        except requests.RequestException as exc:
            raise TimestampRequestError("Error while contacting timestamp service") from exc
        content_type = response.headers.get("Content-Type")
        if content_type != "application/timestamp-reply":
            raise TimestampRequestError(
                f"Timestamp server answered {content_type}, not application/timestamp-reply"
            )
        return tsp.TimeStampResp.load(response.content)


def http_timestamper(url: str, timeout: float = 10.0) -> HTTPTimeStamper:
    """RFC 3161 client for the TSA at ``url``, giving up after ``timeout`` s."""
    return KeepAliveTimeStamper(url, timeout=timeout)


def main(argv: list[str] | None = None) -> int:
    """Run the development TSA in the foreground until interrupted."""
    parser = argparse.ArgumentParser(
        prog="suratkerja-tsa",
        description="Local RFC 3161 TSA with the development PKI's TSA key "
        "(NOT FOR PRODUCTION).",
    )
    parser.add_argument("pki_dir", help="directory made by suratkerja-devpki")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8318)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    tsa = LocalTsa(load_dev_timestamper(args.pki_dir), args.host, args.port)
    print(f"TSA listening at {tsa.url}", flush=True)
    try:
        tsa.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

