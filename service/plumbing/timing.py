"""How long each step of a request took, in the W3C ``Server-Timing`` header.

The issuing pipeline marks its stages (unlock, validate, number, render,
convert, sign, store), access its own (auth: who calls; authz: whether the
letter is theirs to read or issue; audit: the audit entry); a client or the benchmark reads them per request
without profiling the server.
"""

from __future__ import annotations

from contextlib import contextmanager
from time import perf_counter
from typing import Iterator

from flask import Flask, g, has_request_context


@contextmanager
def stage(name: str) -> Iterator[None]:
    started = perf_counter()
    try:
        yield
    finally:
        if has_request_context():
            g.setdefault("stages", []).append((name, (perf_counter() - started) * 1000))


def init_app(app: Flask) -> None:
    @app.after_request
    def _server_timing(response):
        stages = g.pop("stages", None)
        if stages:
            response.headers["Server-Timing"] = ", ".join(f"{name};dur={ms:.1f}" for name, ms in stages)
        return response
