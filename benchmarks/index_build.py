"""Index build time and peak RSS (issue 2's benchmark).

    .venv/bin/python -m benchmarks.index_build                 # everything, 3 runs each
    .venv/bin/python -m benchmarks.index_build --only bundled,incremental --runs 5

Cases, each build in a fresh child process (its own peak RSS, VmHWM) into a new folder:

* ``bundled``      the bundled corpus/ (five policies)
* ``text-100k``    1,000 synthetic text documents of 100 numbered clauses (100,000 clauses)
* ``pdf-300``      300 synthetic PDFs of 10 pages (3,000 pages; running header, page footer)
* ``incremental``  after the 100k build, one document changed, the index rebuilt in place
                   (unchanged files are taken from the old index, not parsed again)
* ``embed-5k``     one synthetic school of 5,000 clauses with embeddings, cold, then again
                   after one clause was edited (only that clause is embedded)
* ``embed-real``   ../shared/real-corpus/decoy-primary (18 real PDFs/.docx), with
                   embeddings, cold (skipped when that folder is absent)

Targets (issue 2): 100k clauses <= 15 s and <= 600 MB peak; one changed document <= 2 s.
Prints one JSON summary: median seconds and peak RSS over ``--runs`` runs, and each run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import shutil
import statistics
import textwrap
from pathlib import Path
from typing import Any

from benchmarks import synthetic
from benchmarks.measure import machine, report, rss_mb

CASES = ("bundled", "text-100k", "pdf-300", "incremental", "embed-5k", "embed-real")
REAL_SCHOOL = Path(__file__).resolve().parents[2] / "shared" / "real-corpus" / "decoy-primary"
PDF_DOCUMENTS, PDF_PAGES, PDF_LINES, PDF_WIDTH = 300, 10, 38, 85


def _build_child(roots: list[str], out: str, conn: Any, embed: bool) -> None:
    from indexer.build import build_index

    load = os.getloadavg()[0]
    report = build_index([Path(r) for r in roots], Path(out), encoder=embed)
    own, parsers = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    conn.send(
        {
            # CPU of the build and its parse workers: what the build costs on a shared machine
            "cpu_seconds": round(sum(u.ru_utime + u.ru_stime for u in (own, parsers)), 1),
            "load_before": round(load, 2),
            "seconds": round(report.seconds, 3),
            "passages": report.passages,
            "documents": report.documents,
            "parsed": report.parsed,
            "reused": report.reused,
            "warnings": len(report.warnings),
            "failed": len(report.failed),
            "peak_rss_mb": rss_mb()["peak_rss_mb"],
            "embedded": report.embedded,
        }
    )


def build_once(
    roots: list[Path], out: Path, fresh: bool = True, embed: bool = False
) -> dict[str, Any]:
    """build_index in a fresh process; ``fresh`` removes any previous index first; ``embed``:
    with passage embeddings (the installed model), else BM25 alone."""
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    ctx = mp.get_context("spawn")
    conn, child = ctx.Pipe()
    process = ctx.Process(
        target=_build_child, args=([str(r) for r in roots], str(out), child, embed)
    )
    process.start()
    result = conn.recv()
    process.join()
    return result


def write_pdfs(root: Path) -> Path:
    """300 ten-page PDFs of numbered clauses (reused when already written)."""
    from tests.builders import make_pdf

    marker = root / "_pdfs.json"
    if marker.exists():
        return root
    sampler = synthetic.Sampler(seed=5)
    for doc in range(PDF_DOCUMENTS):
        folder = root / f"school-{doc // synthetic.DOCUMENTS_PER_SCHOOL + 1:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        text = synthetic.document_text(sampler, doc + 1, clauses=PDF_PAGES * 9)
        lines = [
            line
            for paragraph in text.split("\n")
            for line in (textwrap.wrap(paragraph, PDF_WIDTH) or [""])
        ]
        pages = [lines[i : i + PDF_LINES] for i in range(0, len(lines), PDF_LINES)]
        make_pdf(
            folder / f"policy-{doc + 1:04d}.pdf",
            pages,
            header=f"Synthetic Policy {doc + 1:04d}",
            footer="Page {page} of {pages}",
        )
    marker.write_text(json.dumps({"documents": PDF_DOCUMENTS}))
    return root


def change_one_document(root: Path, run: int) -> Path:
    """Rewrite one clause of the first document (a different edit every run)."""
    path = sorted(root.glob("school-0001/policy-*.txt"))[0]
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("1.1 "))
    lines[at] = f"1.1 Staff must record edit number {run} of this clause in the log."
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "median_seconds": round(statistics.median(r["seconds"] for r in runs), 3),
        "median_peak_rss_mb": round(statistics.median(r["peak_rss_mb"] for r in runs), 1),
        "passages": runs[0]["passages"],
        "documents": runs[0]["documents"],
        "runs": runs,
    }


def run(cases: list[str], runs: int, work: Path) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": machine()}
    text_root = synthetic.write_corpus(work / "corpus-100000", 100_000).root
    text_index = work / "build-text-100k"
    if "bundled" in cases:
        bundled = Path(__file__).resolve().parent.parent / "corpus"
        results["bundled"] = _summary(
            [build_once([bundled], work / "build-bundled") for _ in range(runs)]
        )
    if "text-100k" in cases:
        results["text-100k"] = _summary([build_once([text_root], text_index) for _ in range(runs)])
    if "pdf-300" in cases:
        pdf_root = write_pdfs(work / "corpus-pdf-300")
        results["pdf-300"] = _summary(
            [build_once([pdf_root], work / "build-pdf-300") for _ in range(runs)]
        )
    if "incremental" in cases:
        if not (text_index / "params.json").exists():
            build_once([text_root], text_index)
        incremental = []
        for i in range(runs):
            change_one_document(text_root, i)
            incremental.append(build_once([text_root], text_index, fresh=False))
        results["incremental"] = _summary(incremental)
    if "embed-5k" in cases:  # one school's 5,000 clauses with embeddings, then one edit
        school_root = synthetic.write_corpus(work / "corpus-5000", 5_000).root
        embed_index = work / "build-embed-5k"
        results["embed-5k"] = _summary([build_once([school_root], embed_index, embed=True)])
        change_one_document(school_root, 0)
        results["embed-5k-one-edit"] = _summary(
            [build_once([school_root], embed_index, fresh=False, embed=True)]
        )
    if "embed-real" in cases and REAL_SCHOOL.is_dir():  # one real school's PDFs and .docx
        results["embed-real"] = _summary(
            [build_once([REAL_SCHOOL], work / "build-embed-real", embed=True)]
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(CASES), help=f"Cases: {', '.join(CASES)}.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/policybot-bench"))
    parser.add_argument("--json", type=Path, help="Also write the summary here.")
    args = parser.parse_args()
    results = run([c for c in args.only.split(",") if c], args.runs, args.work)
    report(results, args.json)


if __name__ == "__main__":
    main()
