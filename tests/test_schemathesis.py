"""schemathesis against the running service: every phase, zero failures.

The service runs on a loopback port (real HTTP, fake converter) with a host-administrator key;
schemathesis reads ``/api/v1/openapi.json`` and checks that the answers keep what it promises.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .live import served
from .support import HOST_ADMIN_TOKEN, grant_key

CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "3"))


def test_schemathesis_finds_no_failure_in_any_phase(app, tmp_path):
    grant_key(app.extensions["suratkerja"], HOST_ADMIN_TOKEN)
    with served(app) as url:
        run = subprocess.run(
            [str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(CONFIG), "run", f"{url}/api/v1/openapi.json",
             "--phases", "examples,coverage,fuzzing,stateful", "--checks", "all",
             "-H", f"Authorization: Bearer {HOST_ADMIN_TOKEN}",
             # revoking or rotating a key would revoke the very key the run uses: tests/test_access.py covers them
             "--exclude-path-regex", r"^/api/v1/kunci/\{prefiks\}/", "--max-examples", str(MAX_EXAMPLES), "--workers", "1", "--seed", "16",
             "--report", "ndjson", "--report-dir", str(tmp_path / "laporan"), "--no-color"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    if os.environ.get("ST_DUMP"):
        Path(os.environ["ST_DUMP"]).write_text(run.stdout)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-2000:]
