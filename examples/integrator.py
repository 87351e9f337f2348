"""What an e-office system does with suratkerja: create and sign a letter safely, and trust its webhooks.

    SURATKERJA_KUNCI=sk_…  SURATKERJA_PASSPHRASE=…  python examples/integrator.py \\
        --url http://127.0.0.1:8000 --surat samples/requests/hulu-sungai-selatan/permohonan-pelibatan.json

1. Subscribes to the letter's events (the signing secret comes back once).
2. Creates and signs the letter with an ``Idempotency-Key``. A timeout or a
   dropped connection leaves the outcome unknown, so it sends the very same
   request with the same key again: the service answers with the first
   letter, never a second one.
3. Waits for ``surat.ditandatangani`` on a small local receiver and checks
   its signature with the ``standardwebhooks`` library before trusting it.

The key and the passphrase come from the environment, never the command line.
Needs: requests, standardwebhooks (pip install requests standardwebhooks).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import time
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from threading import Thread

import requests
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

RETRY_STATUSES = {409, 429, 502, 503}
"""Worth sending again with the same key: still running, too many at once, or a back end away."""


def create_and_sign(base: str, token: str, jenis: str, body: dict, timeout: float, attempts: int = 5) -> dict:
    """POST create-and-sign until an answer comes, always with the same Idempotency-Key."""
    key = str(uuid.uuid4())  # one key per letter, kept across the retries
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f'"{key}"'}
    for attempt in range(attempts):
        try:
            answer = requests.post(f"{base}/api/v1/surat/{jenis}/terbit-tandatangan", json=body, headers=headers,
                                   timeout=timeout * 2 ** attempt)
        except (requests.Timeout, requests.ConnectionError) as error:
            print(f"percobaan {attempt + 1}: tidak ada jawaban ({type(error).__name__}); kirim ulang dengan kunci sama")
        else:
            if answer.status_code not in RETRY_STATUSES:
                answer.raise_for_status()  # 4xx: fix the request, do not retry it
                return answer.json()
            print(f"percobaan {attempt + 1}: HTTP {answer.status_code}; kirim ulang dengan kunci sama")
        time.sleep(min(2 ** attempt, 30))
    raise RuntimeError("layanan tidak menjawab; coba lagi nanti dengan kunci yang sama")


def verified(secret: str, body: bytes, headers: dict) -> dict | None:
    """The event if its webhook-signature is suratkerja's (and recent); ``None`` for anything forged."""
    try:
        return Webhook(secret).verify(body, headers)
    except WebhookVerificationError:
        return None


def receive(port: int) -> tuple[str, queue.Queue]:
    """A local receiver: every POST (body, headers) into a queue, answered 204 (check before acting)."""
    inbox: queue.Queue = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            inbox.put((self.rfile.read(int(self.headers["Content-Length"])), dict(self.headers.items())))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", port), Handler)
    Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/suratkerja", inbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--surat", type=Path, required=True, help="permintaan surat (JSON)")
    parser.add_argument("--jenis", default="permohonan-pelibatan")
    parser.add_argument("--timeout", type=float, default=60.0, help="detik menunggu jawaban pertama")
    parser.add_argument("--port-webhook", type=int, default=0, help="port penerima webhook lokal (0 = bebas)")
    args = parser.parse_args()
    token = os.environ["SURATKERJA_KUNCI"]
    auth = {"Authorization": f"Bearer {token}"}

    url, inbox = receive(args.port_webhook)
    subscription = requests.post(f"{args.url}/api/v1/webhook", headers=auth, timeout=30, json={
        "url": url, "peristiwa": ["surat.dibuat", "surat.ditandatangani"]})
    subscription.raise_for_status()
    secret = subscription.json()["rahasia"]  # shown this once: keep it in the e-office's secret store

    body = {"surat": json.loads(args.surat.read_text(encoding="utf-8")),
            "passphrase": os.environ["SURATKERJA_PASSPHRASE"]}
    letter = create_and_sign(args.url, token, args.jenis, body, args.timeout)
    print(f"surat {letter['nomor']} ({letter['id']}): {letter['status']}")

    seen: set[str] = set()
    while True:
        raw, headers = inbox.get(timeout=60)
        event = verified(secret, raw, headers)
        if event is None or headers["webhook-id"] in seen:
            continue  # not from suratkerja, or a repeat of one already handled
        seen.add(headers["webhook-id"])
        print(f"webhook {event['type']} terverifikasi untuk surat {event['data']['nomor']}")
        if event["type"] == "surat.ditandatangani" and event["data"]["id"] == letter["id"]:
            break


if __name__ == "__main__":
    main()
