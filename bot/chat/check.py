"""One line of ``policybot doctor``: ``ok`` (fine), ``warn`` (works, but something a school
should know) or ``fail`` (policybot cannot do its job until it is fixed). The CLI's doctor
and each skin's checks (``bot.teams.doctor``) return these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Check:
    level: Level
    text: str
