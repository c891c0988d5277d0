"""Soak: mixed questions and escalations against ``policybot serve`` while Slack's API fails.

    .venv/bin/python -m benchmarks.soak                       # 2 minutes, 1 worker
    .venv/bin/python -m benchmarks.soak --minutes 10 --workers 2 --max-requests 20000 --json

Everything is on 127.0.0.1 and bounded (``--minutes`` and ``--max-requests``). It starts the
fake Slack Web API (tests/fakes/slack_api.py) and ``--workers`` ``policybot serve``
processes sharing one SQLite database (each with its own outbox worker; with ``--skew S``
worker i's own clock is i*S seconds ahead, as a badly synchronised server's would be), then
``--clients``
threads send signed requests: questions as /policy, @mentions and DMs, and "Raise with DSL"
submissions, each with a unique marker in its details. Meanwhile a fault thread makes
random Slack API calls fail: HTTP 500, 429 with Retry-After, and timeouts (an answer slower
than the client's 10 s, sometimes after the message went out). At the end the load stops,
the outboxes drain, and it reports:

* requests sent / acknowledged (HTTP 200), answers delivered;
* escalations submitted (reporter got a reference), stored, delivered to the DSL channel,
  lost (submitted but never delivered) and duplicated (delivered more than once), and the
  same for the reporters' receipts; falsely acknowledged (the reporter was told "Delivered"
  before the DSL's post went out, or without it);
* faults injected by kind; RSS of each serve process at start and end (memory growth).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.escalation.form import form_meta  # noqa: E402
from bot.slack import escalation_blocks as eb  # noqa: E402
from indexer.build import build_index  # noqa: E402
from tests.fakes.slack_api import FakeSlackAPI  # noqa: E402
from tests.fakes.slack_signing import (  # noqa: E402
    SIGNING_SECRET,
    action_body,
    command_body,
    event_body,
    sign,
)

DSL_CHANNEL = "GSOAK"
QUESTIONS = [
    "can I follow an ex-pupil on Instagram?",
    "can I post photos of pupils on my personal account?",
    "is it ok to use my own phone to message parents?",
    "a pupil sent me a friend request, what do I do?",
    "what is the policy on staff using TikTok?",
    "can I accept a parent's friend request on Facebook?",
]
FAULTED = ("chat.postMessage", "conversations.open", "chat.update", "conversations.history")
SERVE_CHILD = ROOT / "tests" / "fakes" / "serve_child.py"
LEASE = 60.0  # seconds: the outbox's default
REF = re.compile(r"ESC-\d{4}-\d{4,}")


def run_soak(
    minutes: float = 2.0,
    max_requests: int = 5000,
    workers: int = 1,
    clients: int = 4,
    fault_every: float = 0.5,
    seed: int = 1,
    skew: float = 0.0,
) -> dict[str, Any]:
    """Run the soak and return its figures (see the module docstring)."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="policybot-soak-") as tmp, FakeSlackAPI() as fake:
        data = Path(tmp)
        index = data / "index"
        build_index([ROOT / "corpus"], index)
        db = f"sqlite:///{data / 'policybot.db'}"
        procs = [serve_worker(fake, index, db, data, i * skew) for i in range(workers)]
        try:
            urls = [wait_healthy(proc, port) for proc, port in procs]
            rss_start = [_rss(proc.pid) for proc, _ in procs]
            load = _Load(urls, fake, rng)
            faults = _Faults(fake, rng, fault_every)
            faults.start()
            deadline = time.monotonic() + minutes * 60
            with ThreadPoolExecutor(clients) as pool:
                for _ in range(clients):
                    pool.submit(load.run, deadline, max_requests)
            faults.stop()
            drained = drain(db, timeout=120)
            rss_end = [_rss(proc.pid) for proc, _ in procs]
        finally:
            for proc, _ in procs:
                proc.terminate()
                proc.wait(timeout=20)
        figures = _report(load, faults, fake, db, drained, rss_start, rss_end, minutes, workers)
        return {**figures, "clock_skew_seconds": [i * skew for i in range(workers)]}


class _Load:
    def __init__(self, urls: list[str], fake: FakeSlackAPI, rng: random.Random) -> None:
        self.urls, self.fake, self.rng = urls, fake, rng
        self.lock = threading.Lock()
        self.sent = 0
        self.acked = 0
        self.questions = 0
        self.submitted: list[str] = []  # references the reporters were given
        self.refused = 0  # submissions answered "go to the DSL in person"

    def run(self, deadline: float, max_requests: int) -> None:
        while time.monotonic() < deadline:
            with self.lock:
                if self.sent >= max_requests:
                    return
                self.sent += 1
                n, kind = self.sent, self.rng.random()
            try:
                self._one(n, kind)
            except requests.RequestException:
                pass

    def _one(self, n: int, kind: float) -> None:
        url = self.urls[n % len(self.urls)] + "/slack/events"
        question = self.rng.choice(QUESTIONS)
        if kind < 0.3:
            self._submit(url, n, question)
            return
        if kind < 0.6:
            body, ctype = command_body(question, self.fake.response_url(f"q{n}")), "form"
        elif kind < 0.8:
            event = {
                "type": "app_mention",
                "user": f"U{n}",
                "ts": f"{n}.1",
                "channel": "C100",
                "text": f"<@UBOT> {question}",
            }
            body, ctype = event_body(event, f"EvSoak{n}"), "json"
        else:
            event = {
                "type": "message",
                "channel_type": "im",
                "channel": f"D{n}",
                "user": f"U{n}",
                "ts": f"{n}.2",
                "text": question,
            }
            body, ctype = event_body(event, f"EvSoak{n}"), "json"
        if _post(url, body, ctype).status_code == 200:
            with self.lock:
                self.acked += 1
                self.questions += 1

    def _submit(self, url: str, n: int, question: str) -> None:
        meta = form_meta(question, None, "kite-college", "the DSL")
        view = {**eb.raise_modal(meta, None, "the DSL"), "id": f"V{n}"}
        state = {
            "details": {"details": {"type": "plain_text_input", "value": f"soak marker {n}"}},
            "risk": {"risk": {"selected_option": {"value": self.rng.choice(["no", "unsure"])}}},
            "about": {"about": {"selected_option": {"value": "no"}}},
            "told": {"told": {"selected_option": {"value": "no"}}},
        }
        payload = {
            "type": "view_submission",
            "user": {"id": f"UREP{n}"},
            "view": {**view, "state": {"values": state}},
        }
        response = _post(url, action_body(payload), "form")
        if response.status_code != 200:
            return
        refs = REF.findall(response.text)
        with self.lock:
            self.acked += 1
            if refs:
                self.submitted.append(refs[0])
            else:
                self.refused += 1


class _Faults:
    """Every ``every`` seconds, make the next call of a random Slack method fail."""

    def __init__(self, fake: FakeSlackAPI, rng: random.Random, every: float) -> None:
        self.fake, self.rng, self.every = fake, rng, every
        self.injected: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.fake._failures.clear()  # nothing left queued for the drain

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            method, roll = self.rng.choice(FAULTED), self.rng.random()
            if roll < 0.45:
                self.fake.fail_next(method, status=500)
                self.injected["500"] += 1
            elif roll < 0.9:
                self.fake.fail_next(method, status=429, retry_after=1)
                self.injected["429"] += 1
            else:  # slower than the client's 10 s timeout; half of them went out anyway
                self.fake.fail_next(method, status=self.rng.choice([200, 504]), delay=11)
                self.injected["timeout"] += 1


def _post(url: str, body: str, ctype: str) -> requests.Response:
    content_type = "application/json" if ctype == "json" else "application/x-www-form-urlencoded"
    headers = {"Content-Type": content_type, **sign(body)}
    return requests.post(url, data=body.encode(), headers=headers, timeout=15)


_ERROR_FILES: dict[int, Path] = {}  # worker pid -> its stderr file


def serve_worker(
    fake: FakeSlackAPI,
    index: Path,
    db: str,
    data: Path,
    skew: float = 0.0,
    lease: float = LEASE,
    **env_changes: str,
) -> tuple[subprocess.Popen, int]:
    """A ``policybot serve`` process whose own clock is ``skew`` seconds ahead (see
    tests/fakes/serve_child.py), with an outbox lease of ``lease`` seconds."""
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": "xoxb-soak",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.url,
        "POLICYBOT_CORPUS": str(ROOT / "corpus"),
        "POLICYBOT_INDEX": str(index),
        "DATABASE_URL": db,
        "DSL_USER_IDS": "UDSL",
        "DSL_CHANNEL_ID": DSL_CHANNEL,
        "POLICYBOT_DATA_DIR": str(data),
        "PYTHON_DOTENV_DISABLED": "1",
        "LOG_LEVEL": "WARNING",
        **env_changes,
    }
    args = [
        sys.executable,
        str(SERVE_CHILD),
        str(skew),
        str(lease),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    # its start-up errors (never question text: LOG_LEVEL=WARNING) kept to say why it stopped
    error_file = data / f"serve-{port}.err"
    with error_file.open("wb") as errors:
        proc = subprocess.Popen(args, env=env, cwd=data, stderr=errors)
    _ERROR_FILES[proc.pid] = error_file
    return proc, port


def _last_error(proc: subprocess.Popen) -> str:
    """The last line the worker wrote to its error file (see serve_worker)."""
    path = _ERROR_FILES.get(proc.pid)
    lines = path.read_text(errors="replace").strip().splitlines() if path else []
    return lines[-1] if lines else "(no error output)"


def wait_healthy(proc: subprocess.Popen, port: int) -> str:
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"policybot serve exited at start: {_last_error(proc)}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).ok:
                return url
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("policybot serve did not become healthy")


def drain(db: str, timeout: float) -> bool:
    """Wait until every outbox row is delivered (or skipped)."""
    engine = create_engine(db)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                pending = conn.execute(
                    text("SELECT COUNT(*) FROM outbox WHERE status NOT IN ('done', 'skipped')")
                ).scalar_one()
            if pending == 0:
                return True
            time.sleep(0.5)
        return False
    finally:
        engine.dispose()


def _report(
    load: _Load,
    faults: _Faults,
    fake: FakeSlackAPI,
    db: str,
    drained: bool,
    rss_start: list[int],
    rss_end: list[int],
    minutes: float,
    workers: int,
) -> dict[str, Any]:
    posts = Counter(
        _ref(c.shown())
        for c in fake.calls_to("chat.postMessage")
        if c.body.get("channel") == DSL_CHANNEL
    )
    receipts = Counter(
        _ref(c.shown())
        for c in fake.calls_to("chat.postMessage")
        if str(c.body.get("channel", "")).startswith("DREP")
    )
    posts.pop("", None)
    receipts.pop("", None)
    false_acks, told_delivered = _falsely_acknowledged(fake)
    engine = create_engine(db)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT COUNT(*) FROM escalations")).scalar_one()
    engine.dispose()
    submitted = set(load.submitted)
    answers = len(fake.calls_to("response_url")) + sum(
        1
        for c in fake.calls_to("chat.postMessage")
        if c.body.get("channel") != DSL_CHANNEL
        and not str(c.body.get("channel", "")).startswith("DREP")
    )
    return {
        "minutes": minutes,
        "workers": workers,
        "requests_sent": load.sent,
        "requests_acked": load.acked,
        "questions_acked": load.questions,
        "answer_messages_posted": answers,
        "escalations_submitted": len(submitted),
        "escalations_refused_go_in_person": load.refused,
        "escalations_stored": stored,
        "escalations_delivered": len(submitted & set(posts)),
        "escalations_lost": len(submitted - set(posts)),
        "escalations_duplicated": sum(1 for n in posts.values() if n > 1),
        "receipts_lost": len(submitted - set(receipts)),
        "receipts_duplicated": sum(1 for n in receipts.values() if n > 1),
        "escalations_falsely_acknowledged": false_acks,
        "reporters_told_delivered": told_delivered,
        "outbox_drained": drained,
        "faults_injected": dict(faults.injected),
        "slack_calls_failed": sum(1 for c in fake.calls if c.status != 200),
        "rss_mb_start": [round(r / 1e6, 1) for r in rss_start],
        "rss_mb_end": [round(r / 1e6, 1) for r in rss_end],
    }


def _falsely_acknowledged(fake: FakeSlackAPI) -> tuple[int, int]:
    """Escalations whose reporter was told "Delivered" before (or without) the DSL's post,
    and all whose reporter was told "Delivered"."""
    posted: dict[str, float] = {}
    for call in fake.calls_to("chat.postMessage"):
        if call.body.get("channel") == DSL_CHANNEL:
            posted.setdefault(_ref(call.shown()), call.at)
    told = [
        c
        for c in fake.calls_to("chat.postMessage") + fake.calls_to("chat.update")
        if str(c.body.get("channel", "")).startswith("DREP")
        and "Delivered" in str(c.body.get("text", ""))
    ]
    early = {_ref(c.shown()) for c in told if c.at < posted.get(_ref(c.shown()), float("inf"))}
    return len(early), len({_ref(c.shown()) for c in told})


def _ref(shown: str) -> str:
    found = REF.search(shown)
    return found.group() if found else ""


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=1, help="policybot serve processes")
    parser.add_argument("--clients", type=int, default=4, help="concurrent senders")
    parser.add_argument("--fault-every", type=float, default=0.5, help="seconds between faults")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--skew",
        type=float,
        default=0.0,
        help="seconds each further worker's clock is ahead of the one before",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = run_soak(
        args.minutes, args.max_requests, args.workers, args.clients, args.fault_every, args.seed
    )
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        print(f"{key:34} {value}")


if __name__ == "__main__":
    main()
