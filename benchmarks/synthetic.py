"""A synthetic, clause-like policy corpus and question set, shared by the benchmarks.

The corpus is written as policy files (one folder per school, plain-text documents of
numbered clauses), so the benchmarks index it through the real indexer (loader, clause
segmentation, analyzer) exactly as a school's own files would be::

    <root>/school-0001/policy-0001.txt     Synthetic Policy 0001
                                           1.1 Staff must not follow pupils on ...
                                           1.2 ...

Words follow a Zipf-Mandelbrot law over a fixed vocabulary (real policy words at the head,
pronounceable made-up words in the tail); a clause has about 40 words after analysis, with
stop words sprinkled in as in real text. Questions draw 2-5 words from the same law, so
they hit common terms ("must", "not", "staff") as often as real questions do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.analysis import STOP_WORDS

VOCAB_SIZE = 50_000
ZIPF_S = 1.07
ZIPF_Q = 2.7
CLAUSE_WORDS = 40
CLAUSES_PER_DOCUMENT = 100
DOCUMENTS_PER_SCHOOL = 10
HEAD = """must not staff pupil school policy social media use parent online contact
    safeguarding report concern child personal account photograph image share post device
    phone email message learner member governor trust headteacher designated lead safety
    information data protection professional conduct behaviour appropriate inappropriate
    allegation disclose record incident""".split()
FILLERS = ("the", "of", "to", "and", "a", "in", "that", "is", "for", "on", "with", "as")
_CONSONANTS = "bcdfghjklmnprstvwz"
_VOWELS = "aeiou"


@dataclass(frozen=True)
class CorpusInfo:
    root: Path
    passages: int
    documents: int
    schools: int


def vocabulary(size: int = VOCAB_SIZE, seed: int = 7) -> list[str]:
    """Real policy words first, then unique made-up words of 2-4 syllables."""
    rng = np.random.default_rng(seed)
    words = list(HEAD)
    seen = set(words) | STOP_WORDS
    syllables = [c + v for c in _CONSONANTS for v in _VOWELS]
    while len(words) < size:
        parts = rng.integers(0, len(syllables), size=int(rng.integers(2, 5)))
        word = "".join(syllables[i] for i in parts) + _CONSONANTS[int(rng.integers(0, 18))]
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def zipf_probabilities(size: int = VOCAB_SIZE) -> np.ndarray:
    ranks = np.arange(1, size + 1, dtype=np.float64)
    weights = 1.0 / (ranks + ZIPF_Q) ** ZIPF_S
    return weights / weights.sum()


class Sampler:
    """Draws words (as vocabulary positions) from the Zipf law, in large cheap batches."""

    def __init__(self, seed: int, size: int = VOCAB_SIZE) -> None:
        self.rng = np.random.default_rng(seed)
        self.words = vocabulary(size)
        self._cdf = np.cumsum(zipf_probabilities(size))

    def draw(self, n: int) -> np.ndarray:
        return np.minimum(np.searchsorted(self._cdf, self.rng.random(n)), len(self.words) - 1)

    def clause(self, n_words: int) -> str:
        picks = [self.words[i] for i in self.draw(n_words)]
        for slot in self.rng.integers(0, n_words, size=n_words // 3):
            picks[slot] = f"{FILLERS[int(slot) % len(FILLERS)]} {picks[slot]}"
        text = " ".join(picks)
        return text[0].upper() + text[1:] + "."


def clause_lengths(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.clip(rng.normal(CLAUSE_WORDS, 12, size=n).round(), 8, 90).astype(int)


def document_text(sampler: Sampler, number: int, clauses: int) -> str:
    lines = [f"Synthetic Policy {number:04d}", ""]
    for i, n_words in enumerate(clause_lengths(sampler.rng, clauses)):
        section, item = divmod(i, 10)
        lines.append(f"{section + 1}.{item + 1} {sampler.clause(int(n_words))}")
        lines.append("")
    return "\n".join(lines)


def write_corpus(
    root: Path, passages: int, seed: int = 1, clauses_per_document: int = CLAUSES_PER_DOCUMENT
) -> CorpusInfo:
    """Write ``passages`` clauses as policy files under ``root`` (reused when already there)."""
    marker = root / "_corpus.json"
    wanted = {"passages": passages, "seed": seed, "clauses": clauses_per_document}
    if marker.exists() and json.loads(marker.read_text())["wanted"] == wanted:
        return CorpusInfo(root, **json.loads(marker.read_text())["info"])
    sampler = Sampler(seed)
    documents = max(1, passages // clauses_per_document)
    for doc in range(documents):
        clauses = clauses_per_document + (passages % clauses_per_document if doc == 0 else 0)
        folder = root / f"school-{doc // DOCUMENTS_PER_SCHOOL + 1:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        text = document_text(sampler, doc + 1, clauses)
        (folder / f"policy-{doc + 1:04d}.txt").write_text(text, encoding="utf-8")
    schools = (documents - 1) // DOCUMENTS_PER_SCHOOL + 1
    info = {"passages": passages, "documents": documents, "schools": schools}
    marker.write_text(json.dumps({"wanted": wanted, "info": info}))
    return CorpusInfo(root, **info)


def queries(n: int = 1000, seed: int = 11) -> list[str]:
    """``n`` staff-question-like strings of 2-5 words drawn from the corpus's Zipf law."""
    sampler = Sampler(seed)
    out = []
    for length in sampler.rng.integers(2, 6, size=n):
        words = [sampler.words[i] for i in sampler.draw(int(length))]
        out.append("can I " + " ".join(words) + "?")
    return out
