"""Numbers: unique, consecutive, per unit and year, never skipped on failure."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from .support import admin_client, sample

JENIS = "permohonan-pelibatan"
URL = f"/api/v1/surat/{JENIS}"


def urut(nomor: str) -> int:
    """The sequence part of a Hulu Sungai Selatan number ``klasifikasi/urut/unit/tahun``."""
    return int(re.fullmatch(r"[\d.]+/(\d+)/[A-Z0-9.-]+/\d{4}", nomor).group(1))


def issue_concurrently(app, bodies, workers=8):
    def post(body):
        with admin_client(app) as client:
            return client.post(URL, json=body)

    with ThreadPoolExecutor(workers) as pool:
        responses = list(pool.map(post, bodies))
    assert [r.status_code for r in responses] == [201] * len(bodies)
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
    created = client.post(URL, json=sample("hulu-sungai-selatan", JENIS)).get_json()
    assert urut(created["nomor"]) == 1
