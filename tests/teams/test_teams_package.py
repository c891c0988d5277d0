"""The Teams app package: a manifest that names what the bot handles, the icons Teams
requires, and a zip with the app id filled in."""

from __future__ import annotations

import json
import zipfile

import pytest
from click.testing import CliRunner
from PIL import Image

from bot.errors import ConfigError
from bot.teams.handlers.questions import HELP_COMMANDS, SETUP_COMMANDS
from bot.teams.package import PACKAGE_DIR, build_package, main, manifest

APP_ID = "5f0c4a9e-1111-4222-8333-944445555666"


def test_manifest_lists_exactly_the_commands_the_bot_handles() -> None:
    data = json.loads((PACKAGE_DIR / "manifest.json").read_text())
    [bot] = data["bots"]
    commands = {c["title"] for lst in bot["commandLists"] for c in lst["commands"]}

    assert commands == set(SETUP_COMMANDS) | set(HELP_COMMANDS)
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert len(data["description"]["short"]) <= 80 and len(data["name"]["short"]) <= 30


def test_icons_have_the_sizes_teams_requires() -> None:
    color = Image.open(PACKAGE_DIR / "color.png")
    outline = Image.open(PACKAGE_DIR / "outline.png").convert("RGBA")

    assert color.size == (192, 192)
    assert outline.size == (32, 32)
    raw = outline.tobytes()
    pixels = [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4)]
    assert all(a == 0 or (r, g, b) == (255, 255, 255) for r, g, b, a in pixels)
    assert any(a == 0 for *_, a in pixels)  # transparent background


def test_package_zip_has_the_app_id_and_both_icons(tmp_path) -> None:
    out = build_package(APP_ID, tmp_path / "policybot.zip")

    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        data = json.loads(package.read("manifest.json"))
    assert data["id"] == APP_ID and data["bots"][0]["botId"] == APP_ID


def test_a_bad_app_id_is_refused_with_a_sentence(tmp_path) -> None:
    with pytest.raises(ConfigError, match="Application"):
        manifest("not-a-guid")
    result = CliRunner().invoke(main, ["--app-id", "nope", "--out", str(tmp_path / "x.zip")])
    assert result.exit_code == 1 and "Error:" in result.output
