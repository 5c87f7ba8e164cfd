"""The request an audit event belongs to: its id and the client's address.

Set by RequestContextMiddleware for the length of one request; empty for commands and jobs.
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


NO_REQUEST = RequestContext()
current_request: ContextVar[RequestContext] = ContextVar(
    "current_request", default=NO_REQUEST
)
