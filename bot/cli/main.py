"""The ``policybot`` command: a thin click layer over the library.

Each command parses, calls one function and turns a ``PolicybotError`` into a one-sentence
error (exit status 1). Nothing here shows a traceback or question text in logs.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import click
from rich.console import Console

from bot import messages
from bot.answering import eval_report, evaluate
from bot.answering.answerer import Answerer
from bot.cli.terminal import markup_safe, printable, render
from bot.errors import PolicybotError
from bot.logs import configure as configure_logging
from bot.serve.config import Settings, load_settings
from bot.serve.wiring import build_answerer, model_choice
from indexer.build import BuildReport, build_index


def main() -> None:
    try:
        cli(standalone_mode=True)
    except PolicybotError as error:
        click.echo(messages.CLI_ERROR.format(error=printable(str(error), newlines=True)), err=True)
        sys.exit(1)


class _Policybot(click.Group):
    """The group, plus the commands that live beside their features (escalations, serve,
    doctor), imported on first use so `policybot ask` does not pay for aiohttp, Slack Bolt
    and SQLAlchemy."""

    LAZY = {
        "escalations": "bot.cli.escalations:escalations",
        "serve": "bot.cli.serve:serve",
        "doctor": "bot.cli.serve:doctor",
        "stats": "bot.cli.stats:stats",
        "sources": "bot.cli.sources:sources_group",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY and name not in self.commands:
            module, _, attr = self.LAZY[name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)


@click.group(cls=_Policybot)
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
    "--parse-memory-mb",
    type=click.IntRange(min=64),
    help="Memory (MB of address space) each parser may use on top of what it starts with; "
    "a document needing more is skipped with one line (default: $POLICYBOT_PARSE_MEMORY_MB "
    "or 1024).",
)
@click.option(
    "--audit",
    is_flag=True,
    help="Do not build: report the share of passages with each parsing defect, by producer.",
)
@click.pass_obj
def index(
    settings: Settings,
    paths: tuple[Path, ...],
    out: Path | None,
    parse_memory_mb: int | None,
    audit: bool,
) -> None:
    """Index policy documents (PDF, Word, Markdown, text) into clause-level passages.

    Unchanged files are not parsed again. Exit status is non-zero only when nothing could
    be indexed.

    Example: policybot index corpus/ --out data/index
    """
    from rich.progress import Progress

    roots = list(paths) or [settings.corpus_dir]
    for root in roots:
        if not root.exists():
            raise click.ClickException(messages.CLI_PATH_MISSING.format(path=root))
    if audit:
        from indexer.audit import audit as run_audit

        click.echo(run_audit(roots).format())
        return
    console = Console(stderr=True)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(messages.CLI_INDEXING, total=None)
        try:
            report = build_index(
                roots,
                out or settings.index_path,
                on_file=lambda name: progress.update(task, advance=1),
                parse_memory_mb=parse_memory_mb or settings.parse_memory_mb,
                model=model_choice(settings),
            )
        except PolicybotError as error:  # may name files: print them as they are
            progress.stop()
            raise click.ClickException(printable(str(error), newlines=True)) from None
    for line in report.failed + report.warnings:
        console.print(f"[yellow]![/yellow] {markup_safe(line)}", highlight=False)
    click.echo(messages.INDEX_EMBEDDING.format(model=report.embedding, count=report.embedded))
    click.echo(
        messages.CLI_INDEXED.format(
            documents=report.documents,
            passages=report.passages,
            parsed=report.parsed,
            reused=report.reused,
            out=report.out,
            seconds=report.seconds,
            failed=len(report.failed),
            warnings=len(report.warnings),
        )
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
            question = console.input(f"[bold]{messages.CLI_ASK_PROMPT}[/bold] ")
        except (EOFError, KeyboardInterrupt):
            break
        if not question.strip():
            break
        render(answerer.answer(question, school), console)
        console.print()


@cli.command(name="eval")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--index", "index_path", type=click.Path(path_type=Path), help="Index folder.")
@click.option("--json", "as_json", is_flag=True, help="Metrics and misses as JSON.")
@click.option(
    "--by-school",
    is_flag=True,
    help='Answer each question from its own school (the question\'s "school" field).',
)
@click.option(
    "--school",
    "schools",
    multiple=True,
    metavar="SLUG",
    help="Only the questions of this school (repeatable), e.g. a held-out split.",
)
@click.pass_obj
def eval_command(
    settings: Settings,
    files: tuple[Path, ...],
    index_path: Path | None,
    as_json: bool,
    by_school: bool,
    schools: tuple[str, ...],
) -> None:
    """Answer quality on question files: Recall@1/@3, MRR@5, abstention, concern recall,
    overall and per school, each with a 95% bootstrap interval.

    Example: policybot eval tests/data/real_questions.jsonl --by-school --school hccp-preschool
    """
    try:
        cases = [case for file in files for case in evaluate.read_cases(file)]
    except PolicybotError as error:
        raise click.ClickException(str(error)) from None
    if schools:
        cases = [case for case in cases if case.school in schools]
        if not cases:
            raise click.ClickException(
                messages.CLI_EVAL_NO_QUESTIONS.format(schools=", ".join(schools))
            )
    answerer = _answerer(settings, index_path)
    if by_school:
        _check_case_schools(answerer, cases)
    results = evaluate.run(answerer, cases, by_school=by_school)
    summary, missed = eval_report.report(results), evaluate.misses(results)
    if as_json:
        click.echo(json.dumps({**summary, "misses": missed, "by_school": by_school}, indent=1))
        return
    for item in missed:
        click.echo(f"miss {item['id']}: {'; '.join(item['problems'])} — {item['question']}")
    for name, value in summary["metrics"].items():
        click.echo(f"{name:>17}: {value}")
    for line in eval_report.lines(summary):
        click.echo(line)


def _check_case_schools(answerer: Answerer, cases: list[evaluate.Case]) -> None:
    unnamed = [case.id for case in cases if not case.school]
    if unnamed:
        raise click.ClickException(
            messages.CLI_EVAL_NO_SCHOOL.format(count=len(unnamed), first=unnamed[0])
        )
    named = {case.school for case in cases if case.school}
    missing = sorted(named - set(answerer.schools))
    if missing:
        raise click.ClickException(
            messages.CLI_EVAL_UNKNOWN_SCHOOL.format(
                missing=", ".join(missing), known=", ".join(sorted(answerer.schools)) or "none"
            )
        )


def _settings() -> Settings:
    try:
        return load_settings()
    except PolicybotError as error:
        raise click.ClickException(str(error)) from None


def _answerer(settings: Settings, index_path: Path | None) -> Answerer:
    try:
        if index_path is not None:
            return Answerer.from_index(
                index_path, model_choice(settings), default_school=settings.default_school
            )
        return build_answerer(settings, on_build=_say_indexed)
    except PolicybotError as error:
        raise click.ClickException(printable(str(error), newlines=True)) from None


def _say_indexed(report: BuildReport) -> None:
    done = messages.CLI_INDEXED_FIRST.format(documents=report.documents, passages=report.passages)
    click.echo(done, err=True)


def _check_school(answerer: Answerer, school: str | None) -> None:
    if school and school not in answerer.schools:
        known = ", ".join(sorted(answerer.schools)) or messages.CLI_NO_SCHOOLS
        raise click.ClickException(messages.CLI_NO_SUCH_SCHOOL.format(school=school, known=known))


def _emit(answer: object, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))  # type: ignore[attr-defined]
    else:
        render(answer, Console())  # type: ignore[arg-type]
