"""Fixtures shared by the service tests.

One LibreOffice pool (real soffice processes) serves the whole session; each
test gets its own app with a fresh SQLite registry and file store.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from service import create_app

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "samples" / "requests"


def sample(wilayah: str, jenis: str) -> dict:
    """A fresh copy of the sample request of a region and letter type."""
    return json.loads((SAMPLE_DIR / wilayah / f"{jenis}.json").read_text(encoding="utf-8"))


def all_samples() -> list[tuple[str, str]]:
    return [(p.parent.name, p.stem) for p in sorted(SAMPLE_DIR.glob("*/*.json"))]


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as poppler extracts it, whitespace folded to single spaces."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


@pytest.fixture(scope="session")
def converter(tmp_path_factory):
    from service.convert import ConverterPool

    pool = ConverterPool(size=2, timeout=60, workdir=tmp_path_factory.mktemp("konversi"))
    pool.start()
    yield pool
    pool.stop()


@pytest.fixture
def app(tmp_path, converter):
    return create_app({"instance_dir": tmp_path}, converter=converter)


@pytest.fixture
def client(app):
    return app.test_client()
