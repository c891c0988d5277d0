"""The ``policybot`` command: a thin click layer over the library.

Each command parses, calls one function and turns a ``PolicybotError`` into a one-sentence
error (exit status 1). Nothing here shows a traceback or question text in logs.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from bot import evaluate
from bot.answer import Answerer
from bot.config import Settings, load_settings
from bot.errors import PolicybotError
from bot.logs import configure as configure_logging
from bot.render_terminal import render
from indexer.build import BuildReport, build_index


def main() -> None:
    try:
        cli(standalone_mode=True)
    except PolicybotError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)


@click.group()
@click.version_option(package_name="policybot")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Answers school staff's policy questions with the exact clause, and routes concerns
    to the Designated Safeguarding Lead.

    Example: policybot ask "can I follow an ex-pupil on Instagram?"
    """
    ctx.obj = _settings()
    configure_logging(ctx.obj.log_level)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Index folder (default: $POLICYBOT_INDEX or data/index).",
)
@click.option(
    "--audit",
    is_flag=True,
    help="Do not build: report the share of passages with each parsing defect, by producer.",
)
@click.pass_obj
def index(settings: Settings, paths: tuple[Path, ...], out: Path | None, audit: bool) -> None:
    """Index policy documents (PDF, Word, Markdown, text) into clause-level passages.

    Unchanged files are not parsed again. Exit status is non-zero only when nothing could
    be indexed.

    Example: policybot index corpus/ --out data/index
    """
    from rich.progress import Progress

    roots = list(paths) or [settings.corpus_dir]
    for root in roots:
        if not root.exists():
            raise click.ClickException(f"{root} does not exist.")
    if audit:
        from indexer.audit import audit as run_audit

        click.echo(run_audit(roots).format())
        return
    console = Console(stderr=True)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Indexing", total=None)
        try:
            report = build_index(
                roots,
                out or settings.index_path,
                on_file=lambda name: progress.update(task, advance=1),
            )
        except PolicybotError as error:
            progress.stop()
            raise click.ClickException(str(error)) from None
    for line in report.failed + report.warnings:
        console.print(f"[yellow]![/yellow] {line}", highlight=False)
    click.echo(
        f"Indexed {report.documents} documents, {report.passages} passages "
        f"({report.parsed} parsed, {report.reused} unchanged) into {report.out} "
        f"in {report.seconds:.1f}s; {len(report.failed)} failed, {len(report.warnings)} warnings."
    )


@cli.command()
@click.argument("question")
@click.option(
    "--school", help="Answer from this school's policies only (its slug, e.g. kite-college)."
)
@click.option("--index", "index_path", type=click.Path(path_type=Path), help="Index folder.")
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object (see README: JSON contract)."
)
@click.option(
    "-k", "k", default=3, show_default=True, type=click.IntRange(1, 20), help="Passages to return."
)
@click.pass_obj
def ask(
    settings: Settings,
    question: str,
    school: str | None,
    index_path: Path | None,
    as_json: bool,
    k: int,
) -> None:
    """Answer one question; QUESTION '-' reads one question a line from stdin (with --json).

    Example: policybot ask "can I post photos of the school trip?" --school kite-college
    """
    answerer = _answerer(settings, index_path)
    _check_school(answerer, school)
    if question == "-":
        for line in sys.stdin:
            if line.strip():
                _emit(answerer.answer(line.rstrip("\n"), school, k), as_json=True)
        return
    _emit(answerer.answer(question, school, k), as_json)


@cli.command()
@click.option("--school", help="Answer from this school's policies only.")
@click.option("--index", "index_path", type=click.Path(path_type=Path), help="Index folder.")
@click.pass_obj
def chat(settings: Settings, school: str | None, index_path: Path | None) -> None:
    """Ask questions one after another in the terminal (empty line or Ctrl-D to stop).

    Example: policybot chat --school north-star-trust
    """
    answerer = _answerer(settings, index_path)
    _check_school(answerer, school)
    console = Console()
    while True:
        try:
            question = console.input("[bold]Ask about a policy>[/bold] ")
        except (EOFError, KeyboardInterrupt):
            break
        if not question.strip():
            break
        render(answerer.answer(question, school), console)
        console.print()


@cli.command(name="eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--index", "index_path", type=click.Path(path_type=Path), help="Index folder.")
@click.option("--json", "as_json", is_flag=True, help="Metrics and misses as JSON.")
@click.pass_obj
def eval_command(settings: Settings, file: Path, index_path: Path | None, as_json: bool) -> None:
    """Answer quality on a question file: Recall@1/@3, MRR@5, abstention, concern recall.

    Example: policybot eval ../shared/eval/dev_questions.jsonl
    """
    try:
        cases = evaluate.read_cases(file)
    except PolicybotError as error:
        raise click.ClickException(str(error)) from None
    answerer = _answerer(settings, index_path)
    results = evaluate.run(answerer, cases)
    figures, missed = evaluate.metrics(results), evaluate.misses(results)
    if as_json:
        click.echo(json.dumps({"metrics": figures, "misses": missed}, indent=1))
        return
    for item in missed:
        click.echo(f"miss {item['id']}: {'; '.join(item['problems'])} — {item['question']}")
    for name, value in figures.items():
        click.echo(f"{name:>17}: {value}")


class _LazyCommands(dict):  # type: ignore[type-arg]
    """The group's commands; a "module:name" value is imported on first use, so `policybot
    ask` does not pay for aiohttp, Slack Bolt and SQLAlchemy (serve, escalations)."""

    def __getitem__(self, name: str) -> click.Command:
        value = super().__getitem__(name)
        if isinstance(value, str):
            module, _, attr = value.partition(":")
            value = getattr(importlib.import_module(module), attr)
            super().__setitem__(name, value)
        return value

    def get(self, name: str, default: object = None) -> Any:  # type: ignore[override]
        return self[name] if name in self else default

    def items(self) -> list[tuple[str, click.Command]]:  # type: ignore[override]
        return [(name, self[name]) for name in self]

    def values(self) -> list[click.Command]:  # type: ignore[override]
        return [self[name] for name in self]


def _register_optional_commands() -> None:
    """Commands that live beside their features (escalations, serve, doctor), loaded lazily."""
    cli.commands = _LazyCommands(cli.commands)
    cli.commands["escalations"] = "bot.cli_escalations:escalations"
    cli.commands["serve"] = "bot.cli_serve:serve"
    cli.commands["doctor"] = "bot.cli_serve:doctor"


def _settings() -> Settings:
    try:
        return load_settings()
    except PolicybotError as error:
        raise click.ClickException(str(error)) from None


def _answerer(settings: Settings, index_path: Path | None) -> Answerer:
    try:
        if index_path is not None:
            return Answerer.from_index(index_path, default_school=settings.default_school)
        return Answerer.from_settings(settings, on_build=_say_indexed)
    except PolicybotError as error:
        raise click.ClickException(str(error)) from None


def _say_indexed(report: BuildReport) -> None:
    click.echo(f"(Indexed {report.documents} documents, {report.passages} passages.)", err=True)


def _check_school(answerer: Answerer, school: str | None) -> None:
    if school and school not in answerer.schools:
        known = ", ".join(sorted(answerer.schools)) or "none"
        raise click.ClickException(f"No school called {school!r} in the index. Known: {known}.")


def _emit(answer: object, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))  # type: ignore[attr-defined]
    else:
        render(answer, Console())  # type: ignore[arg-type]


_register_optional_commands()
