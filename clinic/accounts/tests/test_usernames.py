"""Usernames are one account whatever their capitals or look-alike forms: at sign-in, in the staff
form, in createsuperuser and at the database (run on SQLite and on PostgreSQL)."""

import importlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from clinic.accounts.models import Role, StaffUser, UsernameValidator, canonical_username
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
    ("jos\u00e9", "jos\u00e9"),          # folding keeps accents (and UsernameValidator refuses them)
    ("jose\u0301", "jos\u00e9"),         # ...and a decomposed é is the same é
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
        ["Use only the letters a to z (no accents), digits and @ . + - _, with no spaces, for example "
         "dana.whitfield."],
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
    with pytest.raises(CommandError, match=r"Use only the letters a to z .* for example root"):
        call_command("createsuperuser", username="root\u200b", email="root@clinic.test",
                     interactive=False, verbosity=0)

    assert not StaffUser.objects.exists()


@pytest.mark.parametrize("typed", ["Director", "DIRECTOR", "dIRECTOR"])
def test_the_database_refuses_a_second_username_differing_in_capitals(director, typed):
    # bulk_create skips save(), as any writer other than this code might.
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffUser.objects.bulk_create([StaffUser(username=typed, email="x@clinic.test")])

    assert list(StaffUser.objects.values_list("username", flat=True)) == ["director"]


# --- Letters a to z only, so that lower(username) is exact on both engines -------------------------

ACCENTED = [
    ("\u00e9ve", "eve", "an accent"),
    ("E\u0301VE", "eve", "a decomposed accent, in capitals"),
    ("Jos\u00e9.Mu\u00f1oz", "jose.munoz", "two accents"),
    ("\u00f8ystein", "dana.whitfield", "a letter with no unaccented form"),
    ("\u0394\u03b7\u03bc\u03ae\u03c4\u03c1\u03b7\u03c2", "dana.whitfield", "another alphabet"),
]


@pytest.mark.parametrize(("typed", "example", "reason"), ACCENTED)
def test_the_staff_form_refuses_a_letter_outside_a_to_z_saying_what_to_type(
        signed_in, director, main_site, typed, example, reason):
    response = signed_in(director).post(reverse("accounts:staff_invite"), {
        "username": typed, "first_name": "Eve", "last_name": "Adams", "email": "eve@clinic.test",
        "role": Role.NURSE, "credentials": "RN", "sites": [main_site.pk]})

    assert response.context["form"].errors["username"] == [
        f"Use only the letters a to z (no accents), digits and @ . + - _, with no spaces, for example "
        f"{example}."], reason
    assert StaffUser.objects.count() == 1


@pytest.mark.parametrize("typed", ["ｅｖｅ", "ＥＶＥ", "\ufb01ona", "Stra\u00dfe", "D\u0130RECTOR2"])
def test_forms_that_fold_to_a_to_z_are_usernames(typed):
    UsernameValidator()(typed)


def test_setup_clinic_refuses_an_accented_username_saying_what_to_type(db, settings):
    settings.ALLOWED_HOSTS = ["clinic.example.org"]

    with pytest.raises(CommandError) as refused:
        call_command("setup_clinic", "--organisation", "Lakeside", "--site-name", "Main", "--site-code",
                     "MAIN", "--time-zone", "America/Chicago", "--director-username", "\u00c9ve",
                     "--director-email", "eve@lakeside.example.org", stdout=io.StringIO())

    assert str(refused.value).startswith(
        "--director-username: '\u00e9ve' cannot be a username. Use only the letters a to z (no accents), "
        "digits and @ . + - _, with no spaces, for example eve.")
    assert not StaffUser.objects.exists()


def test_createsuperuser_refuses_an_accented_username(db):
    with pytest.raises(CommandError, match=r"Use only the letters a to z .* for example eve"):
        call_command("createsuperuser", username="\u00e9ve", email="eve@clinic.test", interactive=False,
                     verbosity=0)

    assert not StaffUser.objects.exists()


@pytest.mark.parametrize("username", ["\u00e9ve", "\u00c9VE", "ｅｖｅ", "eve\u200b"])
def test_the_database_refuses_a_username_that_is_not_ascii(db, username):
    # bulk_create skips save() and validation, as any writer other than this code might.
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffUser.objects.bulk_create([StaffUser(username=username, email="x@clinic.test")])

    assert not StaffUser.objects.exists()


def test_the_migration_names_a_non_ascii_username_and_goes_on_once_it_is_renamed(migrator):
    before, after = [("accounts", "0005_anonymous_request_tally")], [("accounts", "0006_ascii_usernames")]
    migrator.migrate(before)
    old_model = migrator.loader.project_state(before[0]).apps.get_model("accounts", "StaffUser")
    old_model.objects.create(username="dana", password="!")
    eve = old_model.objects.create(username="\u00e9ve", password="!")

    migrator.loader.build_graph()
    with pytest.raises(CommandError) as refusal:
        migrator.migrate(after)
    old_model.objects.filter(pk=eve.pk).update(username="eve")
    migrator.loader.build_graph()
    migrator.migrate(after)

    assert f"'\u00e9ve' (id {eve.pk})" in str(refusal.value)
    assert "Nothing was changed" in str(refusal.value)
    assert sorted(old_model.objects.values_list("username", flat=True)) == ["dana", "eve"]


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
