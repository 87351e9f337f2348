"""The chain of letters (MATRIX §6): request → answer → assignment(s) →
team decree, and the voluntary application → approval → assignment.

A letter names the letters it answers, forwards or rests on, by id when they
were issued here and by nomor, tanggal and hal when they came from outside.
This package

- fills a new letter from the letters it names (:func:`prefill`),
- checks the rules that span letters, each with its article (:func:`check_links`),
- records the links with the letter, in its transaction (:func:`record_links`),
- and walks the chain of any letter for ``GET /surat/<id>/rantai`` (:func:`chain_of`).
"""

from ..letters import RULE_KEYS as LETTER_RULE_KEYS
from ..wilayah import CHAIN_SECTION
from .graph import chain_of
from .known import Known, resolve
from .links import Link, record_links, taken
from .prefill import draft, prefill
from .rules import RULE_KEYS, check_links

PROFILE_RULE_KEYS = {**LETTER_RULE_KEYS, CHAIN_SECTION: RULE_KEYS}
"""Every section a region profile has: one per letter type, and the chain's."""

__all__ = [
    "Known", "Link", "PROFILE_RULE_KEYS", "RULE_KEYS", "chain_of", "check_links", "draft", "prefill",
    "record_links", "resolve", "taken",
]
