"""Small measuring helpers shared by the benchmarks: percentiles, RSS, child processes.

Peak RSS is always that of a separate process (its own ``VmHWM``, or ``wait4``'s rusage for
a subprocess), so one measurement never contaminates another.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def ms_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean/max of durations given in seconds, in milliseconds."""
    if not seconds:
        return {"n": 0}
    ms = np.asarray(seconds) * 1000.0
    return {
        "n": len(ms),
        "p50": _r(np.percentile(ms, 50)),
        "p95": _r(np.percentile(ms, 95)),
        "p99": _r(np.percentile(ms, 99)),
        "mean": _r(ms.mean()),
        "max": _r(ms.max()),
    }


def _r(value: float) -> float:
    return round(float(value), 4 if value < 1 else 2)


def rss_mb(pid: int | str = "self") -> dict[str, float]:
    """Current (VmRSS) and peak (VmHWM) resident set size of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": fields.get("VmRSS", 0.0), "peak_rss_mb": fields.get("VmHWM", 0.0)}


def run_measured(
    cmd: Sequence[str],
    env: dict[str, str] | None = None,
    stdin: bytes = b"",
    cwd: str | None = None,
) -> dict[str, object]:
    """Run a command to completion: wall seconds, its own peak RSS in MB (wait4's rusage),
    exit status, stdout and stderr."""
    with (
        tempfile.TemporaryFile() as fin,
        tempfile.TemporaryFile() as fout,
        tempfile.TemporaryFile() as ferr,
    ):
        fin.write(stdin)
        fin.seek(0)
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=fin, stdout=fout, stderr=ferr)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        fout.seek(0)
        ferr.seek(0)
        peak = round(usage.ru_maxrss / 1024, 1)
        return {
            "seconds": seconds,
            "peak_rss_mb": peak,
            "status": proc.returncode,
            "stdout": fout.read().decode(errors="replace"),
            "stderr": ferr.read().decode(errors="replace"),
        }


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }


def median_of(runs: list[dict[str, float]], key: str) -> float:
    return float(np.median([run[key] for run in runs]))


def report(results: dict[str, Any] | list[Any], json_path: Path | None) -> None:
    """Print a benchmark's summary as JSON, and also write it to ``json_path`` if given."""
    text = json.dumps(results, indent=1)
    print(text)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(text)
