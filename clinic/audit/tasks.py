"""The worker's nightly check of every audit chain (design §3)."""

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone
from django_tasks import task

from clinic.accounts.models import Role, StaffUser
from clinic.audit import actions, verification
from clinic.audit import anchors as anchor_lines
from clinic.audit.chain import AuditKey, configured_key

logger = logging.getLogger(__name__)
# Its own logger, which the settings let through at INFO whatever LOG_LEVEL says (docs/operations.md).
anchor_logger = logging.getLogger("clinic.audit.anchor")


@task()
def verify_audit_chains(slot: str = "") -> dict[str, Any]:
    """Verify every chain and the anchors kept so far, log the outcome, append it to each chain as a
    system event, and anchor each intact chain's head in the log and the anchor file.

    `slot` is the scheduler's key for this run (e.g. "audit-chain-check:2026-11-25"); it only makes
    each nightly run a distinct job.

    A broken chain, or an anchor file that is not the clinic's, is logged at ERROR and mailed to the
    medical directors it concerns.
    """
    now = timezone.now()
    key = configured_key()
    anchor_file = Path(settings.AUDIT_ANCHOR_FILE)
    kept = _kept_anchors(anchor_file, key=key)
    reports = [verification.check_anchors(report, kept) for report in verification.verify_all_chains(key=key)]
    new_lines = []
    for report in reports:
        _log(report)
        actions.record_chain_check(report=report, now=now)
        if not report.intact:
            _alert_directors(report)
        elif report.head_seq:
            new_lines.append(anchor_lines.line(kind=anchor_lines.Kind.NIGHTLY, chain=report.chain,
                                               seq=report.head_seq, hash=report.head_hash or "", at=now, key=key))
    for text in new_lines:
        anchor_logger.info("%s", text)
    try:
        anchor_lines.append(anchor_file, new_lines)
    except OSError:
        # The lines are in the log all the same; the file must be fixed before the next night.
        logger.exception("Could not append tonight's audit anchors to %s.", anchor_file)
    return {
        "intact": all(report.intact for report in reports),
        "chains": {report.chain: report.intact for report in reports},
        "events_checked": sum(report.events_checked for report in reports),
        "anchored": len(new_lines),
    }


def _kept_anchors(path: Path, *, key: AuditKey) -> list[anchor_lines.Anchor]:
    """The anchor file's lines; none before the first night. A file that is not the clinic's is
    an alarm of its own, and the chains are still checked without it."""
    if not path.exists():
        return []
    try:
        return anchor_lines.read(path, key=key)
    except anchor_lines.AnchorFileRefused as error:
        logger.error("Audit anchor file refused: %s", error.message)
        _mail_directors(StaffUser.objects.all(), subject="Audit trail: the anchor file is not as written",
                        body=f"The nightly audit check could not use its anchor file.\n\n{error.message}\n\n"
                             "Keep a copy of the file as it is now, and compare it with the copies kept off "
                             "the machine (docs/operations.md, section 8).")
        return []


def _log(report: verification.ChainReport) -> None:
    problem = report.first_break
    if problem is None:
        logger.info("Audit chain %s intact: %d events, head seq %s hash %s.", report.chain,
                    report.events_checked, report.head_seq, report.head_hash)
        return
    logger.error("Audit chain %s BROKEN at seq %s (event id %s): %s; problems found: %d.", report.chain,
                 problem.seq, problem.event_id, problem.reason, report.problem_count)


def _alert_directors(report: verification.ChainReport) -> None:
    """Mail the organisation's medical directors; a broken global chain concerns every one."""
    staff = StaffUser.objects.all()
    if report.chain.isdigit():
        staff = staff.filter(organisation_id=int(report.chain))
    problem = report.first_break
    assert problem is not None
    row = f"seq {problem.seq}" + (f" (event id {problem.event_id})" if problem.event_id else "")
    _mail_directors(staff, subject=f"Audit trail: chain {report.chain} is broken", body=(
        f"Tonight's audit check found audit chain {report.chain} broken at {row}:\n\n{problem.reason}\n\n"
        f"Problems found: {report.problem_count}. The rows before it still prove themselves.\n\n"
        "What to do (docs/audit.md, \"When a chain is broken\"): do not restore or repair anything yet; "
        "have a copy of the database taken as it is now; then compare the named rows with the latest "
        "backup, and check audit_teardown_guard and the database's own logs for who connected."))


def _mail_directors(staff: Any, *, subject: str, body: str) -> None:
    directors = staff.filter(role=Role.DIRECTOR, is_active=True).exclude(email="").order_by("pk")
    messages = [(subject, body, None, [director.email]) for director in directors]
    try:
        send_mass_mail(messages)
    except OSError:
        logger.exception("Could not mail the audit alert to %d medical directors.", len(messages))
