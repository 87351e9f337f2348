"""Replaying the sample chains (``samples/rantai/*.json``) on a registry.

A chain file lists its steps in order; each step is a letter request (its
``verifikator``, if any, give paraf in order before it is signed; or,
with ``"jenis": "surat-luar"``, a letter from outside to register; with
``"jenis": "pencabutan"``, the revocation of an earlier step's letter by
its penandatangan: ``{"surat": "@nama", "nip", "alasan", "surat_pencabut"}``). A value
``"@nama"`` anywhere in a step stands for the id the step ``nama`` got, so
the files hold no ids and replay the same on any fresh registry: the same
letters with the same numbers every time.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from ..access.audit import CONSOLE
from ..chain.known import Known
from ..chain.outside import register_outside
from ..plumbing.config import REPO_ROOT
from ..issuing.issue import issue
from ..plumbing.services import Services
from ..plumbing.models import Surat
from ..signatures.revocation import Pencabutan, revoke, signer_revoker
from ..signatures.sign_letter import sign_letter
from ..signatures.signature import signers_of
from ..workflow.paraf import give_paraf

CHAIN_DIR = REPO_ROOT / "samples" / "rantai"
OUTSIDE = "surat-luar"
REVOCATION = "pencabutan"


@dataclass(frozen=True)
class Step:
    chain: str
    nama: str
    jenis: str
    surat: dict


def load_chains(directory: Path = CHAIN_DIR) -> list[tuple[str, list[Step]]]:
    """Every chain file, by name, with its steps."""
    chains = []
    for path in sorted(directory.glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        chains.append((path.stem, [Step(path.stem, s["nama"], s["jenis"], s["surat"]) for s in body["langkah"]]))
    return chains


def bind(value: Any, ids: dict[str, str]) -> Any:
    """``value`` with every ``"@nama"`` replaced by the id of step ``nama``."""
    if isinstance(value, dict):
        return {k: bind(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [bind(v, ids) for v in value]
    if isinstance(value, str) and value.startswith("@"):
        return ids[value[1:]]
    return value


def replay(services: Services, chains: list[tuple[str, list[Step]]],
           passphrase: Callable[[str], str]) -> Iterator[tuple[Step, Any]]:
    """Issue every step in order, its verifikators' paraf given, and have it signed, yielding each step with its
    letter.

    :param passphrase: the passphrase of the official with a given NIP.
    """
    for _, steps in chains:
        ids: dict[str, str] = {}
        for step in steps:
            body = bind(step.surat, ids)
            if step.jenis == OUTSIDE:
                with services.sessions.begin() as session:
                    letter = Known.of_luar(register_outside(session, services.profiles, body))
            elif step.jenis == REVOCATION:
                letter = _revoke(services, body)
            else:
                letter = issue(services, step.jenis, body, CONSOLE).surat
                for verifikator in letter.verifikator:
                    letter = give_paraf(services, letter, verifikator["nip"], letter.versi, CONSOLE)
                for official in signers_of(letter):
                    letter = sign_letter(services, letter.id, official["nip"], passphrase(official["nip"]), None,
                                         CONSOLE)
            ids[step.nama] = letter.id
            yield step, letter


def _revoke(services: Services, body: dict) -> Surat:
    """A revocation step: the letter named, revoked by its penandatangan."""
    with services.sessions() as session:
        surat = session.get(Surat, body["surat"])
    revoking = body.get("surat_pencabut") or {}
    tanggal = dt.date.fromisoformat(revoking["tanggal"]) if revoking else None
    return revoke(services, surat, Pencabutan(body["alasan"], revoking.get("nomor"), tanggal),
                  signer_revoker(surat, body["nip"]), CONSOLE)
