"""A Flask app served over real HTTP on loopback, and its webhook worker as a process of its own,
for tests that act as a client (or a peer) would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

from werkzeug.serving import make_server

from .support import REPO


@contextmanager
def served(app) -> Iterator[str]:
    """``app`` on a free loopback port while the block runs; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


@contextmanager
def worker(app, tmp_path, *extra: str):
    """``suratkerja worker`` on the app's registry, as its own process."""
    settings = app.extensions["suratkerja"].settings
    config = tmp_path / "worker.toml"
    config.write_text(f'instance_dir = "{settings.instance_dir}"\ndatabase_url = "{settings.database_url}"\n'
                      f'pki_dir = "{settings.pki}"\n')
    env = {**os.environ, "SURATKERJA_CONFIG": str(config), "PYTHONPATH": str(REPO)}
    with open(tmp_path / "worker.log", "ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "service.cli", "worker", "--interval", "0.1", *extra],
                                   env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.wait(20)
