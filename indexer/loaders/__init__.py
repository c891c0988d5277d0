"""Loaders: one file in, a :class:`LoadedDocument` (blocks in reading order) out.

Each loader module has ``load(path) -> LoadedDocument`` and raises ``DocumentError`` with a
sentence naming what to do when the file cannot be read.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from indexer import messages
from indexer.errors import DocumentError
from indexer.model import LoadedDocument

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".doc", ".md", ".markdown", ".txt")


def load_document(path: Path) -> LoadedDocument:
    """Load any supported policy file; DocumentError for anything else."""
    return _loader_for(path)(path)


def read_nonempty(path: Path) -> bytes:
    """The file's bytes; DocumentError when it cannot be read or is empty."""
    try:  # O_NOFOLLOW: a symbolic link is refused, never read
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb") as f:
            data = f.read()
    except OSError as error:
        raise DocumentError(path.name, messages.DOC_UNREADABLE) from error
    if not data:
        raise DocumentError(path.name, messages.DOC_EMPTY)
    return data


def _loader_for(path: Path) -> Callable[[Path], LoadedDocument]:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from indexer.loaders import pdf

        return pdf.load
    if suffix == ".docx":
        from indexer.loaders import docx

        return docx.load
    if suffix in (".md", ".markdown"):
        from indexer.loaders import markdown

        return markdown.load
    if suffix == ".txt":
        from indexer.loaders import text

        return text.load
    if suffix == ".doc":
        from indexer.loaders import legacy

        return legacy.load
    raise DocumentError(path.name, messages.DOC_UNSUPPORTED.format(suffix=suffix or "(none)"))
