"""Text messages behind a small backend interface (design §3): the backend named by the SMS_BACKEND
setting sends them. The default writes each message to the log; a clinic plugs in its provider's
backend. Tests use the in-memory backend, whose `outbox` holds what was sent."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("clinic.sms")


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class LogBackend:
    """Writes the message to the log instead of sending it: the default until a provider is set."""

    def send(self, message: TextMessage) -> None:
        logger.info("Text message to %s: %s", message.to, message.body)


outbox: list[TextMessage] = []


class MemoryBackend:
    """Keeps sent messages in `clinic.sms.outbox`, for tests."""

    def send(self, message: TextMessage) -> None:
        outbox.append(message)


def send_text(*, to: str, body: str) -> None:
    """Send one text message through the configured backend; a backend's failure is raised."""
    backend = import_string(getattr(settings, "SMS_BACKEND", "clinic.sms.LogBackend"))()
    backend.send(TextMessage(to=to, body=body))
