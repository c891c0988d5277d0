"""Old binary Word files (.doc): converted to .docx by LibreOffice, then read as Word.

Many schools still publish .doc files. When LibreOffice is installed (``soffice`` on PATH,
Debian package ``libreoffice-writer-nogui``) the file is converted in a private temporary
folder with a throw-away LibreOffice profile, so parallel conversions never share a lock;
without LibreOffice, or when the conversion fails, the file is refused with a sentence saying
what to do.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from indexer import messages
from indexer.errors import DocumentError
from indexer.loaders import docx, read_nonempty
from indexer.model import LoadedDocument

CONVERT_TIMEOUT_SECONDS = 90.0
_WORDS = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: header + sectors
_MIN_OLE_BYTES = 1536


def soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def load(path: Path) -> LoadedDocument:
    data = read_nonempty(path)
    command = soffice()
    if command is None:
        raise DocumentError(path.name, messages.DOC_OLD_WORD)
    if not data.startswith(_OLE_MAGIC) or len(data) < _MIN_OLE_BYTES:
        raise DocumentError(path.name, messages.DOC_OLD_WORD_UNREADABLE)
    with tempfile.TemporaryDirectory(prefix="policybot-doc-") as work:
        folder = Path(work)
        source = folder / f"{path.stem}.doc"
        source.write_bytes(data)
        converted = _convert(command, source, folder)
        if converted is None:
            raise DocumentError(path.name, messages.DOC_OLD_WORD_UNREADABLE)
        try:
            document = docx.load(converted)
        except DocumentError:
            raise DocumentError(path.name, messages.DOC_OLD_WORD_UNREADABLE) from None
    if not any(_WORDS.search(block.text) for block in document.blocks):
        raise DocumentError(path.name, messages.DOC_OLD_WORD_UNREADABLE)
    return document


def _convert(command: str, source: Path, folder: Path) -> Path | None:
    out = folder / "out"
    profile = (folder / "profile").as_uri()
    try:
        subprocess.run(
            [
                command,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "docx",
                "--outdir",
                str(out),
                str(source),
            ],
            check=False,
            capture_output=True,
            timeout=CONVERT_TIMEOUT_SECONDS,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    converted = out / f"{source.stem}.docx"
    return converted if converted.exists() and converted.stat().st_size else None
