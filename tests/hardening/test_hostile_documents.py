"""Documents that try to eat the machine or reach outside the corpus: each costs one clear
line in the build report, the rest of the corpus is indexed, and nothing outside the corpus
is read. Builds run their parsers in worker processes under the memory limit."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from indexer import build, messages
from indexer.build import BuildReport, build_index
from indexer.corpus import discover, read_school
from indexer.errors import ConfigError
from indexer.index import SearchIndex
from indexer.loaders import text as text_loader
from tests.hardening.hostile_docs import YAML_BOMB, docx_bomb, many_clauses, write_corpus

GOOD = ("good.txt", "Phones policy\n\n1. Staff must not photograph pupils on a personal phone.\n")


def _line(report: BuildReport, name: str) -> str:
    prefixes = (f"hostile-school/{name}", f"{name}:")
    lines = [x for x in report.failed + report.warnings if x.startswith(prefixes)]
    assert len(lines) == 1, report
    return lines[0]


def _indexed(out: Path) -> dict[str, dict[str, int]]:
    return json.loads((out / "files.json").read_text())  # type: ignore[no-any-return]


def test_a_yaml_alias_bomb_is_refused_and_its_policy_still_indexed(tmp_path: Path) -> None:
    school = write_corpus(tmp_path, dict([GOOD, ("bomb.md", YAML_BOMB)]))
    assert len(YAML_BOMB.encode()) < 600
    out = tmp_path / "index"
    report = build_index([school.parent], out)
    assert "front matter" in _line(report, "bomb.md")
    assert not report.failed
    passages = SearchIndex.load(out).passages
    assert any("photograph pupils on a personal phone" in p.text for p in passages)
    assert any(p.document == "Mobile phone policy" for p in passages)


def test_a_docx_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    bomb = docx_bomb()
    assert len(bomb) < 200_000
    school = write_corpus(tmp_path, dict([GOOD, ("bomb.docx", bomb)]))
    report = build_index([school.parent], tmp_path / "index")
    line = _line(report, "bomb.docx")
    assert line.startswith("hostile-school/bomb.docx: too large to read safely: ")
    assert "unpacks to 12 MB, over the 10 MB" in line
    assert "hostile-school/good.txt" in _indexed(tmp_path / "index")


def _hungry_loader(monkeypatch: pytest.MonkeyPatch, gigabytes: float) -> None:
    real_load = text_loader.load

    def hungry(path: Path):  # runs in the forked worker: asks for memory on cue
        if "hungry" in path.name:
            hog = bytearray(int(gigabytes * 1024**3))
            hog[-1] = 1
        return real_load(path)

    monkeypatch.setattr(text_loader, "load", hungry)


def _hungry_corpus(tmp_path: Path) -> Path:
    files = dict([GOOD, ("a-hungry.txt", GOOD[1].replace("Phones", "Cameras"))])
    files["z-after.txt"] = GOOD[1].replace("Phones", "Tablets").replace("phone", "tablet")
    return write_corpus(tmp_path, files)


def test_a_document_needing_too_much_memory_is_one_line_and_the_build_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hungry_loader(monkeypatch, gigabytes=2)  # over the default 1 GB
    school = _hungry_corpus(tmp_path)
    out = tmp_path / "index"
    report = build_index([school.parent], out)
    assert _line(report, "a-hungry.txt") == (
        f"hostile-school/a-hungry.txt: {messages.DOC_TOO_LARGE_TO_READ}"
    )
    assert "too large to read safely" in messages.DOC_TOO_LARGE_TO_READ
    assert {"hostile-school/good.txt", "hostile-school/z-after.txt"} <= set(_indexed(out))


def test_the_parser_memory_limit_is_configurable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hungry_loader(monkeypatch, gigabytes=0.3)
    school = _hungry_corpus(tmp_path)
    tight = build_index([school.parent], tmp_path / "tight", parse_memory_mb=128)
    assert _line(tight, "a-hungry.txt").endswith(messages.DOC_TOO_LARGE_TO_READ)
    roomy = build_index([school.parent], tmp_path / "roomy")
    assert not roomy.failed and "hostile-school/a-hungry.txt" in _indexed(tmp_path / "roomy")


def test_a_document_with_too_many_clauses_is_refused(tmp_path: Path) -> None:
    huge = many_clauses(build.MAX_PASSAGES + 50)
    school = write_corpus(tmp_path, dict([GOOD, ("huge.txt", huge)]))
    out = tmp_path / "index"
    report = build_index([school.parent], out)
    assert _line(report, "huge.txt").startswith("hostile-school/huge.txt: has 10,0")
    assert "split it" in _line(report, "huge.txt")
    assert list(_indexed(out)) == ["hostile-school/good.txt"]


def test_links_out_of_the_corpus_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "passwd.txt"
    secret.write_text("Secrets\n\n1. root:x:0:0:root:/root:/bin/bash must never be quoted.\n")
    (outside / "folder").mkdir()
    (outside / "folder" / "more.txt").write_text(secret.read_text())
    school = write_corpus(tmp_path, dict([GOOD]))
    (school / "passwd.txt").symlink_to(secret)
    (school / "linked-folder").symlink_to(outside / "folder", target_is_directory=True)
    (school / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    out = tmp_path / "index"
    report = build_index([school.parent], out)
    for name in ("passwd.txt", "linked-folder", "dangling.txt"):
        assert _line(report, name) == (
            messages.CORPUS_LINK_SKIPPED.format(name=f"hostile-school/{name}")
        )
    assert list(_indexed(out)) == ["hostile-school/good.txt"]
    assert not any("root:" in p.text for p in SearchIndex.load(out).passages)


def test_a_school_folder_that_is_a_link_is_not_followed(tmp_path: Path) -> None:
    elsewhere = write_corpus(tmp_path / "elsewhere", dict([GOOD]))
    corpus = tmp_path / "corpus"
    write_corpus(tmp_path, {"other.txt": GOOD[1].replace("Phones", "Cameras")})
    (corpus / "linked-school").symlink_to(elsewhere, target_is_directory=True)
    skipped: list[str] = []
    schools, files = discover([corpus], skipped=skipped)
    assert skipped == [messages.CORPUS_LINK_SKIPPED.format(name="linked-school")]
    assert [f.source for f in files] == ["hostile-school/other.txt"]


def test_a_file_swapped_for_a_link_after_discovery_is_not_opened(tmp_path: Path) -> None:
    from indexer.loaders import read_nonempty

    (tmp_path / "secret.docx").write_bytes(b"secret")
    (tmp_path / "policy.docx").symlink_to(tmp_path / "secret.docx")
    with pytest.raises(Exception) as error:
        read_nonempty(tmp_path / "policy.docx")
    assert "could not be opened" in str(error.value)


def test_a_deeply_nested_school_toml_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "oak"
    folder.mkdir()
    (folder / "school.toml").write_text("name = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError) as error:
        read_school(folder)
    assert str(error.value).startswith(f"{folder / 'school.toml'}: ")


def test_a_school_toml_error_names_the_file_and_the_key(tmp_path: Path) -> None:
    folder = tmp_path / "oak"
    folder.mkdir()
    (folder / "school.toml").write_text('[contacts]\nheadteacher = { name = ["A", "B"] }\n')
    with pytest.raises(ConfigError) as error:
        read_school(folder)
    assert f'{folder / "school.toml"}: key "contacts.headteacher.name"' in str(error.value)


def test_a_kill_between_the_two_renames_is_repaired_on_the_next_load(tmp_path: Path) -> None:
    school = write_corpus(tmp_path, dict([GOOD]))
    out = tmp_path / "index"
    build_index([school.parent], out)
    staging, old = out.with_name(".index.new"), out.with_name(".index.old")
    build_index([school.parent], staging)  # a complete new index, as the build wrote it
    out.rename(old)  # ... and the kill came here, after the first rename
    assert len(SearchIndex.load(out).passages) == 1
    assert not staging.exists()
    shutil.rmtree(old)
    os.rename(out, old)  # a kill before the new index was complete: the old one comes back
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "vocab.json").write_text("[")
    os.rename(tmp_path / "half", staging)
    assert len(SearchIndex.load(out).passages) == 1
    assert not old.exists()
