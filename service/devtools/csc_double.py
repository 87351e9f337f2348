"""A Cloud Signature Consortium service on loopback, for tests, the benchmark and development.

The server is ``certomancer-csc-dummy`` (the CSC test server pyHanko's own
integration tests sign against): ``credentials/info``,
``credentials/authorize`` and ``signatures/signHash`` of CSC API v1, at
SCAL1 or SCAL2 (SAD bound to the hashes it authorises). Its keys and
certificates are a development PKI's (:class:`signing.devpki.DevPki`: CAs
marked as development, an official's ``serialNumber`` = NIP), each
official's credential ``suratkerja/<nip>``.

The dummy checks nothing a real service checks before it signs ("requests
are not authenticated"). Two checks are added in front of it, shaped as a
real service answers them: the client's bearer token (401) and the
official's PIN or OTP at ``credentials/authorize`` (400 ``invalid_request``
"The PIN is invalid", as in the CSC specification's examples). Nothing else
is changed.
"""

from __future__ import annotations

import asyncio
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from certomancer.registry import CertomancerConfig
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, pkcs12
from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams

ARCH = "suratkerja"
"""The certomancer PKI architecture: credential IDs are ``suratkerja/<nip>``."""
CREDENTIAL_ID = ARCH + "/{nip}"
"""The ``credential_id`` template a back end configured for this double uses."""
_VALIDITY = {"valid-from": "2000-01-01T00:00:00+0000", "valid-to": "2100-01-01T00:00:00+0000"}


def certomancer_config(pki: Path, passphrase: bytes) -> CertomancerConfig:
    """The development PKI in ``pki`` as certomancer sees it: its certificates as they are, with their keys
    (each read when first used: checking an RSA key as it is loaded costs a tenth of a second).

    Each official's key comes out of their PKCS#12 file (``passphrase``) into
    ``pki/csc-keys/<nip>.key.pem`` (mode 0600), for the dummy to sign with.
    """
    keys = pki / "csc-keys"
    keys.mkdir(mode=0o700, exist_ok=True)
    key_paths = {"root-ca": pki / "root-ca.key.pem", "issuing-ca": pki / "issuing-ca.key.pem"}
    certs = {
        "root-ca": {"subject": "root-ca", "issuer": "root-ca", "certificate-file": str(pki / "root-ca.pem")},
        "issuing-ca": {"subject": "issuing-ca", "issuer": "root-ca", "certificate-file": str(pki / "issuing-ca.pem")},
    }
    for p12 in sorted((pki / "officials").glob("*.p12")):
        nip = p12.stem
        key_paths[nip] = keys / f"{nip}.key.pem"
        if not key_paths[nip].exists():
            key, _, _ = pkcs12.load_key_and_certificates(p12.read_bytes(), passphrase)
            key_paths[nip].touch(mode=0o600)
            key_paths[nip].write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
        certs[nip] = {"subject": nip, "issuer": "issuing-ca", "certificate-file": str(p12.with_suffix(".pem"))}
    config = {
        "keysets": {ARCH: {"keys": {label: {"path": str(path)} for label, path in key_paths.items()}}},
        "pki-architectures": {ARCH: {
            "keyset": ARCH,
            "entities": {label: {"common-name": label} for label in key_paths},
            "certs": {label: {**spec, "validity": _VALIDITY} for label, spec in certs.items()},
        }},
    }
    return CertomancerConfig(config, key_search_dir=str(pki), config_search_dir=str(pki), lazy_load_keys=True)


@dataclass
class Consent:
    """What the added checks expect: the client's token, and the one PIN (or OTP) of every official."""

    secret: str
    field: str = "PIN"
    token: str | None = None


def _checks(consent: Consent):
    @web.middleware
    async def check(request: web.Request, handler):
        if consent.token and request.headers.get("Authorization") != f"Bearer {consent.token}":
            return web.json_response({"error": "invalid_token", "error_description": "Invalid access token"},
                                     status=401)
        if request.path.endswith("/credentials/authorize"):
            body = await request.json()  # aiohttp keeps the body: the handler reads it again
            if body.get(consent.field) != consent.secret:
                return web.json_response(
                    {"error": "invalid_request", "error_description": f"The {consent.field} is invalid"}, status=400)
        return await handler(request)

    return check


def _timed(double: CscDouble):
    """Milliseconds the double spends on each call, by endpoint (its own share of a remote signature),
    after waiting ``double.delay`` seconds first (a slow service)."""
    @web.middleware
    async def timed(request: web.Request, handler):
        await asyncio.sleep(double.delay)
        started = time.perf_counter()
        try:
            return await handler(request)
        finally:
            double.handled.setdefault(request.path.rsplit("/csc/v1/", 1)[-1], []).append(
                (time.perf_counter() - started) * 1000)

    return timed


class CscDouble:
    """The dummy for one development PKI at one SCAL, served on a loopback port from a thread of its own.

    ``handled`` keeps the time the double spent on each call, by endpoint
    (``signatures/signHash`` reads and checks the official's RSA key every
    time, a cost of the dummy, not of the client); ``delay`` makes it slow.
    """

    def __init__(self, pki: Path, passphrase: bytes, consent: Consent, scal: int = 1):
        with warnings.catch_warnings():  # the dummy keys its app by strings, which aiohttp >= 3.10 warns about
            warnings.simplefilter("ignore", web.NotAppKeyWarning)
            service = CSCWithCertomancer(certomancer_config(pki, passphrase),
                                         service_params=DummyServiceParams(hash_pinning_required=scal >= 2))
        service.register_routes()
        self.handled: dict[str, list[float]] = {}
        self.delay = 0.0
        """Seconds the double waits before it answers any call."""
        service.app.middlewares.extend([_timed(self), _checks(consent)])
        self.app = service.app
        self.scal = scal
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"csc-scal{scal}", daemon=True)
        self._runner = web.AppRunner(self.app, access_log=None)

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=30)

    async def _serve(self) -> str:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}"

    def start(self) -> CscDouble:
        self._thread.start()
        self.url = self._call(self._serve())
        return self

    def stop(self) -> None:
        self._call(self._runner.cleanup())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> CscDouble:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
