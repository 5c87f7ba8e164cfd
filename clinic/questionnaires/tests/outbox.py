"""Mail and text-message backends for worker processes a test starts: each message is appended as
one JSON line to the file named by CLINIC_TEST_OUTBOX, which the test reads back, since a worker's
memory is its own. CLINIC_TEST_SEND_DELAY_S makes each send take that long, as a provider's would,
so two workers are busy at the same time. FailingTextBackend refuses every message."""

import fcntl
import json
import os
import time
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


def append(kind: str, to: str, subject: str, body: str) -> None:
    time.sleep(float(os.environ.get("CLINIC_TEST_SEND_DELAY_S", "0")))
    line = json.dumps({"kind": kind, "to": to, "subject": subject, "body": body, "pid": os.getpid()}) + "\n"
    with open(os.environ["CLINIC_TEST_OUTBOX"], "a", encoding="utf-8") as outbox:
        fcntl.flock(outbox, fcntl.LOCK_EX)
        outbox.write(line)


def read(path: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as outbox:
        return [json.loads(line) for line in outbox if line.strip()]


class FileMailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        for message in email_messages:
            for to in message.to:
                append("email", to, message.subject, message.body)
        return len(email_messages)


class FileTextBackend:
    def send(self, message: Any) -> None:
        append("sms", message.to, "", message.body)


class FailingTextBackend:
    def send(self, message: Any) -> None:
        raise ConnectionError("The text-message provider did not answer.")
