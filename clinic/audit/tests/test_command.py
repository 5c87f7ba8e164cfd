"""manage.py verify_audit_chain: one line per chain; exit 0 intact, 1 broken, 2 for an unknown chain,
a wrong audit key or an anchor file that is not the clinic's."""

from io import StringIO

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from clinic.audit import anchors as anchor_lines
from clinic.audit.chain import chain_for
from clinic.audit.tasks import verify_audit_chains
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


# --- The audit key and the anchors ---------------------------------------------------------------


def _verify(*args: str) -> tuple[int, str]:
    """Exit code and output, run in the test's own transaction (the utility above closes it)."""
    out = StringIO()
    try:
        call_command("verify_audit_chain", *args, stdout=out)
    except CommandError as error:
        return error.returncode, f"{out.getvalue()}{error}"
    return 0, out.getvalue()


def test_command_exits_2_when_the_key_given_did_not_sign_the_trail(events, settings, key):
    settings.AUDIT_KEY = "a-key-that-is-not-the-clinics-0123456789abcdef"

    exit_code, out = _verify()

    assert exit_code == 2
    assert (f"did not sign this audit trail: its rows were signed with {key.fingerprint}. Set AUDIT_KEY "
            "(or AUDIT_KEY_FILE) to the clinic's audit key") in out


def test_command_with_anchors_exits_0_when_every_anchored_head_is_still_in_its_chain(events, nurse, anchor_file):
    verify_audit_chains.call()
    AuditEventFactory(actor=nurse, now=events[0].occurred_at)
    verify_audit_chains.call()

    exit_code, out = _verify("--anchors", str(anchor_file))

    chain = chain_for(nurse.organisation_id)
    assert exit_code == 0
    assert f"chain {chain}: 2 anchors held\n" in out
    assert "All 1 audit chains intact" in out


def test_command_reads_anchors_from_a_copy_of_the_log_and_from_several_files(events, nurse, anchor_file, tmp_path):
    verify_audit_chains.call()
    [line] = anchor_file.read_text().splitlines()
    journal = tmp_path / "journal.log"
    journal.write_text(f"Nov 25 02:30:04 clinic clinic-worker[812]: 2026-11-25 02:30:04,211 INFO clinic.audit.anchor "
                       f"{line}\nNov 25 02:30:04 clinic clinic-worker[812]: Task finished\n")

    exit_code, out = _verify("--anchors", str(journal), "--anchors", str(anchor_file))

    assert exit_code == 0
    assert f"chain {chain_for(nurse.organisation_id)}: 1 anchor held" in out


def _anchor_file_with(anchor_file, change) -> None:
    verify_audit_chains.call()
    anchor_file.write_text(change(anchor_file.read_text()))


@pytest.mark.parametrize(("change", "says"), [
    (lambda text: text.replace('"seq":3', '"seq":2'), "line 1 does not match its signature: it was edited"),
    (lambda text: text[:-40] + "\n", "line 1 is not a whole anchor line"),
    (lambda text: "nothing to see here\n", "holds no audit anchor lines"),
])
def test_command_exits_2_for_an_anchor_file_edited_or_cut_short_or_empty(events, anchor_file, change, says):
    _anchor_file_with(anchor_file, change)

    exit_code, out = _verify("--anchors", str(anchor_file))

    assert exit_code == 2
    assert says in out
    assert str(anchor_file) in out


def test_command_exits_2_for_an_anchor_file_of_another_key(events, anchor_file, key, other_key):
    anchor_lines.append(anchor_file, [anchor_lines.line(kind=anchor_lines.Kind.NIGHTLY, chain=events[0].chain,
                                                        seq=3, hash=events[2].hash, at=events[0].occurred_at,
                                                        key=other_key)])

    exit_code, out = _verify("--anchors", str(anchor_file))

    assert exit_code == 2
    assert f"{anchor_file} line 1 was signed with the audit key of fingerprint {other_key.fingerprint}, " in out
    assert f"not the key given (fingerprint {key.fingerprint}): the file is not this clinic's" in out


def test_command_exits_2_for_an_anchor_file_it_cannot_read(events, tmp_path):
    exit_code, out = _verify("--anchors", str(tmp_path / "missing.log"))

    assert exit_code == 2
    assert f"Cannot read the anchor file {tmp_path / 'missing.log'}" in out


def test_command_names_an_anchored_chain_whose_rows_are_all_gone(events, anchor_file, key):
    anchor_lines.append(anchor_file, [anchor_lines.line(kind=anchor_lines.Kind.NIGHTLY, chain="77", seq=5,
                                                        hash="a" * 64, at=events[0].occurred_at, key=key)])

    exit_code, out = _verify("--anchors", str(anchor_file))

    assert exit_code == 1
    assert "chain 77: 0 events, last seq 0, BROKEN at seq 1: rows after seq 0 were removed" in out
