"""Organisation, its sites, their opening hours, closed dates and chairs."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models

WEEKDAYS = (("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday"), ("thu", "Thursday"),
            ("fri", "Friday"), ("sat", "Saturday"), ("sun", "Sunday"))


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone; use a name such as America/Chicago.")


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=12, help_text="Short code used in medical record numbers.")
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="site_code_unique_in_org"),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.CharField(max_length=3, choices=WEEKDAYS)
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "weekday"], name="one_opening_per_weekday"),
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                   name="opening_closes_after_it_opens"),
        ]


class ClosedDate(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="closed_dates")
    closed_on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "closed_on"], name="one_closure_per_date"),
        ]
        ordering = ["closed_on"]


class Chair(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="chairs")
    name = models.CharField(max_length=60)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="chair_name_unique_at_site"),
        ]
        ordering = ["site", "name"]

    def __str__(self) -> str:
        return f"{self.site.name} — {self.name}"
