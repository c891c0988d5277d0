"""Issue 15, failure 3: the database, its WAL/SHM, exports and the data folder are this
user's only (0600 / 0700), and a purge leaves no details in the database file or its WAL."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from bot.cli.escalations import escalations
from bot.store import Store
from tests.fakes.concerns import DSL, SECRET_DETAILS, SECRET_QUESTION, make_report, make_service


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_wal_shm_export_and_folder_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    url = f"sqlite:///{data / 'policybot.db'}"
    store = Store.open(url)
    service = make_service(store, store.clock)
    service.submit(make_report())
    db = data / "policybot.db"
    files = [db, db.with_name("policybot.db-wal"), db.with_name("policybot.db-shm")]
    assert all(f.exists() for f in files)  # WAL and SHM exist while the store is open
    out = tmp_path / "export.csv"
    result = CliRunner().invoke(escalations, ["export", "-o", str(out)], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert {str(f.name): _mode(f) for f in [*files, out]} == {f.name: 0o600 for f in [*files, out]}
    assert _mode(data) == 0o700
    store.close()


def test_a_purge_leaves_no_details_in_the_database_or_its_wal(tmp_path: Path) -> None:
    db = tmp_path / "data" / "policybot.db"
    store = Store.open(f"sqlite:///{db}")
    service = make_service(store, store.clock)
    reader = Store.open(f"sqlite:///{db}")  # serve running alongside, with its own pool
    refs = [service.submit(make_report()).ref for _ in range(3)]
    for ref in refs:
        service.resolve(ref, DSL)
    assert reader.engine.dialect.name == "sqlite" and len(service.list_all()) == 3
    assert service.purge(timedelta(0)) == refs

    on_disk = b"".join(p.read_bytes() for p in db.parent.glob("policybot.db*"))
    for secret in (SECRET_DETAILS, SECRET_QUESTION):
        assert secret.encode() not in on_disk
    assert [service.get(ref).details for ref in refs] == ["", "", ""]
    reader.close()
    store.close()
