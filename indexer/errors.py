"""The root of policybot's one exception tree, and the errors the indexer raises.

``bot.errors`` extends this tree with the errors of answering, escalation and the chat
skins; the indexer sits below ``bot`` and so owns the root. Every error carries a sentence
fit to show a person (``str(error)`` never contains question text, tokens or secrets).

    PolicybotError
    ├── ConfigError            a setting is missing or wrong (named in the sentence)
    ├── IndexingError          building an index failed as a whole
    │   └── DocumentError      one document could not be read (name + what to do)
    └── IndexLoadError         a saved index is missing, corrupt, tampered or too old
"""

from __future__ import annotations


class PolicybotError(Exception):
    """Base of every error policybot raises on purpose."""


class ConfigError(PolicybotError):
    """A setting is missing or wrong."""


class IndexingError(PolicybotError):
    """Building an index failed as a whole."""


class DocumentError(IndexingError):
    """One document could not be read; the message names the file and what to do."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class IndexLoadError(PolicybotError):
    """A saved index cannot be used; the message says to re-index."""
