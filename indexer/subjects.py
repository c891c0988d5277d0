"""Who a clause is about, and who a question asks about.

Policies give different rules to different people: "Staff use of social media" and
"Learners' use of social media" share almost every word, and so do "The CEO shall: … the
Trust Board" and "The Trust Board shall: …". BM25 cannot tell them apart; the subject can.

A clause's subject is the role its lead-in starts with ("The Trust Board shall:"), else the
role acting in its own first words ("Staff must not …"), else the role its nearest section
heading starts with ("5 Learners' use of social media"). A role named later ("Images of
Pupils", "… permitted for learners") or acted upon ("Pupils must not be added as friends") is
not the subject. A question's subject is the asker when they speak about themselves ("can I
…", "my profile": a member of staff), else the role right after a question word ("can
learners …", "what does the trust board …"; not "can pupils be added …") or in "for <role>
to". The roles are data: ``indexer/data/roles.txt``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from indexer.analysis import Analyzer, default_analyzer, words
from indexer.errors import ConfigError
from indexer.model import Passage

ROLES_PATH = Path(__file__).parent / "data" / "roles.txt"
ASKER_ROLE = "staff"
_ASKER = frozenset({"i", "me", "my", "myself", "im", "ive", "we", "us"})
_DETERMINERS = frozenset(
    {"the", "a", "an", "all", "any", "every", "each", "our", "some", "other", "no", "new", "both"}
)
_QUESTION_VERBS = frozenset(
    {
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "do",
        "does",
        "did",
        "are",
        "is",
        "am",
        "will",
        "would",
        "shall",
        "have",
        "has",
        "were",
        "was",
        "cant",
        "dont",
    }
)
_MODALS = frozenset(
    {
        "must",
        "should",
        "shall",
        "will",
        "may",
        "can",
        "cannot",
        "are",
        "is",
        "need",
        "needs",
        "have",
        "has",
        "do",
        "does",
        "might",
        "could",
        "would",
    }
)
_NEGATIONS = frozenset({"not", "never"})
_IRREGULAR_PARTICIPLES = frozenset(
    {
        "put",
        "sent",
        "made",
        "told",
        "shown",
        "seen",
        "taught",
        "kept",
        "left",
        "met",
        "brought",
        "bought",
        "caught",
        "led",
        "held",
        "paid",
        "set",
        "let",
        "read",
        "found",
        "heard",
    }
)
# "will learners be *told* …" is about learners; "can pupils be *added* …" is about staff
_RECEIVING = frozenset(
    {
        "told",
        "taught",
        "advised",
        "allowed",
        "permitted",
        "expected",
        "given",
        "shown",
        "encouraged",
        "asked",
        "trained",
        "supported",
        "informed",
        "made",
        "required",
        "able",
    }
)
_LONGEST_ROLE = 4
_ACTOR_REACH = 5  # "Colleagues at the school must": the modal within five words of the role


@dataclass(frozen=True)
class Asked:
    """The role a question asks about; ``named`` when the question names it ("can learners
    …") rather than the asker speaking of themselves ("can I …")."""

    role: str
    named: bool


@dataclass
class Roles:
    """Role phrases (as stems) -> role name."""

    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    analyzer: Analyzer = field(default_factory=default_analyzer)

    @classmethod
    def load(cls, path: Path = ROLES_PATH, analyzer: Analyzer | None = None) -> Roles:
        roles = cls(analyzer=analyzer or default_analyzer())
        if not path.exists():
            return roles
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            name, sep, phrases = line.partition(":")
            if not sep or not name.strip():
                raise ConfigError(f"{path.name}:{number}: expected 'role: words, …'.")
            for phrase in phrases.split(","):
                stems = tuple(roles.analyzer.stems(words(phrase)))
                if stems:
                    roles.phrases[stems] = name.strip()
        return roles

    def of_passage(self, passage: Passage) -> str | None:
        """The role a clause is about, or None when it does not say."""
        role = self._leading(passage.context or "") or self._actor(passage.text)
        if role:
            return role
        for heading in reversed((passage.section or "").split("›")):
            role = self._leading(heading)
            if role:
                return role
        return None

    def of_question(self, question: str) -> str | None:
        """The role a question asks about, or None when it does not say."""
        asked = self.asked_about(question)
        return asked.role if asked else None

    def asked_about(self, question: str) -> Asked | None:
        """Who a question asks about: the asker themselves, or a role it names."""
        found = words(question)
        if any(word in _ASKER for word in found):
            return Asked(ASKER_ROLE, named=False)
        stems = self.analyzer.stems(found)
        for position, word in enumerate(found):
            if word in _QUESTION_VERBS or word == "for":
                start = _skip_determiners(found, position + 1)
                role, end = self._role_at(stems, start)
                after = found[end : end + 2]
                acted_upon = after[:1] == ["be"] and after[1:] and after[1] not in _RECEIVING
                if role and not acted_upon and (word != "for" or after[:1] == ["to"]):
                    return Asked(role, named=True)
        return None

    def _leading(self, text: str) -> str | None:
        """The role a heading or lead-in starts with ("Learners will be advised:")."""
        return self._starting_role(text)[0]

    def _starting_role(self, text: str) -> tuple[str | None, int, list[str]]:
        """The role ``text`` starts with (after numbers and determiners), where that role
        ends, and the words of the text's start."""
        found = [word for word in words(text[:200]) if not word.isdigit()]
        role, end = self._role_at(self.analyzer.stems(found), _skip_determiners(found, 0))
        return role, end, found

    def _actor(self, text: str) -> str | None:
        """The role a clause's own sentence starts with when it is the one acting: "Staff
        must not …", "Colleagues at the school should …" — not "Pupils must not be added"."""
        role, end, found = self._starting_role(text)
        if role is None:
            return None
        for position in range(end, min(end + _ACTOR_REACH, len(found))):
            if found[position] in _MODALS:
                rest = [w for w in found[position + 1 : position + 4] if w not in _NEGATIONS]
                return None if rest[:1] == ["be"] and _participle(rest[1:2]) else role
        return None

    def _role_at(self, stems: Sequence[str], start: int) -> tuple[str | None, int]:
        """The longest role phrase starting at ``start``, and where it ends."""
        for length in range(min(_LONGEST_ROLE, len(stems) - start), 0, -1):
            role = self.phrases.get(tuple(stems[start : start + length]))
            if role:
                return role, start + length
        return None, start


def _participle(word: Sequence[str]) -> bool:
    """Whether a "be" is passive: "must not be *added*", not "must not be *friends*"."""
    return bool(word) and (word[0].endswith(("ed", "en")) or word[0] in _IRREGULAR_PARTICIPLES)


def _skip_determiners(found: Sequence[str], start: int) -> int:
    while start < len(found) and found[start] in _DETERMINERS:
        start += 1
    return start


@lru_cache(maxsize=1)
def default_roles() -> Roles:
    return Roles.load()
