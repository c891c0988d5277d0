"""Outbox delivery in one process: failures, retries, ordering, exactly once, privacy."""

from __future__ import annotations

import logging
import threading
from collections import Counter

from sqlalchemy import select

from bot.escalation.outbox import Outbox
from bot.store import tables
from tests.fakes.concerns import DSL, SECRET_DETAILS, SECRET_QUESTION, make_report, make_service
from tests.fakes.notifier import FakeNotifier


def _drain(outbox: Outbox, clock, rounds: int = 50) -> None:
    """Deliver everything, moving the clock past each retry time (no sleeping)."""
    for _ in range(rounds):
        outbox.deliver_due()
        if outbox.pending() == 0:
            return
        clock.advance(minutes=10)
    raise AssertionError("outbox did not drain")


def test_submitted_escalation_is_posted_and_receipted(store, clock) -> None:
    esc = make_service(store, clock).submit(make_report())
    notifier = FakeNotifier()
    assert Outbox(store, notifier, clock=clock).deliver_due() == 3
    assert [(s.kind, s.ref, s.key) for s in notifier.sent()] == [
        ("destination_post", esc.ref, f"{esc.ref}/post"),
        ("reporter_receipt", esc.ref, f"{esc.ref}/receipt"),
        ("reporter_update", esc.ref, f"{esc.ref}/delivered"),  # only after the post
    ]
    stored = make_service(store, clock).get(esc.ref)
    assert stored.destination_channel == "C-DSL"
    assert stored.destination_message_id == notifier.sent()[0].message_id


def test_outage_with_500_and_429_then_recovery_delivers_each_exactly_once(store, clock) -> None:
    service = make_service(store, clock)
    notifier = FakeNotifier()
    outbox = Outbox(store, notifier, clock=clock)
    notifier.fail_next(30, status=500)
    refs = [service.submit(make_report()).ref for _ in range(10)]
    outbox.deliver_due()
    notifier.fail_next(5, status=429, retry_after=30)
    _drain(outbox, clock)
    sent = Counter(s.key for s in notifier.sent())
    assert len(sent) == 30 and set(sent.values()) == {1}  # post, receipt, "delivered"
    assert {s.ref for s in notifier.sent()} == set(refs)
    assert notifier.calls >= 20 + 30


def test_retry_after_is_honoured(store, clock) -> None:
    make_service(store, clock).submit(make_report())
    notifier = FakeNotifier()
    outbox = Outbox(store, notifier, clock=clock)
    notifier.fail_next(1, status=429, retry_after=120)
    outbox.deliver_due()  # the post is refused; the receipt (another stream) goes out
    assert notifier.keys() == ["ESC-2026-0001/receipt"]
    clock.advance(seconds=119)
    assert outbox.deliver_due() == 0
    clock.advance(seconds=2)
    assert outbox.deliver_due() == 2
    assert notifier.keys()[-2:] == ["ESC-2026-0001/post", "ESC-2026-0001/delivered"]


def test_backoff_grows_exponentially_and_is_capped(store, clock) -> None:
    outbox = Outbox(store, FakeNotifier(), clock=clock, backoff_base=2, backoff_max=60)
    assert [outbox.backoff_delay(n, None) for n in (1, 2, 3, 4, 10)] == [2, 4, 8, 16, 60]
    assert outbox.backoff_delay(3, 7.5) == 7.5


def test_a_timeout_after_the_platform_got_the_message_is_not_a_duplicate(store, clock) -> None:
    make_service(store, clock).submit(make_report())
    notifier = FakeNotifier()
    notifier.fail_next(2, after_send=True)  # sent, but the response was lost
    _drain(Outbox(store, notifier, clock=clock), clock)
    assert sorted(notifier.keys()) == [
        "ESC-2026-0001/delivered",
        "ESC-2026-0001/post",
        "ESC-2026-0001/receipt",
    ]
    assert notifier.lookups == 2


def test_updates_wait_for_the_destination_post(store, clock) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report())
    notifier = FakeNotifier()
    outbox = Outbox(store, notifier, clock=clock)
    notifier.fail_next(1)  # the post fails once
    service.claim(esc.ref, DSL)
    outbox.deliver_due()
    assert "destination_update" not in [s.kind for s in notifier.sent()]
    _drain(outbox, clock)
    kinds = [s.kind for s in notifier.sent() if s.kind.startswith("destination")]
    assert kinds == ["destination_post", "destination_update"]


def test_rows_are_never_dropped_after_many_failures(store, clock) -> None:
    make_service(store, clock).submit(make_report())
    notifier = FakeNotifier()
    outbox = Outbox(store, notifier, clock=clock)
    notifier.fail_next(40)
    for _ in range(20):
        outbox.deliver_due()
        clock.advance(hours=1)
    _drain(outbox, clock)
    with store.engine.connect() as conn:
        rows = conn.execute(select(tables.outbox.c.status, tables.outbox.c.attempts)).all()
    assert [status for status, _ in rows] == ["done", "done", "done"]
    assert sum(attempts for _, attempts in rows) == 43


def test_a_notifier_bug_keeps_the_row_pending(store, clock) -> None:
    make_service(store, clock).submit(make_report())

    class Broken(FakeNotifier):
        def deliver(self, item, escalation):
            raise KeyError("bug")

    outbox = Outbox(store, Broken(), clock=clock)
    assert outbox.deliver_due() == 0
    assert outbox.pending() == 2


def test_two_threads_drain_the_outbox_each_item_once(store, clock) -> None:
    service = make_service(store, clock)
    for _ in range(25):
        service.submit(make_report())
    notifier = FakeNotifier()
    workers = [Outbox(store, notifier, worker_id=f"w{i}", clock=clock) for i in range(2)]
    threads = [threading.Thread(target=w.deliver_due, args=(100,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = Counter(notifier.keys())
    assert len(counts) == 75 and set(counts.values()) == {1}


def test_run_forever_delivers_pending_rows_at_start_and_stops(store, clock) -> None:
    make_service(store, clock).submit(make_report())
    notifier = FakeNotifier()
    outbox = Outbox(store, notifier, clock=clock)
    ticks: list[int] = []
    stop = threading.Event()

    def tick() -> None:
        ticks.append(1)
        if outbox.pending() == 0:
            stop.set()

    thread = threading.Thread(target=outbox.run_forever, args=(stop, 0.01, tick))
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert len(notifier.keys()) == 3 and ticks


def test_no_question_or_detail_text_in_logs_at_debug(store, clock, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy").setLevel(logging.DEBUG)
    try:
        service = make_service(store, clock)
        notifier = FakeNotifier()
        outbox = Outbox(store, notifier, clock=clock)
        esc = service.submit(make_report(immediate_risk="yes"))
        notifier.fail_next(1, status=500)
        outbox.deliver_due()
        service.claim(esc.ref, DSL)
        service.resolve(esc.ref, DSL, note="Spoke to Zebedee's aunt")
        service.record_logged(esc.ref, DSL, "CPOMS 77")
        _drain(outbox, clock)
    finally:
        logging.getLogger("sqlalchemy").setLevel(logging.NOTSET)
    text = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert esc.ref in text  # the logs did capture the flow
    for secret in (SECRET_DETAILS, SECRET_QUESTION, "Zebedee", "Xylophone", "bruises"):
        assert secret not in text


def test_kick_wakes_the_loop_before_its_interval(store, clock) -> None:
    notifier = FakeNotifier()
    outbox = Outbox(store, notifier, clock=clock)
    stop = outbox.start_thread(interval=3600)
    try:
        make_service(store, clock).submit(make_report())
        for _ in range(500):  # bounded: the loop sleeps an hour unless kicked
            outbox.kick()
            if len(notifier.keys()) == 3:
                break
            threading.Event().wait(0.01)
        assert len(notifier.keys()) == 3
    finally:
        stop.set()
        outbox.kick()
