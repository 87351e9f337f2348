"""Benchmark: a signed letter from suratkerja over HTTP against the naive way, in one run.

    bash scripts/bench.sh [--letters 200] [--clients 1,2,4] [--baseline-letters 40]
                           [--memory-letters 1000] [--verifications 200]
                           [--out bench/results/benchmark.json]

1. Starts the service as a user would (a TOML config in a temporary
   instance, ``suratkerja devpki``, ``suratkerja serve``) and sends the
   sample letters (all five types, every region, in turn) through
   ``POST /api/v1/surat/<jenis>/terbit-tandatangan`` with C concurrent
   clients for each C: latency percentiles, throughput, and the time per
   stage from the ``Server-Timing`` header. Each request carries the API
   key of its region's pemda, as an e-office client would (one key per
   pemda, made with ``suratkerja kunci buat``); the stages ``auth`` (the key
   checked), ``authz`` (the request's pemda, unit and references checked)
   and ``audit`` (its audit entry) say what access costs.
2. Uploads a signed one-page letter to ``POST /api/v1/verifikasi``.
3. Memory: RSS of the service and of each LibreOffice process after each
   phase, and at every thousandth letter as far as ``--memory-letters``
   goes (10000 for the long run; verification is then measured once more,
   on the grown registry, and again after a minute idle). Then, to tell
   what a slower verification on the grown registry comes from, two more
   services verify the same letter in turns with the running one, so that
   all three meet the same machine: a fresh process on the same registry,
   and a fresh process on a copy of the registry taken when verification
   was first measured.
4. Stops the service and runs the baseline (:mod:`baseline`) on the same
   letters with C worker processes, then prints the ratios and writes the
   JSON result and its plot (same name, ``.png``).

Passphrases are read from the development PKI's files into request bodies
and appear in no output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

from workload import REPO, Letter, letters, passphrase

sys.path.insert(0, str(REPO))

import baseline  # noqa: E402
import clients  # noqa: E402
import plot  # noqa: E402
import stats  # noqa: E402
from server import Service  # noqa: E402

MEMORY_CHECKPOINTS = tuple(range(1000, 10001, 1000))
WARMUP = 25
"""Letters sent before measuring: one of each sample, so every template,
converter and official's key has been used once."""
REST_S = 60
"""Idle seconds before verification is measured a second time on the grown registry: the first
measurement follows minutes of full load, the second tells the service's state from the machine's."""
ATTRIBUTION_ROUNDS = 4
"""Turns taken by the three services of the verification comparison."""
VERIFY_JENIS = "jawaban"
"""A letter type whose samples are one page long."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=200, help="letters per concurrency level (service)")
    parser.add_argument("--clients", default="1,2,4", help="concurrency levels, comma-separated")
    parser.add_argument("--baseline-letters", type=int, default=40,
                        help="letters per concurrency level for the baseline (about 1 s each)")
    parser.add_argument("--memory-letters", type=int, default=1000,
                        help="send letters until the service has issued this many (10000 for the long run)")
    parser.add_argument("--verifications", type=int, default=200, help="uploads per concurrency level")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "benchmark.json")
    args = parser.parse_args(argv)
    args.clients = [int(c) for c in args.clients.split(",")]
    return args


def machine() -> dict:
    """What the figures depend on, and how busy the machine was."""
    office = subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "libreoffice": office,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


class Sender:
    """Sends letters to one running service, each letter with outside references of its own."""

    def __init__(self, svc: Service):
        self.svc = svc
        self.sent = 0
        self.send = clients.post_json(svc.url)

    def requests(self, batch: list[Letter]) -> list[tuple[str, dict, dict]]:
        return [(f"/api/v1/surat/{letter.jenis}/terbit-tandatangan",
                 {"surat": letter.request, "passphrase": passphrase(self.svc.pki, letter.nip)},
                 self.svc.auth(letter.wilayah))
                for letter in batch]

    def issue(self, count: int, concurrency: int) -> tuple[list[Letter], list[clients.Result], float]:
        batch = letters(count, serial_start=self.sent)
        results, wall = clients.run(self.send, self.requests(batch), concurrency)
        self.sent += count
        failed = [(letter.label, r.status, (r.answer or {}).get("detail")) for letter, r in zip(batch, results)
                  if r.status != 201]
        if failed:
            raise RuntimeError(f"{len(failed)} letters were not issued, e.g. {failed[:3]}")
        return batch, results, wall


def service_runs(sender: Sender, count: int, levels: list[int]) -> list[dict]:
    """One run of ``count`` letters per concurrency level."""
    runs = []
    for concurrency in levels:
        _, results, wall = sender.issue(count, concurrency)
        ms = [r.ms for r in results]
        runs.append({"clients": concurrency, **stats.latency(ms, wall),
                     "stages": stats.stages({**r.stages, "other": r.ms - sum(r.stages.values())} for r in results),
                     "memory": sender.svc.memory(), "latencies_ms": [round(x, 1) for x in ms]})
        print_run("suratkerja", runs[-1])
    return runs


def one_page_letter(sender: Sender, batch: list[Letter], results: list[clients.Result]) -> bytes:
    """The signed PDF of the first letter of :data:`VERIFY_JENIS` in ``batch``."""
    import requests
    from pyhanko.pdf_utils.reader import PdfFileReader

    letter, surat_id = next((letter, r.answer["id"]) for letter, r in zip(batch, results)
                            if letter.jenis == VERIFY_JENIS)
    pdf = requests.get(f"{sender.svc.url}/api/v1/surat/{surat_id}/pdf", timeout=30,
                       headers=sender.svc.auth(letter.wilayah)).content
    pages = int(PdfFileReader(BytesIO(pdf)).root["/Pages"]["/Count"])
    if pages != 1:
        raise RuntimeError(f"the {VERIFY_JENIS} letter has {pages} pages, not one")
    return pdf


def verification_runs(sender: Sender, pdf: bytes, count: int, levels: list[int]) -> list[dict]:
    """``count`` uploads of ``pdf`` per concurrency level; every answer must be TOTAL_PASSED."""
    send = clients.post_pdf(f"{sender.svc.url}/api/v1/verifikasi")
    runs = []
    for concurrency in levels:
        results, wall = clients.run(send, [pdf] * count, concurrency)
        _check_passed(results)
        runs.append({"clients": concurrency, "registry_letters": sender.sent,
                     **stats.latency([r.ms for r in results], wall)})
        print(f"verification   {concurrency} clients, {sender.sent} letters issued: p50 {runs[-1]['p50_ms']:6.1f} ms"
              f"  p95 {runs[-1]['p95_ms']:6.1f} ms  {runs[-1]['per_s']:6.1f} uploads/s")
    return runs


def registry_snapshot(instance: Path, into: Path) -> Path:
    """A copy of the instance's registry and PKI as they are now, for a service of its own later.

    Taken between phases, while the service is idle; SQLite's backup API
    copies a consistent database whatever its journal holds.
    """
    into.mkdir()
    shutil.copytree(instance / "pki", into / "pki")
    source, target = sqlite3.connect(instance / "suratkerja.db"), sqlite3.connect(into / "suratkerja.db")
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return into


def verification_attribution(sender: Sender, snapshot: Path, snapshot_letters: int, pdf: bytes,
                             count: int) -> list[dict]:
    """The same uploads to three services in turns, one client: the running one and two fresh processes.

    The fresh processes (one converter each; they only verify) start on
    the running service's own registry and on the copy taken at
    ``snapshot_letters``. Taking turns, all three meet the machine in the
    same state, so running against fresh tells the service's state from
    the machine's, and the two fresh ones tell the registry's size.
    """
    with Service(sender.svc.instance, converters=1) as same, Service(snapshot, converters=1) as small:
        services = [("running service", sender.svc, sender.sent),
                    ("fresh process, same registry", same, sender.sent),
                    ("fresh process, registry copy", small, snapshot_letters)]
        sends = [clients.post_pdf(f"{svc.url}/api/v1/verifikasi") for _, svc, _ in services]
        for send in sends[1:]:
            _check_passed(clients.run(send, [pdf] * WARMUP, 1)[0])
        latencies: list[list[float]] = [[] for _ in services]
        for _ in range(ATTRIBUTION_ROUNDS):
            for send, ms in zip(sends, latencies):
                results, _ = clients.run(send, [pdf] * (count // ATTRIBUTION_ROUNDS), 1)
                _check_passed(results)
                ms += [r.ms for r in results]
    found = []
    for (name, _, letters_in_registry), ms in zip(services, latencies):
        found.append({"service": name, "registry_letters": letters_in_registry,
                      **stats.latency(ms, sum(ms) / 1000)})
        print(f"verification in turns, {name} ({letters_in_registry} letters): p50 {found[-1]['p50_ms']:6.1f} ms"
              f"  p95 {found[-1]['p95_ms']:6.1f} ms")
    return found


def _check_passed(results: list[clients.Result]) -> None:
    verdicts = {(r.status, (r.answer or {}).get("indication")) for r in results}
    if verdicts != {(200, "TOTAL_PASSED")}:
        raise RuntimeError(f"verification answered {verdicts}")


def memory_run(sender: Sender, upto: int, concurrency: int) -> list[dict]:
    """Letters until ``upto`` have been issued, with the memory at each checkpoint on the way."""
    checkpoints = []
    for mark in [m for m in MEMORY_CHECKPOINTS if m <= upto and m > sender.sent]:
        sender.issue(mark - sender.sent, concurrency)
        checkpoints.append({"letters": mark, **sender.svc.memory()})
        print(f"memory after {mark:6d} letters: service {checkpoints[-1]['service']}, converters "
              f"{checkpoints[-1]['converters']}")
    return checkpoints


def baseline_runs(batch: list[Letter], levels: list[int], pki: Path, workdir: Path) -> list[dict]:
    import signing

    runs = []
    with signing.start_local_tsa(signing.load_dev_timestamper(pki)) as tsa:
        for workers in levels:
            results, wall = baseline.run(batch, workers, pki, tsa.url, workdir / f"baseline-{workers}")
            ms = [r["ms"] for r in results]
            runs.append({"clients": workers, **stats.latency(ms, wall),
                         "stages": stats.stages(r["stages"] for r in results),
                         "latencies_ms": ms})
            print_run("baseline", runs[-1])
    return runs


def print_run(system: str, run: dict) -> None:
    steps = "  ".join(f"{name} {s['median_ms']:.0f}" for name, s in run["stages"].items())
    print(f"{system:<14} {run['clients']} concurrent: p50 {run['p50_ms']:7.1f}  p95 {run['p95_ms']:7.1f}  "
          f"p99 {run['p99_ms']:7.1f} ms  {run['per_s']:5.2f} letters/s   median ms: {steps}")


def ratios(ours: list[dict], theirs: list[dict]) -> list[dict]:
    """suratkerja/baseline per concurrency level: throughput (higher is better) and p50 (lower is better)."""
    by_level = {r["clients"]: r for r in theirs}
    return [{"clients": r["clients"],
             "throughput": round(r["per_s"] / by_level[r["clients"]]["per_s"], 2),
             "p50": round(r["p50_ms"] / by_level[r["clients"]]["p50_ms"], 3)}
            for r in ours if r["clients"] in by_level]


def converter_peak(result: dict) -> float | None:
    """The largest peak RSS of any LibreOffice process in any memory sample of the run."""
    samples = [r["memory"] for r in result["suratkerja"]["runs"]]
    samples += [*result["memory"]["checkpoints"], result["memory"]["final"]]
    return max((c["peak_rss_mib"] for s in samples for c in s["converters"]), default=None)


def access_ms(run: dict) -> float:
    """Median time the service spent on who calls and whether they may (stages ``auth`` and ``authz``)."""
    return round(sum(run["stages"].get(name, {}).get("median_ms", 0.0) for name in ("auth", "authz")), 1)


def targets(result: dict) -> list[dict]:
    """The issue's targets against this run's figures (those the run measured)."""
    runs = {r["clients"]: r for r in result["suratkerja"]["runs"]}
    found = []

    def check(name: str, measured, limit, met: bool) -> None:
        found.append({"target": name, "measured": measured, "limit": limit, "met": met})

    if 1 in runs:
        check("p50 create-and-sign, 1 client (ms)", runs[1]["p50_ms"], 150, runs[1]["p50_ms"] <= 150)
        access = access_ms(runs[1])
        check("authentication + authorization per request, 1 client, median (ms)", access, 2, access < 2)
        check("p95 create-and-sign, 1 client (ms)", runs[1]["p95_ms"], 250, runs[1]["p95_ms"] <= 250)
    if 4 in runs:
        check("letters/s, 4 clients", runs[4]["per_s"], 12, runs[4]["per_s"] >= 12)
    four = [r for r in result["ratios"] if r["clients"] == 4]
    if four:
        check("throughput vs baseline, 4 concurrent (x)", four[0]["throughput"], 6, four[0]["throughput"] >= 6)
    marks = {m["letters"]: m for m in result["memory"]["checkpoints"]}
    if 1000 in marks:
        rss = marks[1000]["service"]["rss_mib"]
        check("service RSS after 1,000 letters (MiB)", rss, 250, rss < 250)
    if 2000 in marks and 10000 in marks:
        growth = round(marks[10000]["service"]["rss_mib"] - marks[2000]["service"]["rss_mib"], 1)
        check("service RSS growth 2,000 → 10,000 letters (MiB)", growth, 0, growth <= 0)
    peak = converter_peak(result)
    if peak is not None:
        check("converter peak RSS, largest (MiB)", peak, 250, peak < 250)
    verify = {r["clients"]: r for r in result["verification"]["runs"]}
    if 1 in verify:
        check("verification p95, 1 client (ms)", verify[1]["p95_ms"], 40, verify[1]["p95_ms"] < 40)
    for grown in result["verification"].get("after_memory_run", []):
        check(f"verification p95, 1 client, {grown['registry_letters']:,} letters in the registry (ms)",
              grown["p95_ms"], 40, grown["p95_ms"] < 40)
    return found


def measure_service(args: argparse.Namespace, instance: Path) -> dict:
    """Phases 1-3 on one running service."""
    with Service(instance) as svc:
        sender = Sender(svc)
        batch, results, _ = sender.issue(WARMUP, max(args.clients))
        runs = service_runs(sender, args.letters, args.clients)
        pdf = one_page_letter(sender, batch, results)
        verification = {"letter": {"jenis": VERIFY_JENIS, "pages": 1, "bytes": len(pdf)},
                        "runs": verification_runs(sender, pdf, args.verifications, args.clients)}
        snapshot_letters = sender.sent
        snapshot = registry_snapshot(instance, instance / "registry-snapshot")
        checkpoints = memory_run(sender, args.memory_letters, max(args.clients))
        if checkpoints:
            verification["after_memory_run"] = verification_runs(sender, pdf, args.verifications, [1])
            time.sleep(REST_S)
            print(f"after {REST_S} s idle:")
            verification["after_memory_run_rested"] = verification_runs(sender, pdf, args.verifications, [1])
            verification["in_turns"] = verification_attribution(sender, snapshot, snapshot_letters, pdf,
                                                                args.verifications)
        memory = {"checkpoints": checkpoints, "final": svc.memory(), "letters_issued": sender.sent}
    return {"suratkerja": {"warmup_letters": WARMUP, "runs": runs}, "verification": verification,
            "memory": memory}


def print_summary(result: dict) -> None:
    for r in result["ratios"]:
        print(f"suratkerja/baseline at {r['clients']} concurrent: throughput x{r['throughput']:.1f}, "
              f"p50 x{r['p50']:.3f} (the baseline takes {1 / r['p50']:.1f} times as long)")
    for t in result["targets"]:
        print(f"{'met ' if t['met'] else 'MISSED'}  {t['target']}: {t['measured']} (target {t['limit']})")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up as on Ctrl+C
    result = {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
              "command": " ".join(["bench/run.py", *(argv if argv is not None else sys.argv[1:])]),
              "machine": machine(),
              "settings": {"letters": args.letters, "clients": args.clients, "baseline_letters": args.baseline_letters,
                           "memory_letters": args.memory_letters, "verifications": args.verifications,
                           "pades_level": "B-T", "converters": "one per core (default)", "server_threads": 8}}
    with tempfile.TemporaryDirectory(prefix="suratkerja-bench-") as tmp:
        instance = Path(tmp)
        result.update(measure_service(args, instance))
        result["baseline"] = {"runs": baseline_runs(letters(args.baseline_letters), args.clients,
                                                    instance / "pki", instance)}
    result["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    result["ratios"] = ratios(result["suratkerja"]["runs"], result["baseline"]["runs"])
    result["targets"] = targets(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    plot.draw(result, args.out.with_suffix(".png"))
    print_summary(result)
    print(f"written {args.out} and {args.out.with_suffix('.png')}")


if __name__ == "__main__":
    main()
