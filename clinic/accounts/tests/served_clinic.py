"""A real clinic served the way `make serve` serves it, in its own process group, for tests that drive
it from outside: production settings, a fresh SQLite file, gunicorn and the job worker.

`make serve` itself refuses to start with HTTPS=false: its `check --deploy --fail-level WARNING`
stops on the four warnings plain HTTP causes, and a test server has no TLS. So the clinic runs the
commands of the serve target as `make -n serve` prints them, with one change: the check fails on
errors only, and `ServedClinic.deploy_warnings` names the warnings it printed.
"""

import json
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PYTHON = REPO / ".venv" / "bin" / "python"
STRICT_CHECK = "--fail-level WARNING"
START_TIMEOUT_S = 120
STOP_TIMEOUT_S = 30
# Lines of dashes the console mail backend writes after each message.
MAIL_SEPARATOR = re.compile(r"^-{79}$", re.M)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(folder: Path, port: int) -> dict[str, str]:
    """The settings of the README's step 3, for a clinic on this machine, and nothing else: the test
    process's own settings (config.settings_test, its database, DEMO_MODE) must not leak into the
    server or into setup_clinic."""
    return {
        "PATH": os.environ["PATH"],
        # gunicorn keeps its control socket under HOME: one per server, not one for every test run.
        "HOME": str(folder),
        "LANG": "C.UTF-8",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "AUDIT_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{folder / 'clinic.sqlite3'}",
        # Mail is printed to the server's output, where the test reads it as the recipient would.
        "EMAIL_URL": "console://",
        "TIME_ZONE": "America/Chicago",
        # No reverse proxy in front, so TRUSTED_PROXY_HOPS keeps its default, 0; plain http, so
        # HTTPS=false lets the browser keep the session and CSRF cookies.
        "HTTPS": "false",
        "PORT": str(port),
        # Static files, documents and audit anchors in the test's folder, not the checkout's var/.
        "VAR_DIR": str(folder / "var"),
    }


def readme_settings() -> set[str]:
    """The variables README step 3 puts in the clinic's settings file."""
    readme = (REPO / "README.md").read_text()
    settings_file = re.search(r"cat > clinic\.env <<EOF\n(.*?)\n\s*EOF\n", readme, re.S)[1]
    return {line.split("=", 1)[0].strip() for line in settings_file.splitlines()}


def serve_commands(environment: dict[str, str]) -> str:
    """The serve target's commands, as make would run them, with the deploy check failing on errors
    only (see the module's docstring)."""
    printed = subprocess.run(["make", "--no-print-directory", "-n", "serve"], cwd=REPO, env=environment,
                             capture_output=True, text=True, check=True, timeout=60).stdout
    assert printed.count(STRICT_CHECK) == 1, f"the serve target changed; its commands are now:\n{printed}"
    return printed.replace(STRICT_CHECK, "--fail-level ERROR")


def processes_in_group(group: int) -> list[str]:
    """Command lines of the living (not zombie) processes of a process group."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = stat_file.read_text()
            cmdline = (stat_file.parent / "cmdline").read_bytes()
        except OSError:
            continue
        state, _parent, process_group = stat.rsplit(")", 1)[1].split()[:3]
        if int(process_group) == group and state != "Z":
            found.append(cmdline.replace(b"\0", b" ").decode(errors="replace").strip())
    return found


@dataclass
class ServedClinic:
    url: str
    environment: dict[str, str]
    database: Path
    log: Path
    process: subprocess.Popen

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def deploy_warnings(self) -> set[str]:
        return set(re.findall(r"^\?: \((security\.W\d+)\)", self.output(), re.M))

    def manage(self, *arguments: str) -> subprocess.CompletedProcess:
        """A manage.py command in a second shell, with the same settings loaded (README step 5)."""
        return subprocess.run([str(PYTHON), "manage.py", *arguments], cwd=REPO, env=self.environment,
                              capture_output=True, text=True, timeout=120)

    def mail_to(self, address: str, *, wait_s: float = 10) -> list[str]:
        """Every message the clinic printed for this address."""
        deadline = time.monotonic() + wait_s
        while True:
            messages = [part for part in MAIL_SEPARATOR.split(self.output())
                        if re.search(rf"^To: {re.escape(address)}$", part, re.M)]
            if messages or time.monotonic() > deadline:
                return messages
            time.sleep(0.2)

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as response:
            return response.status, dict(response.headers), response.read()

    def rows(self, sql: str, *parameters: object) -> list[tuple]:
        """Rows read straight from the clinic's SQLite file, opened read-only."""
        connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
        try:
            return connection.execute(sql, parameters).fetchall()
        finally:
            connection.close()

    def running(self) -> list[str]:
        return processes_in_group(self.process.pid)

    def stop(self) -> tuple[int, list[str]]:
        """Stop the whole process group as a service manager would (SIGTERM); SIGKILL what is left
        after STOP_TIMEOUT_S. The shell's exit status, and what had to be killed."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while (self.process.poll() is None or self.running()) and time.monotonic() < deadline:
            time.sleep(0.1)
        if killed := self.running():
            os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.wait(), killed


def wait_until_healthy(clinic: ServedClinic) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if clinic.process.poll() is not None:
            raise AssertionError(f"the clinic stopped before answering:\n{clinic.output()}")
        try:
            if clinic.get("/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"no answer from /healthz after {START_TIMEOUT_S} s:\n{clinic.output()}")


@contextmanager
def served_clinic(folder: Path) -> Iterator[ServedClinic]:
    port = free_port()
    environment = production_environment(folder, port)
    log = folder / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(["bash", "-c", serve_commands(environment)], cwd=REPO, env=environment,
                                   stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    clinic = ServedClinic(url=f"http://127.0.0.1:{port}", environment=environment,
                          database=folder / "clinic.sqlite3", log=log, process=process)
    try:
        wait_until_healthy(clinic)
        yield clinic
    finally:
        clinic.stop()


def json_rows(rows: list[tuple]) -> list[tuple]:
    """Rows whose last column is JSON text, with that column read."""
    return [(*row[:-1], json.loads(row[-1])) for row in rows]
