"""What the rule tables of the letter types share: the region profiles, how
an article is cited, and the mutations that break one rule of a valid sample.

Each case of a table starts from the sample request of its region and
letter type, breaks exactly one rule, and checks the 422 entry: its
pointer, its code and the article it cites.
"""

from __future__ import annotations

import pytest

from service.chain import PROFILE_RULE_KEYS
from service.issuing.validation import validate_letter
from service.plumbing.errors import Finding, InvalidRequest
from service.wilayah import load_profiles

from ..conftest import all_samples, sample

PROFILES = load_profiles(PROFILE_RULE_KEYS)
SEBUTAN = {k: p.instrumen.sebutan for k, p in PROFILES.items()}
NASIONAL = "PermenPANRB 7/2022 (ketentuan nasional; {} tidak mengatur)"


def cite(wilayah: str, ref: str) -> str:
    """How a 422 entry cites article ``ref`` of the region (``nasional``: the national rule)."""
    return NASIONAL.format(SEBUTAN[wilayah]) if ref == "nasional" else f"{SEBUTAN[wilayah]} {ref}"


def cases(jenis: str, table: list[tuple]) -> list:
    """``(wilayah, name, mutate, pointer, code, ref)`` rows as parameters named by region and rule."""
    return [pytest.param(w, m, p, c, r, id=f"{w}-{jenis}-{name}") for w, name, m, p, c, r in table]


def sample_regions(jenis: str) -> list[str]:
    """The regions with a sample request of ``jenis``."""
    return [w for w, j in all_samples() if j == jenis]


def findings_of(wilayah: str, jenis: str, mutate) -> list[tuple[str, str, str]]:
    """(pointer, code, pasal) of the 422 the region's sample gets once ``mutate`` broke it."""
    body = sample(wilayah, jenis)
    mutate(body)
    with pytest.raises(InvalidRequest) as caught:
        validate_letter(jenis, body, PROFILES)
    return [(f.pointer, f.code, f.pasal) for f in caught.value.findings]


def warnings_of(jenis: str, body: dict) -> list[Finding]:
    return validate_letter(jenis, body, PROFILES).warnings


def drop(key):
    return lambda body: body.pop(key)


def empty(key):
    return lambda body: body.__setitem__(key, [])


def set_path(path: str, value):
    def mutate(body):
        *parents, last = path.split("/")
        target = body
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return mutate


def no_tembusan(peran):
    return lambda body: body.__setitem__("tembusan", [t for t in body["tembusan"] if t.get("peran") != peran])


def all_of(*mutations):
    def mutate(body):
        for m in mutations:
            m(body)
    return mutate


def rule_table_tests(jenis: str, table: list[tuple]):
    """The two tests of a letter type's rule table: breaking each rule gives
    its 422 entry with its article, and every sample of the type is valid."""

    @pytest.mark.parametrize("wilayah, mutate, pointer, code, ref", cases(jenis, table))
    def test_breaking_the_rule_gives_its_entry_and_article(wilayah, mutate, pointer, code, ref):
        found = findings_of(wilayah, jenis, mutate)
        assert (pointer, code, cite(wilayah, ref)) in found, found

    @pytest.mark.parametrize("wilayah", sample_regions(jenis))
    def test_every_sample_is_valid(wilayah):
        assert warnings_of(jenis, sample(wilayah, jenis)) == []

    return test_breaking_the_rule_gives_its_entry_and_article, test_every_sample_is_valid
