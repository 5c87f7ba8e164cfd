"""Proof that no audit row was changed or removed: walk every chain and recompute its hashes.

Shared by the verify_audit_chain command and the worker's nightly task. Reads only.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from clinic.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from clinic.audit.models import AuditChainHead, AuditEvent, AuditEventPatient

CHUNK_ROWS = 2000
ROW_FIELDS = ("id", "prev_hash", "hash", *HASHED_FIELDS)


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

    @property
    def intact(self) -> bool:
        return self.first_break is None


class _Walk:
    """Checks rows one by one in seq order and keeps the first problem and the count."""

    def __init__(self) -> None:
        self.expected_seq = 1
        self.prev_hash = GENESIS_HASH
        self.events_checked = 0
        self.problem_count = 0
        self.first_break: Break | None = None

    def check_row(self, row: dict[str, Any], patient_ids: list[int]) -> None:
        self.events_checked += 1
        reason = self._row_problem(row, patient_ids)
        if reason:
            self._broken(Break(seq=row["seq"], event_id=row["id"], reason=reason))
        # Carry on from the stored row, so one bad row is one problem, not a cascade.
        self.expected_seq = row["seq"] + 1
        self.prev_hash = row["hash"]

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

    def _row_problem(self, row: dict[str, Any], patient_ids: list[int]) -> str:
        if row["seq"] != self.expected_seq:
            missing = _span(self.expected_seq, row["seq"] - 1)
            return f"seq {missing} missing before this row (rows were removed)"
        if row["prev_hash"] != self.prev_hash:
            return "its prev_hash does not match the previous row's hash"
        fields = {name: row[name] for name in HASHED_FIELDS}
        if event_hash(prev_hash=row["prev_hash"], fields=fields, patient_ids=patient_ids) != row["hash"]:
            return "its contents do not match its hash (a field or a patient link was changed)"
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


def verify_chain(chain: str, *, chunk_rows: int = CHUNK_ROWS) -> ChainReport:
    # The head is read first: rows appended while the walk runs lie past it and are left for
    # the next check, so a busy clinic never looks like a truncated chain.
    head = AuditChainHead.objects.filter(chain=chain).first()
    walk = _Walk()
    for row, patient_ids in _rows_with_patients(chain, up_to_seq=head.seq if head else None,
                                                 chunk_rows=chunk_rows):
        walk.check_row(row, patient_ids)
    walk.check_head(head)
    return ChainReport(chain=chain, events_checked=walk.events_checked, last_seq=walk.expected_seq - 1,
                       head_seq=head.seq if head else None, head_hash=head.last_hash if head else None,
                       problem_count=walk.problem_count,
                       first_break=walk.first_break)


def verify_all_chains(*, chunk_rows: int = CHUNK_ROWS) -> list[ChainReport]:
    return [verify_chain(chain, chunk_rows=chunk_rows) for chain in chains()]


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
