"""What the tests of the rules across letters share: the sample chains
replayed up to a step, a step's request bound to the letters issued, and the
422 entries a request gets."""

from __future__ import annotations

import copy

from service.devtools.replay import bind, load_chains, replay

from ..conftest import PASSPHRASE, sample
from .rules_support import SEBUTAN

CHAINS = dict(load_chains())


def run(app, chain: str, until: str | None = None) -> dict[str, str]:
    """Replay a sample chain (up to and including step ``until``): step name → letter id."""
    steps = CHAINS[chain]
    if until:
        steps = steps[: [s.nama for s in steps].index(until) + 1]
    services = app.extensions["suratkerja"]
    return {step.nama: letter.id for step, letter in replay(services, [(chain, steps)], lambda nip: PASSPHRASE)}


def body(chain: str, nama: str, ids: dict[str, str]) -> dict:
    """The request of a step of a sample chain, its references bound to ``ids``."""
    step = next(s for s in CHAINS[chain] if s.nama == nama)
    return copy.deepcopy(bind(step.surat, ids))


def with_people(assignment: dict, wilayah: str) -> dict:
    """An assignment given its people, period and owner unit as the region's sample has them
    (for bases that fill nothing: a refusal, a request, an outside letter)."""
    full = sample(wilayah, "penugasan")
    return {**{k: full[k] for k in ("pegawai", "bentuk", "jangka_waktu", "unit_pemilik_kinerja")}, **assignment}


def spaced(nip: str) -> str:
    """A NIP as printed on paper: 8 4 6 1 3, with spaces."""
    return " ".join((nip[:8], nip[8:14], nip[14], nip[15:]))


def post(client, jenis, payload):
    return client.post(f"/api/v1/surat/{jenis}", json=payload)


def entries(response) -> list[tuple[str, str, str]]:
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    return [(e["pointer"], e["code"], e["pasal"]) for e in response.get_json()["errors"]]


def assert_rule(response, pointer, code, wilayah, pasal):
    cited = pasal if pasal.startswith("Permen") else f"{SEBUTAN[wilayah]} {pasal}"
    assert (pointer, code, cited) in entries(response)
