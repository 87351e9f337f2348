"""The malformed and hostile PDFs of the verifier's robustness tests.

A copy of the project's shared corpus (qpdf's and pyHanko's test files, each
with its licence beside it; see ``pdf-corpus/README.md``), kept in the
repository so that the tests run from any clone.
"""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "pdf-corpus"


def hostile_files() -> list[Path]:
    """Every PDF of the corpus (not its README or licences)."""
    return sorted(
        p for p in CORPUS.rglob("*")
        if p.is_file() and not p.name.startswith("LICENSE") and p.name != "README.md"
    )
