"""Broken, hostile and enormous policy files: one clear line per file, no crash, no hang, and
the rest of the corpus indexed. Files are real (fpdf2 PDFs, python-docx Word files) and then
damaged byte by byte; loaders run in the build's worker process with its time limit."""

from __future__ import annotations

import io
import json
import os
import random
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from indexer import messages
from indexer.build import BuildReport, build_index
from indexer.loaders import text as text_loader
from indexer.worker import MAX_TEXT_MB
from tests.builders import docx_bytes, make_pdf

GOOD = "good-policy.txt"
GOOD_TEXT = (
    "Social media policy\n\n1. Staff must not follow current or former pupils on personal "
    "social media accounts.\n\n2. Staff must report any contact from a pupil to the DSL.\n"
)
LINES = [
    f"{i}. Staff must not share images of pupils on personal accounts ({i})." for i in range(1, 25)
]
FUZZ_FILES = 40  # per format: PDFs with bytes flipped / spliced / cut, Word files with bad XML
SEED = 20260301
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # password-protected Word, old .doc


def _school(tmp_path: Path) -> Path:
    school = tmp_path / "corpus" / "fuzz-school"
    school.mkdir(parents=True)
    (school / GOOD).write_text(GOOD_TEXT)
    return school


def _outcomes(report: BuildReport, out: Path, names: list[str]) -> dict[str, str]:
    """Each file's single outcome: "indexed", or its one failure/warning line."""
    indexed = json.loads((out / "files.json").read_text())
    outcome: dict[str, str] = {}
    for name in names:
        source = f"fuzz-school/{name}"
        lines = [line for line in report.failed if line.startswith(f"{source}: ")]
        assert len(lines) <= 1, lines
        if lines:
            outcome[name] = lines[0]
        else:
            assert source in indexed or any(w.startswith(source) for w in report.warnings), name
            outcome[name] = "indexed"
    return outcome


def _assert_good_indexed(report: BuildReport, out: Path) -> None:
    files = json.loads((out / "files.json").read_text())
    entry = files[f"fuzz-school/{GOOD}"]
    assert entry["end"] - entry["start"] == 2
    assert report.documents >= 1
    for line in report.failed + report.warnings:
        assert "Traceback" not in line and "Error(" not in line


def _flip(data: bytes, rng: random.Random, mode: int) -> bytes:
    buf = bytearray(data)
    if mode == 0:  # flip a few bytes anywhere
        for _ in range(rng.randint(1, 16)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    elif mode == 1:  # cut off
        buf = buf[: rng.randrange(1, len(buf))]
    else:  # splice in a run of noise
        at = rng.randrange(len(buf))
        buf[at : at + rng.randint(1, 300)] = rng.randbytes(rng.randint(1, 300))
    return bytes(buf)


def _docx_with_bad_xml(base: bytes, rng: random.Random, mode: int) -> bytes:
    """A valid zip whose document.xml (or numbering.xml) is damaged: reaches the XML walk."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename in ("word/document.xml", "word/numbering.xml") and rng.random() < 0.7:
                data = _flip(data, rng, mode)
            dst.writestr(info, data)
    return out.getvalue()


def test_byte_flipped_pdfs_and_word_files_get_one_line_each(tmp_path: Path) -> None:
    school = _school(tmp_path)
    rng = random.Random(SEED)
    pdf = make_pdf(tmp_path / "base.pdf", [LINES[:12], LINES[12:]], header="Policy").read_bytes()
    word = docx_bytes([("heading", "Images", 1), *[("number", line) for line in LINES]])
    names = []
    for i in range(FUZZ_FILES):
        (school / f"flipped-{i:02d}.pdf").write_bytes(_flip(pdf, rng, i % 3))
        (school / f"flipped-{i:02d}.docx").write_bytes(_flip(word, rng, i % 3))
        (school / f"bad-xml-{i:02d}.docx").write_bytes(_docx_with_bad_xml(word, rng, i % 3))
        names += [f"flipped-{i:02d}.pdf", f"flipped-{i:02d}.docx", f"bad-xml-{i:02d}.docx"]
    out = tmp_path / "index"
    report = build_index([school.parent], out, file_timeout=30)
    outcomes = _outcomes(report, out, names)
    _assert_good_indexed(report, out)
    failed = [o for o in outcomes.values() if o != "indexed"]
    assert failed, "the damage should break at least some files"
    print(
        f"fuzzed {len(names)} files: {len(failed)} refused with one line, "
        f"{len(names) - len(failed)} indexed"
    )


def _protected_pdf(path: Path) -> Path:
    return make_pdf(path, [LINES], user_password="secret")


def _truncated_pdf(path: Path) -> Path:
    data = make_pdf(path, [LINES, LINES]).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


BROKEN: dict[str, Callable[[Path], object]] = {
    "empty.pdf": lambda p: p.write_bytes(b""),
    "empty.docx": lambda p: p.write_bytes(b""),
    "empty.txt": lambda p: p.write_bytes(b""),
    "truncated.pdf": _truncated_pdf,
    "locked.pdf": _protected_pdf,
    "truncated.docx": lambda p: p.write_bytes(docx_bytes([("paragraph", "x" * 500)])[:900]),
    "really-a-pdf.docx": lambda p: p.write_bytes(
        make_pdf(p.with_suffix(".tmp"), [LINES]).read_bytes()
    ),  # noqa: E501
    "really-text.pdf": lambda p: p.write_text(GOOD_TEXT.replace("1.", "3.")),
    "really-word.pdf": lambda p: p.write_bytes(docx_bytes([("paragraph", "hello")])),
    "ole-protected.docx": lambda p: p.write_bytes(OLE_MAGIC + b"\0" * 600),
    "binary.txt": lambda p: p.write_bytes(bytes(range(256)) * 40),
    "old-word.doc": lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100),
}


def test_broken_files_each_get_one_clear_line_and_the_rest_is_indexed(tmp_path: Path) -> None:
    school = _school(tmp_path)
    for name, make in BROKEN.items():
        make(school / name)
    for stray in school.glob("*.tmp"):
        stray.unlink()
    out = tmp_path / "index"
    report = build_index([school.parent], out)
    outcomes = _outcomes(report, out, list(BROKEN))
    _assert_good_indexed(report, out)
    assert all(outcome != "indexed" for outcome in outcomes.values()), outcomes
    assert messages.PDF_ENCRYPTED in outcomes["locked.pdf"]
    assert messages.DOC_EMPTY in outcomes["empty.docx"]
    assert "not a PDF" in outcomes["really-text.pdf"]


def test_enormous_files_are_refused_or_read_within_the_time_limit(tmp_path: Path) -> None:
    school = _school(tmp_path)
    with open(school / "enormous.txt", "wb") as handle:  # 50 MB: refused before it is read
        handle.write(GOOD_TEXT.encode())
        handle.truncate(50 * 1_000_000)
    base = make_pdf(tmp_path / "page.pdf", [LINES])
    writer = PdfWriter()
    page = PdfReader(base).pages[0]
    for _ in range(3000):
        writer.add_page(page)
    writer.write(school / "three-thousand-pages.pdf")
    out = tmp_path / "index"
    report = build_index([school.parent], out, file_timeout=3)
    outcomes = _outcomes(report, out, ["enormous.txt", "three-thousand-pages.pdf"])
    _assert_good_indexed(report, out)
    too_large = messages.DOC_TOO_LARGE.format(size=50, limit=MAX_TEXT_MB)
    assert outcomes["enormous.txt"] == f"fuzz-school/enormous.txt: {too_large}"
    slow = f"fuzz-school/three-thousand-pages.pdf: {messages.DOC_TOO_SLOW.format(seconds=3)}"
    assert outcomes["three-thousand-pages.pdf"] in ("indexed", slow)


def test_a_loader_that_hangs_is_stopped_and_the_next_file_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_load = text_loader.load

    def hanging(path: Path):  # runs in the forked worker: hang, or die, on cue
        if "hang" in path.name:
            time.sleep(3600)
        if "crash" in path.name:
            os._exit(3)
        return real_load(path)

    monkeypatch.setattr(text_loader, "load", hanging)
    school = _school(tmp_path)
    (school / "a-hang.txt").write_text(GOOD_TEXT.replace("pupils", "learners"))
    (school / "b-crash.txt").write_text(GOOD_TEXT.replace("pupils", "students"))
    out = tmp_path / "index"
    report = build_index([school.parent], out, file_timeout=1.5)
    outcomes = _outcomes(report, out, ["a-hang.txt", "b-crash.txt"])
    assert outcomes["a-hang.txt"] == (
        f"fuzz-school/a-hang.txt: {messages.DOC_TOO_SLOW.format(seconds=1.5)}"
    )
    assert outcomes["b-crash.txt"].startswith("fuzz-school/b-crash.txt: could not be read")
    _assert_good_indexed(report, out)  # read by a fresh worker after both
