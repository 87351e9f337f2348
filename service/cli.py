"""``suratkerja`` command: run the service, regenerate the sample letters.

``suratkerja serve``  starts the service with waitress on its embedded
defaults (SQLite and files under ``instance/``, LibreOffice kept warm).
``suratkerja sampel`` issues every request in ``samples/requests/`` on a
fresh registry and writes the PDFs to ``samples/pdf/``.
``suratkerja rantai`` replays the sample chains in ``samples/rantai/``.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import logging
import sys
import tempfile
from pathlib import Path

from .plumbing.config import REPO_ROOT
from .plumbing.errors import SuratError

SAMPLES = REPO_ROOT / "samples"


_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


def tune_malloc() -> bool:
    """Set glibc's allocator for a service that runs for months; ``False`` where there is no glibc.

    Buffers of 128 KiB and more (the PDF buffers of signing and
    verification) are always mapped on their own and returned whole when
    freed; left to itself, glibc raises that threshold after the first such
    buffer is freed and carves later ones out of its arenas. It also keeps
    two arenas instead of one per thread (Python allocates under its global
    lock, so threads seldom contend for one). Without these, the per-thread
    arenas held some 28 MiB of freed, fragmented memory and the service's
    RSS crept by up to 1 MiB per 1,000 letters; with both it stays flat,
    19 MiB lower (see the README's benchmark), while either alone still
    crept. Called before any thread starts: the limit applies to arenas not
    yet made.
    """
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, 128 * 1024)) and bool(mallopt(_M_ARENA_MAX, 2))


def serve(args: argparse.Namespace) -> None:
    from waitress import serve as waitress_serve

    from . import create_app

    tune_malloc()
    app = create_app({"base_url": f"http://{args.host}:{args.port}"})
    # What start-up built lives as long as the process. Left to the garbage
    # collector, its 150,000 objects are walked at every full collection:
    # a 100 ms pause every few hundred letters or verifications.
    gc.collect()
    gc.freeze()
    logging.getLogger(__name__).info("suratkerja listening on http://%s:%d", args.host, args.port)
    waitress_serve(app, host=args.host, port=args.port, threads=args.threads)


def sampel(args: argparse.Namespace) -> None:
    """Issue and sign each sample on a fresh registry, so numbers start at 1 every time.

    Signing uses the development PKI (``suratkerja devpki``) and its
    passphrase files; every signer of the letter signs in order.
    """
    from . import create_app
    from .plumbing.config import load_settings
    from .issuing.pipeline import issue
    from .signatures.sign_letter import signers_of, sign_letter

    out = Path(args.out)
    pki = load_settings().pki
    requests = sorted(
        (SAMPLES / "requests").glob("*/*.json"),
        key=lambda p: (p.parent.name, json.loads(p.read_text(encoding="utf-8"))["tanggal"], p.stem),
    )
    with tempfile.TemporaryDirectory(prefix="suratkerja-sampel-") as tmp:
        app = create_app({"instance_dir": tmp, "pki_dir": pki})
        services = app.extensions["suratkerja"]
        try:
            for path in requests:
                jenis, wilayah = path.stem, path.parent.name
                surat, _ = issue(services, jenis, json.loads(path.read_text(encoding="utf-8")))
                for official in signers_of(surat):
                    passphrase = (pki / "officials" / f"{official['nip']}.passphrase").read_text().strip()
                    surat = sign_letter(services, surat.id, official["nip"], passphrase)
                target = out / wilayah / f"{jenis}.pdf"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(services.store.get(surat.current_sha256))
                print(f"{wilayah}/{jenis}.pdf: {surat.nomor} ({surat.status})")
        finally:
            services.converter.stop()


def rantai(args: argparse.Namespace) -> None:
    """Replay the sample chains on a fresh registry and print each letter's number.

    The same letters get the same numbers on every run; ``--out`` also writes
    their signed PDFs. Signing uses the development PKI, as ``sampel`` does.
    """
    from . import create_app
    from .plumbing.config import load_settings
    from .devtools.replay import load_chains, replay

    pki = load_settings().pki
    out = Path(args.out) if args.out else None
    with tempfile.TemporaryDirectory(prefix="suratkerja-rantai-") as tmp:
        app = create_app({"instance_dir": tmp, "pki_dir": pki})
        services = app.extensions["suratkerja"]
        try:
            for step, letter in replay(services, load_chains(),
                                       lambda nip: (pki / "officials" / f"{nip}.passphrase").read_text().strip()):
                print(f"{step.chain}/{step.nama}: {step.jenis} {letter.nomor} ({letter.status})")
                if out and step.jenis != "surat-luar":
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

    from .letters.nip import normalise_nip

    seen = {}
    for body in _sample_bodies():
        if "penandatangan" not in body:
            continue  # an outside letter: nobody signs it here
        for person in [body["penandatangan"], *body.get("mengetahui", [])]:
            nip = normalise_nip(person["nip"])
            seen.setdefault(nip, Official(nama=person["nama"], nip=nip, jabatan=person["jabatan"]))
    return list(seen.values())


def devpki(args: argparse.Namespace) -> None:
    """Create the development PKI if absent: CAs, TSA, CRLs, and a PKCS#12 per sample official.

    Passphrases are generated into ``officials/<nip>.passphrase`` (mode 0600)
    and never printed.
    """
    from signing.devpki import DevPki

    from .plumbing.config import load_settings

    settings = load_settings()
    pki = DevPki(settings.pki, base_url=settings.base_url).ensure()
    for official in sample_officials():
        pki.add_official(official)
    print(f"development PKI in {settings.pki} ({len(sample_officials())} officials)")


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # fontTools reports every table it subsets for an official's stamp font at INFO: a dozen lines a signer.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(prog="suratkerja", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="jalankan layanan")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8)
    p.set_defaults(func=serve)
    p = sub.add_parser("devpki", help="buat PKI pengembangan (sekali) untuk pejabat di samples/")
    p.set_defaults(func=devpki)
    p = sub.add_parser("rantai", help="putar ulang rantai contoh dari samples/rantai pada register baru")
    p.add_argument("--out", help="tulis juga PDF bertanda tangan ke direktori ini")
    p.set_defaults(func=rantai)
    p = sub.add_parser("sampel", help="buat ulang PDF contoh dari samples/requests")
    p.add_argument("--out", default=str(SAMPLES / "pdf"))
    p.set_defaults(func=sampel)
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except SuratError as e:
        sys.exit(json.dumps(e.problem(), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    sys.exit(main())
