"""Production settings: ``manage.py check --deploy`` is clean, development keys are refused, and the session
cookies are Secure, HttpOnly and SameSite=Lax."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

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
