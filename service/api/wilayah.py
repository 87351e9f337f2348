"""``/api/v1/wilayah``: the region profiles the service knows."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from ..access.request import current_principal
from .schemas import WilayahSchema

blp = Blueprint("wilayah", __name__, url_prefix="/api/v1/wilayah", description="Profil wilayah")


@blp.route("")
class WilayahList(MethodView):
    @blp.response(200, WilayahSchema(many=True))
    def get(self):
        """Wilayah pemda pemanggil (administrator hosting: semua), dengan peraturan dan format nomornya."""
        principal = current_principal()
        profiles = current_app.extensions["suratkerja"].profiles
        return [p.summary() for p in profiles.values() if principal.in_pemda(p.kode)]
