"""Text parsing is linear in the size of the input: doubling a document at most doubles the
work (characters scanned by the parser's regular expressions), for shapes that used to be
quadratic — wrapped prose with no blank line, thousands of numbered lines, words hyphenated
at line ends — from 160 KB to 10 MB, with a fixed seed."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from indexer.loaders import metadata as metadata_module
from indexer.loaders import text as text_module
from tests.hardening.work_counter import counting_work

SEED = 20261203
WORDS = (
    "staff must report any concern about a pupil to the designated safeguarding lead without "
    "delay and record it in writing on the same day school-endorsed well-being co-operate"
).split()
SIZES = [10_000_000 // 2**k for k in range(6, -1, -1)]  # 156 KB ... 10 MB


def _prose(rng: random.Random, size: int) -> list[str]:
    """One paragraph of wrapped lines, no blank line, some words hyphenated at line ends."""
    lines, total = [], 0
    while total < size:
        words = [rng.choice(WORDS) for _ in range(11)]
        if rng.random() < 0.3:
            word = rng.choice(WORDS)
            cut = max(1, len(word) // 2)
            words.append(word[:cut] + "-")  # the rest starts the next line
        line = " ".join(words)
        lines.append(line)
        total += len(line) + 1
    return lines


def _numbered(rng: random.Random, size: int) -> list[str]:
    lines, total, n = [], 0, 0
    while total < size:
        n += 1
        line = f"{n}. " + " ".join(rng.choice(WORDS) for _ in range(9)).capitalize()
        lines.append(line)
        total += len(line) + 1
    return lines


def _bullets(rng: random.Random, size: int) -> list[str]:
    lines, total = ["Staff must:"], 0
    while total < size:
        line = "\u2022 " + " ".join(rng.choice(WORDS) for _ in range(7))
        lines.append(line)
        total += len(line) + 1
    return lines


@pytest.mark.parametrize("shape", [_prose, _numbered, _bullets], ids=lambda f: f.__name__)
def test_doubling_the_input_at_most_doubles_the_work(
    shape: Callable[[random.Random, int], list[str]],
) -> None:
    previous: int | None = None
    for size in SIZES:
        lines = shape(random.Random(SEED), size)
        with counting_work(text_module, metadata_module) as work:
            blocks = text_module.parse_document([(line, None) for line in lines]).blocks
        assert blocks
        if previous is not None:  # 2.2: the input is "at least" size, lines are whole
            assert work.characters <= 2.2 * previous, (size, work.characters, previous)
        previous = work.characters
