"""Passage audit over real school documents: defect shares by producer, titles, review dates.

    .venv/bin/python -m benchmarks.passage_audit [../shared/real-corpus] [--json FILE]
        [--examples N]

Runs the indexer's own loaders and segmenter (``indexer.audit``) and compares titles and
review dates with a hand-checked table (benchmarks/data/real-corpus-expected.json, written
from page 1 of each file before any parser change). Figures are in docs/parsing.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from indexer.audit import audit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "real-corpus"
EXPECTED = Path(__file__).resolve().parent / "data" / "real-corpus-expected.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--expected", type=Path, default=EXPECTED)
    parser.add_argument("--json", type=Path, help="also write the summary here")
    parser.add_argument(
        "--examples",
        type=int,
        default=0,
        help="print up to N defective passages of each kind per document",
    )
    args = parser.parse_args(argv)
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    expected = json.loads(args.expected.read_text())["files"] if args.expected.exists() else None
    report = audit([args.corpus], expected, examples=args.examples)
    print(report.format())
    for document in report.documents:
        if expected and document.source in expected:
            want = expected[document.source]
            mark = "ok" if document.title and _right(document.title, want["title"]) else "WRONG"
            print(
                f"title {mark:5} {document.source}: {document.title!r}"
                f" | review {document.review_date!r} (printed: {want['review']})"
            )
        if document.failed:
            print(f"failed {document.source}: {document.failed}")
        for kind, lines in document.examples.items():
            for line in lines:
                print(f"  {kind:18} {document.source.split('/')[-1][:30]:30} {line}")
    if args.json:
        args.json.write_text(json.dumps(report.summary(), indent=2) + "\n")
    return 0


def _right(title: str, accepted: list[str]) -> bool:
    from indexer.audit import normal_title

    return normal_title(title) in {normal_title(t) for t in accepted}


if __name__ == "__main__":
    sys.exit(main())
