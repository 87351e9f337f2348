"""The NIP field every official carries (service/letters/nip.py)."""

from __future__ import annotations

import pytest

from service.issuing.validation import validate_letter
from service.letters.permohonan_pelibatan import JENIS as P
from service.plumbing.errors import InvalidRequest

from ..conftest import sample
from .rules_support import PROFILES


@pytest.mark.parametrize("nip, code", [
    ("19680411199303100", "nip_format"), ("1968041119930310xx", "nip_format"),
    ("196813111993031009", "nip_tanggal_lahir"), ("196802301993031009", "nip_tanggal_lahir"),
    ("196804111993131009", "nip_tmt"), ("196804111980031009", "nip_tmt_usia"),
    ("196804111993033009", "nip_jenis_kelamin"),
])
def test_a_wrong_nip_names_the_wrong_part(nip, code):
    body = sample("bantul", P)
    body["penandatangan"]["nip"] = nip
    with pytest.raises(InvalidRequest) as caught:
        validate_letter(P, body, PROFILES)
    assert [(f.pointer, f.code) for f in caught.value.findings] == [("/penandatangan/nip", code)]
    assert "BKN" in caught.value.findings[0].pasal


def test_printed_nip_spacing_is_accepted():
    body = sample("bantul", P)
    body["penandatangan"]["nip"] = "19701103 199703 1 005"
    assert validate_letter(P, body, PROFILES).data["penandatangan"]["nip"] == "197011031997031005"
