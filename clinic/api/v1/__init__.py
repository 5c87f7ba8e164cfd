"""The REST API under /api/v1 (design §4.4): one module per resource."""
