"""Usernames are one account whatever their capitals or look-alike forms: at sign-in, in the staff
form, in createsuperuser and at the database (run on SQLite and on PostgreSQL)."""

import importlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from clinic.accounts.models import Role, StaffUser, canonical_username
from clinic.accounts.tests.factories import PASSWORD, AuthenticatorFactory

canonical_usernames = importlib.import_module("clinic.accounts.migrations.0002_canonical_usernames")

# What a colleague might type for the account "director", and why it is the same account.
SAME_AS_DIRECTOR = [
    ("Director", "a capital first letter"),
    ("DIRECTOR", "all capitals"),
    ("ｄｉｒｅｃｔｏｒ", "full-width letters"),
    ("ＤＩＲＥＣＴＯＲ", "full-width capitals"),
    ("director\u200b", "a zero-width space after it"),
    ("dir\u200dector", "a zero-width joiner inside it"),
    ("\ufeffdirector", "a byte-order mark before it"),
    ("D\u0130RECTOR", "Turkish dotted capital I"),
    ("d\u0131rector", "Turkish dotless small i"),
    (" director ", "spaces around it"),
]
VARIANTS = [typed for typed, _ in SAME_AS_DIRECTOR]


@pytest.mark.parametrize(("typed", "canonical"), [
    *[(typed, "director") for typed in VARIANTS],
    ("Stra\u00dfe", "strasse"),          # ß folds to ss
    ("\ufb01ona", "fiona"),              # the fi ligature
    ("\u212aelvin", "kelvin"),           # the Kelvin sign is a K
    ("dana.whitfield", "dana.whitfield"),
    ("jos\u00e9", "jos\u00e9"),          # accents stay: josé and jose are two names
    ("jose\u0301", "jos\u00e9"),         # ...but a decomposed é is the same é
])
def test_canonical_username(typed, canonical):
    assert canonical_username(typed) == canonical


@pytest.mark.parametrize("typed", VARIANTS)
def test_staff_form_refuses_a_variant_of_a_taken_username(signed_in, director, main_site, typed):
    response = signed_in(director).post(reverse("accounts:staff_invite"), {
        "username": typed, "first_name": "Dee", "last_name": "Rector", "email": "dee@clinic.test",
        "role": Role.NURSE, "credentials": "RN", "sites": [main_site.pk]})

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "The username 'director' is taken (capitals and look-alike letters count as the same name). "
        "Choose another, for example with an initial or a number added."]
    assert response.context["form"]["username"].value() == typed
    assert StaffUser.objects.count() == 1


def test_staff_form_stores_the_canonical_username(signed_in, director, main_site):
    signed_in(director).post(reverse("accounts:staff_invite"), {
        "username": "ＲＡＹ.Okonkwo\u200b", "first_name": "Ray", "last_name": "Okonkwo",
        "email": "ray@clinic.test", "role": Role.NURSE, "credentials": "RN", "sites": [main_site.pk]})

    assert StaffUser.objects.filter(role=Role.NURSE).get().username == "ray.okonkwo"


@pytest.mark.parametrize(("typed", "reason"), [
    ("dee rector", "a space inside"),
    ("dee/rector", "a slash"),
    ("\u200b", "nothing visible"),
])
def test_staff_form_refuses_what_is_no_username_after_folding(signed_in, director, main_site, typed, reason):
    response = signed_in(director).post(reverse("accounts:staff_invite"), {
        "username": typed, "first_name": "Dee", "last_name": "Rector", "email": "dee@clinic.test",
        "role": Role.NURSE, "credentials": "RN", "sites": [main_site.pk]})

    assert response.context["form"].errors["username"] in (
        ["Use letters, digits and @ . + - _ only, with no spaces, for example dana.whitfield."],
        ["This field is required."]), reason
    assert StaffUser.objects.count() == 1


@pytest.mark.parametrize("typed", VARIANTS)
def test_sign_in_finds_the_account_whatever_form_is_typed(client, director, typed):
    AuthenticatorFactory(user=director)

    response = client.post(reverse("accounts:login"), {"username": typed, "password": PASSWORD})

    assert response.url == reverse("accounts:verify")
    assert int(client.session["_auth_user_id"]) == director.pk


@pytest.mark.parametrize("typed", ["Director", "ｄｉｒｅｃｔｏｒ", "director\u200b"])
def test_createsuperuser_says_a_variant_is_taken(director, typed):
    with pytest.raises(CommandError, match="That username is already taken"):
        call_command("createsuperuser", username=typed, email="root@clinic.test", interactive=False,
                     verbosity=0)

    assert StaffUser.objects.count() == 1


@pytest.mark.parametrize("typed", ["Root", "ＲＯＯＴ"])
def test_createsuperuser_stores_the_canonical_username(db, typed):
    call_command("createsuperuser", username=typed, email="root@clinic.test", interactive=False,
                 verbosity=0)

    assert list(StaffUser.objects.values_list("username", flat=True)) == ["root"]


def test_createsuperuser_refuses_an_invisible_character_in_a_new_name(db):
    with pytest.raises(CommandError, match="Enter a valid username"):
        call_command("createsuperuser", username="root\u200b", email="root@clinic.test",
                     interactive=False, verbosity=0)

    assert not StaffUser.objects.exists()


@pytest.mark.parametrize("typed", ["Director", "DIRECTOR", "dIRECTOR"])
def test_the_database_refuses_a_second_username_differing_in_capitals(director, typed):
    # bulk_create skips save(), as any writer other than this code might.
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffUser.objects.bulk_create([StaffUser(username=typed, email="x@clinic.test")])

    assert list(StaffUser.objects.values_list("username", flat=True)) == ["director"]


def test_saving_stores_the_canonical_username(organisation):
    user = StaffUser.objects.create(username="ＮＵＲＳＥ.Kim", organisation=organisation)

    user.refresh_from_db()
    assert user.username == "nurse.kim"


def test_clash_report_names_every_account_that_would_become_one():
    rows = [(1, "Director"), (2, "director"), (3, "nurse"), (4, "ｄｉｒｅｃｔｏｒ"), (5, "Nurse.Kim")]

    found = canonical_usernames.clashes(rows)

    assert found == {"director": [(1, "Director"), (2, "director"), (4, "ｄｉｒｅｃｔｏｒ")]}
    report = canonical_usernames.clash_report(found)
    assert "'Director' (id 1) and 'director' (id 2) and 'ｄｉｒｅｃｔｏｒ' (id 4) are all 'director'" in report
    assert "Nothing was changed" in report


@pytest.fixture
def migrator(transactional_db):
    """A migration executor; whatever a test does, the database ends at the latest migrations."""
    executor = MigrationExecutor(connection)
    yield executor
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_migration_reports_a_clash_then_stores_canonical_usernames_once_it_is_resolved(migrator):
    before, after = [("accounts", "0001_initial")], [("accounts", "0003_username_unique_ignoring_case")]
    migrator.migrate(before)
    old_model = migrator.loader.project_state(before[0]).apps.get_model("accounts", "StaffUser")
    old_model.objects.create(username="Director", password="!")
    second = old_model.objects.create(username="director", password="!")
    old_model.objects.create(username="ＮＵＲＳＥ", password="!")

    migrator.loader.build_graph()
    with pytest.raises(CommandError) as refusal:
        migrator.migrate(after)
    old_model.objects.filter(pk=second.pk).update(username="director2")
    migrator.loader.build_graph()
    migrator.migrate(after)

    assert "'Director' (id" in str(refusal.value) and "are all 'director'" in str(refusal.value)
    usernames = sorted(old_model.objects.values_list("username", flat=True))
    assert usernames == ["director", "director2", "nurse"]
