"""Reading a JSON request body, answering every way it can be unreadable."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, request

from ..plumbing.errors import BadRequest, UnsupportedMediaType


def json_body() -> Any:
    """The parsed JSON body.

    :raises UnsupportedMediaType: not ``application/json``.
    :raises BadRequest: not valid UTF-8 JSON, or nested beyond reason.
    (A body over the size limit is answered 413 by Werkzeug before this.)
    """
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(
            f"Kirim badan permintaan sebagai application/json, bukan '{request.mimetype or 'kosong'}'."
        )
    raw = request.get_data(cache=False)
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise BadRequest("Badan permintaan bukan teks UTF-8.") from e
    except json.JSONDecodeError as e:
        raise BadRequest(f"JSON tidak sah: {e.msg} (baris {e.lineno}, kolom {e.colno}).") from e
    except RecursionError as e:
        raise BadRequest("JSON bersarang terlalu dalam.") from e


def uploaded_file(media_type: str, what: str) -> bytes:
    """A file sent as a raw ``media_type`` body or as the multipart field ``berkas``, up to ``max_upload_bytes``.

    :raises UnsupportedMediaType: sent any other way. (An empty body is an empty file, whatever its type:
        the caller then says what is missing from it, a 422.)
    """
    request.max_content_length = current_app.extensions["suratkerja"].settings.max_upload_bytes
    if request.mimetype == media_type or not request.content_length:
        return request.get_data(cache=False)
    if request.mimetype == "multipart/form-data" and "berkas" in request.files:
        return request.files["berkas"].read()
    raise UnsupportedMediaType(f"Kirim {what} sebagai {media_type} atau multipart/form-data dengan isian 'berkas'.")


def upload_body(media_type: str) -> dict:
    """The OpenAPI request body of :func:`uploaded_file`."""
    return {"required": True, "content": {
        media_type: {"schema": {"type": "string", "format": "binary", "minLength": 1}},
        "multipart/form-data": {"schema": {"type": "object", "required": ["berkas"], "properties": {
            "berkas": {"type": "string", "format": "binary"}}}},
    }}
