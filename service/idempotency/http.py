"""Every API POST honours ``Idempotency-Key``: applied once, around the views, not in each of them.

Before the view: a request carrying the header claims its key (or gets the
first answer given under it again, marked ``Idempotency-Replayed: true``).
After the view: its answer is kept for the retries. The OpenAPI document
declares the header on those operations (:class:`IdempotencyHeader`).
"""

from __future__ import annotations

import re

from apispec import BasePlugin
from flask import Flask, Response, current_app, g, request

from ..access.request import current_principal
from ..plumbing.errors import BadRequest
from ..plumbing.timing import stage
from . import store

HEADER = "Idempotency-Key"
_KEY = re.compile(r'"?([\x21\x23-\x7e]{1,255})"?')
"""An sf-string as the draft asks (``"…"``); a bare token is accepted too."""

PARAMETER = {
    "name": HEADER, "in": "header", "required": False,
    "schema": {"type": "string", "pattern": '^"?[!#-~]{1,255}"?$'},
    "description": (
        "Kunci unik dari klien (mis. UUID) agar permintaan aman diulang (draft-ietf-httpapi-idempotency-key-header). "
        "Permintaan yang diulang dengan kunci dan isi yang sama mendapat jawaban pertama lagi (surat dan nomor "
        "yang sama, header Idempotency-Replayed: true), bukan surat kedua; kunci yang sama dengan isi lain "
        "dijawab 422; bila permintaan pertama masih berjalan, permintaan kedua menunggu jawabannya atau dijawab 409. "
        "Kunci disimpan per klien selama 24 jam."
    ),
}
_ERRORS = {
    "400": "Idempotency-Key tidak sah (1–255 karakter ASCII yang terlihat), atau badan permintaan tidak dapat dibaca",
    "409": "Permintaan pertama dengan Idempotency-Key ini masih diproses (header Retry-After)",
    "422": "Melanggar aturan, atau Idempotency-Key sudah dipakai untuk permintaan dengan isi lain",
}


class IdempotencyHeader(BasePlugin):
    """Declare the header, and its 409 and 422, on every POST operation that needs a key."""

    def __init__(self, public: tuple[str, ...]):
        self.public = public

    def operation_helper(self, path=None, operations=None, **kwargs):
        if any(path == p or path.startswith(p + "/") for p in self.public):
            return
        post = (operations or {}).get("post")
        if post is not None:
            post.setdefault("parameters", []).append(PARAMETER)
            responses = post.setdefault("responses", {})
            for status, description in _ERRORS.items():
                responses.setdefault(status, {"description": description, "content": {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})


def _key() -> str:
    """The header's key.

    :raises BadRequest: empty, longer than 255 characters, or not printable ASCII.
    """
    match = _KEY.fullmatch(request.headers[HEADER].strip())
    if match is None:
        raise BadRequest(f"{HEADER} harus berupa 1–255 karakter ASCII yang terlihat, mis. sebuah UUID.")
    return match[1]


def _replay(answer: store.Answer) -> Response:
    response = Response(answer.body, status=answer.status, content_type=answer.content_type)
    if answer.location:
        response.headers["Location"] = answer.location
    response.headers["Idempotency-Replayed"] = "true"
    return response


def init_app(app: Flask) -> None:
    """Register the hooks; call after the access hooks, so that only known callers claim keys."""

    @app.before_request
    def _claim_or_replay():
        if request.method != "POST" or HEADER not in request.headers or not request.path.startswith("/api/"):
            return None
        principal = current_principal()
        if not principal.authenticated:
            return None  # public operations change nothing
        key = _key()
        services = current_app.extensions["suratkerja"]
        if request.mimetype != "application/json":  # an uploaded file: the upload views' own limit
            request.max_content_length = services.settings.max_upload_bytes
        sidik = store.fingerprint(request.method, request.full_path, request.get_data(cache=True))
        with stage("idempotensi"):
            answer = store.claim(services.sessions, principal.actor, key, sidik)
        if answer is not None:
            return _replay(answer)
        g.idempotency = (principal.actor, key)
        return None

    @app.after_request
    def _keep(response: Response) -> Response:
        claimed = g.pop("idempotency", None)
        if claimed is not None:
            answer = store.Answer(response.status_code, response.get_data(), response.content_type,
                                  response.headers.get("Location"))
            store.keep(current_app.extensions["suratkerja"].sessions, *claimed, answer)
        return response

    @app.teardown_request
    def _release(_error):
        claimed = g.pop("idempotency", None)
        if claimed is not None:  # the request died before it had an answer
            store.release(current_app.extensions["suratkerja"].sessions, *claimed)
