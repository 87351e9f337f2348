"""A region profile whose numbering cannot number its letters stops the start, not the first letter."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service import create_app
from service.chain import PROFILE_RULE_KEYS
from service.wilayah import PROFILE_DIR, ProfileError, load_profiles

SOURCE = PROFILE_DIR / "bantul.toml"
FORMAT = 'format = "{klasifikasi}/{urut:03d}/{kode_unit}/{tahun}"'


def _region(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of a real profile (with its emblem) with one line changed."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    text = SOURCE.read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "contoh.toml").write_text(text.replace(old, new), encoding="utf-8")
    shutil.copytree(PROFILE_DIR / "lambang", tmp_path / "lambang")
    return tmp_path


def test_the_profiles_shipped_all_load():
    assert load_profiles(PROFILE_RULE_KEYS)


def test_an_edited_profile_is_read_again(tmp_path):
    directory = _region(tmp_path, FORMAT, FORMAT)
    assert load_profiles(PROFILE_RULE_KEYS, directory)["contoh"].penomoran.format.endswith("/{tahun}")
    path = directory / "contoh.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(FORMAT, FORMAT.replace("/{tahun}", "-{tahun}")),
                    encoding="utf-8")
    assert load_profiles(PROFILE_RULE_KEYS, directory)["contoh"].penomoran.format.endswith("-{tahun}")


@pytest.mark.parametrize("fmt, named", [
    ('"{klasifikasi}/{urut}/{bulan}/{tahun}"', "{bulan}"),
    ('"{klasifikasi}/{0}/{tahun}"', "{0}"),
    ('"{klasifikasi}/{tahun.real}"', "{tahun.real}"),
])
def test_an_unknown_numbering_placeholder_is_refused_naming_file_and_placeholder(tmp_path, fmt, named):
    directory = _region(tmp_path, FORMAT, f"format = {fmt}")
    with pytest.raises(ProfileError, match=r"contoh\.toml: penomoran\.format uses unknown placeholder") as caught:
        load_profiles(PROFILE_RULE_KEYS, directory)
    assert named in str(caught.value)


@pytest.mark.parametrize("fmt", ['"{klasifikasi}/{urut/{tahun}"', '"{klasifikasi}}/{urut}"', '"{urut:03s}"'])
def test_a_malformed_numbering_format_is_refused(tmp_path, fmt):
    directory = _region(tmp_path, FORMAT, f"format = {fmt}")
    with pytest.raises(ProfileError, match=r"contoh\.toml: penomoran\.format .* (is malformed|cannot be filled)"):
        load_profiles(PROFILE_RULE_KEYS, directory)


def test_a_letter_type_without_a_kode_klasifikasi_is_refused(tmp_path):
    directory = _region(tmp_path, '"keputusan-tim-kerja" = "800.1.11.2"\n', "")
    with pytest.raises(ProfileError, match=r"contoh\.toml: penomoran\.klasifikasi has no code for \['keputusan-tim-kerja'\]"):
        load_profiles(PROFILE_RULE_KEYS, directory)


def test_the_service_does_not_start_with_an_unknown_placeholder(tmp_path, monkeypatch):
    import service

    directory = _region(tmp_path / "wilayah", FORMAT, 'format = "{klasifikasi}/{urut}/{bulan}/{tahun}"')
    monkeypatch.setattr(service, "load_profiles", lambda keys: load_profiles(keys, directory))
    with pytest.raises(ProfileError, match=r"\{bulan\}"):
        create_app({"instance_dir": tmp_path / "instance"}, converter=object())
