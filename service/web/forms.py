"""The staff pages' forms (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from flask import current_app, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, IntegerField, PasswordField, SelectChoice, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from ..access.principal import RIGHTS
from ..accounts.models import PERAN_STAF

REQUIRED = "Wajib diisi."


def at_most(characters: int) -> Length:
    return Length(max=characters, message=f"Paling banyak {characters} karakter.")


class Tanggal(DateField):
    """A date typed or picked as TTTT-BB-HH, refused in Indonesian."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Bukan tanggal yang sah (TTTT-BB-HH).") from None


class Form(FlaskForm):
    """A form of the pages; its field errors as one line each, for the top of the page."""

    def messages(self) -> list[str]:
        return [f"{self[name].label.text}: {' '.join(msgs)}" for name, msgs in self.errors.items()]


class MasukForm(FlaskForm):
    wilayah = SelectField("Pemda", validators=[DataRequired(REQUIRED)])
    username = StringField("Nama pengguna", validators=[DataRequired(REQUIRED), Length(max=60)])
    sandi = PasswordField("Kata sandi", validators=[DataRequired(REQUIRED), Length(max=1024)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profiles = current_app.extensions["suratkerja"].profiles
        self.wilayah.choices = [SelectChoice(kode, p.nama) for kode, p in profiles.items()]


class SandiForm(FlaskForm):
    sandi_lama = PasswordField("Kata sandi saat ini", validators=[DataRequired(REQUIRED)])
    sandi_baru = PasswordField("Kata sandi baru", validators=[DataRequired(REQUIRED)])
    ulangi = PasswordField("Ulangi kata sandi baru", validators=[
        DataRequired(REQUIRED), EqualTo("sandi_baru", "Kedua kata sandi baru tidak sama.")])


class TandatanganForm(FlaskForm):
    """The signer's credentials, sent once: the passphrase; with BSrE's Esign also the NIK, or a TOTP instead."""

    passphrase = PasswordField("Passphrase sertifikat elektronik", validators=[Optional(), Length(max=1024)])
    nik = StringField("NIK (sertifikat di BSrE)", validators=[Optional(), Length(max=16)])
    totp = PasswordField("atau kode TOTP", validators=[Optional(), Length(max=12)])

    def credentials(self) -> dict[str, str]:
        return {name: self[name].data for name in ("passphrase", "nik", "totp") if self[name].data}


class AlurForm(Form):
    """A step of a draft's workflow, posted from the letter's page with the version that page shows: a page
    read before a revision is refused rather than acting on a version its user has not read."""

    versi = IntegerField("Versi", widget=HiddenInput(), validators=[DataRequired(REQUIRED), NumberRange(1)])
    """Refused unless it is the current one: :func:`service.workflow.state.check_version`."""


class ParafForm(AlurForm):
    """Paraf on the version shown: the button is all a verifikator sends."""


class KembalikanForm(AlurForm):
    catatan = TextAreaField("Catatan (yang perlu diperbaiki)", validators=[DataRequired(REQUIRED), at_most(2000)])


class RevisiForm(AlurForm):
    """The corrected request, as JSON (the page fills in the current version's), and what changed."""

    permintaan = TextAreaField("Isi surat (JSON, seperti pada API)", validators=[DataRequired(REQUIRED),
                                                                                 at_most(200_000)])
    catatan = StringField("Catatan revisi (yang diubah)", validators=[Optional(), at_most(2000)])


class BatalkanForm(AlurForm):
    alasan = TextAreaField("Alasan pembatalan", validators=[DataRequired(REQUIRED), at_most(1000)])


class CabutForm(Form):
    """Why a signed letter is withdrawn, and the letter that withdraws it where there is one (both, or neither)."""

    alasan = TextAreaField("Alasan pencabutan", validators=[DataRequired(REQUIRED), at_most(1000)])
    nomor = StringField("Nomor surat pencabut (bila ada)", validators=[Optional(), at_most(120)])
    tanggal = Tanggal("Tanggal surat pencabut", validators=[Optional()], render_kw={"placeholder": "TTTT-BB-HH"})

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and bool(self.nomor.data) != bool(self.tanggal.data):
            self.nomor.errors.append("Surat pencabut disebut dengan nomor dan tanggalnya, keduanya.")
            return False
        return valid


class TombolForm(FlaskForm):
    """A form that is only a button (sign out, reset a password): the CSRF token is all it sends."""


def _comma_list(text: str | None) -> tuple[str, ...]:
    return tuple(u.strip() for u in (text or "").split(",") if u.strip())


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AkunForm(Form):
    """An account as an administrator edits it; the username is set once, at creation."""

    username = StringField("Nama pengguna", validators=[Length(max=60)])
    nama = StringField("Nama lengkap", validators=[DataRequired(REQUIRED), Length(max=150)])
    peran = _Checkboxes("Peran", choices=[SelectChoice(k, v) for k, v in PERAN_STAF.items()])
    unit = StringField("Kode unit (pisahkan dengan koma; kosong = semua unit)", validators=[Length(max=600)])
    nip = StringField("NIP pejabat (wajib untuk penandatangan)", validators=[Length(max=30)])
    aktif = BooleanField("Aktif", default=True)

    def fill(self, akun) -> None:
        """The form as the account stands (a page to edit it)."""
        self.nama.data, self.peran.data, self.nip.data = akun.nama, list(akun.peran), akun.nip or ""
        self.unit.data, self.aktif.data = ", ".join(akun.unit), akun.aktif

    def units(self) -> tuple[str, ...]:
        return _comma_list(self.unit.data)


class KunciForm(Form):
    """A new API key for a system of the pemda (e-office)."""

    nama = StringField("Nama sistem", validators=[DataRequired(REQUIRED), Length(max=200)])
    hak = _Checkboxes("Hak", choices=[SelectChoice(r, r) for r in RIGHTS])
    unit = StringField("Kode unit (pisahkan dengan koma; kosong = semua unit)", validators=[Length(max=600)])

    def units(self) -> tuple[str, ...]:
        return _comma_list(self.unit.data)


class DirektoriForm(Form):
    """A SIMPEG CSV file to check (Periksa) or import (Impor): which, the button pressed says."""

    berkas = FileField("Berkas CSV", validators=[FileRequired("Pilih berkas CSV ekspor SIMPEG.")])

    def importing(self) -> bool:
        return self.is_submitted() and request.form.get("aksi") == "impor"


class DelegasiForm(Form):
    """A new entry of the delegation register, as text: the register's own schema checks it
    (:class:`service.directory.delegation.DelegasiBaruSchema`), as it does the API's."""

    jenis = SelectField("Jenis", choices=[SelectChoice(k, f"{k} ({v})") for k, v in (
        ("a.n.", "atas nama"), ("u.b.", "untuk beliau"), ("Plt.", "pelaksana tugas"), ("Plh.", "pelaksana harian"))])
    nip_pemberi = StringField("NIP pejabat yang diatasnamakan / jabatannya dilaksanakan",
                              validators=[DataRequired(REQUIRED), Length(max=40)])
    nip_penerima = StringField("NIP penanda tangan", validators=[DataRequired(REQUIRED), Length(max=40)])
    nip_antara = StringField("NIP pemegang a.n. (u.b. saja)", validators=[Optional(), Length(max=40)])
    berlaku_dari = StringField("Berlaku dari (TTTT-BB-HH)", validators=[DataRequired(REQUIRED), Length(max=10)])
    berlaku_sampai = StringField("Sampai dengan (TTTT-BB-HH)", validators=[DataRequired(REQUIRED), Length(max=10)])
    dasar_nomor = StringField("Nomor surat dasar (surat perintah Plt./Plh.)", validators=[Optional(), Length(max=120)])
    dasar_tanggal = StringField("Tanggal surat dasar", validators=[Optional(), Length(max=10)])

    def entry(self) -> dict:
        """The filled fields, for the register's schema."""
        return {name: field.data.strip() for name, field in self._fields.items()
                if name != "csrf_token" and isinstance(field.data, str) and field.data.strip()}
