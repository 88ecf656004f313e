"""Secret masking against a corpus of real-style lines per vendor (fixtures/secrets/*.txt).

Every secret syntax masks exactly its value; every ordinary line comes back unchanged.
"""

from pathlib import Path

import pytest

from webnet.config_mgmt.sanitize import mask_secrets

CORPUS = Path(__file__).parent / "fixtures" / "secrets"
FILE_OF = {
    "cisco_ios": "cisco_ios",
    "cisco_iosxe": "cisco_ios",
    "cisco_nxos": "cisco_nxos",
    "cisco_iosxr": "cisco_iosxr",
    "arista_eos": "arista_eos",
    "juniper_junos": "juniper_junos",
}


def _cases(name: str) -> list[tuple[str, str]]:
    """(raw, expected) pairs: IN/OUT pairs and SAME lines (expected == raw)."""
    cases, pending = [], None
    for row in (CORPUS / f"{name}.txt").read_text().splitlines():
        tag, _, line = row.partition("|")
        tag = tag.strip()
        if tag == "IN":
            pending = line
        elif tag == "OUT":
            assert pending is not None, row
            cases.append((pending, line))
            pending = None
        elif tag == "SAME":
            cases.append((line, line))
    return cases


@pytest.mark.parametrize(
    ("platform", "raw", "expected"),
    [(platform, *case) for platform, name in FILE_OF.items() for case in _cases(name)],
)
def test_corpus_line_is_masked_as_expected(platform: str, raw: str, expected: str) -> None:
    assert mask_secrets(platform, raw) == expected
    # Text of unknown origin gets every vendor's rules: still exactly the same result.
    assert mask_secrets("", raw) == expected


def test_the_corpus_covers_every_vendor_with_secrets_and_ordinary_lines() -> None:
    for name in set(FILE_OF.values()):
        cases = _cases(name)
        secrets = [raw for raw, expected in cases if raw != expected]
        assert len(secrets) >= 15 and len(cases) - len(secrets) >= 8, name
