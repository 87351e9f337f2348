"""``suratkerja`` command: run the service, regenerate the sample letters.

``suratkerja serve``  starts the service with waitress on its embedded
defaults (SQLite and files under ``instance/``, LibreOffice kept warm).
``suratkerja sampel`` issues every request in ``samples/requests/`` on a
fresh registry and writes the PDFs to ``samples/pdf/``.
``suratkerja rantai`` replays the sample chains in ``samples/rantai/``.
``suratkerja db upgrade`` brings the registry to the newest schema (the
service also does at start-up).
``suratkerja kunci buat|daftar|cabut|putar`` manages API keys;
``suratkerja audit verify`` checks the audit trail's hash chain.
``suratkerja direktori impor|ekspor`` imports (or, with ``--uji``, checks)
and exports a pemda's directory as CSV, on the registry of the settings;
``suratkerja delegasi daftar|catat|akhiri`` keeps its delegation register.
``suratkerja akun`` manages staff accounts (:mod:`service.accounts.commands`).
``suratkerja worker`` delivers the webhooks' events (a process beside ``serve``).
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import logging
import os
import sys
from pathlib import Path

from .accounts.commands import add_commands as add_account_commands
from .devtools.samples import SAMPLE_BASE_URL, SAMPLES
from .plumbing.config import ConfigError, Settings, load_settings
from .plumbing.errors import SuratError
from .wilayah import ProfileError


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


def serve_base_url(args: argparse.Namespace) -> str:
    """The public address: ``--base-url``, else the configured ``base_url``, else where it listens."""
    configured = load_settings().base_url
    return args.base_url or (configured if configured != Settings.base_url else f"http://{args.host}:{args.port}")


def serve(args: argparse.Namespace) -> None:
    from waitress import serve as waitress_serve

    from . import create_app

    tune_malloc()
    app = create_app({"base_url": serve_base_url(args)})
    # What start-up built lives as long as the process. Left to the garbage
    # collector, its 150,000 objects are walked at every full collection:
    # a 100 ms pause every few hundred letters or verifications.
    gc.collect()
    gc.freeze()
    logging.getLogger(__name__).info("suratkerja listening on http://%s:%d", args.host, args.port)
    waitress_serve(app, host=args.host, port=args.port, threads=args.threads)


def sampel(args: argparse.Namespace) -> None:
    from .devtools.samples import write_samples

    write_samples(Path(args.out), args.base_url)


def rantai(args: argparse.Namespace) -> None:
    from .devtools.samples import replay_chains

    replay_chains(Path(args.out) if args.out else None, args.base_url)


def devpki(args: argparse.Namespace) -> None:
    from .devtools.samples import ensure_devpki

    ensure_devpki()


def db_upgrade(args: argparse.Namespace) -> None:
    from . import make_engine
    from .plumbing import schema
    from .plumbing.config import load_settings

    settings = load_settings()
    engine = make_engine(settings)
    try:
        outcome = schema.upgrade(engine, settings.lock_dir)
    finally:
        engine.dispose()
    print(f"Register {outcome}: revisi {schema.head()}.")


def _registry():
    from . import registry_services
    from .chain import PROFILE_RULE_KEYS
    from .plumbing.config import load_settings
    from .wilayah import load_profiles

    return registry_services(load_settings(), load_profiles(PROFILE_RULE_KEYS))


def _hand_over(new, berkas: str | None) -> None:
    """The new key's token: into a 0600 file, or printed once; never both, never logged."""
    if berkas:
        path = Path(berkas)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(new.token + "\n")
        print(f"Kunci {new.kunci.prefiks} dibuat; kunci lengkap ditulis ke {path} (0600).")
    else:
        print(f"Kunci {new.kunci.prefiks} dibuat. Kunci lengkap (ditampilkan sekali ini saja):")
        print(new.token)


def kunci(args: argparse.Namespace) -> None:
    from .access import audit, keys
    from .access.principal import ADMIN, KUNCI, Principal

    services = _registry()
    host = Principal(KUNCI, None, rights=frozenset({ADMIN}), label=audit.CONSOLE.pelaku)
    with services.sessions.begin() as session:
        if args.kunci_command == "daftar":
            for key in keys.list_keys(session, host):
                state = f"dicabut {key.dicabut:%Y-%m-%d %H:%M}" if key.dicabut else "aktif"
                used = f"{key.terakhir_dipakai:%Y-%m-%d %H:%M}" if key.terakhir_dipakai else "-"
                print(f"{key.prefiks}  {key.wilayah or '(hosting)'}  unit={','.join(key.unit or ['semua'])}  "
                      f"hak={','.join(key.hak)}  {state}  terakhir dipakai {used}  {key.nama}")
            return
        if args.kunci_command == "buat":
            new = keys.create_key(session, services.profiles, wilayah=args.wilayah, nama=args.nama,
                                  rights=args.hak.split(","), units=args.unit.split(",") if args.unit else None)
            key, aksi = new.kunci, "kunci.buat"
        else:
            key = keys.find_key(session, host, args.prefiks)
            if args.kunci_command == "cabut":
                keys.revoke(key)
                new, aksi = None, "kunci.cabut"
            else:
                new = keys.rotate(session, services.profiles, key)
                key, aksi = new.kunci, "kunci.putar"
    audit.append(services, audit.CONSOLE, aksi, wilayah=key.wilayah, objek=key.prefiks,
                 rincian={"hak": key.hak, "unit": key.unit})
    if new is None:
        print(f"Kunci {key.prefiks} dicabut.")
    else:
        _hand_over(new, args.berkas)


def audit_verify(args: argparse.Namespace) -> None:
    from .access.audit import verify_chain

    with _registry().sessions() as session:
        count, last, breaks = verify_chain(session)
    for b in breaks:
        print(f"entri {b.id}: {b.reason}")
    print(f"{count} entri, hash terakhir {last}.")
    if breaks:
        sys.exit(f"Jejak audit RUSAK di {len(breaks)} tempat.")
    print("Jejak audit utuh.")


def direktori(args: argparse.Namespace) -> None:
    from .access import audit
    from .directory.directory import export_csv, import_csv

    services = _registry()
    registry = services.sessions, services.profiles
    try:
        if args.aksi == "impor":
            report = import_csv(*registry, args.wilayah, Path(args.berkas).read_bytes(), dry_run=args.uji)
            if not report.uji:
                audit.append(services, audit.CONSOLE, "direktori.impor", wilayah=report.wilayah,
                             rincian=report.counts())
            print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        elif args.berkas == "-":
            sys.stdout.write(export_csv(*registry, args.wilayah))
        else:
            Path(args.berkas).write_text(export_csv(*registry, args.wilayah), encoding="utf-8")
    finally:
        services.sessions.kw["bind"].dispose()


def delegasi(args: argparse.Namespace) -> None:
    """The pemda's delegation register: list it, record an entry, end one (both audited)."""
    from .access import audit
    from .directory.delegation import DelegasiBaruSchema, add_delegation, end_delegation, list_delegations
    from .issuing.printing import today
    from .issuing.validation import load

    services = _registry()
    registry, per = (services.sessions, services.profiles), today()
    try:
        if args.aksi == "daftar":
            result = list_delegations(*registry, args.wilayah, per=per)
        elif args.aksi == "catat":
            given = {**vars(args), "berlaku_sampai": args.sampai}
            entry = load(DelegasiBaruSchema(), {k: given[k] for k in DelegasiBaruSchema().fields if given.get(k)})
            result = add_delegation(*registry, args.wilayah, entry, per=per)
            audit.append(services, audit.CONSOLE, "delegasi.catat", wilayah=args.wilayah, objek=result["id"],
                         rincian={"jenis": result["jenis"]})
        else:
            last = load(DelegasiBaruSchema(only=("berlaku_sampai",)),
                        {"berlaku_sampai": args.sampai}) if args.sampai else {}
            result = end_delegation(*registry, args.wilayah, args.id or "", per=per, sampai=last.get("berlaku_sampai"))
            audit.append(services, audit.CONSOLE, "delegasi.akhiri", wilayah=args.wilayah, objek=args.id,
                         rincian={"sampai": result["berlaku_sampai"].isoformat()})
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    finally:
        services.sessions.kw["bind"].dispose()


def worker(args: argparse.Namespace) -> None:
    """Send the webhooks' events until stopped (SIGTERM or Ctrl+C finish the round in progress)."""
    import signal
    import threading

    from .webhooks.worker import run

    services, stop = _registry(), threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        run(services, interval=args.interval, timeout=args.timeout, stop=stop)
    except KeyboardInterrupt:
        pass
    finally:
        services.sessions.kw["bind"].dispose()


def parser() -> argparse.ArgumentParser:
    """The command line: one sub-command per use."""
    command = argparse.ArgumentParser(prog="suratkerja", description=__doc__.splitlines()[0])
    sub = command.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="jalankan layanan")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--base-url", help="alamat publik untuk kode QR (bawaan: base_url konfigurasi, atau "
                                      "http://HOST:PORT)")
    p.set_defaults(func=serve)
    p = sub.add_parser("worker", help="kirim peristiwa webhook (proses tersendiri di samping serve)")
    p.add_argument("--interval", type=float, default=1.0, help="detik antara dua putaran pengiriman")
    p.add_argument("--timeout", type=float, default=10.0, help="detik menunggu jawaban penerima")
    p.set_defaults(func=worker)
    p = sub.add_parser("devpki", help="buat PKI pengembangan (sekali) untuk pejabat di samples/")
    p.set_defaults(func=devpki)
    p = sub.add_parser("rantai", help="putar ulang rantai contoh dari samples/rantai pada register baru")
    p.add_argument("--out", help="tulis juga PDF bertanda tangan ke direktori ini")
    p.add_argument("--base-url", default=SAMPLE_BASE_URL, help="alamat publik untuk kode QR")
    p.set_defaults(func=rantai)
    p = sub.add_parser("sampel", help="buat ulang PDF contoh dari samples/requests")
    p.add_argument("--out", default=str(SAMPLES / "pdf"))
    p.add_argument("--base-url", default=SAMPLE_BASE_URL, help="alamat publik untuk kode QR")
    p.set_defaults(func=sampel)
    p = sub.add_parser("direktori", help="impor atau ekspor direktori unit dan pegawai sebuah pemda (CSV)")
    p.add_argument("aksi", choices=("impor", "ekspor"))
    p.add_argument("wilayah", help="kode wilayah, mis. hulu-sungai-selatan")
    p.add_argument("berkas", help="berkas CSV yang dibaca (impor) atau ditulis (ekspor; - = keluaran standar)")
    p.add_argument("--uji", action="store_true", help="impor: hanya periksa berkas, tidak ada yang diimpor")
    p.set_defaults(func=direktori)
    p = sub.add_parser("delegasi", help="register delegasi penandatanganan (a.n., u.b., Plt., Plh.) sebuah pemda")
    p.add_argument("aksi", choices=("daftar", "catat", "akhiri"))
    p.add_argument("wilayah", help="kode wilayah, mis. hulu-sungai-selatan")
    p.add_argument("id", nargs="?", help="akhiri: id delegasi")
    p.add_argument("--jenis", help="catat: a.n., u.b., Plt. atau Plh.")
    p.add_argument("--pemberi", dest="nip_pemberi",
                   help="catat: NIP pejabat yang diatasnamakan/jabatannya dilaksanakan")
    p.add_argument("--penerima", dest="nip_penerima", help="catat: NIP pejabat yang menandatangani")
    p.add_argument("--antara", dest="nip_antara", help="catat, u.b.: NIP pemegang a.n.")
    p.add_argument("--dari", dest="berlaku_dari", help="catat: tanggal mulai TTTT-BB-HH")
    p.add_argument("--sampai",
                   help="catat: hari terakhir TTTT-BB-HH; akhiri: hari terakhir yang baru (bawaan: hari ini)")
    p.add_argument("--dasar-nomor", dest="dasar_nomor", help="catat: nomor surat dasarnya (Plt./Plh.: wajib)")
    p.add_argument("--dasar-tanggal", dest="dasar_tanggal", help="catat: tanggal surat dasarnya")
    p.set_defaults(func=delegasi)
    add_account_commands(sub)
    p = sub.add_parser("db", help="skema register")
    db = p.add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="mutakhirkan skema register ke revisi terbaru").set_defaults(func=db_upgrade)
    p = sub.add_parser("kunci", help="kunci API")
    k = p.add_subparsers(dest="kunci_command", required=True)
    k.add_parser("daftar", help="daftar kunci (tanpa rahasianya)").set_defaults(func=kunci)
    q = k.add_parser("buat", help="buat kunci; kunci lengkap ditampilkan sekali")
    q.add_argument("--nama", required=True, help="untuk apa kunci ini, mis. nama sistem e-office")
    q.add_argument("--wilayah", help="pemda kunci (kode wilayah); tanpa = administrator hosting")
    q.add_argument("--unit", help="kode unit, dipisah koma; tanpa = semua unit pemda")
    q.add_argument("--hak", required=True, help="terbit,tandatangan,baca,verifikasi,admin (dipisah koma)")
    q.add_argument("--berkas", help="tulis kunci lengkap ke berkas ini (0600) alih-alih menampilkannya")
    q.set_defaults(func=kunci)
    for name, text in (("cabut", "cabut kunci"), ("putar", "ganti kunci dengan yang baru; yang lama dicabut")):
        q = k.add_parser(name, help=text)
        q.add_argument("prefiks", help="mis. sk_1a2b3c4d")
        if name == "putar":
            q.add_argument("--berkas", help="tulis kunci baru ke berkas ini (0600)")
        q.set_defaults(func=kunci)
    p = sub.add_parser("audit", help="jejak audit")
    a = p.add_subparsers(dest="audit_command", required=True)
    a.add_parser("verify", help="periksa rantai hash jejak audit").set_defaults(func=audit_verify)
    return command


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # fontTools reports every table it subsets for an official's stamp font at INFO: a dozen lines a signer.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    args = parser().parse_args(argv)
    try:
        args.func(args)
    except SuratError as e:
        sys.exit(json.dumps(e.problem(), ensure_ascii=False, indent=2))
    except (ConfigError, ProfileError) as e:  # an operator's mistake: the cause, not a traceback
        sys.exit(f"suratkerja: {e}")
    except FileExistsError as e:  # a secret is never written over an existing file
        sys.exit(f"suratkerja: {e.filename} sudah ada; pilih berkas lain atau hapus dulu.")


if __name__ == "__main__":
    sys.exit(main())
