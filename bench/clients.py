"""C concurrent HTTP clients, each with its own keep-alive connection.

Each client takes the next request from a shared queue until none is left,
so C letters are in flight at any time; a request's latency is measured
from sending it to having read the whole answer.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import requests

TIMEOUT = 120.0


@dataclass
class Result:
    """One request as the client saw it (no body is kept: it may hold a passphrase)."""

    ms: float
    status: int
    stages: dict[str, float] = field(default_factory=dict)
    answer: dict | None = None


def server_timing(header: str | None) -> dict[str, float]:
    """``validate;dur=1.2, sign;dur=3.4`` → ``{"validate": 1.2, "sign": 3.4}``; a repeated stage adds up."""
    stages: dict[str, float] = {}
    for entry in (header or "").split(","):
        name, *params = [part.strip() for part in entry.split(";")]
        for param in params:
            key, _, value = param.partition("=")
            if name and key == "dur":
                stages[name] = stages.get(name, 0.0) + float(value)
    return stages


Send = Callable[[requests.Session, object], requests.Response]


def _client(send: Send, work: queue.Queue, results: list, errors: list) -> None:
    with requests.Session() as http:
        while True:
            try:
                index, item = work.get_nowait()
            except queue.Empty:
                return
            started = time.perf_counter()
            try:
                response = send(http, item)
            except requests.RequestException as e:
                errors.append(repr(e))
                continue
            ms = (time.perf_counter() - started) * 1000  # requests has read the whole body by now
            answer = response.json() if "json" in response.headers.get("Content-Type", "") else None
            results[index] = Result(ms, response.status_code, server_timing(response.headers.get("Server-Timing")),
                                    answer)


def run(send: Send, items: list, clients: int) -> tuple[list[Result], float]:
    """Send every item with ``clients`` threads; returns the results in item order and the wall time (s)."""
    work: queue.Queue = queue.Queue()
    for pair in enumerate(items):
        work.put(pair)
    results: list[Result | None] = [None] * len(items)
    errors: list[str] = []
    threads = [threading.Thread(target=_client, args=(send, work, results, errors)) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} requests failed, first: {errors[0]}")
    return results, wall


def post_json(base_url: str) -> Send:
    """Items are ``(path, body, headers)``: the headers carry the client's API key."""
    return lambda http, item: http.post(base_url + item[0], json=item[1], headers=item[2], timeout=TIMEOUT)


def post_pdf(url: str) -> Send:
    return lambda http, pdf: http.post(url, data=pdf, headers={"Content-Type": "application/pdf"}, timeout=TIMEOUT)
