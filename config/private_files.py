"""Files of patient data are readable by the service's user only."""

import contextlib
import os
import stat
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
# SQLite gives its write-ahead log and shared-memory files the database file's own mode.
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def prepare_sqlite_file(name: str) -> None:
    """Create the SQLite database file 0600 before SQLite creates it with the process's umask
    (0644 on most machines), and take group and other access off one made before."""
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Made earlier, or by another process starting at the same moment: leave its contents alone.
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE))
    for companion in SQLITE_COMPANIONS:
        _make_private(Path(f"{path}{companion}"))


def _make_private(path: Path) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if stat.S_IMODE(info.st_mode) & 0o077 and info.st_uid == os.getuid():
        path.chmod(PRIVATE_FILE_MODE)
