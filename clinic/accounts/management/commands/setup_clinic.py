"""manage.py setup_clinic: set up a real clinic's organisation, first site and first medical director,
and print the director's one-time sign-in link alone on the last line (design §4.1).

Without a flag it asks for that value; with --no-input a missing flag is refused. Every refusal
exits 2 and names the flag and what to do; nothing is created unless everything is.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from clinic.accounts import emails, setup
from clinic.rules.errors import DomainError

USAGE_ERROR = 2
FLAGS = {"organisation_name": "--organisation", "site_name": "--site-name", "site_code": "--site-code",
         "time_zone": "--time-zone", "director_username": "--director-username",
         "director_email": "--director-email", "base_url": "--base-url"}
QUESTIONS = {
    "organisation_name": "Organisation name, as staff and patients know it",
    "site_name": "First site's name",
    "site_code": "Site code, up to 12 letters, digits or - (it starts medical record numbers), e.g. MAIN",
    "time_zone": "Site's time zone, e.g. America/Chicago",
    "director_username": "Medical director's username (what they type to sign in)",
    "director_email": "Medical director's work email",
}


class Command(BaseCommand):
    help = ("Set up a real clinic on an empty database: the organisation, its first site and its first "
            "medical director. Prints a one-time link with which the director chooses a password and "
            "then sets up a second factor. Asks for any value not given as a flag.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(FLAGS["organisation_name"], dest="organisation_name", metavar="NAME")
        parser.add_argument(FLAGS["site_name"], dest="site_name", metavar="NAME")
        parser.add_argument(FLAGS["site_code"], dest="site_code", metavar="CODE")
        parser.add_argument(FLAGS["time_zone"], dest="time_zone", metavar="ZONE",
                            help="The first site's time zone; without the flag, TIME_ZONE is offered.")
        parser.add_argument(FLAGS["director_username"], dest="director_username", metavar="USER")
        parser.add_argument(FLAGS["director_email"], dest="director_email", metavar="EMAIL")
        parser.add_argument(FLAGS["base_url"], dest="base_url", metavar="URL",
                            help="The address staff open, e.g. https://clinic.example.org; default: "
                                 "the first host of ALLOWED_HOSTS, over https unless HTTPS=false.")
        parser.add_argument("--no-input", action="store_false", dest="interactive",
                            help="Ask nothing: refuse when a flag is missing (--time-zone defaults "
                                 "to TIME_ZONE).")

    def handle(self, *args: Any, interactive: bool, **options: Any) -> None:
        if settings.DEMO_MODE:
            raise _refusal("setup_clinic sets up a real clinic, so it does not run in demo mode. Run it "
                           "with DEMO_MODE unset, in the environment `make serve` uses.")
        if problem := setup.existing_clinic_problem():
            raise _refusal(problem.message)
        given = {name: setup.clean(name, options[name]) for name in setup.FIELD_NAMES
                 if options[name] is not None}
        base_url = options["base_url"] or _default_base_url()
        # Every flag is checked before any question, so nobody answers questions to be refused.
        checks = [setup.value_problem(name, value) for name, value in given.items()]
        if problems := [problem for problem in [*checks, setup.base_url_problem(base_url)] if problem]:
            raise _problems_refusal(problems)
        if not interactive:
            given = _without_questions(given)
        details = setup.ClinicDetails(**{name: given[name] if name in given else self._answer(name)
                                         for name in setup.FIELD_NAMES})
        try:
            done = setup.set_up_clinic(now=timezone.now(), details=details, base_url=base_url)
        except DomainError as problem:
            raise _problems_refusal([problem]) from None
        self._report(done)

    def _answer(self, name: str) -> str:
        """Ask until the answer is right; an empty answer to the time zone takes TIME_ZONE."""
        default = settings.TIME_ZONE if name == "time_zone" else ""
        question = f"{QUESTIONS[name]}{f' [{default}]' if default else ''}: "
        while True:
            try:
                answer = setup.clean(name, input(question)) or default
            except EOFError:
                raise _refusal(f"No answer for {FLAGS[name]}. Give it as a flag.") from None
            problem = setup.value_problem(name, answer)
            if problem is None:
                return answer
            self.stderr.write(problem.message)

    def _report(self, done: setup.ClinicSetUp) -> None:
        site, director = done.site, done.director
        self.stdout.write(f"Set up {done.organisation.name}: site {site.name} ({site.code}, {site.time_zone}); "
                          f"medical director {director.username} <{director.email}>.")
        self.stdout.write(
            f"Next: the director opens the link below within {emails.link_valid_days()} days, chooses a "
            "password, signs in and sets up a second factor with an authenticator app. Then, from the "
            "Sites page, add the site's opening hours and chairs, and invite staff from the Staff page.")
        self.stdout.write("The link works once. If it expires, use “Forgot your password?” on the sign-in "
                          f"page with {director.email}.")
        self.stdout.write(done.link)


def _without_questions(given: dict[str, str]) -> dict[str, str]:
    """The values given, with TIME_ZONE for a missing time zone; refused when anything else is missing."""
    given = {"time_zone": settings.TIME_ZONE, **given}
    missing = [FLAGS[name] for name in setup.FIELD_NAMES if name not in given]
    if missing:
        raise _refusal(f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing. Give "
                       f"{'it' if len(missing) == 1 else 'them'}, or run without --no-input to be asked.")
    return given


def _default_base_url() -> str:
    base_url = setup.default_base_url()
    if base_url is None:
        raise _refusal(f"{FLAGS['base_url']} is missing and ALLOWED_HOSTS names no host to build the "
                       "link from. Give the address staff open, e.g. --base-url https://clinic.example.org.")
    return base_url


def _problems_refusal(problems: list[DomainError]) -> CommandError:
    return _refusal("\n".join(_named(problem) for problem in problems)
                    + "\nNothing was created. Correct the values and run the command again.")


def _named(problem: DomainError) -> str:
    return f"{FLAGS[problem.field]}: {problem.message}" if problem.field in FLAGS else problem.message


def _refusal(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)
