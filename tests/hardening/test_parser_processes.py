"""Parsers die with their build: a build killed by SIGKILL while one parser is busy (a file
that hangs) and another is idle (waiting for the next file) leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POLICY = "Phones policy\n\n1. Staff must not photograph pupils on a personal phone.\n"


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running, sleeping or stopped; a zombie (dead, waiting to be reaped) is not alive."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_for(condition, seconds: float = 60.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def kill_one_build(tmp: Path) -> set[int]:
    """Start a build, wait until one parser hangs and the other is idle, SIGKILL the build;
    the parser processes it had."""
    corpus, marks = tmp / "corpus" / "school", tmp / "marks"
    corpus.mkdir(parents=True, exist_ok=True)
    marks.mkdir(exist_ok=True)
    (corpus / "a-hang.txt").write_text(POLICY.replace("Phones", "Cameras"))
    (corpus / "b-quick.txt").write_text(POLICY)
    (corpus / "c-quick.txt").write_text(POLICY.replace("Phones", "Tablets"))
    build = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests/hardening/build_child.py"),
            str(corpus.parent),
            str(tmp / "index"),
            str(marks),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        started = lambda: {p.name for p in marks.iterdir()} >= {"a-hang.txt", "c-quick.txt"}  # noqa: E731
        assert wait_for(started), "the build never started its parsers"
        parsers = children_of(build.pid)
        assert wait_for(lambda: len(parsers) >= 1)
    finally:
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
    return parsers


def test_a_killed_build_leaves_no_parser_behind(tmp_path: Path) -> None:
    survivors: set[int] = set()
    for i in range(3):
        parsers = kill_one_build(tmp_path / f"build-{i}")
        assert parsers
        wait_for(lambda p=parsers: not any(alive(pid) for pid in p), seconds=10)  # type: ignore[misc]
        survivors |= {pid for pid in parsers if alive(pid)}
    for pid in survivors:  # clean up after a failure
        os.kill(pid, signal.SIGKILL)
    assert survivors == set()
