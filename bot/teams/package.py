"""Build the Teams app package to upload ("sideload") in Teams: ``manifest.json`` with the
bot's app id filled in, and the two icons, zipped.

    python -m bot.teams.package --app-id 5f0c4a9e-... --out policybot-teams.zip

The app id defaults to ``MICROSOFT_APP_ID``. The checked-in manifest holds a placeholder id
(all zeros) so that it stays a valid manifest.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import click

from bot import messages
from bot.errors import ConfigError

PACKAGE_DIR = Path(__file__).parent / "appPackage"
PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def is_app_id(value: str | None) -> bool:
    """Whether ``value`` looks like a Microsoft App ID (a GUID)."""
    return bool(value and _GUID.match(value))


def manifest(app_id: str) -> dict[str, object]:
    """The manifest with ``app_id`` as both the Teams app id and the bot id."""
    if not is_app_id(app_id) or app_id == PLACEHOLDER:
        raise ConfigError(messages.TEAMS_PACKAGE_BAD_APP_ID)
    data = json.loads((PACKAGE_DIR / "manifest.json").read_text(encoding="utf-8"))
    data["id"] = app_id
    for bot in data["bots"]:
        bot["botId"] = app_id
    return data


def build_package(app_id: str, out: Path) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest(app_id), indent=2))
        for icon in ("color.png", "outline.png"):
            package.write(PACKAGE_DIR / icon, icon)
    return out


@click.command()
@click.option(
    "--app-id",
    envvar="MICROSOFT_APP_ID",
    required=True,
    help="The bot's Application (client) ID (default: $MICROSOFT_APP_ID).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("policybot-teams.zip"),
    show_default=True,
    help="Where to write the zip.",
)
def main(app_id: str, out: Path) -> None:
    """Write the Teams app package (manifest + icons) to upload in Teams.

    Example: python -m bot.teams.package --app-id 5f0c4a9e-1111-4222-8333-944445555666
    """
    try:
        click.echo(messages.TEAMS_PACKAGE_WROTE.format(path=build_package(app_id, out)))
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


if __name__ == "__main__":
    main()
