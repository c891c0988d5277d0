"""The one analyzer shared by indexing and querying, and the staff-language glossary.

``Analyzer.tokens(text)``: Unicode-folded, lower-cased, hyphens inside words joined
("on-line" -> "online"), "n't" -> "not", possessive "'s" dropped, a minimal stop list that
keeps "not", "no", "never" and "must", Snowball (Porter2) English stems from PyStemmer.

``Analyzer.query(text)``: the question's own terms at weight 1, plus the glossary's policy
words for the staff words it contains, at a lower weight. The glossary is data
(``indexer/data/glossary.txt``), not code.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import Stemmer

from indexer.errors import ConfigError

ANALYZER_VERSION = 1
GLOSSARY_PATH = Path(__file__).parent / "data" / "glossary.txt"
STOP_WORDS = frozenset(
    """a an the of to in on at for and or but is are be been being am was were i me my mine we
    us our ours you your yours it its this that these those with as by from do does did done
    can could would should shall will may might what how when where who whom which why there
    here their theirs they them he she his her hers him has have had having if so than then
    about into onto any some just also only very ok okay please hi hello thanks thank s t ll
    re ve d m im ive id ever say says said sort kind type something anything someone anybody
    somebody anyone stuff thing things get got getting want wanted know think need else really
    actually basically still even lot lots bit like supposed suppose""".split()
)
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
    }
)
_STEM_CACHE_SIZE = 200_000
_ASCII_CONTROLS = {code: None for code in [*range(0, 9), *range(11, 32), 127]}
_NEGATION = re.compile(r"n't\b")
_POSSESSIVE = re.compile(r"'s\b")
_TOKEN = re.compile(r"[a-z0-9]+")
_HYPHENATED = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def fold(text: str) -> str:
    """Unicode-normalise, fold quotes and dashes, lower-case."""
    if text.isascii():  # the common case: no normalisation or category look-ups needed
        return text.translate(_ASCII_CONTROLS).lower()
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\t\n ")


def words(text: str) -> list[str]:
    """Folded words before stop-word removal and stemming.

    A hyphenated word gives its joined form and then its parts ("on-line" -> online, on,
    line), so it matches both "online" and "line manager"-style uses of its parts.
    """
    text = _POSSESSIVE.sub("", _NEGATION.sub(" not", fold(text).replace("can't", "can not")))
    found = _HYPHENATED.findall(text)
    if not any("-" in word for word in found):
        return found
    out: list[str] = []
    for word in found:
        if "-" in word:
            out.append(word.replace("-", ""))
            out.extend(_TOKEN.findall(word))
        else:
            out.append(word)
    return out


@dataclass(frozen=True)
class WeightedQuery:
    """Query terms with weights; ``original`` are the stems the person actually typed."""

    weights: dict[str, float]
    original: tuple[str, ...]
    expansions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    text: str = ""


class Analyzer:
    """Tokenizer + stemmer + glossary; ``settings()`` is saved with the index."""

    def __init__(
        self,
        glossary_path: Path = GLOSSARY_PATH,
        expansion_weight: float = 0.7,
        share_expansions: bool = True,
        unknown_source_weight: float = 0.5,
    ):
        self._stemmer = Stemmer.Stemmer("english")
        self._stem_cache: dict[str, str] = {}
        self.expansion_weight = expansion_weight
        self.share_expansions = share_expansions
        self.unknown_source_weight = unknown_source_weight
        self.glossary = Glossary.load(glossary_path, self)

    def settings(self) -> dict[str, object]:
        return {
            "version": ANALYZER_VERSION,
            "stemmer": "snowball-english",
            "stop_words": hashlib.sha256(" ".join(sorted(STOP_WORDS)).encode()).hexdigest()[:16],
            "hyphens": "joined+parts",
        }

    def tokens(self, text: str) -> list[str]:
        return self.stems(w for w in words(text) if w not in STOP_WORDS)

    def stems(self, terms: Iterable[str]) -> list[str]:
        cache = self._stem_cache
        out = []
        for term in terms:
            stem = cache.get(term)
            if stem is None:
                stem = cache[term] = self._stemmer.stemWord(term)
                if len(cache) > _STEM_CACHE_SIZE:
                    cache.clear()
            out.append(stem)
        return out

    def query(self, text: str, known: Callable[[str], bool] | None = None) -> WeightedQuery:
        """Weighted query terms. ``known(term)`` says whether the index has a term: a staff
        phrase none of whose words the policies use is matched only through the glossary,
        so its policy words get ``unknown_source_weight`` instead of a share."""
        all_words = words(text)
        original = self.stems(w for w in all_words if w not in STOP_WORDS)
        weights: dict[str, float] = {}
        for term in original:
            weights[term] = weights.get(term, 0.0) + 1.0
        expansions = self.glossary.expand(self.stems(all_words))
        for source, targets in expansions.items():
            added = [term for term in targets if term not in original]
            weight = self.expansion_weight
            if tuple(source.split()) in self.glossary.replacing:
                for term in source.split():
                    if term in weights:
                        weights[term] = min(weights[term], self.expansion_weight / 2)
                weight = max(weight, 1.0)
            elif known is not None and not any(known(t) for t in source.split()):
                weight = self.unknown_source_weight
            elif self.share_expansions and added:
                weight /= len(added) ** 0.5
            for term in added:
                weights[term] = max(weights.get(term, 0.0), weight)
        return WeightedQuery(weights, tuple(original), expansions, text)


@dataclass
class Glossary:
    """Staff phrases -> policy phrases, matched on stemmed word sequences."""

    rules: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    # phrases written "staff words =>! policy words": in them the staff words mean
    # something else in the policies ("break the rules" is not a lunch break), so the
    # typed words count for little and the policy words in full
    replacing: set[tuple[str, ...]] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path, analyzer: Analyzer) -> Glossary:
        glossary = cls()
        if not path.exists():
            return glossary
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if line:
                glossary._add_line(line, analyzer, f"{path.name}:{number}")
        return glossary

    def _add_line(self, line: str, analyzer: Analyzer, where: str) -> None:
        both = "<=>" in line
        replace = "=>!" in line
        left, sep, right = line.partition("<=>" if both else "=>!" if replace else "=>")
        if not sep:
            raise ConfigError(f"{where}: expected 'staff words => policy words'.")
        lefts = [p for p in left.split(",") if p.strip()]
        rights = [p for p in right.split(",") if p.strip()]
        for source in lefts:
            phrase = _phrase(source, analyzer)
            self._add(phrase, [analyzer.tokens(p) for p in rights])
            if replace:
                if phrase and not self.rules.get(phrase):
                    raise ConfigError(
                        f"{where}: '=>!' needs policy words other than '{source.strip()}' itself."
                    )
                self.replacing.add(phrase)
        if both:
            for source in rights:
                self._add(_phrase(source, analyzer), [analyzer.tokens(p) for p in lefts])

    def _add(self, source: tuple[str, ...], targets: list[list[str]]) -> None:
        if not source:
            return
        bucket = self.rules.setdefault(source, set())
        for target in targets:
            bucket.update(t for t in target if t not in source)

    def expand(self, stems: list[str]) -> dict[str, tuple[str, ...]]:
        """For each glossary phrase found in the stemmed question, the terms it adds. The
        longest phrase wins: "social media" is matched, not also "social" and "media"."""
        found: dict[str, tuple[str, ...]] = {}
        covered = [False] * len(stems)
        for length in (3, 2, 1):
            for start in range(len(stems) - length + 1):
                span = range(start, start + length)
                key = tuple(stems[start : start + length])
                if key in self.rules and not any(covered[i] for i in span):
                    found[" ".join(key)] = tuple(sorted(self.rules[key]))
                    for i in span:
                        covered[i] = True
        return found


def _phrase(text: str, analyzer: Analyzer) -> tuple[str, ...]:
    return tuple(analyzer.stems(words(text)))


@lru_cache(maxsize=1)
def default_analyzer() -> Analyzer:
    return Analyzer()
