"""The staff pages in a real browser: Debian's chromium, driven through
chromium-driver by Selenium, against the app served on a loopback port.

One browser and one server for the module; each test starts signed out.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from service import create_app
from service.access.audit import CONSOLE
from service.devtools.samples import SAMPLES
from service.issuing.issue import issue
from service.plumbing.models import Surat
from service.signatures.sign_letter import sign_letter

from .staff import WILAYAH, make_account
from .support import PASSPHRASE, SIGNER_NIP, FakeConverter, sample

pytestmark = pytest.mark.browser

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
WAIT = 20


@pytest.fixture(scope="module")
def server(tmp_path_factory, pki_dir):
    """The app on a free loopback port, served by werkzeug in a thread."""
    app = create_app({"instance_dir": tmp_path_factory.mktemp("peramban"), "pki_dir": pki_dir},
                     converter=FakeConverter())
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    """Where the browser saves what it downloads."""
    return tmp_path_factory.mktemp("unduhan")


@pytest.fixture(scope="module")
def browser(downloads):
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip("Debian chromium and chromium-driver are not installed (scripts/setup.sh installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--disable-extensions", "--window-size=1280,900"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads),
        "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT)
    yield driver
    driver.quit()


@pytest.fixture
def page(browser, server):
    """The browser, signed out, and the server's address."""
    browser.delete_all_cookies()
    return browser, server[1]


def _by(kind: str):
    from selenium.webdriver.common.by import By

    return {"id": By.ID, "name": By.NAME, "css": By.CSS_SELECTOR, "link": By.PARTIAL_LINK_TEXT}[kind]


def find(driver, kind: str, value: str):
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(EC.presence_of_element_located((_by(kind), value)))


def wait_url(driver, part: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(lambda d: part in d.current_url)


def wait_text(driver, text: str) -> None:
    """Until the page shows ``text`` (a page being replaced meanwhile is read again)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: text in d.find_element(_by("css"), "body").text)


def sign_in(driver, base: str, username: str, password: str) -> None:
    from selenium.webdriver.support.ui import Select

    driver.get(f"{base}/masuk")
    Select(find(driver, "name", "wilayah")).select_by_value(WILAYAH)
    find(driver, "name", "username").send_keys(username)
    find(driver, "name", "sandi").send_keys(password)
    find(driver, "id", "masuk").click()
    wait_text(driver, "Surat saya")


def test_a_penandatangan_signs_in_finds_opens_signs_a_letter_and_signs_out(page, server):
    driver, base = page
    app = server[0]
    services = app.extensions["suratkerja"]
    body = sample(WILAYAH, "permohonan-pelibatan")
    body["hal"] = "Permohonan Pelibatan Analis Kebijakan untuk Uji Peramban"
    letter = issue(services, "permohonan-pelibatan", body, CONSOLE).surat
    akun, password = make_account(app, "kepala.bappeda", "penandatangan", unit=("BAPPEDA",), nip=SIGNER_NIP)

    sign_in(driver, base, "kepala.bappeda", password)
    waiting = find(driver, "id", "menunggu-tanda-tangan").text
    assert "Uji Peramban" in waiting
    driver.get(f"{base}/surat")
    find(driver, "name", "q").send_keys("Uji Peramban")
    find(driver, "css", "form.filter button").click()
    wait_url(driver, "q=Uji+Peramban")  # the filtered page, not the list it replaces
    find(driver, "link", "Uji Peramban").click()
    assert "belum bernomor" in find(driver, "id", "nomor").text  # a draft: the number comes with the signature
    assert find(driver, "css", "iframe").get_attribute("src").endswith(f"/surat/{letter.id}/pdf")

    find(driver, "name", "passphrase").send_keys(PASSPHRASE)
    find(driver, "id", "tandatangani").click()
    wait_text(driver, "Surat telah ditandatangani.")
    assert find(driver, "id", "status").text == "ditandatangani"
    assert PASSPHRASE not in driver.page_source
    assert not driver.find_elements(_by("name"), "passphrase")  # signed: nothing left to sign
    with services.sessions() as session:
        assert find(driver, "id", "nomor").text == session.get(Surat, letter.id).nomor

    find(driver, "id", "keluar").click()
    wait_text(driver, "Anda telah keluar.")
    driver.get(f"{base}/saya")
    assert "/masuk" in driver.current_url


def test_a_verifier_uploads_a_pdf_without_signing_in(page, server, tmp_path):
    driver, base = page
    services = server[0].extensions["suratkerja"]
    letter = issue(services, "permohonan-pelibatan", sample(WILAYAH, "permohonan-pelibatan"), CONSOLE).surat
    signed = sign_letter(services, letter.id, SIGNER_NIP, PASSPHRASE, None, CONSOLE)
    pdf = tmp_path / "surat.pdf"
    pdf.write_bytes(services.store.get(signed.current_sha256))

    driver.get(f"{base}/verifikasi")
    find(driver, "name", "berkas").send_keys(str(pdf))
    find(driver, "css", "form[enctype] button").click()
    wait_text(driver, "identik, bit demi bit")
    assert "SAH" in find(driver, "css", ".verdict").text and signed.nomor in driver.page_source


def test_a_form_posted_without_its_csrf_token_is_refused(page, server):
    driver, base = page
    akun, password = make_account(server[0], "tanpa.token", "pembaca")
    driver.get(f"{base}/masuk")
    driver.execute_script("document.querySelector('input[name=csrf_token]').remove()")
    from selenium.webdriver.support.ui import Select

    Select(find(driver, "name", "wilayah")).select_by_value(WILAYAH)
    find(driver, "name", "username").send_keys("tanpa.token")
    find(driver, "name", "sandi").send_keys(password)
    find(driver, "id", "masuk").click()
    wait_text(driver, "Formulir")
    assert "tidak dikirim dari halaman layanan ini" in driver.page_source
    driver.get(f"{base}/saya")
    assert "/masuk" in driver.current_url  # not signed in


def test_an_administrator_checks_a_bad_directory_fixes_it_imports_it_and_downloads_it(page, server, downloads,
                                                                                         tmp_path):
    from selenium.webdriver.support.ui import WebDriverWait

    driver, base = page
    app = server[0]
    akun, password = make_account(app, "admin.direktori", "admin")
    good = (SAMPLES / "direktori" / f"{WILAYAH}.csv").read_text(encoding="utf-8")
    simpeg = tmp_path / "simpeg.csv"
    simpeg.write_text(good.replace(",IV/a,", ",4a,"), encoding="utf-8")

    sign_in(driver, base, "admin.direktori", password)
    find(driver, "link", "Direktori").click()
    find(driver, "name", "berkas").send_keys(str(simpeg))
    find(driver, "id", "periksa").click()
    wait_text(driver, "tidak ada yang diimpor")
    rows = find(driver, "id", "baris-salah").text
    assert "3 GOLONGAN" in rows
    assert "Direktori masih kosong." in find(driver, "id", "unit").text

    simpeg.write_text(good, encoding="utf-8")
    find(driver, "name", "berkas").send_keys(str(simpeg))
    find(driver, "id", "periksa").click()
    wait_text(driver, "Berkas bersih")
    find(driver, "name", "berkas").send_keys(str(simpeg))
    find(driver, "id", "impor").click()
    wait_text(driver, "Direktori diimpor")
    assert "7 baru, 0 berubah, 0 dihapus" in driver.page_source
    assert "Rusdiana" in find(driver, "id", "pegawai").text

    find(driver, "id", "ekspor").click()
    saved = downloads / f"direktori_{WILAYAH}.csv"
    WebDriverWait(driver, WAIT).until(lambda d: saved.exists())
    assert "Rusdiana" in saved.read_text(encoding="utf-8")
