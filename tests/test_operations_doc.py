"""docs/operations.md says only what is true: its commands and settings exist, its defaults are the
clinic's, and its PostgreSQL roles keep the app from switching off the audit triggers."""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import get_commands
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "operations.md").read_text()
SQL_BLOCKS = re.findall(r"```sql\n(.*?)```", GUIDE, flags=re.DOTALL)
SETTINGS_SOURCE = (ROOT / "config" / "settings.py").read_text()
# The guide's own wrappers around manage.py, with the service's settings or the owner role.
COMMAND_PATTERN = re.compile(r"(?:manage\.py|clinic-manage|clinic-owner-manage) ([a-z_]+)")


def code_in_guide() -> str:
    """The guide's code blocks and inline code, without shell comments."""
    code = re.findall(r"```[a-z]*\n(.*?)```", GUIDE, flags=re.DOTALL) + re.findall(r"`([^`\n]+)`", GUIDE)
    lines = (line.split("  # ")[0] for block in code for line in block.splitlines())
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


def sql_block(first_line_start: str) -> str:
    [block] = [block for block in SQL_BLOCKS if block.startswith(first_line_start)]
    return block


def settings_table() -> dict[str, str]:
    """Each setting of the guide's table with its default cell."""
    section = GUIDE.split("## 9. Settings to review before go-live")[1]
    rows = re.findall(r"^\| (`[A-Z_]+`(?: / `[A-Z_]+`)?) \| (.*?) \|", section, flags=re.MULTILINE)
    return {name: default for names, default in rows for name in re.findall(r"`([A-Z_]+)`", names)}


def test_every_manage_py_command_the_guide_names_exists():
    named = set(COMMAND_PATTERN.findall(code_in_guide()))

    missing = named - set(get_commands())

    assert {"migrate", "run_worker", "backup", "restore", "verify_audit_chain", "check"} <= named
    assert missing == set()


def test_every_make_target_the_guide_names_exists():
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), flags=re.MULTILINE))

    named = set(re.findall(r"`make ([a-z-]+)`|^make ([a-z-]+)", GUIDE, flags=re.MULTILINE))

    assert {name for pair in named for name in pair if name} <= targets


@pytest.mark.parametrize("name", sorted(settings_table()))
def test_every_setting_in_the_guide_is_read_from_the_environment(name):
    base = name.removesuffix("_FILE")
    read_as_secret = f'env_secret("{base}"' in SETTINGS_SOURCE

    assert re.search(rf'env_\w+\(\s*"{name}"', SETTINGS_SOURCE) or read_as_secret


def test_every_default_in_the_guide_is_the_clinics_default():
    literal_defaults = {name: match[1] for name, cell in settings_table().items()
                        if (match := re.fullmatch(r"`([^`]+)`", cell))}
    environment = {key: value for key, value in os.environ.items()
                   if key not in settings_table() and not key.startswith("DJANGO")}
    environment |= {"SECRET_KEY": "a-secret-only-for-this-test-0123456789-abcdefghijklmnop",
                    "AUDIT_KEY": "an-audit-key-only-for-this-test-0123456789-abcdefghij",
                    "DATABASE_URL": "postgres://nobody@127.0.0.1:5432/nothing"}
    script = (
        "import json, django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup()\n"
        "from django.conf import settings as s\n"
        "values = {name: getattr(s, name, None) for name in json.loads(os.environ['NAMES'])}\n"
        "values.update(CONN_MAX_AGE=s.DATABASES['default']['CONN_MAX_AGE'], LOG_LEVEL=s.LOGGING['root']['level'])\n"
        "print(json.dumps(values, default=str))"
    )

    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False,
                            env=environment | {"NAMES": json.dumps(sorted(literal_defaults))}, timeout=60)

    assert result.returncode == 0, result.stderr
    actual = {name: _as_written(value) for name, value in json.loads(result.stdout).items()}
    assert len(literal_defaults) >= 12
    assert {name: actual[name] for name in literal_defaults} == literal_defaults


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_every_systemd_unit_in_the_guide_verifies(tmp_path):
    names = re.findall(r"`/etc/systemd/system/([a-z-]+\.(?:service|timer))`", GUIDE)
    blocks = re.findall(r"```ini\n(.*?)```", GUIDE, flags=re.DOTALL)
    for name, block in zip(names, blocks, strict=True):
        (tmp_path / name).write_text(block.replace("/srv/clinic", str(ROOT)))

    units = sorted(str(path) for path in tmp_path.iterdir())
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True,
                            check=False, timeout=60, env=os.environ | {"SYSTEMD_LOG_LEVEL": "notice"})

    assert sorted(names) == ["clinic-anchors.service", "clinic-anchors.timer", "clinic-backup.service",
                             "clinic-backup.timer", "clinic-web.service", "clinic-worker.service"]
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.skipif(not (shutil.which("nginx") and shutil.which("openssl")), reason="needs nginx and openssl")
def test_the_guides_nginx_site_passes_nginx_t(tmp_path):
    [site] = re.findall(r"```nginx\n(.*?)```", GUIDE, flags=re.DOTALL)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=clinic.example.org", "-keyout", tmp_path / "privkey.pem", "-out", tmp_path / "fullchain.pem"],
                   capture_output=True, check=True, timeout=60)
    (tmp_path / "site.conf").write_text(site.replace("/etc/letsencrypt/live/clinic.example.org", str(tmp_path))
                                        .replace("/var/log/nginx", str(tmp_path)))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n client_body_temp_path {tmp_path}/body;\n proxy_temp_path {tmp_path}/proxy;\n"
        f" include {tmp_path}/site.conf;\n}}\n")

    result = subprocess.run(["nginx", "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True,
                            check=False, timeout=60)

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def _as_written(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the roles and triggers are PostgreSQL's")
def test_guide_sql_keeps_the_app_role_from_switching_off_audit_triggers_through_a_restore(tmp_path):
    scratch = ScratchClinic(tmp_path)
    try:
        scratch.run_as_superuser(sql_block("-- As postgres"))
        scratch.manage("migrate", "--no-input", role="owner")
        scratch.run(sql_block("-- As clinic_owner"), role="owner")
        scratch.check_app_role()

        scratch.manage("seed_demo", role="app", DEMO_MODE="true", DEMO_PASSWORD=secrets.token_hex(8))
        assert "All 1 audit chains intact" in scratch.manage("verify_audit_chain", role="app")
        backed_up = scratch.manage("backup", role="app")
        patients = int(re.search(r"\((\d+) patients", backed_up)[1])
        restored = scratch.manage("restore", "--force", backed_up.strip().splitlines()[-1], role="owner")

        assert patients >= 30
        assert f": {patients} patients," in restored
        scratch.check_app_role()
        assert "All 1 audit chains intact" in scratch.manage("verify_audit_chain", role="app")
    finally:
        scratch.drop()


class ScratchClinic:
    """The guide's roles and database under names of their own, on the test suite's server."""

    def __init__(self, tmp_path: Path) -> None:
        self.server = settings.DATABASES["default"]
        self.tmp_path = tmp_path
        suffix = secrets.token_hex(4)
        self.names = {"clinic_owner": f"ops_owner_{suffix}", "clinic_app": f"ops_app_{suffix}",
                      "clinic": f"ops_clinic_{suffix}"}
        self.passwords = {"owner": secrets.token_hex(16), "app": secrets.token_hex(16)}

    def scratch_text(self, text: str) -> str:
        text = text.replace("clinic_owner", self.names["clinic_owner"]).replace("clinic_app", self.names["clinic_app"])
        text = re.sub(r"\bclinic\b", self.names["clinic"], text)
        return (text.replace("OWNER-PASSWORD", self.passwords["owner"])
                .replace("APP-PASSWORD", self.passwords["app"]))

    def role(self, role: str) -> str:
        return self.names[f"clinic_{role}"]

    def connect(self, *, role: str | None, dbname: str | None = None):
        credentials = ({"user": self.server["USER"], "password": self.server["PASSWORD"] or None} if role is None
                       else {"user": self.role(role), "password": self.passwords[role]})
        return psycopg.connect(host=self.server["HOST"] or None, port=self.server["PORT"] or None,
                               dbname=dbname or self.names["clinic"], autocommit=True, **credentials)

    def run_as_superuser(self, sql: str) -> None:
        with closing(self.connect(role=None, dbname="postgres")) as admin:
            for statement in statements(self.scratch_text(sql)):
                admin.execute(statement)

    def run(self, sql: str, *, role: str) -> None:
        with closing(self.connect(role=role)) as session:
            for statement in statements(self.scratch_text(sql)):
                session.execute(statement)

    def check_app_role(self) -> None:
        """Each statement of the guide's check refuses with the error it names, or works and gives
        the count it names."""
        lines = check_lines(self.scratch_text(sql_block("-- As clinic_app")))
        refused, counts = [], []
        with closing(self.connect(role="app")) as session, session.transaction(force_rollback=True):
            for statement, expected in lines:
                try:
                    with session.transaction():
                        cursor = session.execute(statement)
                        row = cursor.fetchone() if statement.startswith("SELECT") else None
                except psycopg.Error as error:
                    refused.append((statement, "ERROR:  " + error.diag.message_primary))
                else:
                    counts.append((statement, str(row[0]) if expected.isdigit() else expected))

        assert refused == [(statement, expected) for statement, expected in lines if expected.startswith("ERROR:")]
        assert counts == [(statement, expected) for statement, expected in lines if not expected.startswith("ERROR:")]
        assert (len(refused), len(counts)) == (14, 5)

    def manage(self, *args: str, role: str, **environment: str) -> str:
        url = (f"postgres://{self.role(role)}:{self.passwords[role]}@{self.server['HOST'] or '127.0.0.1'}:"
               f"{self.server['PORT'] or 5432}/{self.names['clinic']}")
        base = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO")}
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=300,
            env=base | {"DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": url, "DEMO_MODE": "false",
                        "SECRET_KEY": "a-secret-only-for-this-test-0123456789-abcdefghijklmnop",
                        "ALLOWED_HOSTS": "clinic.example.org", "VAR_DIR": str(self.tmp_path)} | environment)
        assert result.returncode == 0, f"manage.py {' '.join(args)} as {role}: {result.stdout}{result.stderr}"
        return result.stdout

    def drop(self) -> None:
        with closing(self.connect(role=None, dbname="postgres")) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.names["clinic"]}" WITH (FORCE)')
            for name in ("clinic_app", "clinic_owner"):
                admin.execute(f'DROP ROLE IF EXISTS "{self.names[name]}"')


def statements(sql: str) -> list[str]:
    """The SQL statements of a block, one a line, without comments or psql's own commands."""
    lines = [line.split("  -- ")[0].strip() for line in sql.splitlines()]
    return [line for line in lines if line and not line.startswith(("--", "\\"))]


def check_lines(sql: str) -> list[tuple[str, str]]:
    """The check's statements, each with what the guide says it gives (an error, a count, or nothing)."""
    pairs = []
    for line in sql.splitlines():
        statement, _, expected = line.partition("  -- ")
        statement = statement.strip()
        if statement and not statement.startswith(("--", "\\")) and statement not in {"BEGIN;", "ROLLBACK;"}:
            pairs.append((statement, expected.strip()))
    return pairs
