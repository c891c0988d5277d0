"""Logging for every policybot process, set up in one place so no text leaks into it.

    configure("DEBUG")      # what LOG_LEVEL=DEBUG does (bot/cli/main.py calls this at start)

policybot's own modules log ids and references only. Several libraries do not: at DEBUG,
slack_sdk logs every Web API request and response body (an answer's blocks quote the
question; an escalation's DSL post carries the details), slack_bolt logs what it responds
with, and aiohttp, urllib3, the Microsoft Agents SDK and MSAL log requests. Those loggers are
held at INFO or above whatever ``level`` is asked for (slack_sdk, slack_bolt and SQLAlchemy
at WARNING), so ``LOG_LEVEL=DEBUG`` is safe in a school. slack_bolt logs the whole body of
a request whose signature it refuses, at INFO, from loggers whose level it copies from the
root when the app is built; so the floors are also a filter on the handler
(:class:`LibraryFloor`), which no logger's own level can get round. SQLAlchemy's row dumps
are also filtered, and its parameters hidden, in ``bot.store.engine``.
"""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
QUIET_LIBRARIES = {
    "slack_sdk": logging.WARNING,
    "slack_bolt": logging.WARNING,  # INFO: "Invalid request signature ... body: ..."
    "aiohttp": logging.INFO,
    "urllib3": logging.INFO,
    "requests": logging.INFO,
    "microsoft_agents": logging.INFO,
    "msal": logging.INFO,
    "sqlalchemy": logging.WARNING,  # its INFO lines are every SQL statement
}


class LibraryFloor(logging.Filter):
    """Drops a record from a library in :data:`QUIET_LIBRARIES` below that library's floor."""

    def filter(self, record: logging.LogRecord) -> bool:
        library = record.name.split(".", 1)[0]
        return record.levelno >= QUIET_LIBRARIES.get(library, logging.NOTSET)


def configure(level: str = "INFO", handler: logging.Handler | None = None) -> None:
    """Root logger at ``level`` (a name such as "DEBUG"); chatty libraries at INFO or above."""
    numeric = getattr(logging, str(level).upper(), logging.INFO)
    root = logging.getLogger()
    if handler is None and not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
    if handler is not None:
        root.addHandler(handler)
    for each in root.handlers:
        if not any(isinstance(f, LibraryFloor) for f in each.filters):
            each.addFilter(LibraryFloor())
    root.setLevel(numeric)
    for name, floor in QUIET_LIBRARIES.items():
        logging.getLogger(name).setLevel(max(numeric, floor))
