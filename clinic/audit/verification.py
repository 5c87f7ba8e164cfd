"""Proof that no audit row was changed, forged or removed: walk every chain, recompute its signed
hashes with the audit key, and check the heads anchored outside the database are still in it.

Shared by the verify_audit_chain command and the worker's nightly task. Reads only.
"""

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from clinic.audit import anchors as anchor_lines
from clinic.audit.chain import GENESIS_HASH, SIGNED_FIELDS, AuditKey, configured_key, row_hash
from clinic.audit.models import AuditChainHead, AuditEvent, AuditEventPatient

CHUNK_ROWS = 2000
ROW_FIELDS = ("id", "prev_hash", "hash", *SIGNED_FIELDS)


@dataclass(frozen=True)
class Break:
    """The first place a chain stops proving itself: the row's seq, its id when it exists, why."""

    seq: int
    event_id: int | None
    reason: str


@dataclass(frozen=True)
class ChainReport:
    chain: str
    events_checked: int
    last_seq: int
    head_seq: int | None
    head_hash: str | None
    problem_count: int
    first_break: Break | None
    # Rows signed with the key given, and the fingerprints of any other key found on rows: a chain
    # signed only with another key was checked with the wrong key, not tampered with.
    signed_rows: int = 0
    other_key_ids: frozenset[str] = frozenset()
    anchors_held: int = 0
    # For each restore that accounts for anchors no longer in the chain: (its file, its time, how many).
    anchors_wound_back: tuple[tuple[str, str, int], ...] = ()

    @property
    def intact(self) -> bool:
        return self.first_break is None

    @property
    def wrong_key(self) -> bool:
        return bool(self.other_key_ids) and not self.signed_rows


class _Walk:
    """Checks rows one by one in seq order and keeps the first problem and the count."""

    def __init__(self, key: AuditKey) -> None:
        self.key = key
        self.expected_seq = 1
        self.prev_hash = GENESIS_HASH
        self.events_checked = 0
        self.problem_count = 0
        self.first_break: Break | None = None
        self.signed_rows = 0
        self.other_key_ids: set[str] = set()
        self.seen_signed = False
        self.last_signed = False

    def check_row(self, row: dict[str, Any], patient_ids: list[int]) -> None:
        self.events_checked += 1
        reason = self._row_problem(row, patient_ids)
        if reason:
            self._broken(Break(seq=row["seq"], event_id=row["id"], reason=reason))
        # Carry on from the stored row, so one bad row is one problem, not a cascade.
        self.expected_seq = row["seq"] + 1
        self.prev_hash = row["hash"]
        self.last_signed = bool(row["key_id"])
        self.seen_signed = self.seen_signed or self.last_signed

    def check_head(self, head: AuditChainHead | None) -> None:
        last_seq = self.expected_seq - 1
        if head is None:
            if last_seq:
                self._broken(Break(seq=last_seq, event_id=None,
                                   reason="the chain has rows but no head row; the head was deleted"))
            return
        if head.seq > last_seq:
            self._broken(Break(seq=last_seq + 1, event_id=None, reason=(
                f"seq {_span(last_seq + 1, head.seq)} missing: the head says the chain ends at "
                f"seq {head.seq}, the last row is seq {last_seq} (the newest rows were removed)")))
        elif head.last_hash != self.prev_hash:
            self._broken(Break(seq=last_seq, event_id=None, reason=(
                "the head's hash differs from the last row's hash (the last row was replaced)")))
        elif last_seq and not self.seen_signed:
            self._broken(Break(seq=last_seq, event_id=None, reason=(
                "no row of this chain is signed with an audit key, yet its last row must be: the chain was "
                "written again without the key, or the upgrade that signs every chain has not run "
                "(manage.py migrate)")))

    def check_beyond_head(self, *, head_seq: int, newest_seq: int | None) -> None:
        """Rows past a head that was read after them were left there when the head was moved back."""
        if newest_seq is not None and newest_seq > head_seq:
            self._broken(Break(seq=head_seq + 1, event_id=None, reason=(
                f"seq {_span(head_seq + 1, newest_seq)} lie beyond the head, which says the chain ends at "
                f"seq {head_seq}: the head was moved back")))

    def _row_problem(self, row: dict[str, Any], patient_ids: list[int]) -> str:
        if row["seq"] != self.expected_seq:
            missing = _span(self.expected_seq, row["seq"] - 1)
            return f"seq {missing} missing before this row (rows were removed)"
        if row["prev_hash"] != self.prev_hash:
            return "its prev_hash does not match the previous row's hash"
        key_id = row["key_id"]
        if not key_id and self.seen_signed:
            return "written without the audit key: an unsigned row after signed ones (a forged row)"
        if key_id and key_id != self.key.fingerprint:
            self.other_key_ids.add(key_id)
            return (f"signed with another audit key (fingerprint {key_id}), not the key given "
                    f"(fingerprint {self.key.fingerprint})")
        if row_hash(row, patient_ids=patient_ids, key=self.key) != row["hash"]:
            return "its contents do not match its hash (a field or a patient link was changed)"
        self.signed_rows += bool(key_id)
        return ""

    def _broken(self, problem: Break) -> None:
        self.problem_count += 1
        if self.first_break is None:
            self.first_break = problem


def _span(first_seq: int, last_seq: int) -> str:
    return str(first_seq) if first_seq == last_seq else f"{first_seq}–{last_seq}"


def chains() -> list[str]:
    """Every chain that has a head or a row; a chain whose head was deleted still gets checked."""
    with_rows = AuditEvent.objects.order_by().values_list("chain", flat=True).distinct()
    return sorted(set(AuditChainHead.objects.values_list("chain", flat=True)) | set(with_rows))


def heads() -> dict[str, tuple[int, str]]:
    """Each chain's head as it stands: its seq and hash."""
    return {chain: (seq, last_hash) for chain, seq, last_hash
            in AuditChainHead.objects.order_by("chain").values_list("chain", "seq", "last_hash")}


def verify_chain(chain: str, *, key: AuditKey | None = None, chunk_rows: int = CHUNK_ROWS) -> ChainReport:
    """Walk one chain with `key` (the settings' audit key unless given)."""
    # The head is read first: rows appended while the walk runs lie past it and are left for
    # the next check, so a busy clinic never looks like a truncated chain.
    head = _head(chain)
    walk = _Walk(key or configured_key())
    for row, patient_ids in _rows_with_patients(chain, up_to_seq=head.seq if head else None,
                                                 chunk_rows=chunk_rows):
        walk.check_row(row, patient_ids)
    walk.check_head(head)
    if head is not None:
        # The newest row first, then the head again: a writer commits its row and the head's move
        # together, so a head read after the row is never behind it unless it was moved back.
        newest_seq = AuditEvent.objects.filter(chain=chain).aggregate(newest=Max("seq"))["newest"]
        current = _head(chain)
        walk.check_beyond_head(head_seq=current.seq if current else head.seq, newest_seq=newest_seq)
    return ChainReport(chain=chain, events_checked=walk.events_checked, last_seq=walk.expected_seq - 1,
                       head_seq=head.seq if head else None, head_hash=head.last_hash if head else None,
                       problem_count=walk.problem_count, first_break=walk.first_break,
                       signed_rows=walk.signed_rows, other_key_ids=frozenset(walk.other_key_ids))


def verify_all_chains(*, key: AuditKey | None = None, chunk_rows: int = CHUNK_ROWS) -> list[ChainReport]:
    return [verify_chain(chain, key=key, chunk_rows=chunk_rows) for chain in chains()]


def check_anchors(report: ChainReport, anchors: Iterable[anchor_lines.Anchor]) -> ChainReport:
    """The report with its chain's anchors checked: each anchored row must still be in the chain
    with its anchored hash, unless a later restore took the chain back past it."""
    unique = {anchor.identity: anchor for anchor in anchors}.values()
    mine = sorted((anchor for anchor in unique if anchor.chain == report.chain), key=lambda item: item.at)
    restores = [anchor for anchor in mine if anchor.kind == anchor_lines.Kind.RESTORE]
    rows = _rows_at(report.chain, {anchor.seq for anchor in mine if anchor.seq})
    head_seq = report.head_seq or 0
    held, wound_back, problems = 0, Counter[tuple[str, str]](), []
    for anchor in mine:
        event_id, stored_hash = rows.get(anchor.seq, (None, None))
        if anchor.seq == 0 or (stored_hash == anchor.hash and anchor.seq <= head_seq):
            held += 1
        elif restore := anchor_lines.wound_back_by(anchor, restores):
            wound_back[(restore.file, restore.at.isoformat())] += 1
        else:
            problems.append(_anchor_break(anchor, event_id=event_id, stored_hash=stored_hash, report=report))
    breaks = [problem for problem in (report.first_break, *problems) if problem is not None]
    return dataclasses.replace(
        report, anchors_held=held, problem_count=report.problem_count + len(problems),
        first_break=min(breaks, key=lambda problem: problem.seq) if breaks else None,
        anchors_wound_back=tuple((file, at, count) for (file, at), count in wound_back.items()))


def _anchor_break(anchor: anchor_lines.Anchor, *, event_id: int | None, stored_hash: str | None,
                  report: ChainReport) -> Break:
    anchored = f"the {anchor.kind.replace('_', ' ')} anchor of {anchor.at.isoformat()} ({anchor.source})"
    last_seq = min(report.last_seq, report.head_seq or 0)
    if stored_hash is None or anchor.seq > last_seq:
        return Break(seq=last_seq + 1, event_id=None, reason=(
            f"rows after seq {last_seq} were removed and the head wound back: {anchored} names seq "
            f"{anchor.seq}"))
    return Break(seq=anchor.seq, event_id=event_id, reason=(
        f"seq {anchor.seq} no longer has the hash {anchored} names: the chain was written again from "
        "there or before"))


def _rows_at(chain: str, seqs: set[int]) -> dict[int, tuple[int, str]]:
    """The id and hash of the chain's rows at these seqs, read a chunk of seqs at a time."""
    ordered, found = sorted(seqs), {}
    for start in range(0, len(ordered), CHUNK_ROWS):
        rows = AuditEvent.objects.filter(chain=chain, seq__in=ordered[start:start + CHUNK_ROWS])
        found |= {seq: (event_id, stored_hash) for seq, event_id, stored_hash in rows.values_list("seq", "id", "hash")}
    return found


def _head(chain: str) -> AuditChainHead | None:
    return AuditChainHead.objects.filter(chain=chain).first()


def _rows_with_patients(
    chain: str, *, up_to_seq: int | None, chunk_rows: int
) -> Iterator[tuple[dict[str, Any], list[int]]]:
    """Rows in seq order, a chunk at a time, each with its patient ids read in one query per chunk."""
    events = AuditEvent.objects.filter(chain=chain).order_by("seq")
    if up_to_seq is not None:
        events = events.filter(seq__lte=up_to_seq)
    after_seq = 0
    while rows := list(events.filter(seq__gt=after_seq).values(*ROW_FIELDS)[:chunk_rows]):
        patient_ids = _patient_ids_by_event(chain, after_seq=after_seq, last_seq=rows[-1]["seq"])
        for row in rows:
            yield row, patient_ids.get(row["id"], [])
        after_seq = rows[-1]["seq"]


def _patient_ids_by_event(chain: str, *, after_seq: int, last_seq: int) -> dict[int, list[int]]:
    links = AuditEventPatient.objects.filter(
        event__chain=chain, event__seq__gt=after_seq, event__seq__lte=last_seq
    ).values_list("event_id", "patient_id")
    by_event: dict[int, list[int]] = defaultdict(list)
    for event_id, patient_id in links:
        by_event[event_id].append(patient_id)
    return by_event
