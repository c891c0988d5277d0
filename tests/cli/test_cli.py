"""The ``policybot`` command: index / ask / chat / eval, exit codes, no tracebacks, README."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from bot import messages
from bot.cli.main import cli
from tests.conftest import CORPUS_DIR

pytestmark = pytest.mark.usefixtures("isolated_env")

README = Path(__file__).resolve().parents[2] / "README.md"
METRICS = (
    "recall@1",
    "recall@3",
    "mrr@5",
    "oos_abstention",
    "false_abstention",
    "concern_recall",
    "false_alarms",
)
POLICY = "POLICY\n\n1.1 Staff must not follow pupils on social media.\n"


def run(*args: str, input: str | None = None) -> Result:
    result = CliRunner().invoke(cli, list(args), input=input)
    assert "Traceback" not in result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def school(root: Path, files: dict[str, bytes]) -> Path:
    folder = root / "oak"
    folder.mkdir(parents=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return root


# --- index ------------------------------------------------------------------------------


def test_index_prints_a_summary(tmp_path: Path) -> None:
    result = run("index", str(CORPUS_DIR), "--out", str(tmp_path / "index"))
    assert result.exit_code == 0
    summary = result.stdout.strip().splitlines()[-1]
    assert re.match(r"Indexed 5 documents, \d+ passages \(5 parsed, 0 unchanged\)", summary)
    assert "0 failed" in summary
    again = run("index", str(CORPUS_DIR), "--out", str(tmp_path / "index"))
    assert "(0 parsed, 5 unchanged)" in again.stdout


def test_index_names_a_corrupt_file_in_one_line_and_succeeds(tmp_path: Path) -> None:
    corpus = school(tmp_path / "corpus", {"policy.txt": POLICY.encode(), "broken.pdf": b"garbage"})
    result = run("index", str(corpus), "--out", str(tmp_path / "index"))
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if "broken.pdf" in line]
    assert len(lines) == 1 and "oak/broken.pdf: " in lines[0]
    assert "1 failed" in result.stdout


def test_index_exits_non_zero_only_when_nothing_was_indexed(tmp_path: Path) -> None:
    corpus = school(tmp_path / "corpus", {"broken.pdf": b"garbage", "empty.txt": b""})
    result = run("index", str(corpus), "--out", str(tmp_path / "index"))
    assert result.exit_code != 0
    assert "could be indexed" in result.output
    assert "broken.pdf" in result.output and "empty.txt" in result.output


def test_index_of_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run("index", str(tmp_path / "nowhere"), "--out", str(tmp_path / "index"))
    assert result.exit_code != 0
    assert "does not exist" in result.output


@pytest.mark.parametrize("toml", ['name = "Oak\n', '[contacts]\ndsl = "Mrs Smith"\n'])
def test_index_with_a_broken_school_toml_names_it(tmp_path: Path, toml: str) -> None:
    corpus = school(
        tmp_path / "corpus", {"policy.txt": POLICY.encode(), "school.toml": toml.encode()}
    )
    result = run("index", str(corpus), "--out", str(tmp_path / "index"))
    assert result.exit_code != 0
    assert "oak/school.toml" in result.output


def test_index_in_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    corpus = school(tmp_path / "corpus", {"broken.pdf": b"garbage"})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYBOT_", "SLACK_"))}
    env.update(POLICYBOT_DATA_DIR=str(tmp_path / "data"), PYTHON_DOTENV_DISABLED="1")
    command = [
        sys.executable,
        "-c",
        "from bot.cli.main import main; main()",
        "index",
        str(corpus),
        "--out",
        str(tmp_path / "index"),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "broken.pdf" in done.stderr


# --- ask --------------------------------------------------------------------------------


def test_ask_renders_the_clause_and_the_dsl_route(corpus_index: Path) -> None:
    result = run(
        "ask",
        "can I post photos of pupils on instagram",
        "--school",
        "kaleidoscope-mat",
        "--index",
        str(corpus_index),
    )
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "must not post or share photographs of pupils" in text
    assert "DSL" in text and "Social Media and Networking Policy" in text


def test_ask_urgent_leads_with_999(corpus_index: Path) -> None:
    result = run(
        "ask", "a pupil in my class says she wants to kill herself", "--index", str(corpus_index)
    )
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "999" in text
    assert text.index("999") < text.index("You asked")


def test_ask_out_of_scope_says_so_and_shows_the_route(corpus_index: Path) -> None:
    result = run("ask", "how do I book the minibus", "--index", str(corpus_index))
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "couldn't find a clause" in text and "DSL" in text


def test_ask_unknown_school_is_a_clear_error(corpus_index: Path) -> None:
    result = run(
        "ask", "can I follow a pupil", "--school", "hogwarts", "--index", str(corpus_index)
    )
    assert result.exit_code != 0
    assert "hogwarts" in result.output and "kite-college" in result.output


def test_ask_with_a_damaged_index_says_to_reindex(corpus_index: Path, tmp_path: Path) -> None:
    result = run("ask", "can I follow a pupil", "--index", str(tmp_path / "no-index"))
    assert result.exit_code != 0
    assert "policybot index" in result.output


def test_ask_builds_the_index_when_it_is_missing(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYBOT_CORPUS", str(CORPUS_DIR))
    result = run("ask", "can I follow an ex-pupil?", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout.splitlines()[-1])["passages"]
    assert (isolated_env / "index" / "params.json").exists()  # inside POLICYBOT_DATA_DIR


def test_ask_json_empty_question_is_answered(corpus_index: Path) -> None:
    result = run("ask", "", "--json", "--index", str(corpus_index))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["answered"] is False and data["notice"] and data["route"]


# --- chat -------------------------------------------------------------------------------


def test_chat_answers_and_stops_at_end_of_input(corpus_index: Path) -> None:
    result = run("chat", "--index", str(corpus_index), input="can I follow an ex-pupil?\n")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "ex-pupils" in text and "DSL" in text


def test_chat_answers_several_questions_then_stops_on_an_empty_line(corpus_index: Path) -> None:
    result = run(
        "chat",
        "--school",
        "kite-college",
        "--index",
        str(corpus_index),
        input="can I add a learner?\n\U0001f600\n\nnot reached\n",
    )
    assert result.exit_code == 0
    assert result.stdout.count("Ask about a policy>") == 3
    text = " ".join(result.stdout.split())
    assert " ".join(messages.NO_WORDS_QUESTION.split()) in text  # the emoji line
    assert "not reached" not in text


def test_chat_unknown_school(corpus_index: Path) -> None:
    result = run("chat", "--school", "nope", "--index", str(corpus_index), input="")
    assert result.exit_code != 0 and "nope" in result.output


# --- eval -------------------------------------------------------------------------------


def eval_file(tmp_path: Path) -> Path:
    cases = [
        {
            "id": "a1",
            "question": "can I be friends with a pupil on facebook",
            "kind": "answer",
            "concern": None,
            "expect": ["must not accept pupils as friends", "Staff should never 'friend' a pupil"],
        },
        {
            "id": "c1",
            "question": "a pupil told me her dad hits her",
            "kind": "concern",
            "concern": True,
            "expect": [],
        },
        {
            "id": "o1",
            "question": "how do I book the minibus",
            "kind": "oos",
            "concern": False,
            "expect": [],
        },
    ]
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(json.dumps(case) for case in cases) + "\n", encoding="utf-8")
    return path


def test_eval_prints_every_metric(corpus_index: Path, tmp_path: Path) -> None:
    result = run("eval", str(eval_file(tmp_path)), "--index", str(corpus_index))
    assert result.exit_code == 0
    for name in METRICS:
        assert re.search(rf"^\s*{re.escape(name)}: ", result.stdout, re.M), name
    assert re.search(r"concern_recall: 1\.0", result.stdout)


def test_eval_json(corpus_index: Path, tmp_path: Path) -> None:
    result = run("eval", str(eval_file(tmp_path)), "--index", str(corpus_index), "--json")
    data = json.loads(result.stdout)
    assert set(METRICS) <= set(data["metrics"]) and isinstance(data["misses"], list)
    assert data["metrics"]["cases"] == 3


def test_eval_of_a_malformed_file_is_a_clear_error(corpus_index: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x"}\n', encoding="utf-8")
    result = run("eval", str(path), "--index", str(corpus_index))
    assert result.exit_code != 0
    assert "bad.jsonl:1" in result.output


# --- README documents every command and option (the sqlite-utils habit) ----------------


def commands(group: click.Group, prefix: str = "policybot") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((f"{prefix} {name}", command))
        if isinstance(command, click.Group):
            found.extend(commands(command, f"{prefix} {name}"))
    return found


def documented_names() -> list[tuple[str, str]]:
    """(command path, word that must appear on a README line naming the command's group)."""
    names = []
    for path, command in commands(cli):
        names.append((path, ""))
        for param in command.params:
            if isinstance(param, click.Option) and "--help" not in param.opts:
                names.append((path, max(param.opts, key=len)))
    return names


# Gaps the lead knows about (reported); each is its own case so a new gap still fails.
KNOWN_GAPS: dict[tuple[str, str | None], str] = {}


@pytest.mark.parametrize(
    ("path", "option"),
    [
        pytest.param(*name, marks=pytest.mark.xfail(strict=False, reason=KNOWN_GAPS[name]))
        if name in KNOWN_GAPS
        else name
        for name in documented_names()
    ],
    ids=lambda value: value or "command",
)
def test_readme_documents_every_command_and_option(path: str, option: str) -> None:
    readme = README.read_text(encoding="utf-8")
    group, _, name = path.rpartition(" ")
    assert re.search(rf"{re.escape(group)}\b[^\n]*\b{re.escape(name)}\b", readme), path
    if option:
        command = dict(commands(cli))[path]
        (param,) = [p for p in command.params if option in getattr(p, "opts", ())]
        assert any(re.search(rf"(?<![\w-]){re.escape(o)}\b", readme) for o in param.opts), option
