"""Policy files made in tests for the per-school library: a PDF and a Word file per school,
with clauses no other school has, so an answer shows whose index it came from."""

from __future__ import annotations

from pathlib import Path

from tests.builders import make_docx, make_pdf

PHONE_CLAUSE = "Staff must not use a personal mobile phone to photograph pupils at any time."
LUNCH_CLAUSE = "Pupils may bring a packed lunch in a named box that contains no nuts."
UNIFORM_CLAUSE = "Pupils wear a green jumper with the school badge on every school day."


def pdf_bytes(tmp: Path, title: str, clauses: list[str], review: str = "September 2027") -> bytes:
    lines = [title, "", f"Next review: {review}", "", "1. Scope", ""]
    lines += [f"1.{i} {text}" for i, text in enumerate(clauses, start=1)]
    path = make_pdf(tmp / f"{abs(hash((title, *clauses)))}.pdf", [lines])
    return path.read_bytes()


def docx_file_bytes(tmp: Path, title: str, clauses: list[str]) -> bytes:
    items = [("title", title), ("heading", "Rules", 1)]
    items += [("number", text, 0) for text in clauses]
    path = make_docx(tmp / f"{abs(hash((title, *clauses)))}.docx", items)
    return path.read_bytes()
