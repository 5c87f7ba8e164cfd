"""manage.py verify_audit_chain: one line per chain; exit 0 intact, 1 broken, 2 unknown chain."""

import pytest
from django.core.management import ManagementUtility

from clinic.audit.chain import chain_for
from clinic.audit.tests import tamper
from clinic.audit.tests.factories import AuditEventFactory
from clinic.patients.tests.factories import PatientFactory


def _run(*args: str) -> int:
    try:
        ManagementUtility(["manage.py", "verify_audit_chain", *args]).execute()
    except SystemExit as exit_:
        return int(exit_.code)
    return 0


@pytest.fixture
def events(nurse, main_site, now):
    patient = PatientFactory(site=main_site)
    return AuditEventFactory.create_batch(3, actor=nurse, now=now, patients=[patient])


def test_command_exits_0_with_a_summary_per_chain_when_intact(events, nurse, capsys):
    exit_code = _run()

    out = capsys.readouterr().out
    assert exit_code == 0
    assert f"chain {chain_for(nurse.organisation_id)}: 3 events, last seq 3, intact" in out
    assert "All 1 audit chains intact: 3 events in" in out


def test_command_exits_1_naming_the_first_broken_row_and_why(events, nurse, capsys):
    tamper.change_action(event_id=events[1].pk, action="patients.nothing_seen")

    exit_code = _run()

    captured = capsys.readouterr()
    assert exit_code == 1
    assert (f"chain {chain_for(nurse.organisation_id)}: 3 events, last seq 3, BROKEN at seq 2 "
            f"(event id {events[1].pk}): its contents do not match its hash") in captured.out
    assert "1 of 1 audit chains broken" in captured.err


def test_command_exits_1_when_the_newest_rows_were_removed(events, capsys):
    tamper.delete_event(event_id=events[2].pk)

    exit_code = _run()

    assert exit_code == 1
    assert "BROKEN at seq 3: seq 3 missing: the head says the chain ends at seq 3" in capsys.readouterr().out


def test_command_checks_one_chain_when_asked(events, nurse, capsys):
    exit_code = _run("--chain", chain_for(nurse.organisation_id))

    assert exit_code == 0
    assert "All 1 audit chains intact: 3 events" in capsys.readouterr().out


def test_command_exits_2_for_a_chain_that_does_not_exist(events, nurse, capsys):
    exit_code = _run("--chain", "999")

    assert exit_code == 2
    expected = f"There is no audit chain '999'. The chains are: {nurse.organisation_id}."
    assert expected in capsys.readouterr().err
