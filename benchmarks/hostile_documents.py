"""Hostile documents and killed builds: what they cost now (docs/reliability.md).

1. Peak RSS per hostile document: each is indexed (beside one good policy) by a fresh
   ``python`` process; the figure is the largest parse worker's peak RSS (``RUSAGE_CHILDREN``
   once the build has joined them) and the build process's own, with the line the build gave.
2. Time per MB for each loader (CPU seconds, median of ``--runs``): text (wrapped prose with
   no blank line, and numbered lines), Markdown, PDF and Word at growing sizes, fixed seed.
3. Processes left after ``--builds`` killed builds (SIGKILL while one parser hangs and one
   is idle): the parse workers still alive afterwards.

    .venv/bin/python -m benchmarks.hostile_documents [--only rss,loaders,kills] [--json F]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.measure import machine, report
from tests.builders import make_docx, make_pdf
from tests.hardening.hostile_docs import YAML_BOMB, docx_bomb, many_clauses, write_corpus
from tests.hardening.test_linear_loaders import SEED, _numbered, _prose
from tests.hardening.test_parser_processes import alive, kill_one_build, wait_for

ROOT = Path(__file__).resolve().parents[1]
GOOD = "Phones policy\n\n1. Staff must not photograph pupils on a personal phone.\n"
_ONE_BUILD = """
import json, resource, sys
from pathlib import Path
from indexer.build import build_index
report = build_index([Path(sys.argv[1])], Path(sys.argv[2]))
print(json.dumps({"lines": report.failed + report.warnings, "passages": report.passages,
    "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "build_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def hostile_files() -> dict[str, str | bytes]:
    rng = random.Random(SEED)
    return {
        "yaml-alias-bomb.md": YAML_BOMB,
        "docx-zip-bomb.docx": docx_bomb(),
        "10050-clauses.txt": many_clauses(10_050),
        "9mb-one-paragraph.txt": "\n".join(_prose(rng, 9_000_000)),
        "9mb-numbered-lines.txt": "\n".join(_numbered(rng, 9_000_000)),
    }


def peak_rss(work: Path) -> list[dict[str, Any]]:
    rows = []
    for name, content in {"good.txt (baseline)": GOOD, **hostile_files()}.items():
        folder = work / name.split()[0].replace(".", "-")
        school = write_corpus(folder, {"good.txt": GOOD, name.split()[0]: content})
        done = subprocess.run(
            [sys.executable, "-c", _ONE_BUILD, str(school.parent), str(folder / "index")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
        result = json.loads(done.stdout)
        size = len(content.encode() if isinstance(content, str) else content)
        line = next((x for x in result["lines"] if name.split()[0] in x), "indexed")
        rows.append(
            {
                "document": name,
                "bytes_on_disk": size,
                "outcome": line,
                "worker_peak_mb": round(result["worker_peak_mb"], 1),
                "build_peak_mb": round(result["build_peak_mb"], 1),
            }
        )
    return rows


def _cpu(load: Any, path: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.process_time()
        load(path)
        times.append(time.process_time() - started)
    return statistics.median(times)


def loader_speed(work: Path, runs: int) -> list[dict[str, Any]]:
    from indexer.loaders import docx, markdown, pdf, text

    rows = []
    for shape in (_prose, _numbered):
        for mb in (1, 2, 4, 8):
            path = work / f"{shape.__name__[1:]}-{mb}.txt"
            path.write_text("\n".join(shape(random.Random(SEED), mb * 1_000_000)))
            rows.append(_row(f"text ({shape.__name__[1:]})", path, _cpu(text.load, path, runs)))
    for mb in (1, 2, 4):
        lines = _numbered(random.Random(SEED), mb * 1_000_000)
        body = "\n\n".join(
            f"## Section {i}\n\n{line}" if i % 50 == 0 else line for i, line in enumerate(lines)
        )
        path = work / f"markdown-{mb}.md"
        path.write_text("# Behaviour policy\n\n" + body)
        rows.append(_row("markdown", path, _cpu(markdown.load, path, runs)))
    for pages in (50, 100, 200):
        lines = _numbered(random.Random(SEED), pages * 2_500)
        path = make_pdf(
            work / f"pdf-{pages}.pdf", [lines[i : i + 30] for i in range(0, len(lines), 30)][:pages]
        )
        rows.append(_row("pdf", path, _cpu(pdf.load, path, runs)))
    for paragraphs in (1_000, 2_000, 4_000):
        lines = _numbered(random.Random(SEED), paragraphs * 80)[:paragraphs]
        path = make_docx(work / f"docx-{paragraphs}.docx", [("paragraph", x) for x in lines])
        rows.append(_row("docx", path, _cpu(docx.load, path, runs)))
    return rows


def _row(loader: str, path: Path, seconds: float) -> dict[str, Any]:
    mb = path.stat().st_size / 1_000_000
    return {
        "loader": loader,
        "file_mb": round(mb, 2),
        "cpu_seconds": round(seconds, 3),
        "seconds_per_mb": round(seconds / mb, 3),
    }


def killed_builds(work: Path, builds: int) -> dict[str, int]:
    parsers: set[int] = set()
    for i in range(builds):
        parsers |= kill_one_build(work / f"killed-{i}")
    wait_for(lambda: not any(alive(pid) for pid in parsers), seconds=30)
    left = {pid for pid in parsers if alive(pid)}
    return {"builds_killed": builds, "parse_workers_seen": len(parsers), "left_alive": len(left)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="rss,loaders,kills")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--builds", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="policybot-hostile-") as tmp:
        work = Path(tmp)
        if "rss" in args.only:
            results["peak_rss"] = peak_rss(work / "rss")
        if "loaders" in args.only:
            (work / "loaders").mkdir()
            results["loaders"] = loader_speed(work / "loaders", args.runs)
        if "kills" in args.only:
            results["killed_builds"] = killed_builds(work / "kills", args.builds)
    report(results, args.json)


if __name__ == "__main__":
    main()
