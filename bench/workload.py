"""The letters both systems get: the 25 sample requests, cycled in a mixed order.

Consecutive letters differ in type and in region, so a run of any length
exercises all five templates and does not queue on one unit's number lock.
Each letter answers or rests on letters from outside the service, named by
nomor and date; the service lets a request be answered once, so every letter
of a run gets references of its own (the sample's nomor with a serial).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from service.letters.nip import normalise_nip

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples" / "requests"
JENIS = ("permohonan-pelibatan", "jawaban", "penugasan", "keputusan-tim-kerja", "pengajuan-sukarela")


@dataclass(frozen=True)
class Letter:
    """One sample request and the official who signs it."""

    wilayah: str
    jenis: str
    request: dict

    @property
    def nip(self) -> str:
        return normalise_nip(self.request["penandatangan"]["nip"])

    @property
    def label(self) -> str:
        return f"{self.wilayah}/{self.jenis}"


def regions() -> list[str]:
    return sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())


def sample_cycle() -> list[Letter]:
    """All 25 samples: letter k has type k mod 5 and a region shifted every five letters."""
    names = regions()
    cycle = []
    for k in range(len(JENIS) * len(names)):
        wilayah, jenis = names[(k + k // len(JENIS)) % len(names)], JENIS[k % len(JENIS)]
        request = json.loads((SAMPLES / wilayah / f"{jenis}.json").read_text(encoding="utf-8"))
        cycle.append(Letter(wilayah, jenis, request))
    return cycle


def own_references(value, serial: int):
    """``value`` with every reference to an outside letter (a mapping with nomor and tanggal) made unique."""
    if isinstance(value, dict):
        copy = {k: own_references(v, serial) for k, v in value.items()}
        if "nomor" in copy and "tanggal" in copy and "id" not in copy:
            copy["nomor"] = f"{copy['nomor']}-{serial}"
        return copy
    if isinstance(value, list):
        return [own_references(v, serial) for v in value]
    return value


def letters(n: int, serial_start: int = 0) -> list[Letter]:
    """The first ``n`` letters of the cycle, their references numbered from ``serial_start``.

    Every batch starts at the same sample, so two systems, or two runs,
    get the same letters.
    """
    cycle = sample_cycle()
    return [replace(cycle[i % len(cycle)], request=own_references(cycle[i % len(cycle)].request, serial_start + i))
            for i in range(n)]


def passphrase(pki: Path, nip: str) -> str:
    """The development passphrase of ``nip`` (never printed or stored in results)."""
    return (pki / "officials" / f"{nip}.passphrase").read_text().strip()
