"""Production hardening: deploy checks, security headers, cookies, sessions, rate limits, static.

Production settings are evaluated in subprocesses (settings are read once per process), with the
keys a production install must be given.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

import webnet
from webnet.tests.conftest import World
from webnet.tests.factories import DEFAULT_PASSWORD

BACKEND = Path(webnet.__file__).resolve().parent.parent


def _directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def _production(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "WEBNET_PRODUCTION": "true",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 10 + Fernet.generate_key().decode(),
        "ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "webnet.example",
        "WEBNET_STATE_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "webnet.settings",
    }
    # Not the test run's own: its database, its broker, pytest-django's async switch.
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    done = _production(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "no issues" in done.stdout


def test_production_cookies_hsts_and_compressed_static(tmp_path: Path) -> None:
    code = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.STORAGES['staticfiles']['BACKEND']]))"
    )
    done = _production(tmp_path, "shell", "-c", code)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [
        True,
        True,
        True,
        31_536_000,
        True,
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]
    done = _production(tmp_path, "collectstatic", "--no-input", "-v", "0")
    assert done.returncode == 0, done.stderr
    static = tmp_path / "static"
    assert (static / "staticfiles.json").exists()
    assert list(static.glob("dist/islands.*.js.gz")), "no compressed, hashed bundle"


def test_pages_send_security_headers(world: World) -> None:
    response = Client().get(reverse("ui:login"))
    directives = _directives(response["Content-Security-Policy"])
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_api_docs_are_served_from_our_own_origin_without_inline_script(db: None) -> None:
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    scripts = _directives(response["Content-Security-Policy"])["script-src"]
    assert scripts == "'self'"
    assert b"<script>" not in response.content and b"cdn." not in response.content
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in response.content


def test_hsts_is_sent_over_tls_only(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SECURE_HSTS_SECONDS = 3600
    assert "Strict-Transport-Security" not in Client().get("/health/")
    secure = Client().get("/health/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=3600")


def test_logout_invalidates_the_session_server_side(world: World) -> None:
    cache.clear()
    client = Client()
    client.post(reverse("ui:login"), {"username": "a-admin", "password": DEFAULT_PASSWORD})
    stolen = client.cookies["sessionid"].value
    assert client.get(reverse("ui:dashboard")).status_code == 200
    client.post(reverse("ui:logout"))
    replay = Client()
    replay.cookies["sessionid"] = stolen
    response = replay.get(reverse("ui:dashboard"))
    assert response.status_code == 302 and reverse("ui:login") in response["Location"]


@pytest.fixture
def small_api_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "2/min"})
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "2/min"})


def test_api_throttles_each_user(world: World, small_api_rates: None) -> None:
    client = APIClient()
    client.force_authenticate(world.viewer)
    codes = [client.get("/api/v1/devices/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = APIClient()
    other.force_authenticate(world.operator)
    assert other.get("/api/v1/devices/").status_code == 200
    cache.clear()
