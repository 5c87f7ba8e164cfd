"""Typed readers for settings taken from the environment; a missing required value fails closed."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, *, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(TRUE_WORDS | FALSE_WORDS)}, not {raw!r}.")


def env_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from error


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, *, demo_mode: bool, var_dir: Path, how_to_make: str = "") -> str:
    """Read a secret from NAME or NAME_FILE; in demo mode generate one into var/ once.

    `how_to_make` is a command that prints a good value, named in the start-up error."""
    value = os.environ.get(name, "")
    file_name = os.environ.get(f"{name}_FILE", "")
    if not value and file_name:
        value = Path(file_name).read_text().strip()
    if value:
        return value
    if not demo_mode:
        raise ImproperlyConfigured(
            f"{name} is not set. Set {name} (or {name}_FILE) to a long random value before "
            "starting a real clinic; only demo mode generates one."
            + (f" Make one with: {how_to_make}" if how_to_make else "")
        )
    stored = var_dir / f"{name.lower()}.txt"
    if not stored.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        stored.write_text(secrets.token_urlsafe(50))
        stored.chmod(0o600)
    return stored.read_text().strip()
