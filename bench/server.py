"""The service as a user runs it: a TOML config, ``suratkerja devpki``, ``suratkerja serve``.

Everything lives in a temporary instance directory. The service and every
LibreOffice process under it are stopped on exit, on Ctrl+C and on errors:
the converters run in sessions of their own, so they are found by walking
the process tree and killed by their own process group.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

from workload import REPO

SURATKERJA = REPO / ".venv" / "bin" / "suratkerja"
READY_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(instance: Path, port: int, converters: int) -> Path:
    """The TOML a user would write; ``converters`` 0 = one per core (the default).

    Named by port: a second service may run on the same instance.
    """
    config = instance / f"suratkerja-{port}.toml"
    config.write_text(
        f'instance_dir = "{instance}"\n'
        f'base_url = "http://127.0.0.1:{port}"\n'
        f"converter_count = {converters}\n",
        encoding="utf-8",
    )
    return config


def make_devpki(env: dict) -> None:
    subprocess.run([str(SURATKERJA), "devpki"], env=env, check=True, capture_output=True, timeout=300)


def children(pid: int) -> list[int]:
    """Direct children of ``pid``, whichever of its threads started them (from /proc, no psutil needed)."""
    found = []
    for path in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(c) for c in path.read_text().split()]
        except OSError:
            pass
    return found


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        found += kids
        todo += kids
    return found


def command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def memory_kib(pid: int) -> dict[str, int]:
    """``VmRSS``, ``VmHWM`` (peak RSS) in KiB and ``Threads`` of ``pid``; empty if it is gone."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads"):
                values[key] = int(rest.split()[0])
    except OSError:
        return {}
    return values


class Service:
    """``suratkerja serve`` on a free loopback port, in its own process group."""

    def __init__(self, instance: Path, converters: int = 0, threads: int = 8):
        self.instance = instance
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "SURATKERJA_CONFIG": str(write_config(instance, self.port, converters))}
        self.threads = threads
        self.proc: subprocess.Popen | None = None
        self._groups: dict[int, str] = {}
        """Process groups seen under the service, and the command of their leader."""

    @property
    def pki(self) -> Path:
        return self.instance / "pki"

    def key(self, wilayah: str) -> str:
        """The API key of a client of ``wilayah``'s pemda (made once, as an administrator would; kept 0600)."""
        path = self.instance / "kunci-api" / f"{wilayah}.txt"
        if not path.exists():
            subprocess.run([str(SURATKERJA), "kunci", "buat", "--nama", f"benchmark {wilayah}", "--wilayah", wilayah,
                            "--hak", "terbit,tandatangan,baca,verifikasi", "--berkas", str(path)],
                           env=self.env, check=True, capture_output=True, timeout=120)
        return path.read_text().strip()

    def auth(self, wilayah: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key(wilayah)}"}

    def __enter__(self) -> "Service":
        make_devpki(self.env)
        self.log = open(self.instance / f"service-{self.port}.log", "wb")
        self.proc = subprocess.Popen(
            [str(SURATKERJA), "serve", "--port", str(self.port), "--threads", str(self.threads)],
            env=self.env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the service exited with {self.proc.returncode}; see {self.log.name}")
            try:
                if requests.get(f"{self.url}/api/v1/openapi.json", timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise RuntimeError("the service did not become ready")

    def converters(self) -> list[int]:
        """The ``soffice.bin`` processes under the service (remembered for clean-up)."""
        below = descendants(self.proc.pid)
        for pid in below:
            self._remember_group(pid)
        return [p for p in below if command_name(p) == "soffice.bin"]

    def _remember_group(self, pid: int) -> None:
        try:
            group = os.getpgid(pid)
        except ProcessLookupError:
            return
        if group != self.proc.pid:
            self._groups.setdefault(group, command_name(group))

    def memory(self) -> dict:
        """RSS now and at peak, in MiB, of the service process and of each converter.

        A converter is its ``soffice.bin`` and the UNO worker leading its
        process group; their peaks are added (an upper bound: they need not
        peak together).
        """
        return {
            "service": _mib(memory_kib(self.proc.pid)),
            "converters": [_mib(_converter_kib(p)) for p in self.converters()],
        }

    def stop(self) -> None:
        """Stop the service, then kill the LibreOffice processes it leaves behind.

        SIGTERM, not Ctrl+C: a program started in the background ignores
        SIGINT, and so would the service. Its converters are killed here.
        """
        if self.proc is None:
            return
        self.converters()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        for group, command in self._groups.items():
            if command and command_name(group) == command:  # still that leader, not a reused pid
                _kill_group(group)
        self.log.close()
        self.proc = None


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _converter_kib(soffice_bin: int) -> dict[str, int]:
    try:
        worker = os.getpgid(soffice_bin)
    except ProcessLookupError:
        return {}
    parts = [memory_kib(soffice_bin), memory_kib(worker) if worker != soffice_bin else {}]
    return {key: sum(part.get(key, 0) for part in parts) for key in parts[0] if key != "Threads"}


def _mib(status: dict[str, int]) -> dict[str, float]:
    """RSS and peak RSS in MiB, and the thread count where there is one."""
    out = {name: round(status[key] / 1024, 1) for key, name in (("VmRSS", "rss_mib"), ("VmHWM", "peak_rss_mib"))
           if key in status}
    if "Threads" in status:
        out["threads"] = status["Threads"]
    return out
