"""The worker's nightly check of every audit chain (design §3)."""

import logging
from typing import Any

from django.utils import timezone
from django_tasks import task

from clinic.audit import actions, verification

logger = logging.getLogger(__name__)


@task()
def verify_audit_chains(slot: str = "") -> dict[str, Any]:
    """Verify every chain, log the outcome and append it to each chain checked as a system event.

    `slot` is the scheduler's key for this run (e.g. "audit-chain-check:2026-11-25"); it only makes
    each nightly run a distinct job.

    Logged at ERROR when a chain is broken, so the operator's log alerting sees it; the head's
    seq and hash are logged too, so a copy of the log kept elsewhere anchors each chain.
    """
    now = timezone.now()
    reports = verification.verify_all_chains()
    for report in reports:
        _log(report)
        actions.record_chain_check(report=report, now=now)
    return {
        "intact": all(report.intact for report in reports),
        "chains": {report.chain: report.intact for report in reports},
        "events_checked": sum(report.events_checked for report in reports),
    }


def _log(report: verification.ChainReport) -> None:
    problem = report.first_break
    if problem is None:
        logger.info("Audit chain %s intact: %d events, head seq %s hash %s.", report.chain,
                    report.events_checked, report.head_seq, report.head_hash)
        return
    logger.error("Audit chain %s BROKEN at seq %s (event id %s): %s; problems found: %d.", report.chain,
                 problem.seq, problem.event_id, problem.reason, report.problem_count)
