"""Demo referrals, written through the referral actions: the main site's queue holds a referral at every
status (received, contacted, consultation booked, unreachable, declined) and one already linked to the
demo patient it became; the second site has one just received. Some come with a letter: a one-page PDF
made here, naming only made-up people.
"""

import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.lib.pagesizes import letter as letter_page
from reportlab.pdfgen import canvas

from clinic.accounts.models import StaffUser
from clinic.patients.models import ReferringClinician
from clinic.referrals import actions
from clinic.referrals.models import Referral
from clinic.sites.models import Organisation, Site

MAX_LETTER_BYTES = 1_000_000


@dataclass(frozen=True)
class DemoReferral:
    site_code: str
    given_name: str
    family_name: str
    birth_date: dt.date
    sex: str
    days_ago: int
    reason: str
    indication: str
    referrer: str  # a name of catalogue.REFERRING_CLINICIANS, or "" for a self-referral
    with_letter: bool
    # (status, days ago, note) moves after "received", in order.
    moves: tuple[tuple[str, int, str], ...] = ()


REFERRALS = (
    DemoReferral("MAIN", "Corwin", "Ashgrove", dt.date(1969, 2, 11), "male", 2,
                 "Major depression, recurrent; no response to sertraline 200 mg and venlafaxine 225 mg.",
                 "TRD_UNIPOLAR", "Odessa Brightwater", True),
    DemoReferral("MAIN", "Linnea", "Gorsefield", dt.date(1990, 9, 3), "", 1,
                 "Asks about ketamine for PTSD after reading about it; in therapy for two years.", "PTSD", "", False),
    DemoReferral("MAIN", "Perrin", "Hazelbrook", dt.date(1978, 12, 30), "male", 9,
                 "Chronic migraine, 20 headache days a month despite three preventives.", "MIGRAINE_CHRONIC",
                 "Augustin Pellow", True,
                 moves=(("contacted", 6, "Spoke to Perrin; sending the intake questionnaires first."),)),
    DemoReferral("MAIN", "Sabine", "Thornquist", dt.date(1985, 4, 22), "female", 14,
                 "Bipolar II depression; lamotrigine and quetiapine tried.", "TRD_BIPOLAR", "Marisol Quenby", True,
                 moves=(("contacted", 11, "Left a voicemail."),
                        ("consultation_booked", 8, "Consultation with the medical director; letter to hand."))),
    DemoReferral("MAIN", "Dorian", "Mapleton", dt.date(1974, 7, 7), "male", 25,
                 "Treatment-resistant depression; three antidepressants and CBT.", "TRD_UNIPOLAR",
                 "Tobiah Fenwhistle", False,
                 moves=(("unreachable", 18, "Three calls and a letter, no answer. Referrer told."),)),
    DemoReferral("MAIN", "Hollis", "Crane-Whitby", dt.date(1995, 1, 19), "female", 30,
                 "Generalised anxiety, partial response to escitalopram.", "ANXIETY", "Marisol Quenby", False,
                 moves=(("contacted", 27, "Discussed what treatment involves."),
                        ("declined", 26, "Prefers to try TMS first; referrer told."))),
    DemoReferral("NORTH", "Alder", "Penrose", dt.date(1981, 10, 5), "", 1,
                 "Depression not helped by two antidepressants.", "TRD_UNIPOLAR", "Odessa Brightwater", True),
)


def seed_referrals(*, organisation: Organisation, sites: dict[str, Site], team: dict[str, StaffUser],
                   directory: dict[str, ReferringClinician], now: dt.datetime) -> int:
    """The demo referrals, once; returns how many were added. `team` is each site's front-desk worker."""
    if Referral.objects.filter(organisation=organisation).exists():
        return 0
    # Written an hour before `now`, as the rest of the demo's history lies before it.
    now = now - dt.timedelta(hours=1)
    for demo in REFERRALS:
        _seed_one(demo, site=sites[demo.site_code], actor=team[demo.site_code], directory=directory, now=now)
    _seed_registered(organisation=organisation, site=sites["MAIN"], actor=team["MAIN"], directory=directory, now=now)
    return len(REFERRALS) + 1


def _seed_one(demo: DemoReferral, *, site: Site, actor: StaffUser, directory: dict[str, ReferringClinician],
              now: dt.datetime, phone: str = "") -> Referral:
    today = now.astimezone(zoneinfo.ZoneInfo(site.time_zone)).date()
    clinician = directory.get(demo.referrer)
    letter = _letter_pdf(demo, clinician=clinician, written_on=today - dt.timedelta(days=demo.days_ago + 3)) \
        if demo.with_letter else None
    referral = actions.create_referral(
        actor=actor, now=now, site=site, max_bytes=MAX_LETTER_BYTES, letter=letter,
        received_on=today - dt.timedelta(days=demo.days_ago), given_name=demo.given_name,
        family_name=demo.family_name, birth_date=demo.birth_date, sex=demo.sex,
        phone=phone or f"(617) 555-01{60 + REFERRALS.index(demo):02d}", email="", reason=demo.reason,
        indication=demo.indication, source="clinician" if clinician else "self", referring_clinician=clinician)
    for status, days_ago, note in demo.moves:
        happened_on = today - dt.timedelta(days=days_ago)
        booking = {"consultation_on": today + dt.timedelta(days=5), "consultation_time": dt.time(10, 30)} \
            if status == "consultation_booked" else {}
        actions.change_status(actor=actor, now=now, referral=referral, status=status, happened_on=happened_on,
                              note=note, **booking)
    return referral


def _seed_registered(*, organisation: Organisation, site: Site, actor: StaffUser,
                     directory: dict[str, ReferringClinician], now: dt.datetime) -> None:
    """The referral of the main site's most recently registered demo patient, linked to them."""
    patient = organisation.patients.filter(site=site).order_by("-created_at", "-id").first()
    if patient is None:
        return
    registered_on = patient.created_at.astimezone(zoneinfo.ZoneInfo(site.time_zone)).date()
    days_ago = (now.astimezone(zoneinfo.ZoneInfo(site.time_zone)).date() - registered_on).days
    demo = DemoReferral("MAIN", patient.given_name, patient.family_name, patient.birth_date, patient.sex, days_ago,
                        "Referred for assessment for ketamine treatment.", "", "", False)
    referral = _seed_one(demo, site=site, actor=actor, directory=directory, now=now, phone=patient.phone)
    actions.link_to_patient(actor=actor, now=now, referral=referral, patient=patient)


def _letter_pdf(demo: DemoReferral, *, clinician: ReferringClinician | None, written_on: dt.date) -> SimpleUploadedFile:
    """A one-page referral letter as a PDF."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=letter_page, invariant=True)
    lines = [clinician.practice if clinician else "", f"{written_on.day} {written_on:%B %Y}", "",
             "To the clinic's intake team,", "",
             f"Re: {demo.given_name} {demo.family_name}, born {demo.birth_date.day} {demo.birth_date:%B %Y}", "",
             "I would be grateful if you would assess this patient for ketamine infusion treatment.",
             demo.reason, "", "Yours sincerely,", "",
             f"{clinician.name}, {clinician.credentials}" if clinician else ""]
    text = page.beginText(72, 720)
    text.setFont("Helvetica", 11)
    for line in lines:
        text.textLine(line)
    page.drawText(text)
    page.showPage()
    page.save()
    name = f"referral-{demo.family_name.lower()}.pdf"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")
