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


@pytest.mark.parametrize("key, value, expected, got", [
    ("production", "false", "bool", "str"),
    ("converter_count", "2", "int", "str"),
    ("converter_count", True, "int", "bool"),
    ("converter_timeout", "30", "float", "str"),
    ("base_url", 8000, "str", "int"),
    ("pki_dir", 1, "Path or none", "int"),
    ("signer_backend", "hsm", "'pkcs12' or 'pkcs11' or 'esign-v1' or 'esign-v2'", "'hsm'"),
])
def test_a_value_of_the_wrong_type_is_refused_with_its_key_and_types(key, value, expected, got):
    with pytest.raises(ConfigError) as caught:
        load_settings({key: value})
    assert str(caught.value) == f"setting {key!r} must be {expected}, not {got}"


def test_a_config_file_saying_production_false_as_a_string_stops_the_start(tmp_path, monkeypatch):
    config = tmp_path / "suratkerja.toml"
    config.write_text('production = "false"\n', encoding="utf-8")
    monkeypatch.setenv("SURATKERJA_CONFIG", str(config))
    with pytest.raises(ConfigError, match="'production' must be bool, not str"):
        load_settings()


def test_values_of_the_right_type_are_kept_as_the_fields_hold_them(tmp_path, monkeypatch):
    config = tmp_path / "suratkerja.toml"
    config.write_text(f'production = true\nconverter_timeout = 12\npki_dir = "{tmp_path}"\n', encoding="utf-8")
    monkeypatch.setenv("SURATKERJA_CONFIG", str(config))
    settings = load_settings()
    assert settings.production is True
    assert settings.converter_timeout == 12.0 and isinstance(settings.converter_timeout, float)
    assert settings.pki == tmp_path


@pytest.mark.parametrize("overrides, missing", [
    ({"pkcs11_token_label": "suratkerja"}, "pkcs11_module"),
    ({"pkcs11_module": "/usr/lib/p11.so"}, "exactly one of pkcs11_token_label and pkcs11_slot"),
    ({"pkcs11_module": "/usr/lib/p11.so", "pkcs11_token_label": "a", "pkcs11_slot": 0},
     "exactly one of pkcs11_token_label and pkcs11_slot"),
])
def test_a_pkcs11_back_end_without_its_module_or_token_is_refused(overrides, missing):
    with pytest.raises(ConfigError, match=missing):
        load_settings({"signer_backend": "pkcs11", **overrides})


def test_the_public_address_is_a_web_address_kept_without_its_trailing_slash():
    settings = load_settings({"base_url": "https://suratkerja.contoh.go.id/"})
    assert settings.verification_url("abc") == "https://suratkerja.contoh.go.id/verifikasi/abc"
    with pytest.raises(ConfigError, match="base_url"):
        load_settings({"base_url": "suratkerja.contoh.go.id"})


def test_the_sample_letters_lead_to_an_https_address_and_the_service_to_its_configured_one(tmp_path, monkeypatch):
    from service.cli import parser, serve_base_url

    for command in ("sampel", "rantai"):
        assert parser().parse_args([command]).base_url == "https://suratkerja.contoh.go.id"
    monkeypatch.delenv("SURATKERJA_CONFIG", raising=False)
    assert serve_base_url(parser().parse_args(["serve", "--port", "8080"])) == "http://127.0.0.1:8080"
    config = tmp_path / "suratkerja.toml"
    config.write_text('base_url = "https://surat.pemda.go.id"\n', encoding="utf-8")
    monkeypatch.setenv("SURATKERJA_CONFIG", str(config))
    assert serve_base_url(parser().parse_args(["serve"])) == "https://surat.pemda.go.id"
    assert serve_base_url(parser().parse_args(["serve", "--base-url", "https://b.go.id"])) == "https://b.go.id"
