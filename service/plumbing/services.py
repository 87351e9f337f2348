"""What the application holds for its use cases, built once by :func:`service.create_app`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy.orm import Session, sessionmaker

from .config import Settings
from .storage import FileStore


@dataclass
class Services:
    settings: Settings
    profiles: Mapping[str, Any]
    """Region profiles by code (:class:`service.wilayah.RegionProfile`)."""
    sessions: sessionmaker[Session]
    store: FileStore
    sequencer: Any
    """The :class:`service.issuing.numbering.Sequencer` (its locks are per unit and year)."""
    converter: Any
    """A started :class:`service.issuing.convert.ConverterPool` (or anything with ``convert(bytes) -> bytes``)."""
    signing: Any = None
    """A :class:`service.signatures.setup.SigningSetup`."""
