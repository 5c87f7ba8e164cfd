"""manage.py verify_audit_chain [--chain C] [--anchors FILE ...]: recompute every signed audit hash
and check the anchored heads; exit 0 intact, 1 when a chain is broken, 2 for a wrong key or an
anchor file that is not the clinic's."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinic.audit import anchors as anchor_lines
from clinic.audit import verification
from clinic.audit.chain import AuditKey, configured_key


class Command(BaseCommand):
    help = ("Walk every organisation's audit chain, recompute each row's signed hash with the audit key "
            "(AUDIT_KEY) and check it against the chain head; with --anchors, check that every head "
            "anchored in FILE is still in its chain. Exit 0 when every chain is intact, 1 naming the "
            "first break, 2 for a wrong audit key or an anchor file that is not this clinic's.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chain", help="Check only this chain (an organisation id, or 'global').")
        parser.add_argument("--anchors", type=Path, action="append", default=[], metavar="FILE",
                            help="An anchor file (AUDIT_ANCHOR_FILE) or a copy of the log's anchor lines; "
                                 "repeat for several.")

    def handle(self, *args: Any, chain: str | None = None, anchors: list[Path], **options: Any) -> None:
        started = time.monotonic()
        key = configured_key()
        kept = _read_anchors(anchors, key=key)
        names = verification.chains()
        if chain is not None:
            if chain not in names:
                raise CommandError(f"There is no audit chain {chain!r}. The chains are: "
                                   f"{', '.join(names) or 'none yet'}.", returncode=2)
            names = [chain]
        reports = [verification.verify_chain(name, key=key) for name in names]
        _refuse_wrong_key(reports, key=key, anchors_given=bool(kept))
        if anchors:
            # A chain only the anchors know of has lost every row since; check it as an empty chain.
            names_anchored = {anchor.chain for anchor in kept} - set(names) if chain is None else set()
            reports += [verification.verify_chain(name, key=key) for name in sorted(names_anchored)]
            reports = [verification.check_anchors(report, kept) for report in reports]
        for report in reports:
            self.stdout.write(summary_line(report))
            if anchors:
                self.stdout.write(anchor_line(report))
        self._conclude(reports, seconds=time.monotonic() - started)

    def _conclude(self, reports: list[verification.ChainReport], *, seconds: float) -> None:
        events = sum(report.events_checked for report in reports)
        broken = [report for report in reports if not report.intact]
        if broken:
            raise CommandError(
                f"{len(broken)} of {len(reports)} audit chains broken ({events:,} events read in "
                f"{seconds:.1f} s). Keep a copy of the database as it is now and tell the "
                "medical director; the rows named above were changed, forged or removed outside the "
                "application.",
                returncode=1,
            )
        self.stdout.write(f"All {len(reports)} audit chains intact: {events:,} events in {seconds:.1f} s.")


def _read_anchors(paths: list[Path], *, key: AuditKey) -> list[anchor_lines.Anchor]:
    try:
        return [anchor for path in paths for anchor in anchor_lines.read(path, key=key)]
    except anchor_lines.AnchorFileRefused as error:
        raise CommandError(error.message, returncode=2) from error


def _refuse_wrong_key(reports: list[verification.ChainReport], *, key: AuditKey, anchors_given: bool) -> None:
    """Exit 2 when no row verifies with the key given and rows name another key: that is a wrong
    key, not tampering. Anchor lines that verify with the key show it is the clinic's own."""
    other_keys = sorted({key_id for report in reports for key_id in report.other_key_ids})
    if anchors_given or not other_keys or any(report.signed_rows for report in reports):
        return
    raise CommandError(
        f"The audit key given (fingerprint {key.fingerprint}) did not sign this audit trail: its rows were "
        f"signed with {', '.join(other_keys)}. Set AUDIT_KEY (or AUDIT_KEY_FILE) to the clinic's audit key, "
        "from where it is kept apart from the database, and run this again; with the right key, rows signed "
        "with another one were forged.", returncode=2)


def summary_line(report: verification.ChainReport) -> str:
    checked = f"chain {report.chain}: {report.events_checked:,} events, last seq {report.last_seq}"
    problem = report.first_break
    if problem is None:
        return f"{checked}, intact"
    row = f"seq {problem.seq}" + (f" (event id {problem.event_id})" if problem.event_id else "")
    return (f"{checked}, BROKEN at {row}: {problem.reason}; "
            f"{report.problem_count} problem{'s' if report.problem_count != 1 else ''} in all")


def anchor_line(report: verification.ChainReport) -> str:
    held = f"chain {report.chain}: {report.anchors_held:,} anchor{'s' if report.anchors_held != 1 else ''} held"
    wound_back = "".join(f"; {count:,} wound back by the restore of {file} at {at}"
                         for file, at, count in report.anchors_wound_back)
    return held + wound_back
