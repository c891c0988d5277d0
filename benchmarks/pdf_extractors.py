"""Which PDF text extractor gives the words as the reader sees them?

    .venv/bin/python -m benchmarks.pdf_extractors [../shared/real-corpus] [--json FILE]

For every PDF under the folder, each extractor's text is checked with the passage audit's
word checks (indexer.audit): split words ("scho ol", "multi -agency") and run-together words
("thispolicy"), counted per line, and the time taken. Extractors: pypdf layout mode (what the
loader used before issue 13), pypdf plain mode, pdfplumber, pypdfium2 (PDFium), and the
loader's own output (pypdf layout + dictionary rejoin). pdfplumber and pypdfium2 are optional:
install them to include them. Results in docs/parsing.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections import defaultdict
from pathlib import Path

from indexer.audit import _has_run_together, _has_split_word, producer_of

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "real-corpus"


def _pypdf(mode: str):
    def extract(path: Path) -> list[str]:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        return [page.extract_text(extraction_mode=mode) or "" for page in reader.pages]

    return extract


def _pdfplumber(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def _pypdfium2(path: Path) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def _loader(path: Path) -> list[str]:
    from indexer.loaders.pdf import pdf_lines

    return ["\n".join(text for text, _ in pdf_lines(path))]


EXTRACTORS = {
    "pypdf-layout": _pypdf("layout"),
    "pypdf-plain": _pypdf("plain"),
    "pdfplumber": _pdfplumber,
    "pypdfium2": _pypdfium2,
    "loader": _loader,
}


def measure(folder: Path) -> dict[str, dict[str, dict[str, float]]]:
    totals: dict[str, dict[str, dict[str, float]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(float))
    )
    for path in sorted(folder.rglob("*.pdf")):
        producer = producer_of(path)
        for name, extract in EXTRACTORS.items():
            started = time.perf_counter()
            try:
                pages = extract(path)
            except ImportError:
                continue
            seconds = time.perf_counter() - started
            lines = [line for page in pages for line in page.splitlines() if line.strip()]
            for group in (producer, "all"):
                row = totals[group][name]
                row["lines"] += len(lines)
                row["split"] += sum(_has_split_word(line) for line in lines)
                row["joined"] += sum(_has_run_together(line) for line in lines)
                row["seconds"] += seconds
    return {
        group: {name: dict(row) for name, row in rows.items()} for group, rows in totals.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    results = measure(args.folder)
    print(
        f"{'producer':<16}{'extractor':<14}{'lines':>7}{'split':>7}{'joined':>7}"
        f"{'per 1k lines':>14}{'seconds':>9}"
    )
    for group, rows in results.items():
        for name, row in rows.items():
            bad = row["split"] + row["joined"]
            rate = 1000 * bad / row["lines"] if row["lines"] else 0.0
            print(
                f"{group:<16}{name:<14}{row['lines']:>7.0f}{row['split']:>7.0f}"
                f"{row['joined']:>7.0f}{rate:>14.1f}{row['seconds']:>9.1f}"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
