"""Hostile documents for the hardening tests and benchmarks/hostile_documents.py: each is a
few hundred bytes to a few hundred KB on disk and asks a naive parser for gigabytes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.builders import docx_bytes

YAML_BOMB = (
    "---\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "title: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "---\n"
    "# Mobile phone policy\n\n1.1 Staff must not use personal phones to photograph pupils.\n"
)  # 9^8 = 43 million strings once the aliases are expanded and the title turned to text


def docx_bomb(paragraphs: int = 2_000_000) -> bytes:
    """A valid .docx whose document.xml is millions of empty paragraphs (~12 MB of XML,
    ~30 KB zipped): python-docx would build an lxml element for each."""
    base = docx_bytes([("paragraph", "Staff must report concerns to the DSL.")])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * paragraphs, 1)
            dst.writestr(info.filename, data)
    return out.getvalue()


def many_clauses(count: int) -> str:
    """A text file of ``count`` paragraphs: one passage each."""
    return "Behaviour policy\n\n" + "\n\n".join(
        f"Staff must record incident {i} in the log the same day." for i in range(count)
    )


def write_corpus(root: Path, files: dict[str, str | bytes]) -> Path:
    school = root / "corpus" / "hostile-school"
    school.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = school / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return school
