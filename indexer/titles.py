"""The title a document is indexed and cited under."""

from __future__ import annotations

from pathlib import Path


def choose_title(found: str | None, path: Path) -> str:
    """The loader's title when it is usable, else the file name."""
    if found and 3 <= len(found) <= 120:
        return found.title() if found.isupper() else found
    return path.stem.replace("-", " ").replace("_", " ").capitalize()
