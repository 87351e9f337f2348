"""Settings an operator writes: a misspelt key or a value that cannot work stops the start."""

from __future__ import annotations

import pytest

from service.plumbing.config import ConfigError, load_settings


def test_a_misspelt_setting_is_refused():
    with pytest.raises(ConfigError, match="converter_recyle_after"):
        load_settings({"converter_recyle_after": 100})


@pytest.mark.parametrize("key", ["converter_timeout", "converter_recycle_after", "max_request_bytes"])
@pytest.mark.parametrize("value", [0, -1])
def test_a_limit_that_is_not_positive_is_refused(key, value):
    with pytest.raises(ConfigError, match=key):
        load_settings({key: value})


def test_the_recycling_setting_is_read():
    assert load_settings({"converter_recycle_after": 40}).converter_recycle_after == 40
    assert load_settings().converter_recycle_after == 400
