"""Signing through a BSrE-style Esign Client Service (the key stays with BSrE).

* :mod:`.client` speaks the service's v1 (multipart) and v2 (JSON) shapes;
* :mod:`.check` refuses a returned file that is anything but the sent file
  plus one signature of the named official, chaining to the BSrE roots;
* :mod:`.ltv` adds validation data and a document time stamp to the B-T
  file that comes back, where B-LT or B-LTA is asked for;
* :mod:`.anchor` writes the invisible anchor character the service's tag
  placement looks for;
* :mod:`.double` is the test double of the service (tests and the
  development run; the real service cannot be reached from here).
"""

from .anchor import with_anchors
from .check import ReturnedFileRefused, check_returned, with_empty_form
from .client import (
    ClientCredentialsRefused,
    Coordinates,
    EsignClient,
    EsignError,
    EsignUnavailable,
    NoCertificate,
    Secret,
    Signed,
    Tag,
    UnknownOutcome,
    UserNotRegistered,
    WrongEsignPassphrase,
)
from .ltv import augment

__all__ = [
    "ClientCredentialsRefused",
    "Coordinates",
    "EsignClient",
    "EsignError",
    "EsignUnavailable",
    "NoCertificate",
    "ReturnedFileRefused",
    "Secret",
    "Signed",
    "Tag",
    "UnknownOutcome",
    "UserNotRegistered",
    "WrongEsignPassphrase",
    "augment",
    "check_returned",
    "with_anchors",
    "with_empty_form",
]
