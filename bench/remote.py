"""The signing stage through a remote signer back end, against its double on loopback.

For SCAL1 and SCAL2 in turn, the CSC double (certomancer-csc-dummy,
:mod:`service.devtools.csc_double`) runs in this process on a loopback
port over a provider PKI of its own, and a service on the benchmark's
instance (another port, same registry) is configured as a user would
configure it (``signer_backend = "csc"``, a ``[signer_backends.csc]``
table) and sends the same letters as the local run with one client.

Reported per back end: latency, the stages from ``Server-Timing``, and the
double's own time per call by endpoint. That last figure is the dummy's,
not the client's: it reads and checks the official's RSA key on every
``signatures/signHash``, which a real service with its keys in an HSM does
not, while a real one adds the network. At SCAL1 ``credentials/authorize``
runs when the key is unlocked, beside rendering and conversion (so in no
stage); at SCAL2 inside ``sign``, bound to the hash.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import stats
from sender import Sender
from server import Service

from service.devtools.csc_double import CREDENTIAL_ID, Consent, CscDouble
from service.devtools.samples import sample_officials
from signing.devpki import DevPki

PIN = "246810"
"""Every official's PIN at the double (a benchmark value, not a secret)."""
PROVIDER_PASSPHRASE = b"bench-penyedia-csc"
WARMUP = 5
"""Letters before measuring: the double reads each official's key on first use."""


def provider_pki(instance: Path) -> Path:
    """The CSC provider's development PKI: its own root, a credential for every sample official."""
    directory = instance / "penyedia-csc"
    DevPki(directory).ensure().add_officials(sample_officials(), PROVIDER_PASSPHRASE)
    return directory


def csc_config(url: str, pki: Path) -> str:
    return (f'signer_backend = "csc"\n[signer_backends.csc]\nurl = "{url}"\n'
            f'credential_id = "{CREDENTIAL_ID}"\ntrust_dir = "{pki}"\n')


def runs(instance: Path, count: int, issued_before: int) -> list[dict]:
    """``count`` letters at one client through the CSC back end, at SCAL1 then SCAL2.

    :param issued_before: letters the registry holds already: their references are not used again.
    """
    pki = provider_pki(instance)
    found = []
    for scal in (1, 2):
        with CscDouble(pki, PROVIDER_PASSPHRASE, Consent(PIN), scal=scal) as double, \
                Service(instance, extra_config=csc_config(double.url, pki)) as svc:
            sender = Sender(svc, pin=PIN)
            sender.sent = issued_before
            sender.issue(WARMUP, 1)
            double.handled.clear()
            _, results, wall = sender.issue(count, 1)
            issued_before = sender.sent
        ms = [r.ms for r in results]
        found.append({"backend": f"csc SCAL{scal}", "clients": 1, **stats.latency(ms, wall),
                      "stages": stats.stages({**r.stages, "other": r.ms - sum(r.stages.values())} for r in results),
                      "double_median_ms": {call: round(statistics.median(t), 1) for call, t in double.handled.items()}})
        run = found[-1]
        print(f"{run['backend']:<14} 1 client: p50 {run['p50_ms']:7.1f}  p95 {run['p95_ms']:7.1f} ms   "
              f"sign median {run['stages']['sign']['median_ms']:.1f} ms, of which the double "
              + ", ".join(f"{call} {t}" for call, t in run["double_median_ms"].items() if call != "credentials/info"))
    return found
