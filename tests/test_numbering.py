"""Numbers: taken at the first signature; unique, consecutive, per unit and year, never skipped on failure,
never held by a draft."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from .support import PASSPHRASE, SIGNER_NIP, admin_client, issue, sample, sign

JENIS = "permohonan-pelibatan"
URL = f"/api/v1/surat/{JENIS}"


def urut(nomor: str) -> int:
    """The sequence part of a Hulu Sungai Selatan number ``klasifikasi/urut/unit/tahun``."""
    return int(re.fullmatch(r"[\d.]+/(\d+)/[A-Z0-9.-]+/\d{4}", nomor).group(1))


def issue_concurrently(app, bodies, workers=8):
    """Draft every body, then sign them all at once: the numbers are taken by the signatures."""
    def post(body):
        with admin_client(app) as client:
            return client.post(URL, json=body)

    def signed(draft):
        with admin_client(app) as client:
            return client.post(f"/api/v1/surat/{draft['id']}/tandatangan",
                               json={"nip": SIGNER_NIP, "passphrase": PASSPHRASE})

    with ThreadPoolExecutor(workers) as pool:
        drafts = list(pool.map(post, bodies))
        assert [r.status_code for r in drafts] == [201] * len(bodies)
        assert all(r.get_json()["nomor"] is None for r in drafts)
        responses = list(pool.map(signed, [r.get_json() for r in drafts]))
    assert [r.status_code for r in responses] == [200] * len(bodies)
    return [r.get_json() for r in responses]


def fifty_for_one_unit_and_some_for_another():
    one = [sample("hulu-sungai-selatan", JENIS) for _ in range(50)]
    other = []
    for _ in range(6):
        body = sample("hulu-sungai-selatan", JENIS)
        body["pengirim"]["kode"] = body["penandatangan"]["unit"]["kode"] = "DISKOMINFO"
        other.append(body)
    return one, other


def assert_consecutive(created):
    numbers = sorted(urut(c["nomor"]) for c in created)
    assert numbers == list(range(1, len(created) + 1))
    assert len({c["nomor"] for c in created}) == len(created)


def test_fifty_concurrent_letters_of_one_unit_get_consecutive_unique_numbers(app):
    one, other = fifty_for_one_unit_and_some_for_another()
    created = issue_concurrently(app, one + other)
    assert_consecutive(created[:50])
    assert_consecutive(created[50:])  # the other unit counts on its own


@pytest.mark.postgres
def test_postgres_registry_numbers_concurrently_too(pg_app):
    one, other = fifty_for_one_unit_and_some_for_another()
    created = issue_concurrently(pg_app, one + other)
    assert_consecutive(created[:50])
    assert_consecutive(created[50:])
    with admin_client(pg_app) as client:
        assert client.get("/api/v1/surat?per_halaman=100").get_json()["total"] == 56


def test_failed_conversion_issues_nothing_and_keeps_the_number_free(tmp_path, client, converter):
    converter.fail_next()  # as LibreOffice crashing on this letter even after the pool's retry
    response = client.post(URL, json=sample("hulu-sungai-selatan", JENIS))
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert client.get("/api/v1/surat").get_json()["total"] == 0
    assert not any((tmp_path / "berkas").rglob("*.pdf"))
    draft = issue(client)
    converter.fail_next()  # the numbered letter cannot be printed at signing: the number stays free
    refused = sign(client, draft["id"])
    assert refused.status_code == 503 and "nomornya tetap tersedia" in refused.get_json()["detail"]
    after = client.get(draft["tautan"]["self"]).get_json()
    assert after["nomor"] is None and after["status"] == "siap_ditandatangani"
    assert sign(client, draft["id"]).status_code == 200
    assert urut(client.get(draft["tautan"]["self"]).get_json()["nomor"]) == 1


def test_a_cancelled_or_abandoned_draft_never_holds_a_number(client):
    cancelled, abandoned, signed = issue(client), issue(client), issue(client)
    assert client.post(f"/api/v1/surat/{cancelled['id']}/batalkan", json={"alasan": "Salah unit"}).status_code == 200
    assert sign(client, signed["id"]).status_code == 200
    assert urut(client.get(signed["tautan"]["self"]).get_json()["nomor"]) == 1
    assert client.get(abandoned["tautan"]["self"]).get_json()["nomor"] is None
    assert sign(client, abandoned["id"]).status_code == 200  # signed later, it takes the next number
    assert urut(client.get(abandoned["tautan"]["self"]).get_json()["nomor"]) == 2
    assert client.get(cancelled["tautan"]["self"]).get_json()["nomor"] is None
