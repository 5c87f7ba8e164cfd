"""The base of every refusal the system gives (style §5.5)."""


class DomainError(Exception):
    """A refusal with a stable code and a message that tells a clinician what to do next."""

    code = "DOMAIN_ERROR"
    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field
