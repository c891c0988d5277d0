"""The analyzer shared by indexing and querying, and the staff-language glossary."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from indexer.analysis import STOP_WORDS, Analyzer, default_analyzer, fold, words

pytestmark = pytest.mark.usefixtures("isolated_env")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return default_analyzer()


def glossary_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "glossary.txt"
    path.write_text(text, encoding="utf-8")
    return path


# --- tokens -----------------------------------------------------------------------------


def test_curly_quotes_and_dashes_fold_to_plain_ones() -> None:
    assert (
        fold("\u201cFriends\u201d \u2018pupil\u2019s\u2019 \u2013 OK")
        == "\"friends\" 'pupil's' - ok"
    )


def test_curly_apostrophe_tokenises_like_a_straight_one(analyzer: Analyzer) -> None:
    assert analyzer.tokens("Don\u2019t share the school\u2019s logo") == analyzer.tokens(
        "Don't share the school's logo"
    )


def test_nt_becomes_not(analyzer: Analyzer) -> None:
    for text in ("mustn't", "shouldn't", "don't", "can't", "won't"):
        assert "not" in analyzer.tokens(text), text


def test_hyphenated_word_matches_its_joined_form(analyzer: Analyzer) -> None:
    assert "onlin" in analyzer.tokens("on-line")
    assert set(analyzer.tokens("online")) <= set(analyzer.tokens("on-line"))
    assert "online" in words("e-safety and on-line gaming")


def test_stop_list_is_minimal_and_keeps_the_words_that_carry_rules(analyzer: Analyzer) -> None:
    for kept in ("not", "no", "never", "must"):
        assert kept not in STOP_WORDS
        assert analyzer.tokens(f"staff {kept} post") == ["staff", kept, "post"]
    assert analyzer.tokens("the of a to") == []


def test_words_are_stemmed(analyzer: Analyzer) -> None:
    assert analyzer.tokens("posting posts posted") == ["post", "post", "post"]
    assert analyzer.tokens("Photographs")[0] == analyzer.tokens("photograph")[0]
    assert analyzer.tokens("friends") == analyzer.tokens("friend")


def test_possessive_s_is_dropped(analyzer: Analyzer) -> None:
    assert analyzer.tokens("Headteacher's attention") == analyzer.tokens("headteacher attention")


def test_settings_describe_the_analyzer(analyzer: Analyzer) -> None:
    settings = analyzer.settings()
    assert settings["stemmer"] == "snowball-english"
    assert {"version", "stop_words"} <= set(settings)
    assert settings == Analyzer().settings()


# --- glossary expansion on the bundled glossary -------------------------------------------


@pytest.mark.parametrize(
    ("question", "policy_words"),
    [
        ("can I follow a pupil?", ["friend"]),
        ("can I follow an ex-pupil?", ["recent", "past"]),
        ("is it ok to add a former pupil", ["recent"]),
        ("can kids see my profile", ["pupil"]),
        ("can I post a photo of the trip", ["photograph"]),
        ("should I use a nickname online", ["altern", "name"]),
    ],
)
def test_staff_words_expand_to_policy_words(
    analyzer: Analyzer, question: str, policy_words: list[str]
) -> None:
    query = analyzer.query(question)
    for term in policy_words:
        assert term in query.weights, f"{question!r} should search for {term!r}"
        assert term not in query.original


def test_expansions_weigh_less_than_typed_words(analyzer: Analyzer) -> None:
    query = analyzer.query("can I follow an ex-pupil on insta with a nickname")
    typed = [query.weights[t] for t in query.original]
    added = [w for t, w in query.weights.items() if t not in query.original]
    assert added and min(typed) >= 1.0
    assert 0 < max(added) < min(typed)


def test_a_typed_word_keeps_its_full_weight_when_it_is_also_an_expansion(
    analyzer: Analyzer,
) -> None:
    query = analyzer.query("can I follow a friend")
    assert query.weights["friend"] >= 1.0


def test_no_expansion_without_a_glossary_word(analyzer: Analyzer) -> None:
    query = analyzer.query("minibus booking procedure")
    assert set(query.weights) == set(query.original)
    assert query.expansions == {}


# --- glossary file format ---------------------------------------------------------------


def test_glossary_rules_comments_and_both_way_rules(tmp_path: Path) -> None:
    path = glossary_file(
        tmp_path,
        "# staff words => policy words\n\n"
        "kid, kids => pupil  # trailing comment\n"
        "mobile phone <=> handset\n",
    )
    analyzer = Analyzer(glossary_path=path)
    assert "pupil" in analyzer.query("kids online").weights
    assert "handset" in analyzer.query("my mobile phone").weights
    assert "mobil" in analyzer.query("my handset").weights  # <=> works both ways
    assert "pupil" not in analyzer.query("my handset").weights


def test_multi_word_phrase_needs_all_its_words(tmp_path: Path) -> None:
    analyzer = Analyzer(glossary_path=glossary_file(tmp_path, "line manager => supervisor\n"))
    assert "supervisor" in analyzer.query("ask my line manager").weights
    assert "supervisor" not in analyzer.query("ask my manager").weights


def test_missing_glossary_file_means_no_expansion(tmp_path: Path) -> None:
    analyzer = Analyzer(glossary_path=tmp_path / "absent.txt")
    query = analyzer.query("can kids follow me")
    assert set(query.weights) == set(query.original)


def test_glossary_line_without_arrow_is_reported_with_file_and_line(tmp_path: Path) -> None:
    path = glossary_file(tmp_path, "# comment\nkids => pupil\nfollow friend\n")
    with pytest.raises(Exception) as raised:
        Analyzer(glossary_path=path)
    assert "glossary.txt:3" in str(raised.value)
    assert "=>" in str(raised.value)


def test_glossary_format_error_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        Analyzer(glossary_path=glossary_file(tmp_path, "follow friend\n"))


def test_a_replacing_rule_makes_the_typed_words_count_for_little(tmp_path: Path) -> None:
    path = glossary_file(tmp_path, "break the =>! breach\nlunch break => breaks\n")
    analyzer = Analyzer(glossary_path=path)
    breach = analyzer.query("what if I break the social media policy").weights
    assert breach["breach"] >= 1.0 > breach["break"]
    lunch = analyzer.query("can I go on facebook in my lunch break").weights
    assert lunch["break"] == 1.0 and "breach" not in lunch


def test_a_replacing_rule_without_other_policy_words_is_refused(tmp_path: Path) -> None:
    path = glossary_file(tmp_path, "kids => pupil\nformer colleague =>! former colleagues\n")
    with pytest.raises(ConfigError, match="glossary.txt:2"):
        Analyzer(glossary_path=path)
