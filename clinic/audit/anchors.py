"""Anchor lines: each chain's head (its seq and hash) kept outside the database, signed with the
audit key (docs/audit.md, "Anchors").

Someone able to rewrite the database can remove a chain's newest rows and wind its head back, and
the chain left behind checks as whole. The anchor lines written earlier, and copied off the
machine, still name the removed rows: `verify_audit_chain --anchors FILE` finds them gone.

One line per chain and occasion, in the anchor file and in the log alike:

    audit-anchor {"at":"2026-11-25T07:30:04.211000+00:00","chain":"1","hash":"8ab6…","key_id":"3f2a…",
                  "kind":"nightly","mac":"…","seq":48210,"v":1}

`mac` is an HMAC-SHA256 with the audit key over the rest of the line, so a line from another clinic
or another key, or an edited one, is recognised. A restore writes a `before_restore` line with
the head it is about to replace and a `restore` line with the head it brought back, so that the
anchors it legitimately wound back are accounted for.
"""

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from clinic.audit.chain import AuditKey
from clinic.rules.errors import DomainError

MARKER = "audit-anchor"
VERSION = 1
PRIVATE_FILE_MODE, PRIVATE_DIRECTORY_MODE = 0o600, 0o700


class Kind(StrEnum):
    NIGHTLY = "nightly"
    BEFORE_RESTORE = "before_restore"
    RESTORE = "restore"


class AnchorFileRefused(DomainError):
    code = "ANCHOR_FILE_REFUSED"


@dataclass(frozen=True)
class Anchor:
    """A chain's head at one moment: the row at `seq` had `hash`."""

    kind: str
    chain: str
    seq: int
    hash: str
    at: datetime
    key_id: str
    # A restore's lines name the backup file and when the backup was made.
    file: str = ""
    backup_created_at: datetime | None = None
    # Where the line was read ("anchors.log line 12"), for messages; not part of the line.
    source: str = ""

    @property
    def identity(self) -> tuple[str, str, int, str, datetime]:
        return (self.kind, self.chain, self.seq, self.hash, self.at)


def line(*, kind: Kind, chain: str, seq: int, hash: str, at: datetime, key: AuditKey, file: str = "",
         backup_created_at: datetime | None = None) -> str:
    """One signed anchor line, without its line break."""
    body: dict[str, Any] = {"v": VERSION, "kind": str(kind), "chain": chain, "seq": seq, "hash": hash,
                            "at": at.isoformat(), "key_id": key.fingerprint}
    if kind == Kind.RESTORE or file:
        body |= {"file": file, "backup_created_at": backup_created_at.isoformat() if backup_created_at else None}
    return f"{MARKER} {_canonical(body | {'mac': _mac(body, key)})}"


def append(path: Path, lines: Iterable[str]) -> None:
    """Add lines at the end of the anchor file, created readable by the service's user only."""
    text = "".join(f"{item}\n" for item in lines)
    if not text:
        return
    path.parent.mkdir(mode=PRIVATE_DIRECTORY_MODE, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
        file.flush()
        # On disk before the work it anchors goes on: a restore must not outrun its own anchor.
        os.fsync(file.fileno())


def read(path: Path, *, key: AuditKey) -> list[Anchor]:
    """Every anchor line of a file: the anchor file itself, or a copy of the log's lines (other
    lines are skipped). Refuses a file that cannot be read, that holds no anchor line, or holds a
    line signed with another key or edited since."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise AnchorFileRefused(f"Cannot read the anchor file {path} ({error}). Check the path and that "
                                "this user may read it.") from error
    found = [parse(text_line, key=key, source=f"{path} line {number}")
             for number, text_line in enumerate(text.splitlines(), start=1) if f"{MARKER} {{" in text_line]
    if not found:
        raise AnchorFileRefused(f"{path} holds no audit anchor lines. Give the anchor file (AUDIT_ANCHOR_FILE) "
                                "or a copy of the log's clinic.audit.anchor lines.")
    return found


def parse(text_line: str, *, key: AuditKey, source: str) -> Anchor:
    """The anchor in one line, once its key and signature are checked."""
    try:
        body = json.loads(text_line[text_line.index(f"{MARKER} {{") + len(MARKER) + 1:])
        mac = body.pop("mac")
        key_id = body["key_id"]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise AnchorFileRefused(f"{source} is not a whole anchor line ({error}): the file was cut short "
                                "or edited.") from error
    if key_id != key.fingerprint:
        raise AnchorFileRefused(
            f"{source} was signed with the audit key of fingerprint {key_id}, not the key given (fingerprint "
            f"{key.fingerprint}): the file is not this clinic's, or AUDIT_KEY is not the clinic's audit key.")
    if mac != _mac(body, key):
        raise AnchorFileRefused(f"{source} does not match its signature: it was edited, or written without "
                                "this clinic's audit key.")
    return _anchor(body, source=source)


def wound_back_by(anchor: Anchor, restores: Iterable[Anchor]) -> Anchor | None:
    """The first restore after `anchor` that legitimately took its chain back past it, if any.

    A restore brings back the backup's head: an anchor beyond that seq, or made after the backup
    was (so of a history the backup never held), is no longer expected in the chain.
    """
    for restore in sorted(restores, key=lambda item: item.at):
        later = restore.at > anchor.at or (restore.at == anchor.at and anchor.kind != Kind.RESTORE)
        if restore.chain != anchor.chain or restore.kind != Kind.RESTORE or not later:
            continue
        made_after_backup = restore.backup_created_at is not None and anchor.at > restore.backup_created_at
        if anchor.seq > restore.seq or made_after_backup:
            return restore
    return None


def _anchor(body: dict[str, Any], *, source: str) -> Anchor:
    try:
        backup_created_at = body.get("backup_created_at")
        return Anchor(kind=str(body["kind"]), chain=str(body["chain"]), seq=int(body["seq"]), hash=str(body["hash"]),
                      at=datetime.fromisoformat(body["at"]), key_id=str(body["key_id"]), file=str(body.get("file", "")),
                      backup_created_at=datetime.fromisoformat(backup_created_at) if backup_created_at else None,
                      source=source)
    except (ValueError, KeyError, TypeError) as error:
        raise AnchorFileRefused(f"{source} is signed but not an anchor this version reads ({error}).") from error


def _mac(body: dict[str, Any], key: AuditKey) -> str:
    # "anchor|" keeps a line's signature apart from a row's, which starts with a 64-digit hash.
    return key.sign(f"anchor|{_canonical(body)}")


def _canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
