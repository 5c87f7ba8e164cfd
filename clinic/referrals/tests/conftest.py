import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clinic.referrals.tests.factories import PDF_BYTES, ReferralFactory


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def referral(main_site, front_desk):
    """Ada Lovegood, referred on 2 Nov 2026, received and not yet worked."""
    return ReferralFactory(site=main_site, created_by=front_desk, given_name="Ada", family_name="Lovegood",
                           birth_date=dt.date(1984, 6, 12))


@pytest.fixture
def letter():
    def make(name: str = "referral.pdf", content: bytes = PDF_BYTES, content_type: str = "application/pdf"):
        return SimpleUploadedFile(name, content, content_type=content_type)

    return make
