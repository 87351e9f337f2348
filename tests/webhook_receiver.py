"""A real HTTP receiver of webhooks on loopback, recording what arrives and answering as told."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str = ""
    status: int = 200
    """What every request is answered."""
    hold_first: bool = False
    """Keep the first request unanswered until :attr:`release` is set (a receiver gone quiet mid-delivery)."""
    release: threading.Event = field(default_factory=threading.Event)
    received: list[Received] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """The requests received, once there are at least ``count``."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"{len(self.received)} of {count} webhooks arrived"
            time.sleep(0.05)
        return list(self.received)


@contextmanager
def receiving(**behaviour) -> Iterator[Receiver]:
    receiver = Receiver(**behaviour)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            first = not receiver.received
            receiver.received.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
            if first and receiver.hold_first:
                receiver.release.wait(60)
            self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_port}/webhook"
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()
