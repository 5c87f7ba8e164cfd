"""Pure clinical rules: no Django, no clock, no I/O (design §3)."""
