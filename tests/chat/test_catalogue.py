"""Names for the DSL's post from the loaded index (issue 17): every clause is found by its id
in the saved passages, the school by its school.toml name; what the index does not hold is
None (the post then falls back to the id or slug)."""

from __future__ import annotations

from pathlib import Path

from bot.answering.answerer import Answerer
from bot.chat.catalogue import IndexCatalogue
from bot.escalation.view import QUOTE_CHARS, cut_words


def test_every_clause_is_found_by_its_id_and_schools_by_name(corpus_index: Path) -> None:
    answerer = Answerer.from_index(corpus_index)
    catalogue = IndexCatalogue(answerer)
    passages = list(answerer.index.passages)

    for passage in passages:
        quoted = catalogue.quote(passage.id)
        assert quoted is not None and quoted.text == passage.text
        assert quoted.source.startswith(f"{passage.document} \u00b7 {passage.section}")
    assert catalogue.quote("kite-college/no-such-policy/0000000000") is None
    assert catalogue.school_name("kite-college") == "KITE College"
    assert catalogue.school_name("no-such-school") is None


def test_without_an_index_nothing_is_known() -> None:
    catalogue = IndexCatalogue(object())
    assert catalogue.quote("any") is None and catalogue.school_name("any") is None


def test_a_quote_is_cut_at_a_word_within_the_limit() -> None:
    text = "Staff must   report " + "every concern " * 30
    cut = cut_words(text, QUOTE_CHARS)
    folded = " ".join(text.split())
    assert len(cut) <= QUOTE_CHARS and cut.endswith("\u2026")
    assert folded.startswith(cut[:-1]) and folded[len(cut) - 1] == " "  # ends at a word
    assert cut_words("Short clause.", QUOTE_CHARS) == "Short clause."
