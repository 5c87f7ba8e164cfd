"""The production profile: fails closed without secrets and passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "clinic.example.org",
    "DEMO_MODE": "false",
}

pytestmark = pytest.mark.slow


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items()
            if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEMO_MODE", "DJANGO_SETTINGS_MODULE", "DEBUG", "HTTPS",
                           "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(args, cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120)


def test_deployment_checks_pass_with_production_settings():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_refuse_to_load_without_a_secret_key_outside_demo_mode():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}

    result = run([sys.executable, "manage.py", "check"], env)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_make_serve_refuses_to_start_without_secret_key():
    result = run(["make", "-s", "serve"], {"ALLOWED_HOSTS": "clinic.example.org"})

    assert result.returncode != 0
    assert "Refusing to start: set SECRET_KEY" in result.stderr


def test_make_serve_refuses_to_start_without_allowed_hosts():
    result = run(["make", "-s", "serve"], {"SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"]})

    assert result.returncode != 0
    assert "Refusing to start: set ALLOWED_HOSTS" in result.stderr
