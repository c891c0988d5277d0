"""A chat platform in a box: a Notifier that records what it "posts".

Records go to memory, or to a SQLite file (``log_path``) so that several processes
delivering the same outbox can be counted together. It can be told to fail the next N calls
as a platform would (HTTP 500, or 429 with Retry-After), to fail *after* the message went
out (a timeout on the response), or to SIGKILL its own process right after sending.
``find_existing`` looks the idempotency key up, as Slack's metadata search would.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from bot.errors import DeliveryError
from bot.store.records import DeliveryReceipt, Escalation, OutboxItem


@dataclass(frozen=True)
class Sent:
    key: str
    kind: str
    ref: str
    channel: str
    message_id: str
    pid: int


@dataclass
class Failure:
    status: int
    retry_after: float | None
    after_send: bool


class FakeNotifier:
    def __init__(self, log_path: Path | None = None, crash_after_send: bool = False) -> None:
        self.log_path = log_path
        self.crash_after_send = crash_after_send
        self.calls = 0
        self.lookups = 0
        self._memory: list[Sent] = []
        self._failures: list[Failure] = []
        self._lock = threading.Lock()
        if log_path is not None:
            with self._db() as db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS sent (key TEXT, kind TEXT, ref TEXT,"
                    " channel TEXT, message_id TEXT, pid INTEGER)"
                )

    def fail_next(
        self, n: int, status: int = 500, retry_after: float | None = None, after_send: bool = False
    ) -> None:
        with self._lock:
            self._failures.extend(Failure(status, retry_after, after_send) for _ in range(n))

    def deliver(self, item: OutboxItem, escalation: Escalation) -> DeliveryReceipt | None:
        with self._lock:
            self.calls += 1
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None and not failure.after_send:
            raise DeliveryError(f"HTTP {failure.status}", failure.retry_after)
        receipt = DeliveryReceipt(_channel(item, escalation), uuid.uuid4().hex)
        self._record(Sent(item.idempotency_key, item.kind, item.ref, *_pair(receipt), os.getpid()))
        if self.crash_after_send:
            os.kill(os.getpid(), signal.SIGKILL)
        if failure is not None:
            raise DeliveryError("timed out waiting for the response", failure.retry_after)
        return receipt

    def find_existing(self, item: OutboxItem, escalation: Escalation) -> DeliveryReceipt | None:
        self.lookups += 1
        for sent in self.sent():
            if sent.key == item.idempotency_key:
                return DeliveryReceipt(sent.channel, sent.message_id)
        return None

    def sent(self) -> list[Sent]:
        if self.log_path is None:
            with self._lock:
                return list(self._memory)
        with self._db() as db:
            return [Sent(*row) for row in db.execute("SELECT * FROM sent ORDER BY rowid")]

    def keys(self) -> list[str]:
        return [s.key for s in self.sent()]

    def _record(self, sent: Sent) -> None:
        if self.log_path is None:
            with self._lock:
                self._memory.append(sent)
            return
        with self._db() as db:
            db.execute("INSERT INTO sent VALUES (?, ?, ?, ?, ?, ?)", _row(sent))

    def _db(self) -> closing[sqlite3.Connection]:
        assert self.log_path is not None
        return closing(sqlite3.connect(self.log_path, timeout=30, isolation_level=None))


def _channel(item: OutboxItem, escalation: Escalation) -> str:
    if item.kind.startswith("destination"):
        return "C-DSL" if escalation.route == "dsl" else f"D-{escalation.route}"
    if item.kind == "reminder":
        return "D-reminder"
    return f"D-{escalation.reporter_id}"


def _pair(receipt: DeliveryReceipt) -> tuple[str, str]:
    return receipt.channel, receipt.message_id


def _row(sent: Sent) -> tuple[object, ...]:
    return (sent.key, sent.kind, sent.ref, sent.channel, sent.message_id, sent.pid)
