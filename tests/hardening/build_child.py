"""A ``policybot index`` build that the test kills: its loader hangs on files named *hang*
and notes in MARKS each file it starts, so the test knows when workers are busy and idle.

python tests/hardening/build_child.py CORPUS OUT MARKS
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from indexer.build import build_index
from indexer.loaders import text as text_loader


def main(corpus: str, out: str, marks: str) -> None:
    real_load = text_loader.load

    def marking(path: Path):  # runs in a worker
        (Path(marks) / path.name).touch()
        if "hang" in path.name:
            time.sleep(3600)
        return real_load(path)

    text_loader.load = marking  # type: ignore[assignment]
    build_index([Path(corpus)], Path(out))


if __name__ == "__main__":
    main(*sys.argv[1:])
