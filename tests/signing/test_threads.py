"""Signing and verifying from many threads, as the service's request threads do."""

from __future__ import annotations

import gc
import os
import threading

from signing import PadesLevel, sign_pdf


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_threads_that_sign_and_verify_leave_no_file_open(pki, signer, timestamper, letter_pdf):
    """A thread keeps one event loop for pyHanko (selector, self-pipe) and closes it when it ends."""
    verdicts = []

    def sign_and_verify():
        signed = sign_pdf(letter_pdf, signer, field_name="ttd", level=PadesLevel.B_T, timestamper=timestamper)
        verdicts.append(pki.verify(signed).indication)

    sign_and_verify()  # what stays open for the process (the TSA connection) is opened here
    before = _open_files()
    for _ in range(10):
        thread = threading.Thread(target=sign_and_verify)
        thread.start()
        thread.join()
    gc.collect()
    assert verdicts == ["TOTAL_PASSED"] * 11
    assert _open_files() == before
