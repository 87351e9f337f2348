"""Every malformed or hostile file of the shared corpus gets a failing
report (never TOTAL_PASSED, never an exception), in bounded time."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path("/work/shared/pdf-corpus")
FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file()) if CORPUS.is_dir() else []


@pytest.mark.skipif(not FILES, reason="no corpus at /work/shared/pdf-corpus")
@pytest.mark.timeout(20)
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_file_fails_cleanly(path, pki):
    report = pki.verify(path.read_bytes())
    assert report.indication != "TOTAL_PASSED"
    assert report.sub_indication
    report.to_dict()
