"""``/api/v1/webhook``: an API client's webhook subscriptions, their deliveries, redelivery.

A client sees and manages its own subscriptions; a pemda administrator
those of its pemda (a host administrator every one). Anyone else gets 404.
"""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select

from ..access import audit
from ..access.principal import BACA
from ..access.request import require
from ..letters.fields import BaseSchema, Msg, Teks, length, one_of
from ..webhooks import subscriptions
from ..webhooks.models import Langganan, Pengiriman, Percobaan, Peristiwa
from ..webhooks.outbox import EVENTS
from .surat import as_utc, services

blp = Blueprint("webhook", __name__, url_prefix="/api/v1/webhook",
                description="Webhook: langganan peristiwa surat, ditandatangani per Standard Webhooks")

_NOT_FOUND = {"404": {"description": "Tidak ditemukan", "content": {"application/problem+json": {"schema": "Problem"}}}}


class LanggananInSchema(BaseSchema):
    url = Teks(required=True, validate=[length(1, 2000), validate.URL(
        schemes={"http", "https"}, require_tld=False,
        error=Msg("Harus berupa alamat http:// atau https:// yang lengkap.", "url_tidak_sah"))],
        metadata={"description": "Alamat penerima (POST application/json)"})
    peristiwa = fields.List(Teks(validate=one_of(EVENTS)), required=True, validate=length(1, len(EVENTS)),
                            metadata={"description": "Peristiwa yang dikirim: " + ", ".join(EVENTS)})


class LanggananSchema(BaseSchema):
    id = fields.String()
    url = fields.String()
    peristiwa = fields.List(fields.String())
    aktif = fields.Boolean()
    catatan = fields.String(allow_none=True, metadata={
        "description": "Mengapa langganan dinonaktifkan (penerima gagal terus selama 24 jam)"})
    klien = fields.String(metadata={"description": "Kunci API pemilik langganan (kunci:<prefiks>)"})
    dibuat = fields.DateTime()


class LanggananBaruSchema(LanggananSchema):
    rahasia = fields.String(metadata={
        "description": "Rahasia penandatanganan (whsec_…), hanya ditampilkan di jawaban ini: periksa header "
                       "webhook-signature dengan pustaka Standard Webhooks"})


class PercobaanSchema(BaseSchema):
    waktu = fields.DateTime()
    status_http = fields.Integer(allow_none=True)
    galat = fields.String(allow_none=True)


class PengirimanSchema(BaseSchema):
    id = fields.Integer()
    webhook_id = fields.String(metadata={"description": "Header webhook-id setiap pengirimannya"})
    peristiwa = fields.String()
    surat_id = fields.String()
    status = fields.String(metadata={"description": "menunggu, terkirim, atau gagal"})
    berikutnya = fields.DateTime(allow_none=True)
    percobaan = fields.List(fields.Nested(PercobaanSchema))


def _out(langganan: Langganan) -> dict:
    return {"id": langganan.id, "url": langganan.url, "peristiwa": langganan.peristiwa, "aktif": langganan.aktif,
            "catatan": langganan.catatan, "klien": langganan.klien, "dibuat": as_utc(langganan.dibuat)}


@blp.route("")
class LanggananList(MethodView):
    @blp.response(200, LanggananSchema(many=True))
    def get(self):
        """Langganan webhook milik klien ini (administrator: seluruh pemda)."""
        principal = require()
        with services().sessions() as session:
            return [_out(row) for row in subscriptions.visible(session, principal)]

    @blp.arguments(LanggananInSchema)
    @blp.response(201, LanggananBaruSchema)
    def post(self, args):
        """Berlangganan peristiwa surat yang boleh dibaca kunci ini; rahasia penandatanganan hanya ditampilkan sekali."""
        principal = require(BACA)
        with services().sessions.begin() as session:
            langganan = subscriptions.create(session, principal, args["url"], args["peristiwa"])
        audit.record("webhook.buat", wilayah=langganan.wilayah, objek=langganan.id, url=langganan.url)
        return {**_out(langganan), "rahasia": subscriptions.secret(services().settings.instance_dir, langganan.id)}


@blp.route("/<string:langganan_id>")
class LanggananItem(MethodView):
    @blp.response(200, LanggananSchema)
    @blp.doc(responses=_NOT_FOUND)
    def get(self, langganan_id):
        """Satu langganan, dengan catatan bila dinonaktifkan."""
        with services().sessions() as session:
            return _out(subscriptions.find(session, require(), langganan_id))

    @blp.response(204)
    @blp.doc(responses=_NOT_FOUND)
    def delete(self, langganan_id):
        """Hapus langganan beserta riwayat pengirimannya."""
        with services().sessions.begin() as session:
            langganan = subscriptions.find(session, require(), langganan_id)
            subscriptions.remove(session, langganan)
        audit.record("webhook.hapus", wilayah=langganan.wilayah, objek=langganan_id)
        return Response(status=204)


@blp.route("/<string:langganan_id>/aktifkan")
class LanggananAktifkan(MethodView):
    @blp.response(200, LanggananSchema)
    @blp.doc(responses=_NOT_FOUND)
    def post(self, langganan_id):
        """Aktifkan kembali langganan yang dinonaktifkan; pengiriman yang menunggu dilanjutkan."""
        with services().sessions.begin() as session:
            langganan = subscriptions.find(session, require(), langganan_id)
            subscriptions.reactivate(langganan)
        audit.record("webhook.aktifkan", wilayah=langganan.wilayah, objek=langganan_id)
        return _out(langganan)


@blp.route("/<string:langganan_id>/pengiriman")
class PengirimanList(MethodView):
    @blp.response(200, PengirimanSchema(many=True))
    @blp.doc(responses=_NOT_FOUND)
    def get(self, langganan_id):
        """Pengiriman langganan ini (100 terbaru), dengan setiap percobaannya."""
        with services().sessions() as session:
            langganan = subscriptions.find(session, require(), langganan_id)
            rows = session.execute(
                select(Pengiriman, Peristiwa).join(Peristiwa, Peristiwa.id == Pengiriman.peristiwa_id)
                .where(Pengiriman.langganan_id == langganan.id).order_by(Pengiriman.id.desc()).limit(100)).all()
            attempts: dict[int, list] = {}
            for attempt in session.scalars(select(Percobaan).where(
                    Percobaan.pengiriman_id.in_([d.id for d, _ in rows])).order_by(Percobaan.id)):
                attempts.setdefault(attempt.pengiriman_id, []).append(
                    {"waktu": as_utc(attempt.waktu), "status_http": attempt.status_http, "galat": attempt.galat})
            return [{"id": d.id, "webhook_id": e.pesan, "peristiwa": e.jenis, "surat_id": e.surat_id,
                     "status": d.status, "berikutnya": d.berikutnya and as_utc(d.berikutnya),
                     "percobaan": attempts.get(d.id, [])} for d, e in rows]


@blp.route("/<string:langganan_id>/pengiriman/<int:pengiriman_id>/kirim-ulang")
class PengirimanUlang(MethodView):
    @blp.response(202, description="Pengiriman dijadwalkan ulang sekarang, dengan 24 jam percobaan baru")
    @blp.doc(responses=_NOT_FOUND)
    def post(self, langganan_id, pengiriman_id):
        """Kirim ulang satu pengiriman (dengan webhook-id yang sama)."""
        with services().sessions.begin() as session:
            langganan = subscriptions.find(session, require(), langganan_id)
            subscriptions.redeliver(session, langganan, pengiriman_id)
        audit.record("webhook.kirim_ulang", wilayah=langganan.wilayah, objek=langganan_id, pengiriman=pengiriman_id)
        return Response(status=202)
