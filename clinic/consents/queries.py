"""Reads of consents: the text the current protocol gives, a patient's consents, and whether the patient's
consent is current (what booking and the infusion day check)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from clinic.consents.models import Consent, ConsentDocument
from clinic.patients.models import Patient
from clinic.protocols.models import ClinicProtocol
from clinic.protocols.queries import current_protocol
from clinic.rules import consent as consent_text
from clinic.sites.models import Site


@dataclass(frozen=True)
class CurrentText:
    protocol: ClinicProtocol
    sections: tuple[consent_text.Section, ...]
    content_hash: str


def current_text(*, site: Site, now: datetime) -> CurrentText:
    """The consent text the protocol in force at the site gives, with its hash (no row written)."""
    protocol = current_protocol(site=site, now=now)
    sections = consent_text.document(protocol.objects_by_section)
    return CurrentText(protocol=protocol, sections=sections, content_hash=consent_text.content_hash(sections))


def latest_document(*, site: Site) -> ConsentDocument | None:
    return ConsentDocument.objects.filter(site=site).select_related("protocol").order_by("-version").first()


def consents(*, patient: Patient) -> QuerySet[Consent]:
    """The patient's consents, newest first, each with its document, signer and scan."""
    return (Consent.objects.filter(patient=patient)
            .select_related("patient__site", "document__protocol", "protocol", "counselled_by", "withdrawn_by",
                            "scan")
            .order_by("-signed_at", "-id"))


def latest_consent(*, patient: Patient) -> Consent | None:
    return consents(patient=patient).first()


@dataclass(frozen=True)
class ConsentState:
    current: bool
    code: str  # CURRENT, NONE, OUTDATED or WITHDRAWN
    message: str
    consent: Consent | None


def consent_state(*, patient: Patient, now: datetime) -> ConsentState:
    """CURRENT when the latest consent is signed, not withdrawn and on the text the protocol in force gives;
    WITHDRAWN when the latest was withdrawn; OUTDATED when the text has changed since it was signed; NONE
    when the patient has never consented."""
    consent = latest_consent(patient=patient)
    if consent is None:
        return ConsentState(False, "NONE", "No consent is recorded. Counsel the patient and record their consent "
                                           "on the Consent tab before the first infusion.", None)
    signed = f"signed on document {consent.document.label}"
    if consent.withdrawn:
        return ConsentState(False, "WITHDRAWN", f"The patient withdrew their consent ({signed}). Nothing more is "
                                                "given unless they consent again on the current document.", consent)
    if consent.document.content_hash != current_text(site=patient.site, now=now).content_hash:
        return ConsentState(False, "OUTDATED", f"The consent document has changed since the patient's consent "
                                               f"({signed}). Counsel them on the new version and record their "
                                               "consent again before the next infusion.", consent)
    return ConsentState(True, "CURRENT", f"Consent is current ({signed}).", consent)
