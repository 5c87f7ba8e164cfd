"""REST (/api/v1) and FHIR (/fhir/r4) interfaces."""
