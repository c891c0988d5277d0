"""The one exception tree of policybot (its root and the indexer's errors live in
``indexer.errors``, below ``bot``).

Every error that can reach a person carries a sentence fit to show them (``str(error)``
never contains question text, tokens or secrets). Callers map these to messages; anything
outside this tree is a bug, logged and answered with ``messages.SOMETHING_WENT_WRONG``.

    PolicybotError
    ├── ConfigError            a setting is missing or wrong (named in the sentence)
    ├── IndexingError          building an index failed as a whole
    │   └── DocumentError      one document could not be read (name + what to do)
    ├── IndexLoadError         a saved index is missing, corrupt, tampered or too old
    ├── StoreError             the escalation database failed
    │   └── NotFound           no escalation with that reference
    ├── PermissionDenied       the user may not do this (not a DSL, wrong team ...)
    └── DeliveryError          a chat platform call failed; the caller may retry
"""

from __future__ import annotations

from indexer.errors import (
    ConfigError,
    DocumentError,
    IndexingError,
    IndexLoadError,
    PolicybotError,
)

__all__ = [
    "ConfigError",
    "DeliveryError",
    "DocumentError",
    "IndexLoadError",
    "IndexingError",
    "NoRecipient",
    "NotFound",
    "PermissionDenied",
    "PolicybotError",
    "StoreError",
]


class StoreError(PolicybotError):
    """The escalation database failed."""


class NotFound(StoreError):
    """No record with that reference."""


class PermissionDenied(PolicybotError):
    """The user may not do this."""


class NoRecipient(PolicybotError):
    """Nobody is set up to receive a concern on its route, not even the DSL."""


class DeliveryError(PolicybotError):
    """A chat platform call failed; retrying later may succeed."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
