"""The chain of letters (MATRIX §6): request → answer → assignment(s) →
team decree, and the voluntary application → approval → assignment.

A letter names the letters it answers, forwards or rests on, by id when they
were issued here and by nomor, tanggal and hal when they came from outside.
What each letter type fills from those letters and which rules it checks
across them live in that type's module (:mod:`service.letters`); this
package holds what is the same for every type:

- filling a new letter from the letters it names (:func:`prefill`, :func:`draft`),
- checking the rules that span letters, each with its article (:func:`check_links`, :class:`ChainCheck`),
- recording the links with the letter, in its transaction (:func:`record_links`, :func:`exclusive_links`),
- walking the chain of any letter for ``GET /surat/<id>/rantai`` (:func:`chain_of`),
- and the reports its assignments and decrees ask for, made and due (:func:`reports_due`).
"""

from ..letters import RULE_KEYS as LETTER_RULE_KEYS
from ..wilayah import CHAIN_SECTION
from .due import Due, reports_due
from .graph import chain_of
from .known import Known, Lookup, resolve
from .links import Link, exclusive_links, record_links, taken
from .prefill import Filling, draft, prefill
from .rules import RULE_KEYS, ChainCheck, check_links

PROFILE_RULE_KEYS = {**LETTER_RULE_KEYS, CHAIN_SECTION: RULE_KEYS}
"""Every section a region profile has: one per letter type, and the chain's."""

__all__ = [
    "ChainCheck", "Due", "Filling", "Known", "Link", "Lookup", "PROFILE_RULE_KEYS", "RULE_KEYS", "chain_of",
    "check_links", "draft", "exclusive_links", "prefill", "record_links", "reports_due", "resolve", "taken",
]
