"""Screenshots of what people see in Slack, from the real payloads: an answer (the presenter's
Block Kit), an urgent DSL post, the same post once a DSL has claimed it, and a reminder
(captured from the outbox delivering to the loopback fake Slack API; the post names the
school and quotes the clause from the bundled corpus, indexed into a temporary folder). Each payload is drawn as an HTML approximation of Slack and
photographed with headless Chromium. Not run by CI.

    apt-get install -y chromium fonts-noto-color-emoji
    .venv/bin/python docs/screens/make.py        # writes docs/screens/*.png (and .json)
"""

from __future__ import annotations

import copy
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.answering.answerer import Answerer  # noqa: E402
from bot.answering.model import Concern  # noqa: E402
from bot.answering.presenter import present  # noqa: E402
from bot.escalation.outbox import Outbox, PlatformNotifier  # noqa: E402
from bot.serve.config import Settings  # noqa: E402
from bot.serve.wiring import build_reminders, escalation_service, slack_notifier  # noqa: E402
from bot.slack.blocks import answer_blocks  # noqa: E402
from bot.store.store import Store  # noqa: E402
from tests.fakes.clock import FakeClock  # noqa: E402
from tests.fakes.concerns import make_report  # noqa: E402
from tests.fakes.slack_api import FakeSlackAPI  # noqa: E402
from tests.slack.answers import make_answer  # noqa: E402

OUT = Path(__file__).resolve().parent
CHROMIUM_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
).split()
CSS = """
body { font: 15px/1.45 -apple-system, 'Segoe UI', Lato, Arial, sans-serif; margin: 0;
       background: #fff; color: #1d1c1d; }
.msg { display: flex; gap: 10px; padding: 14px 16px; }
.avatar { width: 36px; height: 36px; border-radius: 6px; background: #1d3557; flex: none; }
.name { font-weight: 900; } .name small { font-weight: 400; color: #616061; }
.header { font-size: 18px; font-weight: 900; margin: 6px 0; }
.section { margin: 6px 0; white-space: pre-wrap; word-wrap: break-word; }
.context { color: #616061; font-size: 12.5px; margin: 4px 0; white-space: pre-wrap; }
.divider { border-top: 1px solid #ddd; margin: 10px 0; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.btn { border: 1px solid #bbb; border-radius: 4px; padding: 3px 10px; font-weight: 700;
       font-size: 13px; background: #fff; }
.btn.primary { background: #007a5a; color: #fff; border-color: #007a5a; }
.btn.danger { background: #e01e5a; color: #fff; border-color: #e01e5a; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 16px; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
code { background: #f6f6f6; border: 1px solid #ddd; border-radius: 3px; font-size: 12px; }
blockquote { border-left: 4px solid #ddd; margin: 4px 0; padding-left: 10px; }
.caption { font: 12px monospace; color: #888; padding: 6px 16px 0; }
"""
EMOJI = {"rotating_light": "\U0001f6a8", "warning": "\u26a0\ufe0f", "bell": "\U0001f514"}


def mrkdwn(text: str) -> str:
    """Slack mrkdwn as HTML, near enough to judge layout (bold, italic, code, quotes,
    mentions, links, emoji)."""
    out = html.escape(html.unescape(text), quote=False)
    out = re.sub(r"&lt;@([UW][A-Z0-9]+)&gt;", r'<span class="mention">@\1</span>', out)
    out = re.sub(r"&lt;(https?://[^|&]+)\|([^&]+)&gt;", r'<a href="\1">\2</a>', out)
    out = re.sub(r"(?m)^&gt; ?(.*)$", r"<blockquote>\1</blockquote>", out)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"<b>\1</b>", out)
    out = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"<i>\1</i>", out)
    return re.sub(r":([a-z_]+):", lambda m: EMOJI.get(m.group(1), m.group(0)), out)


def text_of(obj: dict[str, Any] | None) -> str:
    if not obj:
        return ""
    raw = obj.get("text", "")
    return mrkdwn(raw) if obj.get("type") == "mrkdwn" else html.escape(raw)


def block_html(block: dict[str, Any]) -> str:
    kind = block["type"]
    if kind == "header":
        return f'<div class="header">{text_of(block["text"])}</div>'
    if kind == "divider":
        return '<div class="divider"></div>'
    if kind == "context":
        parts = [text_of(e) for e in block.get("elements", []) if "text" in e]
        return f'<div class="context">{" ".join(parts)}</div>'
    if kind == "actions":
        buttons = [
            f'<span class="btn {e.get("style", "")}">{text_of(e["text"])}</span>'
            for e in block.get("elements", [])
            if e.get("type") == "button"
        ]
        return f'<div class="actions">{"".join(buttons)}</div>'
    if kind == "section":
        inner = f'<div class="section">{text_of(block.get("text"))}</div>'
        if block.get("fields"):
            cells = "".join(f"<div>{text_of(f)}</div>" for f in block["fields"])
            inner += f'<div class="fields">{cells}</div>'
        return inner
    return f'<div class="context">[{html.escape(kind)}]</div>'


def page(title: str, blocks: list[dict[str, Any]], fallback: str) -> str:
    body = (
        "".join(block_html(b) for b in blocks) or f'<div class="section">{mrkdwn(fallback)}</div>'
    )
    return (
        f"<!doctype html><meta charset='utf-8'><style>{CSS}</style>"
        f'<div class="caption">{html.escape(title)}</div>'
        f'<div class="msg"><div class="avatar"></div><div><div class="name">policybot '
        f"<small>APP 10:42</small></div>{body}</div></div>"
    )


def captured() -> dict[str, dict[str, Any]]:
    """The payloads: an answer, the urgent DSL post (new, then claimed) and the first
    reminder DM."""
    flagged = replace(
        make_answer("a pupil told me her stepdad hits her, can I promise to keep it secret?"),
        concern=Concern(level="report", reason="disclosure"),
    )
    view = present(flagged)
    shots = {"answer": {"blocks": answer_blocks(view, shareable=False), "text": view.summary}}
    clock = FakeClock()
    with FakeSlackAPI() as fake, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            slack_bot_token="xoxb-screens",
            slack_signing_secret="s",
            slack_api_url=fake.url,
            default_school="kite-college",
            dsl_channel_id="GDSL",
            dsl_user_ids=("UDSL",),
        )
        answerer = Answerer.from_corpus(ROOT / "corpus", Path(tmp) / "index", "kite-college")
        clause = next(p for p in answerer.index.passages if p.school == "kite-college")
        report = make_report(immediate_risk="yes", school="kite-college", passage_id=clause.id)
        store = Store.open(f"sqlite:///{tmp}/screens.db", clock=clock)
        try:
            service = escalation_service(store, settings, clock)
            esc = service.submit(report)
            notifier = slack_notifier(settings, answerer)
            outbox = Outbox(store, PlatformNotifier({"slack": notifier}), clock=clock)
            reminders = build_reminders(store, settings, clock)
            outbox.deliver_due()
            shots["urgent-dsl-post"] = copy.deepcopy(fake.messages["GDSL"][0])
            clock.advance(minutes=5)
            reminders.enqueue_due()
            outbox.deliver_due()
            clock.advance(minutes=2)
            service.claim(esc.ref, "UDSL")
            outbox.deliver_due()
        finally:
            store.close()
        shots["dsl-post-claimed"] = fake.messages["GDSL"][0]
        shots["reminder"] = fake.messages["DDSL"][-1]
    return {
        name: {"blocks": m.get("blocks") or [], "text": m.get("text", "")}
        for name, m in shots.items()
    }


def main() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium not found: apt-get install -y chromium")
    for name, payload in captured().items():
        (OUT / f"{name}.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
        with tempfile.TemporaryDirectory() as profile:
            source = Path(profile) / f"{name}.html"
            source.write_text(page(name, payload["blocks"], payload["text"]), encoding="utf-8")
            flags = [f"--user-data-dir={profile}", f"--screenshot={OUT / name}.png"]
            size = ["--window-size=420,900"]
            subprocess.run(
                [chromium, *CHROMIUM_FLAGS, *flags, *size, source.as_uri()],
                check=True,
                capture_output=True,
                timeout=120,
            )
        print(f"docs/screens/{name}.png")


if __name__ == "__main__":
    main()
