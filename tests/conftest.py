"""Shared fixtures.

Database: ``database_url`` runs a test once on a real SQLite file in ``tmp_path`` and once
on a real PostgreSQL when ``POLICYBOT_TEST_POSTGRES_URL`` is set (``.ci/postgres.sh``
starts one); each PostgreSQL test gets its own fresh schema, dropped afterwards. ``store``
is a migrated :class:`bot.store.Store` on that URL using the hand-moved ``clock``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.store import Store
from tests.fakes.clock import FakeClock

POSTGRES_ENV = "POLICYBOT_TEST_POSTGRES_URL"
CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
_ISOLATED_PREFIXES = ("POLICYBOT_", "SLACK_", "MICROSOFT_", "TEAMS_", "DATABASE_URL")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'policybot.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"set {POSTGRES_ENV} to run against PostgreSQL (.ci/postgres.sh)")
    yield from _fresh_schema(base)


def _fresh_schema(base: str) -> Iterator[str]:
    schema = f"test_{uuid.uuid4().hex[:12]}"
    url = make_url(base).set(drivername="postgresql+psycopg")
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(database_url: str, clock: FakeClock) -> Iterator[Store]:
    opened = Store.open(database_url, clock=clock)
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts without POLICYBOT_*/SLACK_*/MICROSOFT_*/TEAMS_*/DATABASE_URL from
    the outside and without a developer's .env (the PostgreSQL test URL is kept)."""
    for name in list(os.environ):
        if name.startswith(_ISOLATED_PREFIXES) and name != POSTGRES_ENV:
            monkeypatch.delenv(name)
    monkeypatch.setenv("PYTHON_DOTENV_DISABLED", "1")


@pytest.fixture
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The clean environment, plus the data folder in tmp_path and tmp_path as the working
    folder, so a stray relative path (data/, .env) lands there. Use with
    ``pytestmark = pytest.mark.usefixtures("isolated_env")``. Returns the data folder."""
    monkeypatch.setenv("POLICYBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus/ indexed once per session into a temporary folder (read-only use)."""
    from indexer.build import build_index

    out = tmp_path_factory.mktemp("corpus-index") / "index"
    build_index([CORPUS_DIR], out)
    return out
