"""``policybot sources`` against a loopback school website and a real database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from tests.fakes.policy_site import PolicySite
from tests.policies.docs import PHONE_CLAUSE, pdf_bytes


@pytest.fixture
def site() -> Iterator[PolicySite]:
    with PolicySite() as running:
        yield running


def test_add_list_refresh_remove(site: PolicySite, database_url: str, tmp_path) -> None:
    site.put("/docs/phones.pdf", pdf_bytes(tmp_path, "Mobile Phone Policy", [PHONE_CLAUSE]))
    env = {"DATABASE_URL": database_url, "POLICYBOT_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str):
        return CliRunner().invoke(cli, ["sources", *args], env=env)

    added = run("add", site.page, "--school", "north")
    assert added.exit_code == 0, added.output
    assert "1 indexed, 0 could not be read" in added.output
    assert (tmp_path / "data/schools/north/index/params.json").exists()
    listed = run("list")
    assert (
        "north" in listed.output and site.page in listed.output and "1 documents" in listed.output
    )
    site.unlink("/docs/phones.pdf")
    refreshed = run("refresh", "--school", "north")
    assert refreshed.exit_code == 0 and "1 removed" in refreshed.output
    removed = run("remove", site.page, "--school", "north")
    assert removed.exit_code == 0 and "Removed" in removed.output
    assert run("remove", site.page, "--school", "north").exit_code == 1
    assert run("add", "file:///etc/passwd", "--school", "north").exit_code == 1
