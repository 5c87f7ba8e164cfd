"""manage.py verify_audit_chain: recompute every audit hash; exit 1 when any chain is broken."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinic.audit import verification


class Command(BaseCommand):
    help = ("Walk every organisation's audit chain, recompute each row's hash and check it against "
            "the chain head. Exit 0 when every chain is intact, 1 naming the first broken row.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chain", help="Check only this chain (an organisation id, or 'global').")

    def handle(self, *args: Any, chain: str | None = None, **options: Any) -> None:
        started = time.monotonic()
        names = verification.chains()
        if chain is not None:
            if chain not in names:
                raise CommandError(f"There is no audit chain {chain!r}. The chains are: "
                                   f"{', '.join(names) or 'none yet'}.", returncode=2)
            names = [chain]
        reports = [verification.verify_chain(name) for name in names]
        for report in reports:
            self.stdout.write(summary_line(report))
        seconds = time.monotonic() - started
        events = sum(report.events_checked for report in reports)
        broken = [report for report in reports if not report.intact]
        if broken:
            raise CommandError(
                f"{len(broken)} of {len(reports)} audit chains broken ({events:,} events read in "
                f"{seconds:.1f} s). Keep a copy of the database as it is now and tell the "
                "medical director; the rows named above were changed or removed outside the "
                "application.",
                returncode=1,
            )
        self.stdout.write(f"All {len(reports)} audit chains intact: {events:,} events in {seconds:.1f} s.")


def summary_line(report: verification.ChainReport) -> str:
    checked = f"chain {report.chain}: {report.events_checked:,} events, last seq {report.last_seq}"
    problem = report.first_break
    if problem is None:
        return f"{checked}, intact"
    row = f"seq {problem.seq}" + (f" (event id {problem.event_id})" if problem.event_id else "")
    return (f"{checked}, BROKEN at {row}: {problem.reason}; "
            f"{report.problem_count} problem{'s' if report.problem_count != 1 else ''} in all")
