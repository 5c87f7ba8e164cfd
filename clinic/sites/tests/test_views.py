import datetime as dt

from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.sites.models import Chair, ClosedDate, OpeningHours, Site
from clinic.sites.tests.factories import ChairFactory, SiteFactory

SITE = {"name": "Lakeside", "code": "lake", "time_zone": "America/Chicago",
        "address": "1 Shore Rd", "phone": "555 0100"}
CLOSED = {f"{day}_{end}": "" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
          for end in ("opens", "closes")}


def test_site_list_shows_own_sites_with_chairs_in_use(signed_in, director, main_site, other_site,
                                                      django_assert_max_num_queries):
    ChairFactory.create_batch(3, site=main_site)
    ChairFactory(site=main_site, active=False)
    SiteFactory(name="Not ours")
    client = signed_in(director)
    client.get(reverse("sites:list"))

    with django_assert_max_num_queries(12):
        response = client.get(reverse("sites:list"))

    assert [(site.name, site.chair_count) for site, _ in response.context["sites"]] == [
        ("Main", 3), ("North", 0)]


def test_site_list_query_count_is_flat(signed_in, director, organisation, django_assert_max_num_queries):
    client = signed_in(director)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("sites:list"))
    for _ in range(15):
        site = SiteFactory(organisation=organisation)
        ChairFactory(site=site)
        OpeningHours.objects.create(site=site, weekday="mon", opens_at=dt.time(8), closes_at=dt.time(17))

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("sites:list"))

    assert len(response.context["sites"]) == 16


def test_director_adds_a_site(signed_in, director):
    response = signed_in(director).post(reverse("sites:create"), SITE)

    site = Site.objects.get(name="Lakeside")
    assert response.url == reverse("sites:detail", args=[site.pk])
    assert (site.code, site.time_zone, site.organisation_id) == ("LAKE", "America/Chicago",
                                                                 director.organisation_id)
    assert AuditEvent.objects.get(action="sites.site_created").data == {
        "name": "Lakeside", "code": "LAKE", "time_zone": "America/Chicago"}


def test_unknown_time_zone_is_named_and_the_input_kept(signed_in, director):
    response = signed_in(director).post(reverse("sites:create"), {**SITE, "time_zone": "Mars/Olympus"})

    form = response.context["form"]
    assert form.errors["time_zone"] == [
        "'Mars/Olympus' is not a known time zone; use a name such as America/Chicago."]
    assert form["name"].value() == "Lakeside"
    assert not Site.objects.filter(name="Lakeside").exists()


def test_site_code_must_be_free_in_the_organisation(signed_in, director, main_site):
    response = signed_in(director).post(reverse("sites:create"), {**SITE, "code": "main"})

    assert response.context["form"].errors["code"] == [
        "Another site already uses the code MAIN. Choose a different code."]


def test_editing_a_site_records_changed_fields(signed_in, director, main_site):
    signed_in(director).post(reverse("sites:edit", args=[main_site.pk]),
                             {**SITE, "name": "Main", "code": main_site.code, "time_zone": "America/Denver"})

    main_site.refresh_from_db()
    assert main_site.time_zone == "America/Denver"
    event = AuditEvent.objects.get(action="sites.site_changed")
    assert event.changed_fields == ["address", "phone", "time_zone"]
    assert event.site_id == main_site.pk


def test_site_of_another_organisation_answers_404(signed_in, director):
    foreign = SiteFactory(name="Not ours")

    assert signed_in(director).get(reverse("sites:detail", args=[foreign.pk])).status_code == 404
    assert signed_in(director).get(reverse("sites:edit", args=[foreign.pk])).status_code == 404


def test_opening_hours_are_saved_and_a_closed_day_has_no_row(signed_in, director, main_site):
    OpeningHours.objects.create(site=main_site, weekday="sat", opens_at=dt.time(9), closes_at=dt.time(13))
    hours = {**CLOSED, "mon_opens": "08:00", "mon_closes": "18:00", "fri_opens": "08:30",
             "fri_closes": "16:00"}

    response = signed_in(director).post(reverse("sites:opening_hours", args=[main_site.pk]), hours)

    assert response.url == reverse("sites:detail", args=[main_site.pk])
    rows = {r.weekday: (f"{r.opens_at:%H:%M}", f"{r.closes_at:%H:%M}") for r in main_site.opening_hours.all()}
    assert rows == {"mon": ("08:00", "18:00"), "fri": ("08:30", "16:00")}
    event = AuditEvent.objects.get(action="sites.opening_hours_changed")
    assert event.changed_fields == ["fri", "mon", "sat"]
    assert event.data["hours"]["sat"] is None


def test_closing_before_opening_is_named_on_that_day(signed_in, director, main_site):
    hours = {**CLOSED, "tue_opens": "17:00", "tue_closes": "09:00"}

    response = signed_in(director).post(reverse("sites:opening_hours", args=[main_site.pk]), hours)

    form = response.context["form"]
    assert form.errors["tue_closes"] == [
        "On Tuesday the closing time must be after the opening time (17:00)."]
    assert form["tue_opens"].value() == "17:00"
    assert not OpeningHours.objects.filter(site=main_site).exists()


def test_one_time_alone_asks_for_both(signed_in, director, main_site):
    hours = {**CLOSED, "wed_opens": "08:00"}

    response = signed_in(director).post(reverse("sites:opening_hours", args=[main_site.pk]), hours)

    assert response.context["form"].errors["wed_closes"] == [
        "Enter both times for Wednesday, or leave both empty if the site is closed that day."]


def test_opening_hours_form_starts_with_the_current_week(signed_in, director, main_site):
    OpeningHours.objects.create(site=main_site, weekday="thu", opens_at=dt.time(7), closes_at=dt.time(19))

    response = signed_in(director).get(reverse("sites:opening_hours", args=[main_site.pk]))

    assert 'name="thu_opens" value="07:00"' in response.content.decode()


def test_future_closed_date_is_added_and_listed(signed_in, director, main_site):
    client = signed_in(director)

    client.post(reverse("sites:closed_date_add", args=[main_site.pk]),
                {"closed_on": "2031-12-25", "reason": "Christmas Day"})
    page = client.get(reverse("sites:detail", args=[main_site.pk]))

    assert [(c.closed_on, c.reason) for c in page.context["page"].closed_dates] == [
        (dt.date(2031, 12, 25), "Christmas Day")]
    assert AuditEvent.objects.get(action="sites.closed_date_added").data == {
        "closed_on": "2031-12-25", "reason": "Christmas Day"}


def test_past_closed_date_is_refused_with_the_input_kept(signed_in, director, main_site):
    response = signed_in(director).post(reverse("sites:closed_date_add", args=[main_site.pk]),
                                        {"closed_on": "2020-01-01", "reason": "Too late"})

    form = response.context["closed_form"]
    assert form.errors["closed_on"] == ["1 Jan 2020 has passed. Enter today or a later date."]
    assert form["reason"].value() == "Too late"
    assert not ClosedDate.objects.exists()


def test_closed_date_is_removed(signed_in, director, main_site):
    closure = ClosedDate.objects.create(site=main_site, closed_on=dt.date(2031, 1, 1))

    signed_in(director).post(reverse("sites:closed_date_remove", args=[closure.pk]))

    assert not ClosedDate.objects.exists()
    assert AuditEvent.objects.get(action="sites.closed_date_removed").data["closed_on"] == "2031-01-01"


def test_chair_is_added_renamed_and_taken_out_of_use(signed_in, director, main_site):
    client = signed_in(director)

    client.post(reverse("sites:chair_add", args=[main_site.pk]), {"name": "Chair 7"})
    chair = Chair.objects.get(site=main_site)
    client.post(reverse("sites:chair_rename", args=[chair.pk]), {"name": "Window bay"})
    client.post(reverse("sites:chair_deactivate", args=[chair.pk]))

    chair.refresh_from_db()
    assert (chair.name, chair.active) == ("Window bay", False)
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == [
        "sites.chair_added", "sites.chair_renamed", "sites.chair_deactivated"]


def test_chair_comes_back_into_use(signed_in, director, main_site):
    chair = ChairFactory(site=main_site, active=False)

    signed_in(director).post(reverse("sites:chair_reactivate", args=[chair.pk]))

    chair.refresh_from_db()
    assert chair.active
    assert AuditEvent.objects.get(action="sites.chair_reactivated").object_id == str(chair.pk)


def test_duplicate_chair_name_is_refused_on_the_site_page(signed_in, director, main_site):
    ChairFactory(site=main_site, name="Chair 1")

    response = signed_in(director).post(reverse("sites:chair_add", args=[main_site.pk]), {"name": "chair 1"})

    assert response.context["chair_form"].errors["name"] == [
        "Main already has a chair called 'chair 1'. Choose another name."]
    assert Chair.objects.filter(site=main_site).count() == 1


def test_chair_of_another_organisation_answers_404(signed_in, director):
    chair = ChairFactory()

    response = signed_in(director).post(reverse("sites:chair_deactivate", args=[chair.pk]))

    assert response.status_code == 404
    assert Chair.objects.get(pk=chair.pk).active


def test_the_page_after_a_save_tells_the_browser_to_drop_the_draft(signed_in, director, main_site):
    client = signed_in(director)

    client.post(reverse("sites:edit", args=[main_site.pk]), {**SITE, "code": "MAIN"})
    after_save = client.get(reverse("sites:detail", args=[main_site.pk]))
    later = client.get(reverse("sites:detail", args=[main_site.pk]))

    assert f'<body data-user="{director.pk}" data-saved-forms="site-{main_site.pk}">' in after_save.content.decode()
    assert f'<body data-user="{director.pk}">' in later.content.decode()


def test_a_refused_save_keeps_the_draft(signed_in, director, main_site):
    response = signed_in(director).post(reverse("sites:edit", args=[main_site.pk]),
                                        {**SITE, "time_zone": "Nowhere"})

    page = response.content.decode()
    assert f'<body data-user="{director.pk}">' in page
    assert f'data-keep-draft="site-{main_site.pk}"' in page
