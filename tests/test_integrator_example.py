"""examples/integrator.py runs as the README says, against a live service with its worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from service.plumbing.models import Surat

from .live import served, worker
from .support import HOST_ADMIN_TOKEN, JENIS, PASSPHRASE, REPO, SAMPLE_DIR, FakeConverter


class SlowConverter(FakeConverter):
    """Slower than the example's first timeout: its first request gets no answer in time."""

    def convert(self, docx: bytes) -> bytes:
        time.sleep(1.0)
        return super().convert(docx)


@pytest.fixture
def converter():
    return SlowConverter()


def test_the_example_creates_signs_retries_and_verifies_a_webhook(app, tmp_path):
    with served(app) as base, worker(app, tmp_path):
        run = subprocess.run(
            [sys.executable, str(REPO / "examples" / "integrator.py"), "--url", base, "--timeout", "0.4",
             "--surat", str(SAMPLE_DIR / "hulu-sungai-selatan" / f"{JENIS}.json")],
            env={**os.environ, "SURATKERJA_KUNCI": HOST_ADMIN_TOKEN, "SURATKERJA_PASSPHRASE": PASSPHRASE},
            capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "percobaan 1: tidak ada jawaban" in run.stdout  # the first attempt timed out and was retried
    assert ": ditandatangani" in run.stdout
    assert "webhook surat.ditandatangani terverifikasi" in run.stdout
    assert PASSPHRASE not in run.stdout + run.stderr
    with app.extensions["suratkerja"].sessions() as session:
        assert session.scalar(select(func.count()).select_from(Surat)) == 1  # the retries made no second letter
