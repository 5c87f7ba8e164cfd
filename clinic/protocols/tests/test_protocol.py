"""The clinic protocol: versions written in full, changed only by the medical director with a reason,
refused with the rules' own message, and never changed once written."""

import datetime as dt

import pytest
from django.db import DatabaseError, transaction

from clinic.audit.models import AuditEvent
from clinic.protocols import actions
from clinic.protocols.models import ClinicProtocol
from clinic.protocols.queries import current_protocol
from clinic.rules import protocols as catalogue
from clinic.rules.course_plan import InductionProtocol
from clinic.rules.errors import DomainError
from clinic.sites.tests.factories import OrganisationFactory, SiteFactory

LATER = dt.timedelta(hours=1)


def change(actor, now, site, values, *, section="induction", reason="Twice weekly suits our chairs", based_on=None):
    return actions.change_section(actor=actor, now=now, site=site, section=section, values=values, reason=reason,
                                  based_on=based_on)


def test_a_site_starts_on_the_shipped_defaults_as_version_1_written_once(main_site, now):
    first = current_protocol(site=main_site, now=now)
    again = current_protocol(site=main_site, now=now + LATER)

    assert (first.pk, first.version, first.created_by, first.rules_version) == (again.pk, 1, None,
                                                                               catalogue.RULES_VERSION)
    assert first.values == catalogue.defaults()
    assert first.rules("induction") == InductionProtocol()
    assert ClinicProtocol.objects.filter(site=main_site).count() == 1


def test_the_director_changes_one_section_into_a_new_version_and_the_old_one_stays(main_site, director, now):
    first = current_protocol(site=main_site, now=now)

    second = change(director, now + LATER, main_site, {"induction_count": 8, "futility_min_improvement_pct": "30"})

    first.refresh_from_db()
    assert (second.version, second.changed_section, second.changed_fields) == (
        2, "induction", ["futility_min_improvement_pct", "induction_count"])
    assert second.rules("induction").induction_count == 8
    assert str(second.rules("induction").futility_min_improvement_pct) == "30"
    assert second.values["maintenance"] == first.values["maintenance"]
    assert first.rules("induction").induction_count == 6
    assert current_protocol(site=main_site, now=now + 2 * LATER).pk == second.pk
    event = AuditEvent.objects.get(action="protocols.changed")
    assert (event.actor, event.site_id, event.changed_fields) == (director, main_site.pk,
                                                                   ["futility_min_improvement_pct", "induction_count"])
    assert event.data["before"] == {"futility_min_improvement_pct": "25", "induction_count": 6}
    assert event.data["after"] == {"futility_min_improvement_pct": "30", "induction_count": 8}
    assert event.data["reason"] == "Twice weekly suits our chairs"


@pytest.mark.parametrize("role", ["prescriber", "nurse", "front_desk"])
def test_only_the_medical_director_may_change_it(role, request, main_site, now):
    with pytest.raises(actions.NotDirector):
        change(request.getfixturevalue(role), now, main_site, {"induction_count": 8})

    assert ClinicProtocol.objects.filter(site=main_site, version__gt=1).count() == 0


@pytest.mark.parametrize(("values", "reason", "error", "field"), [
    ({"induction_count": 8}, "  ", actions.ReasonRequired, "reason"),
    ({"induction_count": 6}, "No change", actions.NothingChanged, None),
    ({"min_gap_calendar_days": 0}, "Daily", DomainError, "min_gap_calendar_days"),
    ({"induction_count": "six"}, "Typo", DomainError, "induction_count"),
    ({"chairs": 3}, "Unknown", DomainError, "chairs"),
])
def test_a_change_the_rules_cannot_apply_is_refused_naming_the_field(values, reason, error, field, main_site,
                                                                      director, now):
    with pytest.raises(error) as refused:
        change(director, now, main_site, values, reason=reason)

    assert refused.value.field == field
    assert ClinicProtocol.objects.filter(site=main_site, version__gt=1).count() == 0


def test_the_rules_own_message_explains_an_impossible_limit(main_site, director, now):
    with pytest.raises(DomainError) as refused:
        change(director, now, main_site, {"min_gap_calendar_days": 0})

    assert refused.value.message.startswith("Gaps of 0–7 days are impossible.")


def test_a_change_based_on_an_older_version_is_refused_rather_than_undoing_the_newer(main_site, director, now):
    change(director, now, main_site, {"induction_count": 8}, based_on=1)

    with pytest.raises(actions.ChangedMeanwhile) as refused:
        change(director, now + LATER, main_site, {"induction_count": 7}, based_on=1)

    assert "changed to v2 while you edited v1" in refused.value.message
    assert current_protocol(site=main_site, now=now).rules("induction").induction_count == 8


def test_each_site_has_its_own_versions(main_site, other_site, director, now):
    change(director, now, main_site, {"induction_count": 8})

    assert current_protocol(site=other_site, now=now).version == 1
    assert current_protocol(site=other_site, now=now).rules("induction").induction_count == 6


def test_another_organisations_site_is_not_the_directors(director, now):
    stranger = SiteFactory(organisation=OrganisationFactory())
    from clinic.protocols.queries import visible_sites

    assert list(visible_sites(user=director).filter(pk=stranger.pk)) == []


def test_the_database_refuses_to_change_or_remove_a_version(main_site, director, now):
    """Whatever path tries it: the records that name a version must read what they used."""
    first = current_protocol(site=main_site, now=now)

    with pytest.raises(DatabaseError, match="written once"), transaction.atomic():
        ClinicProtocol.objects.filter(pk=first.pk).update(values={})
    with pytest.raises(DatabaseError, match="written once"), transaction.atomic():
        ClinicProtocol.objects.filter(pk=first.pk).delete()

    first.refresh_from_db()
    assert first.values == catalogue.defaults()
