"""What a deployment installs is decided, not found: runtime dependencies are capped below
their next major, the Teams SDK is 1.x (no 0.x pre-releases), test-only libraries stay in
the dev extra, and requirements.lock pins every runtime dependency with hashes."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RUNTIME = [Requirement(line) for line in PROJECT["dependencies"]]


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def test_every_runtime_dependency_is_capped_below_its_next_major() -> None:
    for requirement in RUNTIME:
        caps = [s for s in requirement.specifier if s.operator == "<"]
        assert caps, f"{requirement.name} has no upper bound"
        floor = [s for s in requirement.specifier if s.operator == ">="]
        assert floor and Version(caps[0].version).major > Version(floor[0].version).major


def test_the_teams_sdk_is_1_x_and_rank_bm25_is_dev_only() -> None:
    agents = [r for r in RUNTIME if r.name.startswith("microsoft-agents-")]
    assert len(agents) == 4
    for requirement in agents:
        assert not requirement.specifier.contains("0.9.0", prereleases=True), requirement
        assert requirement.specifier.contains("1.0.0")
    assert "rank-bm25" not in {_name(r.name) for r in RUNTIME}
    dev = {_name(Requirement(line).name) for line in PROJECT["optional-dependencies"]["dev"]}
    assert "rank-bm25" in dev


def test_the_lock_pins_every_runtime_dependency_with_hashes() -> None:
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", lock, re.M))
    pinned = {_name(name): version for name, version in pinned.items()}
    for requirement in RUNTIME:
        name = _name(requirement.name)
        assert name in pinned, f"{name} is not in requirements.lock"
        assert requirement.specifier.contains(pinned[name]), (name, pinned[name])
    blocks = re.split(r"\n(?=[A-Za-z0-9])", lock.split("\n\n", 1)[-1])
    assert all("--hash=sha256:" in block for block in blocks if "==" in block)
    assert "file://" not in lock and "/opt/" not in lock  # nothing from this machine
    assert (ROOT / "requirements.txt").read_text().strip().endswith("-r requirements.lock")


def test_the_procfile_command_runs_without_installing_the_package() -> None:
    command = (ROOT / "Procfile").read_text().split("web:", 1)[1].split("--port")[0].split()
    assert command[:3] == ["python", "-m", "bot"]
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "Example: policybot serve" in done.stdout
