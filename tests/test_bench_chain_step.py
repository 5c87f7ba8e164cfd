"""The audit lock benchmark compares the product with its chain step switched off (bench/chain_step.py).
The comparison is honest only if the switched-off writer still inserts and signs the same event with
its patient links, and never locks, reads or moves a chain head."""

from bench import chain_step
from clinic.audit import verification
from clinic.audit.actions import record_event
from clinic.audit.chain import GENESIS_HASH, SIGNED_FIELDS, configured_key, event_hash
from clinic.audit.models import AuditChainHead, AuditEvent, AuditEventPatient
from clinic.patients.tests.factories import PatientFactory


def test_switched_off_chain_step_writes_the_signed_event_and_leaves_every_head_alone(
        nurse, main_site, now, monkeypatch, django_assert_num_queries):
    patient = PatientFactory(site=main_site)
    record_event(actor=nurse, now=now, action="patients.chart_viewed", patients=[patient], site_id=main_site.pk)
    head_before = AuditChainHead.objects.values_list("chain", "seq", "last_hash").get()
    chain_step.switch_off(monkeypatch.setattr)

    # Insert the event, insert its patient link: no query on the head.
    with django_assert_num_queries(2):
        event = record_event(actor=nurse, now=now, action="patients.chart_viewed", patients=[patient],
                             site_id=main_site.pk)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.chain == f"unchained-{nurse.organisation_id}"
    assert stored.prev_hash == GENESIS_HASH
    assert stored.hash == event_hash(prev_hash=GENESIS_HASH, key=configured_key(), patient_ids=[patient.pk],
                                     fields={name: getattr(stored, name) for name in SIGNED_FIELDS})
    assert list(AuditEventPatient.objects.filter(event=stored).values_list("patient_id", flat=True)) == [patient.pk]
    assert list(AuditChainHead.objects.values_list("chain", "seq", "last_hash")) == [head_before]
    assert verification.verify_chain(str(nurse.organisation_id)).intact


def test_timed_chain_step_notes_one_wait_and_hold_per_committed_event(
        nurse, main_site, now, monkeypatch, django_capture_on_commit_callbacks):
    patient = PatientFactory(site=main_site)
    times: list[tuple[float, float, float]] = []
    chain_step.time_it(times, monkeypatch.setattr)

    with django_capture_on_commit_callbacks(execute=True):
        record_event(actor=nurse, now=now, action="patients.chart_viewed", patients=[patient], site_id=main_site.pk)

    assert len(times) == 1
    _, waited_s, held_s = times[0]
    assert 0 <= waited_s < 5 and 0 <= held_s < 5
    assert AuditChainHead.objects.get(chain=str(nurse.organisation_id)).seq == 1
