"""Production settings: ``manage.py check --deploy`` is clean, development keys are refused, and the session
cookies are Secure, HttpOnly and SameSite=Lax."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from conftest import AUTHENTICATE, mint

ROOT = Path(__file__).resolve().parents[2]


def _production_env(tmp_path, **extra):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DEPLOYMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "JWT_SIGNING_KEY": secrets.token_urlsafe(48),
        "IDENTITY_PROVIDER": "configured",
        "ALLOWED_HOSTS": "fans.example.com",
        "RATE_LIMIT_TRUSTED_PROXIES": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.sqlite3",
    }
    env.update(extra)
    return env


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_development_keys(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = _manage(env, "check")
    assert result.returncode != 0
    assert "Production keys missing: SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_session_cookie_is_secure_httponly_and_lax_in_production(gql, settings):
    settings.SESSION_JWT_COOKIE_SECURE = True  # what DEPLOYMENT=production sets
    body = gql.execute(AUTHENTICATE, {"token": mint("cookie@example.com")})
    cookie = body["_response"].cookies[settings.SESSION_JWT_COOKIE]
    assert (cookie["secure"], cookie["httponly"], cookie["samesite"]) == (True, True, "Lax")


def _rsa_pair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def test_production_starts_with_rs256_keys_alone(tmp_path):
    """Faults round two, item 8: an RS256 pair is enough; no HS256 secret is required beside it."""
    private, public = _rsa_pair()
    env = _production_env(tmp_path, JWT_PRIVATE_KEY=private, JWT_PUBLIC_KEY=public)
    del env["JWT_SIGNING_KEY"]
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr[-2000:]


def test_check_deploy_warns_without_trusted_proxies(tmp_path):
    env = _production_env(tmp_path, RATE_LIMIT_TRUSTED_PROXIES="0")
    result = _manage(env, "check", "--deploy")
    assert "monoql.W002" in result.stderr + result.stdout


def test_check_deploy_is_quiet_with_a_proxy_allowlist_alone(tmp_path):
    """Issue 33: the allowlist of proxy addresses is a configuration of its own (the count may stay 0)."""
    env = _production_env(tmp_path, RATE_LIMIT_TRUSTED_PROXIES="0", RATE_LIMIT_TRUSTED_PROXY_ADDRESSES="10.0.0.0/8")
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_production_web_process_without_proxies_warns_at_start(tmp_path):
    """Issue 33: loudly at start, not only in check --deploy."""
    env = _production_env(tmp_path, RATE_LIMIT_TRUSTED_PROXIES="0")
    result = subprocess.run(
        [sys.executable, "-c", "import monoql.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "RATE_LIMIT_TRUSTED_PROXY_ADDRESSES" in result.stderr + result.stdout
