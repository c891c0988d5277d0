"""OCR for PDF pages that are only a picture: OCRmyPDF + Tesseract, when installed.

A scanned page has no text layer, so nothing on it could be searched or quoted. When
OCRmyPDF is installed (``ocrmypdf`` on PATH; Debian packages ``ocrmypdf``, ``tesseract-ocr``,
``tesseract-ocr-eng``) those pages, and only those, are copied to a PDF in a private
temporary folder and read by Tesseract (``--skip-text``: a page with any text layer is left
alone): the corpus file is never written. Their text is returned by page number and the
loader marks their passages as OCR, so the citation says so. Without OCRmyPDF, or when it
fails or takes too long, nothing is returned and the loader says "run OCR first" as before.

This runs inside the parse worker, which limits each file's time and memory: the OCR process
inherits the worker's address-space limit, is killed with the worker (``PR_SET_PDEATHSIG``),
and is given at most ``OCR_TIMEOUT_SECONDS`` of its own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader, PdfWriter

OCR_TIMEOUT_SECONDS = 100.0  # under the worker's per-file limit (FILE_TIMEOUT_SECONDS)
TESSERACT_PAGE_TIMEOUT_SECONDS = 60
LANGUAGE = "eng"
_PR_SET_PDEATHSIG = 1
_SKIPPED = re.compile(r"^\s*\[OCR skipped on page")  # a page that had text after all


def ocrmypdf() -> str | None:
    """The OCRmyPDF command, or None when it is not installed."""
    return shutil.which("ocrmypdf")


def ocr_pages(reader: PdfReader, pages: list[int]) -> dict[int, str]:
    """The text Tesseract reads on ``pages`` (1-based) of ``reader``'s PDF, by page.

    Only those pages are copied to a temporary PDF and read, and the text comes from the
    sidecar file (Tesseract's lines, with blank lines between paragraphs, one page after
    another separated by form feeds). Empty when OCRmyPDF is absent or fails; a page where it
    found no words is left out.
    """
    command = ocrmypdf()
    if command is None or not pages:
        return {}
    with tempfile.TemporaryDirectory(prefix="policybot-ocr-") as work:
        source = Path(work) / "scanned.pdf"
        sidecar = Path(work) / "text.txt"
        try:
            writer = PdfWriter()
            for number in pages:
                writer.add_page(reader.pages[number - 1])
            writer.write(source)
        except Exception:  # a page pypdf cannot copy: as if OCR were not installed
            return {}
        if not _run(command, source, sidecar):
            return {}
        texts = sidecar.read_text(encoding="utf-8", errors="replace").split("\f")
    if len(texts) != len(pages):
        return {}
    found = dict(zip(pages, texts, strict=True))
    return {n: text for n, text in found.items() if text.strip() and not _SKIPPED.match(text)}


def _run(command: str, source: Path, sidecar: Path) -> bool:
    arguments = [
        command,
        "--skip-text",  # a page with a text layer is never re-read
        "--output-type",
        "none",  # only the sidecar text is wanted
        "--sidecar",
        str(sidecar),
        "--optimize",
        "0",
        "--jobs",
        "1",
        "--language",
        LANGUAGE,
        "--tesseract-timeout",
        str(TESSERACT_PAGE_TIMEOUT_SECONDS),
        "--quiet",
        str(source),
        "-",
    ]
    try:
        process = subprocess.Popen(
            arguments,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # one core, like the parse worker
            preexec_fn=_die_with_parent,  # safe: the worker is single-threaded
        )
    except OSError:
        return False
    try:
        code = process.wait(timeout=OCR_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        return False
    return code == 0 and sidecar.exists()


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """OCRmyPDF and the Tesseract processes it started."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        pass
    process.wait()


def _die_with_parent() -> None:
    """Ask the kernel to kill OCRmyPDF when the parse worker dies (its time limit)."""
    name = ctypes.util.find_library("c")
    if name:
        ctypes.CDLL(name, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
