"""The verification report: plain dataclasses, JSON-ready via ``to_dict``.

Indications follow ETSI EN 319 102-1 (``TOTAL_PASSED``, ``INDETERMINATE``,
``TOTAL_FAILED``) and so do most sub-indications. Two are our own, because
the standard has no word for them:

* ``NO_SIGNATURE`` — the file holds no signature at all;
* ``MODIFIED_AFTER_SIGNING`` — an incremental update after a signature
  does something other than filling a pre-created signature field with a
  signature, or adding validation data and document time stamps.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

TOTAL_PASSED = "TOTAL_PASSED"
INDETERMINATE = "INDETERMINATE"
TOTAL_FAILED = "TOTAL_FAILED"
_SEVERITY = {TOTAL_PASSED: 0, INDETERMINATE: 1, TOTAL_FAILED: 2}

FORMAT_FAILURE = "FORMAT_FAILURE"
HASH_FAILURE = "HASH_FAILURE"
SIG_CRYPTO_FAILURE = "SIG_CRYPTO_FAILURE"
NO_CERTIFICATE_CHAIN_FOUND = "NO_CERTIFICATE_CHAIN_FOUND"
CERTIFICATE_CHAIN_GENERAL_FAILURE = "CERTIFICATE_CHAIN_GENERAL_FAILURE"
NO_SIGNATURE = "NO_SIGNATURE"
MODIFIED_AFTER_SIGNING = "MODIFIED_AFTER_SIGNING"


def _plain(value):
    """Turn dataclass fields into JSON-serialisable values."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


@dataclass(frozen=True)
class Problem:
    """One reason a verdict is not TOTAL_PASSED: a stable code for programs, a sentence in Indonesian for people."""

    kode: str
    pesan: str


@dataclass
class Verdict:
    """An indication with its sub-indication and the reasons behind it."""

    indication: str = TOTAL_PASSED
    sub_indication: str | None = None
    problems: list[Problem] = field(default_factory=list)

    def fail(self, indication: str, sub_indication: str, kode: str, pesan: str) -> None:
        """Record a problem; the worst indication (first of equals) wins."""
        self.problems.append(Problem(kode, pesan))
        if _SEVERITY[indication] > _SEVERITY[self.indication]:
            self.indication = indication
            self.sub_indication = sub_indication

    @property
    def passed(self) -> bool:
        return self.indication == TOTAL_PASSED


@dataclass
class SignatureReport(Verdict):
    """What was found about one signature or document time stamp."""

    field_name: str = ""
    kind: str = "signature"  # or "document_timestamp"
    signer_name: str | None = None
    signer_nip: str | None = None
    signer_subject: str | None = None
    chain: list[str] = field(default_factory=list)
    trusted: bool = False
    trust_anchor: str | None = None
    signing_time: datetime | None = None
    timestamp_time: datetime | None = None
    tsa_name: str | None = None
    level: str | None = None
    intact: bool = False
    crypto_valid: bool = False
    coverage: str | None = None
    covers_whole_file: bool = False
    certification: bool = False
    docmdp: str | None = None
    modification_level: str | None = None
    changed_fields: list[str] = field(default_factory=list)
    revision: int | None = None

    def to_dict(self) -> dict:
        return _plain(self)


@dataclass
class VerificationReport(Verdict):
    """The verdict on a whole file; ``signatures`` in file order."""

    sha256: str = ""
    size: int = 0
    signatures: list[SignatureReport] = field(default_factory=list)

    def to_dict(self) -> dict:
        return _plain(self)
