"""Who a clause is about and who a question asks about (indexer/subjects.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from indexer.model import Passage
from indexer.subjects import Roles, default_roles
from tests.builders import make_passage


def passage(text: str, context: str | None = None, section: str = "") -> Passage:
    return make_passage(text, context=context, section=section)


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("can I follow an ex-pupil on Instagram?", "staff"),
        ("I think a pupil has messaged my personal profile", "staff"),
        ("is it ok for me to post photos", "staff"),
        ("can we put the children's photos on the website", "staff"),
        ("can visitors wear an id badge", "volunteers"),
        ("can learners go on social media during college hours", "pupils"),
        ("are kids allowed phones at break", "pupils"),
        ("what does the trust board have to do about this policy", "trust board"),
        ("what are headteachers responsible for", "headteacher"),
        ("how can parents raise concerns about a teacher", "parents"),
        ("is it ok for staff to follow pupils", "staff"),
        ("should governors have a social media account", "governors"),
        ("what is the point of the social media policy", None),
        ("does the policy cover governors", None),
        ("can pupils be added as friends", None),
        ("will learners be taught about staying safe online", "pupils"),
        ("are parents allowed to film the play", "parents"),
        ("a colleague posted a photo of a pupil", None),
    ],
)
def test_question_subject(question: str, role: str | None) -> None:
    assert default_roles().of_question(question) == role


@pytest.mark.parametrize(
    ("clause", "role"),
    [
        (
            passage("Ensure that the MAT has up to date policies.", "The Trust Board shall:"),
            "trust board",
        ),
        (passage("Update the Trust Board on safeguarding issues.", "The CEO shall:"), "ceo"),
        (passage("Staff should never 'friend' a pupil."), "staff"),
        (passage("School employees must not be friends with pupils."), "staff"),
        (
            passage(
                "The use of social media is permitted for learners.",
                None,
                "5 Learners' use of social media",
            ),
            "pupils",
        ),
        (
            passage(
                "Never use personal accounts to contact families.",
                None,
                "4 Staff use of social media › 4.2 Communicating with learners",
            ),
            "staff",
        ),
        # a role named later is not the subject
        (passage("Photographs may be used with consent.", None, "Images of Pupils"), None),
        (passage("If a colleague receives a message, report it."), None),
        (passage("Colleagues at the school must not disclose confidential information."), "staff"),
        (passage("Learners are only permitted to use phones at break."), "pupils"),
        (passage("Pupils must not be added as friends on personal accounts."), None),
        (passage("Children's images must never be posted online."), None),
    ],
)
def test_clause_subject(clause: Passage, role: str | None) -> None:
    assert default_roles().of_passage(clause) == role


def test_roles_file_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "roles.txt"
    path.write_text("# comment\nstaff staff, colleagues\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="roles.txt:2"):
        Roles.load(path)


def test_roles_file_phrases_match_after_stemming(tmp_path: Path) -> None:
    path = tmp_path / "roles.txt"
    path.write_text("wardens: lunchtime supervisor\n", encoding="utf-8")
    roles = Roles.load(path)
    assert roles.of_question("can lunchtime supervisors use phones") == "wardens"
    assert roles.of_passage(passage("Lunchtime supervisors must not use phones.")) == "wardens"
