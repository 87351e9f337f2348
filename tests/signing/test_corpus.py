"""Every malformed or hostile file of the corpus gets a failing
report (never TOTAL_PASSED, never an exception), in bounded time."""

from __future__ import annotations

import pytest

from ..corpus import CORPUS, hostile_files


@pytest.mark.timeout(20)
@pytest.mark.parametrize("path", hostile_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_file_fails_cleanly(path, pki):
    report = pki.verify(path.read_bytes())
    assert report.indication != "TOTAL_PASSED"
    assert report.sub_indication
    report.to_dict()
