"""The sample letters and the development PKI that signs them.

``suratkerja sampel`` issues every request in ``samples/requests/`` on a
fresh registry and writes the signed PDFs to ``samples/pdf/``; ``suratkerja
rantai`` replays the chains of ``samples/rantai/``; ``suratkerja devpki``
makes a development certificate for every official who signs a sample.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ..letters.nip import normalise_nip
from ..plumbing.config import REPO_ROOT, load_settings

SAMPLES = REPO_ROOT / "samples"
SAMPLE_BASE_URL = "https://suratkerja.contoh.go.id"
"""The public address the sample letters' QR codes lead to: an example, as a real service would have."""


def dev_passphrase(pki: Path, nip: str) -> str:
    """The generated passphrase of an official of the development PKI (a 0600 file, never printed)."""
    return (pki / "officials" / f"{nip}.passphrase").read_text().strip()


def sample_requests() -> list[Path]:
    """The sample requests in the order they are issued: by region, then date.

    A sample cites an earlier one of its region by the number that order
    gives it (an answer cites its request, a report its decree).
    """
    return sorted(
        (SAMPLES / "requests").glob("*/*.json"),
        key=lambda p: (p.parent.name, json.loads(p.read_text(encoding="utf-8"))["tanggal"], p.stem),
    )


def _fresh_services(tmp: str, pki: Path, base_url: str):
    """The services of an app on a fresh registry in ``tmp``, signing with ``pki``, at ``base_url``."""
    from .. import create_app

    return create_app({"instance_dir": tmp, "pki_dir": pki, "base_url": base_url}).extensions["suratkerja"]


def write_samples(out: Path, base_url: str = SAMPLE_BASE_URL) -> None:
    """Issue and sign each sample on a fresh registry, so numbers start at 1 every time.

    Signing uses the development PKI (``suratkerja devpki``) and its
    passphrase files; every signer of the letter signs in order. The QR
    codes lead to ``base_url``.
    """
    from ..access.audit import CONSOLE
    from ..issuing.issue import issue
    from ..signatures.sign_letter import sign_letter
    from ..signatures.signature import signers_of

    pki = load_settings().pki
    requests = sample_requests()
    with tempfile.TemporaryDirectory(prefix="suratkerja-sampel-") as tmp:
        services = _fresh_services(tmp, pki, base_url)
        try:
            for path in requests:
                jenis, wilayah = path.stem, path.parent.name
                surat = issue(services, jenis, json.loads(path.read_text(encoding="utf-8")), CONSOLE).surat
                for official in signers_of(surat):
                    surat = sign_letter(services, surat.id, official["nip"], dev_passphrase(pki, official["nip"]), None,
                                        CONSOLE)
                target = out / wilayah / f"{jenis}.pdf"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(services.store.get(surat.current_sha256))
                print(f"{wilayah}/{jenis}.pdf: {surat.nomor} ({surat.status})")
        finally:
            services.converter.stop()


def replay_chains(out: Path | None, base_url: str = SAMPLE_BASE_URL) -> None:
    """Replay the sample chains on a fresh registry and print each letter's number.

    The same letters get the same numbers on every run; ``--out`` also writes
    their signed PDFs. Signing uses the development PKI, as ``sampel`` does.
    """
    from .replay import OUTSIDE, REVOCATION, load_chains, replay

    pki = load_settings().pki
    with tempfile.TemporaryDirectory(prefix="suratkerja-rantai-") as tmp:
        services = _fresh_services(tmp, pki, base_url)
        try:
            for step, letter in replay(services, load_chains(), lambda nip: dev_passphrase(pki, nip)):
                print(f"{step.chain}/{step.nama}: {step.jenis} {letter.nomor} ({letter.status})")
                if out and step.jenis not in (OUTSIDE, REVOCATION):
                    target = out / step.chain / f"{step.nama}.pdf"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(services.store.get(letter.current_sha256))
        finally:
            services.converter.stop()


def _sample_bodies():
    """Every sample letter request: the 25 single letters and each step of the chains."""
    for path in sorted((SAMPLES / "requests").glob("*/*.json")):
        yield json.loads(path.read_text(encoding="utf-8"))
    for path in sorted((SAMPLES / "rantai").glob("*.json")):
        for step in json.loads(path.read_text(encoding="utf-8"))["langkah"]:
            yield step["surat"]


def sample_officials() -> list:
    """Every official who signs or countersigns a sample letter, once."""
    from signing.devpki import Official

    seen = {}
    for body in _sample_bodies():
        if "penandatangan" not in body:
            continue  # an outside letter: nobody signs it here
        for person in [body["penandatangan"], *body.get("mengetahui", [])]:
            nip = normalise_nip(person["nip"])
            seen.setdefault(nip, Official(nama=person["nama"], nip=nip, jabatan=person["jabatan"]))
    return list(seen.values())


def ensure_devpki() -> None:
    """Create the development PKI if absent: CAs, TSA, CRLs, and a PKCS#12 per sample official.

    Passphrases are generated into ``officials/<nip>.passphrase`` (mode 0600)
    and never printed.
    """
    from signing.devpki import DevPki

    settings = load_settings()
    pki = DevPki(settings.pki, base_url=settings.base_url).ensure()
    pki.add_officials(sample_officials())
    print(f"development PKI in {settings.pki} ({len(sample_officials())} officials)")
