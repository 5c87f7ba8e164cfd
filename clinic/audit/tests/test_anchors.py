"""Anchor lines: signed with the audit key, read back from the file or a copy of the log, and which
restore accounts for an anchor no longer in its chain."""

import datetime as dt

import pytest

from clinic.audit import anchors
from clinic.audit.anchors import Kind

MIDNIGHT = dt.datetime(2026, 11, 25, 7, 30, tzinfo=dt.UTC)


def _at(days: float) -> dt.datetime:
    return MIDNIGHT + dt.timedelta(days=days)


def _anchor(kind: Kind, *, seq: int, days: float, chain: str = "1", backup_days: float | None = None):
    return anchors.Anchor(kind=kind, chain=chain, seq=seq, hash=f"{seq:064x}", at=_at(days), key_id="k",
                          file="clinic.tar.gz" if kind == Kind.RESTORE else "",
                          backup_created_at=None if backup_days is None else _at(backup_days))


def test_a_line_reads_back_as_the_anchor_it_was_written_for(key):
    text = anchors.line(kind=Kind.RESTORE, chain="1", seq=480, hash="ab" * 32, at=_at(0), key=key,
                        file="clinic-postgresql-20261124T063000Z.tar.gz", backup_created_at=_at(-1))

    anchor = anchors.parse(text, key=key, source="here")

    assert text.startswith('audit-anchor {"at":"2026-11-25T07:30:00+00:00","backup_created_at":')
    assert (anchor.kind, anchor.chain, anchor.seq, anchor.hash, anchor.at, anchor.key_id) == (
        "restore", "1", 480, "ab" * 32, _at(0), key.fingerprint)
    assert (anchor.file, anchor.backup_created_at) == ("clinic-postgresql-20261124T063000Z.tar.gz", _at(-1))


@pytest.mark.parametrize(("edit", "says"), [
    (lambda text: text.replace('"seq":480', '"seq":479'), "does not match its signature"),
    (lambda text: text.replace('"chain":"1"', '"chain":"2"'), "does not match its signature"),
    (lambda text: text.replace('"mac":"', '"mac":"0'), "does not match its signature"),
    (lambda text: text[: len(text) // 2], "is not a whole anchor line"),
    (lambda text: text.replace('"key_id":', '"key":'), "is not a whole anchor line"),
])
def test_an_edited_or_cut_line_is_refused(key, edit, says):
    text = anchors.line(kind=Kind.NIGHTLY, chain="1", seq=480, hash="ab" * 32, at=_at(0), key=key)

    with pytest.raises(anchors.AnchorFileRefused, match=says):
        anchors.parse(edit(text), key=key, source="here")


def test_a_line_of_another_key_is_refused_naming_both_fingerprints(key, other_key):
    text = anchors.line(kind=Kind.NIGHTLY, chain="1", seq=480, hash="ab" * 32, at=_at(0), key=other_key)

    with pytest.raises(anchors.AnchorFileRefused) as refusal:
        anchors.parse(text, key=key, source="anchors.log line 7")

    assert refusal.value.message.startswith(
        f"anchors.log line 7 was signed with the audit key of fingerprint {other_key.fingerprint}, not the key "
        f"given (fingerprint {key.fingerprint})")


def test_appending_creates_the_file_owner_only_and_keeps_what_was_there(tmp_path, key):
    path = tmp_path / "var" / "audit-anchors.log"
    first = anchors.line(kind=Kind.NIGHTLY, chain="1", seq=4, hash="ab" * 32, at=_at(0), key=key)
    second = anchors.line(kind=Kind.NIGHTLY, chain="1", seq=9, hash="cd" * 32, at=_at(1), key=key)

    anchors.append(path, [first])
    anchors.append(path, [second])

    assert path.read_text() == f"{first}\n{second}\n"
    assert (oct(path.stat().st_mode & 0o777), oct(path.parent.stat().st_mode & 0o777)) == ("0o600", "0o700")
    assert [anchor.seq for anchor in anchors.read(path, key=key)] == [4, 9]


RESTORE_TO_300 = _anchor(Kind.RESTORE, seq=300, days=10, backup_days=8)


@pytest.mark.parametrize(("anchor", "accounted"), [
    (_anchor(Kind.NIGHTLY, seq=350, days=9), True),           # beyond the backup's head, before the restore
    (_anchor(Kind.BEFORE_RESTORE, seq=420, days=10), True),    # the head the restore itself replaced
    (_anchor(Kind.NIGHTLY, seq=290, days=9), True),            # made after the backup: a history it never held
    (_anchor(Kind.NIGHTLY, seq=250, days=7), False),           # older than the backup: must still be there
    (_anchor(Kind.NIGHTLY, seq=350, days=11), False),          # after the restore: nothing explains it
    (_anchor(Kind.NIGHTLY, seq=350, days=9, chain="2"), False),  # another chain's restore does not count
])
def test_a_restore_accounts_only_for_anchors_it_wound_back(anchor, accounted):
    found = anchors.wound_back_by(anchor, [RESTORE_TO_300, _anchor(Kind.NIGHTLY, seq=1, days=12)])

    assert (found is RESTORE_TO_300) == accounted
