"""The clinic protocol pages: every section with each setting's tag and source, the versions, and the
medical director's edit that keeps what was typed when the rules refuse it."""

from html import escape

import pytest
from django.urls import reverse

from clinic.protocols.models import ClinicProtocol
from clinic.protocols.queries import current_protocol
from clinic.rules import protocols as catalogue
from clinic.sites.tests.factories import OrganisationFactory, SiteFactory


def edit_url(site, section="induction"):
    return reverse("protocols:edit", args=[site.pk, section])


def form_data(protocol, section, **changes):
    """What the edit form posts when nothing is touched, with `changes` typed over it."""
    from clinic.protocols.forms import SectionForm

    form = SectionForm(specs=catalogue.field_specs(section), values=protocol.values[section], based_on=protocol.version)
    data = {name: value for name, value in ((name, form[name].value()) for name in form.fields)
            if value not in (None, False)}
    return {**data, **changes}


def test_the_page_shows_every_section_and_setting_with_its_tag_and_source(signed_in, nurse, main_site):
    response = signed_in(nurse).get(reverse("protocols:current", args=[main_site.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    for section in catalogue.SECTIONS:
        assert f'data-section="{section.key}"' in page
        for spec in catalogue.field_specs(section.key):
            assert escape(spec.label) in page and escape(spec.source) in page
    assert "[D] Clinic default" in page and "[U] Unverified" in page
    assert "Change induction course" not in page


def test_a_setting_the_reference_leaves_unset_is_listed_with_what_it_blocks(signed_in, director, main_site):
    unset = [spec for section in catalogue.SECTIONS for spec in catalogue.field_specs(section.key)
             if spec.required and spec.default is None]

    response = signed_in(director).get(reverse("protocols:current", args=[main_site.pk]))

    listed = response.content.decode().split('data-testid="unset-settings"')[1].split("</div>")[0]
    assert unset
    assert all(escape(f"{spec.label} — blocks {spec.blocks}") in listed for spec in unset)


def test_the_director_saves_a_section_and_the_page_shows_the_new_version(signed_in, director, main_site, now):
    client = signed_in(director)
    protocol = current_protocol(site=main_site, now=now)

    response = client.post(edit_url(main_site), form_data(protocol, "induction", induction_count="8",
                                                          reason="Eight for our chronic cases"), follow=True)

    saved = ClinicProtocol.objects.get(site=main_site, version=2)
    assert saved.rules("induction").induction_count == 8
    assert saved.created_by == director
    page = response.content.decode()
    assert "Saved as v2: Induction course." in page
    assert "Eight for our chronic cases" in page


def test_a_refused_value_keeps_what_was_typed_and_names_the_field(signed_in, director, main_site, now):
    protocol = current_protocol(site=main_site, now=now)

    response = signed_in(director).post(edit_url(main_site), form_data(
        protocol, "induction", min_gap_calendar_days="0", max_gap_days="9", reason="Try daily"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Gaps of 0–9 days are impossible." in page
    assert 'name="max_gap_days" value="9"' in page
    assert "Try daily" in page
    assert ClinicProtocol.objects.filter(site=main_site).count() == 1


@pytest.mark.parametrize("role", ["prescriber", "nurse"])
def test_only_the_director_opens_the_edit_page(role, request, signed_in, main_site):
    response = signed_in(request.getfixturevalue(role)).get(edit_url(main_site))

    assert response.status_code == 403


def test_front_desk_does_not_read_the_clinical_protocol(signed_in, front_desk, main_site):
    assert signed_in(front_desk).get(reverse("protocols:current", args=[main_site.pk])).status_code == 403


def test_another_organisations_site_and_an_unknown_section_are_not_found(signed_in, director, main_site):
    stranger = SiteFactory(organisation=OrganisationFactory())
    client = signed_in(director)

    assert client.get(reverse("protocols:current", args=[stranger.pk])).status_code == 404
    assert client.get(edit_url(stranger)).status_code == 404
    assert client.get(edit_url(main_site, "chairs")).status_code == 404


def test_a_nurse_reads_only_the_sites_she_works_at(signed_in, nurse, other_site):
    assert signed_in(nurse).get(reverse("protocols:current", args=[other_site.pk])).status_code == 404


def test_an_earlier_version_reads_as_it_was(signed_in, director, main_site, now):
    client = signed_in(director)
    protocol = current_protocol(site=main_site, now=now)
    client.post(edit_url(main_site), form_data(protocol, "induction", induction_count="8", reason="Eight"))

    first = client.get(reverse("protocols:version", args=[main_site.pk, 1])).content.decode()
    history = client.get(reverse("protocols:history", args=[main_site.pk])).content.decode()

    induction = first.split('data-section="induction"')[1].split("</section>")[0]
    assert "Earlier version" in first
    assert "Induction count</dt>\n  <dd><span class=\"value\">6</span>" in induction
    assert "Induction course: induction_count" in history
    assert client.get(reverse("protocols:version", args=[main_site.pk, 9])).status_code == 404
