"""Scrubbing known secrets: whole tokens only, so weak passwords do not mangle ordinary output."""

import pytest

from webnet.core.scrub import REDACTED, Scrubber


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("username admin password admin", f"username {REDACTED} password {REDACTED}"),
        ("password 'admin' was sent", f"password '{REDACTED}' was sent"),
        ('{"password": "admin"}', f'{{"password": "{REDACTED}"}}'),
        ("login=admin:x", f"login={REDACTED}:x"),
        ("admin", REDACTED),
        ("no admin-password policy", f"no {REDACTED}-password policy"),
        ("Gi0/1 is administratively down", "Gi0/1 is administratively down"),
        ("sysadmin and admins and admin_1", "sysadmin and admins and admin_1"),
    ],
)
def test_weak_secret_is_scrubbed_as_a_token_only(text: str, expected: str) -> None:
    assert Scrubber(["admin"])(text) == expected


def test_longer_secrets_win_and_special_characters_are_literal() -> None:
    scrub = Scrubber(["cisco", "cisco123", "p@ss.w*rd!"])
    assert scrub("secret cisco123 and cisco") == f"secret {REDACTED} and {REDACTED}"
    assert scrub("no cisco_ios here; pXssXwXrd! neither") == "no cisco_ios here; pXssXwXrd! neither"
    assert scrub("key p@ss.w*rd! end") == f"key {REDACTED} end"
    assert scrub.deep({"a": ["password cisco"]}) == {"a": [f"password {REDACTED}"]}
    assert Scrubber()("nothing to scrub") == "nothing to scrub"
