"""Letters sent to one running service through create-and-sign, each with outside references of its own.

Every request carries an ``Idempotency-Key``, as a careful e-office sends it: the figures include its cost.
"""

from __future__ import annotations

import uuid

import clients
from server import Service
from workload import Letter, letters, passphrase


class Sender:
    """Sends letters to one running service, each letter with outside references of its own."""

    def __init__(self, svc: Service, pin: str | None = None):
        """
        :param pin: what every official types at a remote signer back end (the CSC double's PIN);
            ``None``: each official's development PKCS#12 passphrase.
        """
        self.svc = svc
        self.sent = 0
        self.send = clients.post_json(svc.url)
        self.pin = pin

    def _secret(self, nip: str) -> str:
        return self.pin if self.pin is not None else passphrase(self.svc.pki, nip)

    def requests(self, batch: list[Letter]) -> list[tuple[str, dict, dict]]:
        return [(f"/api/v1/surat/{letter.jenis}/terbit-tandatangan",
                 {"surat": letter.request, "passphrase": self._secret(letter.nip)},
                 {**self.svc.auth(letter.wilayah), "Idempotency-Key": f'"{uuid.uuid4()}"'})
                for letter in batch]

    def issue(self, count: int, concurrency: int) -> tuple[list[Letter], list[clients.Result], float]:
        batch = letters(count, serial_start=self.sent)
        results, wall = clients.run(self.send, self.requests(batch), concurrency)
        self.sent += count
        failed = [(letter.label, r.status, (r.answer or {}).get("detail")) for letter, r in zip(batch, results)
                  if r.status != 201]
        if failed:
            raise RuntimeError(f"{len(failed)} letters were not issued, e.g. {failed[:3]}")
        return batch, results, wall
