"""The Slack request path under load: signed ``/policy`` slash commands against
``policybot serve``, started as the Procfile starts it, with a fake Slack Web API.

    .venv/bin/python -m benchmarks.slack_load
    .venv/bin/python -m benchmarks.slack_load --concurrency 1,5,20 --requests 200 --seconds 30

Everything runs on 127.0.0.1: the fake Slack Web API (tests/fakes/slack_api.py, which also
receives each answer at its ``response_url``), and ``policybot serve --port N --host
127.0.0.1`` as a subprocess with SLACK_API_URL pointing at the fake, a signing secret, a bot
token and a temporary data folder (the index is built there from corpus/ before the clock
starts). At each concurrency level, that many clients send signed requests back to back
(``--requests`` in all, or until ``--seconds`` pass) and it records:

* ack latency (request sent -> HTTP response from policybot), p50/p99, and acks over 3 s
  (Slack shows the user an error after 3 s);
* answer latency (request sent -> the answer POSTed to response_url), p50/p95;
* errors: non-200 acks, failed requests, answers that never came (10 s), and answers that
  were the "something went wrong" message.

Targets at 20 concurrent: 0 acks over 3 s, ack p99 < 100 ms, answer p95 < 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.measure import machine, ms_summary, report, rss_mb
from bot import messages
from tests.fakes.slack_api import Call, FakeSlackAPI
from tests.fakes.slack_signing import command_body, sign

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"
QUESTIONS_FILE = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"
FALLBACK_QUESTIONS = [
    "Can I be friends with a pupil on Facebook?",
    "can I follow an ex-pupil on Instagram?",
    "Can I post photos of the school trip?",
    "What do I do if a pupil tells me something worrying?",
]
ANSWER_TIMEOUT = 10.0


class TimedFakeSlack(FakeSlackAPI):
    """The fake Slack Web API, noting when (time.monotonic, shared by every process on the
    machine) each response_url answer arrived, and whether it was the 'went wrong' one."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[str, tuple[float, bool]] = {}

    def record(self, call: Call) -> None:
        if call.method == "response_url" and call.path_id:
            wrong = messages.SOMETHING_WENT_WRONG[:40] in call.text()
            self.arrived[call.path_id] = (time.monotonic(), wrong)
        super().record(call)


def _fake_process(conn: Any) -> None:
    """Serve the fake in its own process (so its threads don't slow the load generator);
    answer each message from the parent with the arrivals so far; stop on None."""
    with TimedFakeSlack() as fake:
        conn.send((fake.url, fake.base))
        while conn.recv() is not None:
            conn.send(dict(fake.arrived))


class FakeSlackProcess:
    def __init__(self) -> None:
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_fake_process, args=(child,), daemon=True)
        self.process.start()
        self.url, self.base = self.conn.recv()

    def response_url(self, path_id: str) -> str:
        return f"{self.base}/response/{path_id}"

    def arrived(self) -> dict[str, tuple[float, bool]]:
        self.conn.send("arrived")
        return self.conn.recv()

    def stop(self) -> None:
        self.conn.send(None)
        self.process.join(timeout=10)


def questions() -> list[str]:
    if not QUESTIONS_FILE.exists():
        return FALLBACK_QUESTIONS
    lines = QUESTIONS_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    fake: FakeSlackProcess, data_dir: Path, port: int, profile: Path | None = None
) -> subprocess.Popen[bytes]:
    """``policybot serve`` as the Procfile runs it (plus --host 127.0.0.1: loopback only);
    with ``profile``, under cProfile (event-loop thread), stats written when it stops."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("POLICYBOT_", "SLACK_", "MICROSOFT_", "TEAMS_", "DATABASE_URL"))
    }
    env.update(
        PORT=str(port),
        POLICYBOT_DATA_DIR=str(data_dir),
        LOG_LEVEL="WARNING",
        POLICYBOT_CORPUS=str(ROOT / "corpus"),
        SLACK_API_URL=fake.url,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_BOT_TOKEN="xoxb-bench",
    )
    cmd = [
        str(ROOT / ".venv" / "bin" / "policybot"),
        "serve",
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
    ]
    if profile:
        code = (
            f"import cProfile, sys; sys.argv = {cmd!r}; from bot.cli.main import main; "
            f"cProfile.run('main()', {str(profile)!r})"
        )
        cmd = [sys.executable, "-c", code]
    server = subprocess.Popen(
        cmd,
        env=env,
        cwd=data_dir,
        stdout=subprocess.DEVNULL,
        stderr=open(data_dir / "serve.log", "wb"),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"policybot serve exited; see {data_dir / 'serve.log'}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as reply:
                if reply.status == 200:
                    return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("policybot serve did not answer /healthz within 120 s")


async def one_request(
    session: aiohttp.ClientSession, url: str, fake: FakeSlackProcess, question: str, path_id: str
) -> dict[str, Any]:
    body = command_body(question, fake.response_url(path_id))
    headers = {**sign(body, SECRET), "Content-Type": "application/x-www-form-urlencoded"}
    started = time.monotonic()
    try:
        async with session.post(url, data=body.encode(), headers=headers) as reply:
            await reply.read()
            status = reply.status
    except aiohttp.ClientError:
        return {"started": started, "ack": None, "status": 0}
    return {"started": started, "ack": time.monotonic() - started, "status": status}


async def run_level(
    url: str, fake: FakeSlackProcess, concurrency: int, total: int, seconds: float, asked: list[str]
) -> dict[str, Any]:
    sent: dict[str, dict[str, Any]] = {}
    counter = iter(range(total))
    deadline = time.monotonic() + seconds

    async def client(session: aiohttp.ClientSession) -> None:
        for i in counter:
            if time.monotonic() > deadline:
                return
            path_id = f"c{concurrency}-{i}"
            sent[path_id] = await one_request(session, url, fake, asked[i % len(asked)], path_id)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
    return summarise(concurrency, sent, await asyncio.to_thread(_wait_for_answers, fake, sent))


def _wait_for_answers(fake: FakeSlackProcess, sent: dict[str, Any]) -> dict[str, Any]:
    deadline = time.monotonic() + ANSWER_TIMEOUT
    while True:
        arrived = fake.arrived()
        if time.monotonic() > deadline or all(p in arrived for p in sent):
            return arrived
        time.sleep(0.05)


def summarise(
    concurrency: int, sent: dict[str, dict[str, Any]], arrived: dict[str, tuple[float, bool]]
) -> dict[str, Any]:
    acks = [r["ack"] for r in sent.values() if r["ack"] is not None]
    answers, missing, wrong = [], 0, 0
    for path_id, request in sent.items():
        if path_id not in arrived:
            missing += 1
            continue
        when, went_wrong = arrived[path_id]
        answers.append(when - request["started"])
        wrong += went_wrong
    failed = sum(r["status"] != 200 for r in sent.values())
    return {
        "concurrency": concurrency,
        "requests": len(sent),
        "ack_ms": ms_summary(acks),
        "answer_ms": ms_summary(answers),
        "acks_over_3s": sum(a > 3.0 for a in acks),
        "errors": {"ack_not_200": failed, "no_answer": missing, "went_wrong": wrong},
    }


async def run_all(
    url: str, fake: FakeSlackProcess, levels: list[int], total: int, seconds: float
) -> list[dict[str, Any]]:
    asked = questions()
    await run_level(url, fake, 2, 10, seconds, asked)  # warm-up, not reported
    return [await run_level(url, fake, c, total, seconds, asked) for c in levels]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", default="1,5,20")
    parser.add_argument("--requests", type=int, default=200, help="Requests per level (max).")
    parser.add_argument("--seconds", type=float, default=30.0, help="Time per level (max).")
    parser.add_argument("--profile", type=Path, help="Run the server under cProfile, stats here.")
    parser.add_argument("--json", type=Path, help="Also write the summary here.")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",") if c]
    fake = FakeSlackProcess()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = start_server(fake, Path(tmp), port, args.profile)
        try:
            url = f"http://127.0.0.1:{port}/slack/events"
            levels_out = asyncio.run(run_all(url, fake, levels, args.requests, args.seconds))
            server_rss = rss_mb(server.pid)
        finally:
            server.send_signal(signal.SIGINT if args.profile else signal.SIGTERM)
            server.wait(timeout=30)
            fake.stop()
    results = {"machine": machine(), "server_rss_mb": server_rss, "levels": levels_out}
    report(results, args.json)


if __name__ == "__main__":
    main()
