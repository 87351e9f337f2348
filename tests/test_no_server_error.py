"""No integer, string or body makes the service answer 500 (Hypothesis), on SQLite and PostgreSQL.

The list filters of ``GET /api/v1/surat`` and the letter bodies take whatever Hypothesis draws: huge
integers, NUL bytes, surrogates' neighbours, wrong types in every field. The answer is a list or a
problem+json 4xx, never a server error.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.letters import LETTER_TYPES

from .support import admin_client, all_samples, sample

FILTERS = ("wilayah", "unit", "jenis", "dari", "sampai", "q", "halaman", "per_halaman")
SETTINGS = settings(max_examples=40, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

query_values = st.one_of(st.integers().map(str), st.integers(min_value=10 ** 18).map(str), st.text(max_size=40),
                         st.dates().map(str), st.floats().map(str))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=10 ** 20) | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8)


@pytest.fixture(params=["app", "pg_app"])
def api(request):
    return admin_client(request.getfixturevalue(request.param))


def assert_no_server_error(answer) -> None:
    assert answer.status_code < 500, answer.get_data(as_text=True)[:500]
    if answer.status_code >= 400:
        assert answer.mimetype == "application/problem+json"


@SETTINGS
@given(filters=st.dictionaries(st.sampled_from(FILTERS), query_values, max_size=len(FILTERS)))
def test_no_list_filter_makes_a_server_error(api, filters):
    answer = api.get("/api/v1/surat", query_string=filters)
    assert_no_server_error(answer)
    assert answer.status_code in (200, 422)


def _paths(value, prefix=()):
    """Every place in a JSON document, as key paths."""
    yield prefix
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from _paths(child, (*prefix, key))


def _replaced(document, path, new):
    if not path:
        return new
    copy = document.copy()
    copy[path[0]] = _replaced(document[path[0]], path[1:], new)
    return copy


@st.composite
def letter_bodies(draw):
    """A sample letter with one place (a field, an item, or the whole body) replaced by any JSON value."""
    wilayah, jenis = draw(st.sampled_from(all_samples()))
    body = sample(wilayah, jenis)
    path = draw(st.sampled_from(list(_paths(body))))
    return jenis, _replaced(body, path, draw(json_values))


@SETTINGS
@given(case=letter_bodies(), action=st.sampled_from(["", "/validasi"]))
def test_no_letter_body_makes_a_server_error(api, case, action):
    jenis, body = case
    answer = api.post(f"/api/v1/surat/{jenis}{action}", json=body)
    assert_no_server_error(answer)


@SETTINGS
@given(jenis=st.sampled_from(sorted(LETTER_TYPES)), body=json_values, secret=json_values)
def test_no_create_and_sign_body_makes_a_server_error(api, jenis, body, secret):
    answer = api.post(f"/api/v1/surat/{jenis}/terbit-tandatangan", json={"surat": body, "passphrase": secret})
    assert_no_server_error(answer)
    assert answer.status_code != 201
