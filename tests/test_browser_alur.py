"""A draft's whole life in a real browser (Debian chromium through Selenium): the verifikator returns it
with a note, the konseptor revises it, the verifikator gives paraf, the penandatangan signs and then
revokes it; the public verification page then says DICABUT and who gave paraf."""

from __future__ import annotations

import pytest

from service.access.audit import CONSOLE
from service.issuing.issue import issue

from .staff import WILAYAH, make_account
from .support import PASSPHRASE, SIGNER_NIP, sample
from .test_browser import browser, downloads, find, page, server, sign_in, wait_text  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

RUSDIANA = {"nip": "197508222003122004", "nama": "Hj. Rusdiana, S.E., M.M.", "jabatan": "Perencana Ahli Madya"}
HAL = "Permohonan Pelibatan Analis Kebijakan untuk Uji Alur Paraf"


def _as(driver, base: str, username: str, password: str) -> None:
    driver.delete_all_cookies()
    sign_in(driver, base, username, password)


def _open(driver, section: str) -> None:
    """From "Surat saya", the letter listed in ``section``."""
    assert HAL in find(driver, "id", section).text
    find(driver, "css", f"#{section} a").click()
    wait_text(driver, "Riwayat")


def _unfold(driver, summary: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.XPATH, f"//summary[contains(., '{summary}')]").click()


def test_returned_revised_paraf_signed_and_revoked_in_the_browser(page, server):
    driver, base = page
    app = server[0]
    body = sample(WILAYAH, "permohonan-pelibatan")
    body.update(hal=HAL, verifikator=[RUSDIANA])
    letter = issue(app.extensions["suratkerja"], "permohonan-pelibatan", body, CONSOLE).surat
    passwords = {name: make_account(app, name, peran, unit=("BAPPEDA",), nip=nip)[1] for name, peran, nip in (
        ("konseptor.alur", "konseptor", None), ("rusdiana.alur", "verifikator", RUSDIANA["nip"]),
        ("kepala.alur", "penandatangan", SIGNER_NIP))}

    _as(driver, base, "rusdiana.alur", passwords["rusdiana.alur"])
    _open(driver, "menunggu-paraf")
    _unfold(driver, "Kembalikan")
    find(driver, "name", "catatan").send_keys("Perjelas maksud dan tujuan.")
    find(driver, "id", "kembalikan").click()
    wait_text(driver, "Konsep telah dikembalikan kepada konseptornya.")

    _as(driver, base, "konseptor.alur", passwords["konseptor.alur"])
    assert "Perjelas maksud dan tujuan." in find(driver, "id", "dikembalikan").text
    _open(driver, "dikembalikan")
    _unfold(driver, "Revisi")
    driver.execute_script("""const area = document.querySelector('textarea[name=permintaan]');
        const request = JSON.parse(area.value);
        request.maksud_tujuan = 'penyusunan kajian penurunan prevalensi stunting tingkat desa';
        area.value = JSON.stringify(request, null, 2);""")
    find(driver, "name", "catatan").send_keys("maksud dan tujuan diperjelas")
    find(driver, "id", "revisi").click()
    wait_text(driver, "Revisi telah disimpan sebagai versi baru.")
    assert find(driver, "id", "versi").text == "2"
    assert "Konsep, menunggu paraf" in find(driver, "id", "status-kata").text

    _as(driver, base, "rusdiana.alur", passwords["rusdiana.alur"])
    _open(driver, "menunggu-paraf")
    find(driver, "id", "paraf").click()
    wait_text(driver, "Paraf telah diberikan.")
    assert "diparaf" in find(driver, "id", "rute-paraf").text

    _as(driver, base, "kepala.alur", passwords["kepala.alur"])
    _open(driver, "menunggu-tanda-tangan")
    find(driver, "name", "passphrase").send_keys(PASSPHRASE)
    find(driver, "id", "tandatangani").click()
    wait_text(driver, "Surat telah ditandatangani.")
    assert find(driver, "id", "status").text == "ditandatangani"
    assert "/BAPPEDA/" in find(driver, "id", "nomor").text

    _unfold(driver, "Cabut")
    find(driver, "name", "alasan").send_keys("Kegiatan dibatalkan oleh Bupati.")
    find(driver, "id", "cabut").click()
    wait_text(driver, "Surat telah dicabut.")
    assert "DICABUT" in find(driver, "css", ".dicabut").text

    driver.delete_all_cookies()
    driver.get(f"{base}/verifikasi/{letter.id}")
    wait_text(driver, "DICABUT")
    assert "Kegiatan dibatalkan oleh Bupati." in find(driver, "css", ".dicabut").text
    assert "Rusdiana" in find(driver, "id", "diparaf").text
