"""The HTTP API: flask-smorest blueprints and the OpenAPI document.

The OpenAPI document is generated from the marshmallow schemas and served at
``/api/v1/openapi.json``; the Swagger UI at ``/api/v1/docs`` uses a bundled
copy of its assets so it works without internet access.
"""

from __future__ import annotations

import swagger_ui_bundle
from apispec import BasePlugin
from flask import Flask, send_from_directory
from flask_smorest import Api
from werkzeug.exceptions import UnprocessableEntity
from werkzeug.routing import BaseConverter

from ..plumbing.errors import PROBLEM_JSON, InvalidRequest, problem_response
from ..letters.checks import findings_from_messages

from ..chain.outside import SuratLuarInSchema
from ..letters import LETTER_TYPES
from ..access.request import PUBLIC_API
from ..idempotency.http import IdempotencyHeader
from . import admin, alur, arsip, direktori, rantai, surat, verifikasi, webhook, wilayah
from .schemas import DaftarArgsSchema, OneSecret, ProblemSchema, typed_create_and_sign

SECURITY_SCHEME = "kunciApi"
_PROBLEM = {"content": {"application/problem+json": {"schema": "Problem"}}}
_ACCESS_ERRORS = {
    "401": {"description": "Tanpa kunci API, atau kunci tidak dikenal/dicabut (header WWW-Authenticate: Bearer)",
            **_PROBLEM},
    "403": {"description": "Kunci tidak memiliki hak yang diperlukan", **_PROBLEM},
}


class KeySecurity(BasePlugin):
    """Every operation but the public ones (:data:`PUBLIC_API`) needs an API key: say so on each, with its 401/403."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        public = any(path == p or path.startswith(p + "/") for p in PUBLIC_API)
        for operation in (operations or {}).values():
            operation["security"] = [] if public else [{SECURITY_SCHEME: []}]
            if not public:
                for status, response in _ACCESS_ERRORS.items():
                    operation.setdefault("responses", {}).setdefault(status, response)


class SuratId(BaseConverter):
    """A letter's id, 32 hex digits: so ``/api/v1/surat/jawaban`` is only the letter type's POST, not a letter."""

    regex = "[0-9a-f]{32}"


class JenisLain(BaseConverter):
    """Any path segment but a letter's id: a POST to a letter type the service does not have."""

    regex = r"(?![0-9a-f]{32}$)[^/]+"


class ProblemApi(Api):
    """flask-smorest's Api whose generic error answers (the 422 of query arguments…) are problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_JSON
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE  # back to the class's application/json


api = ProblemApi(spec_kwargs={"extra_plugins": [KeySecurity(), IdempotencyHeader(PUBLIC_API), OneSecret()]})

DOCS_ASSETS = "/api/v1/docs/aset/"
API_DOC = "Dokumentasi API suratkerja (/api/v1/docs)"

API_CONFIG = {
    "API_TITLE": "suratkerja",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": DOCS_ASSETS,
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "Naskah dinas pelibatan pejabat fungsional dan pelaksana lintas unit. "
                "Kesalahan dijawab sebagai application/problem+json (RFC 7807); galat validasi "
                "berisi satu entri per isian dengan pointer JSON, kode, pesan, dan pasal."
            )
        }
    },
}


def init_api(app: Flask) -> None:
    app.config.update(API_CONFIG)
    app.url_map.converters.update(surat_id=SuratId, jenis_lain=JenisLain)
    api.init_app(app)
    api.register_converter(SuratId, lambda converter: {"type": "string", "pattern": f"^{SuratId.regex}$"})
    api.spec.components.security_scheme(SECURITY_SCHEME, {
        "type": "http", "scheme": "bearer",
        "description": "Kunci API dari administrator pemda (suratkerja kunci buat): Authorization: Bearer sk_…",
    })
    api.spec.components.schema("SuratLuarIn", schema=SuratLuarInSchema)
    for jenis, kind in LETTER_TYPES.items():
        api.spec.components.schema(surat.schema_name(jenis), schema=kind.schema)
        api.spec.components.schema(surat.create_and_sign_name(jenis),
                                   schema=typed_create_and_sign(surat.schema_name(jenis), kind.schema))
    api.register_blueprint(surat.blp)
    api.register_blueprint(alur.blp)
    api.register_blueprint(arsip.blp)
    for rule in ("/api/v1/surat/<jenis_lain:jenis>", "/api/v1/surat/<jenis_lain:jenis>/validasi"):
        app.add_url_rule(rule, "unknown_jenis", surat.unknown_jenis, methods=["POST"])
    api.register_blueprint(rantai.blp)
    api.register_blueprint(wilayah.blp)
    api.register_blueprint(verifikasi.blp)
    api.register_blueprint(admin.blp)
    api.register_blueprint(direktori.blp)
    api.register_blueprint(webhook.blp)

    @app.errorhandler(UnprocessableEntity)
    def _bad_arguments(error: UnprocessableEntity):
        """Query arguments rejected by webargs, in our problem format."""
        messages = (getattr(error, "data", None) or {}).get("messages", {})
        findings = [
            f for location in messages.values()
            for f in findings_from_messages(location, DaftarArgsSchema(), default_pasal=API_DOC)
        ]
        problem = InvalidRequest(findings)
        return problem_response(problem.problem(), problem.status)

    @app.route(DOCS_ASSETS + "<path:filename>")
    def docs_assets(filename):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)
