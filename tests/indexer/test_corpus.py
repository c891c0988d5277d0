"""The corpus on disk: school folders, school.toml, which files are policies."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from indexer.corpus import School, discover, read_school
from indexer.dates import parse_month
from tests.conftest import CORPUS_DIR

pytestmark = pytest.mark.usefixtures("isolated_env")

BUNDLED = {
    "kaleidoscope-mat": "social-media-and-networking-policy.txt",
    "kite-college": "social-media-policy.txt",
    "knowsley-central-school": "social-networking-policy.txt",
    "millfields-community-school": "networking-and-social-media-policy.txt",
    "north-star-trust": "social-media-policy.txt",
}
TOML = """\
name = "Oak Primary"
trust_wide = true
[contacts]
dsl = { name = "Ann Lee", phone = "01234 567890" }
headteacher = { name = "", phone = "" }
allegations = { role = "LADO", phone = "01234 000000" }
deputies = [{ name = "Dee Puty", phone = "" }]
[documents."policy.txt"]
title = "Online Safety"
review_date = "June 2030"
"""


def write(path: Path, text: str = "POLICY\n\nStaff must not follow pupils.\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- the bundled corpus -----------------------------------------------------------------


def test_bundled_corpus_has_five_schools_one_policy_each() -> None:
    schools, files = discover([CORPUS_DIR])
    assert set(schools) == set(BUNDLED)
    assert sorted(f.source for f in files) == sorted(f"{s}/{n}" for s, n in BUNDLED.items())
    assert all(f.school == f.source.split("/")[0] for f in files)


@pytest.mark.parametrize("slug", sorted(BUNDLED))
def test_bundled_school_toml_is_complete(slug: str) -> None:
    school = read_school(CORPUS_DIR / slug)
    assert school.name and school.name != slug
    assert school.trust_wide is False
    assert {"dsl", "headteacher", "chair_of_governors"} <= set(school.contacts)
    for name, meta in school.documents.items():
        assert (CORPUS_DIR / slug / name).is_file(), f"school.toml names a missing file {name}"
        assert meta.get("title")
        assert parse_month(meta.get("review_date")), meta


# --- discovering files ------------------------------------------------------------------


def test_what_counts_as_a_policy_file(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "oak" / "policy.txt")
    write(root / "oak" / "safeguarding" / "online.md")
    for skipped in ("README.md", ".hidden.txt", "_drafts/old.txt", ".git/notes.txt"):
        write(root / "oak" / skipped)
    write(root / "oak" / "school.toml", 'name = "Oak"\n')
    write(root / ".cache" / "x.txt")
    _, files = discover([root])
    assert sorted(f.source for f in files) == ["oak/policy.txt", "oak/safeguarding/online.md"]


def test_unsupported_files_are_listed_so_the_build_can_report_them(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "oak" / "policy.txt")
    write(root / "oak" / "minutes.xlsx", "x")
    _, files = discover([root])
    assert "oak/minutes.xlsx" in [f.source for f in files]


def test_a_school_folder_can_be_given_directly(tmp_path: Path) -> None:
    folder = tmp_path / "oak-primary"
    write(folder / "policy.txt")
    schools, files = discover([folder])
    assert list(schools) == ["oak-primary"]
    assert [f.source for f in files] == ["oak-primary/policy.txt"]


def test_a_single_file_can_be_given(tmp_path: Path) -> None:
    path = write(tmp_path / "oak" / "policy.txt")
    write(tmp_path / "oak" / "other.txt")
    schools, files = discover([path])
    assert list(schools) == ["oak"]
    assert [(f.path, f.source) for f in files] == [(path, "oak/policy.txt")]


def test_several_roots(tmp_path: Path) -> None:
    write(tmp_path / "a" / "oak" / "policy.txt")
    write(tmp_path / "b" / "elm" / "policy.txt")
    schools, files = discover([tmp_path / "a", tmp_path / "b"])
    assert set(schools) == {"oak", "elm"}
    assert len(files) == 2


# --- school.toml ------------------------------------------------------------------------


def test_school_toml_is_read(tmp_path: Path) -> None:
    write(tmp_path / "oak" / "school.toml", TOML)
    school = read_school(tmp_path / "oak")
    assert (school.slug, school.name, school.trust_wide) == ("oak", "Oak Primary", True)
    dsl = school.contacts["dsl"]
    assert (dsl.role, dsl.name, dsl.phone) == (
        "Designated Safeguarding Lead",
        "Ann Lee",
        "01234 567890",
    )
    head = school.contacts["headteacher"]
    assert (head.role, head.name, head.phone) == ("Headteacher", None, None)  # "" is a placeholder
    assert school.contacts["allegations"].role == "LADO"
    assert [(d.role, d.name) for d in school.deputies] == [("Deputy DSL", "Dee Puty")]
    assert school.documents == {
        "policy.txt": {"title": "Online Safety", "review_date": "June 2030"}
    }


def test_school_without_toml_is_named_after_its_folder(tmp_path: Path) -> None:
    (tmp_path / "st-marys-primary").mkdir()
    school = read_school(tmp_path / "st-marys-primary")
    assert (school.name, school.trust_wide, school.contacts) == ("St Marys Primary", False, {})


def test_school_json_round_trip(tmp_path: Path) -> None:
    write(tmp_path / "oak" / "school.toml", TOML)
    school = read_school(tmp_path / "oak")
    assert School.from_json(school.to_json()) == school


@pytest.mark.parametrize(
    "text", ['name = "Oak\n', "[contacts\n", b"\xff\xfe\x00".decode("latin-1")]
)
def test_broken_school_toml_is_a_config_error_naming_the_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "oak" / "school.toml"
    path.parent.mkdir()
    path.write_bytes(text.encode("latin-1") if "\xff" in text else text.encode())
    with pytest.raises(ConfigError) as error:
        read_school(tmp_path / "oak")
    assert "school.toml" in str(error.value)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[contacts]\ndsl = "Mrs Smith"\n', '"contacts.dsl"'),
        ("contacts = 3\n", '"contacts"'),
        ('[contacts]\ndeputies = ["Mr A"]\n', '"contacts.deputies[0]"'),
        ('documents = { "policy.pdf" = "June 2030" }\n', 'documents."policy.pdf"'),
    ],
)
def test_wrong_shape_in_school_toml_is_a_config_error(tmp_path: Path, text: str, key: str) -> None:
    write(tmp_path / "oak" / "school.toml", text)
    with pytest.raises(ConfigError) as error:
        read_school(tmp_path / "oak")
    assert "school.toml: key " + key in str(error.value)
