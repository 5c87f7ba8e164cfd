"""The clinic's protocol: one versioned record per site of every setting the rules take.

A version is never changed once written. A change by the medical director writes the next version
with every section's values in full, so a screening run, decision, consent or course that names a
version shows what it used whatever happens later, even if the shipped defaults move.
"""

from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models

from clinic.rules import protocols as catalogue
from clinic.sites.models import Site


class ClinicProtocol(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="protocols")
    version = models.PositiveIntegerField()
    # {section key: {field name: JSON-plain value}}, every section and field in full.
    values = models.JSONField()
    # The version of clinic.rules that wrote these values.
    rules_version = models.CharField(max_length=40)
    reason = models.TextField(blank=True)
    # The section this version changed ("" for the shipped defaults).
    changed_section = models.CharField(max_length=40, blank=True)
    changed_fields = models.JSONField(default=list)
    # Empty for the shipped defaults a site starts with.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["site", "-version"]
        constraints = [models.UniqueConstraint(fields=["site", "version"], name="one_protocol_version_per_site")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"v{self.version}"

    @cached_property
    def objects_by_section(self) -> dict[str, Any]:
        return catalogue.build_all(self.values)

    def rules(self, section: str) -> Any:
        """The rules' protocol object of one section, as this version sets it."""
        return self.objects_by_section[section]
