"""Checks for captured chat payloads: Slack's Block Kit limits, Adaptive Cards 1.5, and an
answer's own rules (it fits a phone, says nothing twice).

Written from Slack's Block Kit reference (blocks, block elements, composition objects) and the
Adaptive Cards 1.5 schema (element and action types, their required properties and enumerated
values). Each check returns the list of problems, so a failing test says what is wrong where.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

# --- Slack Block Kit -------------------------------------------------------------------------

MESSAGE_BLOCKS = 50
SECTION_TEXT = 3000
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTION_ID = 255
BLOCK_ID = 255
MESSAGE_TEXT = 40_000
BUTTON_STYLES = {"primary", "danger"}
TEXT_TYPES = {"plain_text", "mrkdwn"}


def block_kit_problems(blocks: list[dict[str, Any]], text: str | None = None) -> list[str]:
    problems = []
    if not 1 <= len(blocks) <= MESSAGE_BLOCKS:
        problems.append(f"{len(blocks)} blocks")
    if text is not None and len(text) > MESSAGE_TEXT:
        problems.append("message text too long")
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    if len(block_ids) != len(set(block_ids)):
        problems.append("repeated block_id")
    for n, block in enumerate(blocks):
        problems += [f"block {n}: {p}" for p in _block(block)]
    return problems


def _block(block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    problems = []
    if len(str(block.get("block_id", ""))) > BLOCK_ID:
        problems.append("block_id too long")
    if kind == "section":
        problems += _text(block.get("text"), SECTION_TEXT)
        if "accessory" in block:
            problems += _element(block["accessory"])
    elif kind == "context":
        elements = block.get("elements") or []
        if not 1 <= len(elements) <= CONTEXT_ELEMENTS:
            problems.append(f"context with {len(elements)} elements")
        for element in elements:
            problems += _text(element, SECTION_TEXT)
    elif kind == "actions":
        elements = block.get("elements") or []
        if not 1 <= len(elements) <= ACTIONS_ELEMENTS:
            problems.append(f"actions with {len(elements)} elements")
        ids = [e.get("action_id") for e in elements]
        if len(ids) != len(set(ids)):
            problems.append("repeated action_id in one block")
        for element in elements:
            problems += _element(element)
    elif kind not in ("divider", "header"):
        problems.append(f"unexpected block type {kind}")
    return problems


def _text(obj: Any, limit: int) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in TEXT_TYPES:
        return ["not a text object"]
    if not 1 <= len(obj.get("text", "")) <= limit:
        return [f"text of {len(obj.get('text', ''))} characters"]
    return []


def _element(element: dict[str, Any]) -> list[str]:
    if element.get("type") != "button":
        return [f"unexpected element {element.get('type')}"]
    problems = []
    label = element.get("text", {})
    if label.get("type") != "plain_text" or not 1 <= len(label.get("text", "")) <= BUTTON_TEXT:
        problems.append("button label")
    if len(element.get("value", "")) > BUTTON_VALUE:
        problems.append("button value too long")
    if not 1 <= len(element.get("action_id", "")) <= ACTION_ID:
        problems.append("action_id")
    if "style" in element and element["style"] not in BUTTON_STYLES:
        problems.append(f"style {element['style']}")
    return problems


def button_labels(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def button_styles(blocks: list[dict[str, Any]]) -> list[str]:
    elements = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    elements += [b["accessory"] for b in blocks if "accessory" in b]
    return [e["style"] for e in elements if "style" in e]


def slack_lines(blocks: list[dict[str, Any]]) -> list[str]:
    """The lines of text an answer shows (sections and context), in order."""
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    texts += [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    return [line for text in texts for line in text.splitlines()]


# --- Adaptive Cards 1.5 ----------------------------------------------------------------------

ELEMENTS: dict[str, set[str]] = {  # type -> required properties
    "TextBlock": {"text"},
    "RichTextBlock": {"inlines"},
    "Image": {"url"},
    "Media": {"sources"},
    "Container": {"items"},
    "ColumnSet": set(),
    "Column": set(),
    "FactSet": {"facts"},
    "ImageSet": {"images"},
    "ActionSet": {"actions"},
    "Table": set(),
    "Input.Text": {"id"},
    "Input.Number": {"id"},
    "Input.Date": {"id"},
    "Input.Time": {"id"},
    "Input.Toggle": {"id", "title"},
    "Input.ChoiceSet": {"id"},
}
ACTIONS: dict[str, set[str]] = {
    "Action.Submit": set(),
    "Action.Execute": set(),
    "Action.OpenUrl": {"url"},
    "Action.ShowCard": {"card"},
    "Action.ToggleVisibility": {"targetElements"},
}
ENUMS: dict[str, set[str]] = {
    "color": {"default", "dark", "light", "accent", "good", "warning", "attention"},
    "size": {"default", "small", "medium", "large", "extraLarge"},
    "weight": {"default", "lighter", "bolder"},
    "spacing": {"default", "none", "small", "medium", "large", "extraLarge", "padding"},
}
CONTAINER_STYLES = {"default", "emphasis", "good", "attention", "warning", "accent"}
ACTION_STYLES = {"default", "positive", "destructive"}
VERSION = re.compile(r"^1\.[0-5]$")


def adaptive_card_problems(card: dict[str, Any], top: bool = True) -> list[str]:
    if card.get("type") != "AdaptiveCard":
        return ["not an AdaptiveCard"]
    problems = []
    if top and (card.get("version") != "1.5" or "$schema" not in card):
        problems.append(f"version {card.get('version')}")
    if "version" in card and not VERSION.match(str(card["version"])):
        problems.append("version not 1.0-1.5")
    for item in card.get("body", []):
        problems += _card_element(item)
    for action in card.get("actions", []):
        problems += _card_action(action)
    if top:
        problems += _mention_problems(card)
    return problems


def _mention_problems(card: dict[str, Any]) -> list[str]:
    """Teams mentions: each entity names someone (id, name), and its ``<at>…</at>`` text is
    in a TextBlock (Teams matches them by that text; a TextRun cannot carry one)."""
    texts = json.dumps(_text_blocks(card.get("body", [])))
    problems = []
    for entity in (card.get("msteams") or {}).get("entities", []):
        mentioned = entity.get("mentioned") or {}
        if entity.get("type") != "mention" or not mentioned.get("id") or not mentioned.get("name"):
            problems.append(f"mention entity {entity} lacks type, id or name")
        if json.dumps(entity.get("text", ""))[1:-1] not in texts or "<at>" not in entity["text"]:
            problems.append(f"mention {entity.get('text')} is in no TextBlock")
    return problems


def _text_blocks(items: list[dict[str, Any]]) -> list[str]:
    found = []
    for item in items:
        if item.get("type") == "TextBlock":
            found.append(item.get("text", ""))
        found += _text_blocks(item.get("items", []))
    return found


def _typed(obj: dict[str, Any], known: dict[str, set[str]]) -> list[str] | None:
    """None for a type Adaptive Cards 1.5 lacks, else the required properties it lacks."""
    kind = obj.get("type")
    if kind not in known:
        return None
    return [f"{kind} lacks {p}" for p in known[kind] - obj.keys()]


def _card_element(item: dict[str, Any]) -> list[str]:
    kind = item.get("type")
    problems = _typed(item, ELEMENTS)
    if problems is None:
        return [f"element type {kind} is not in Adaptive Cards 1.5"]
    problems += _enums(item)
    if kind == "Container":
        if "style" in item and item["style"] not in CONTAINER_STYLES:
            problems.append(f"container style {item['style']}")
        for child in item.get("items", []):
            problems += _card_element(child)
    if kind == "RichTextBlock":
        for run in item.get("inlines", []):
            if run.get("type") != "TextRun" or not isinstance(run.get("text"), str):
                problems.append("RichTextBlock inline that is not a TextRun with text")
            problems += _enums(run)
    if kind == "ActionSet":
        for action in item.get("actions", []):
            problems += _card_action(action)
    return problems


def _card_action(action: dict[str, Any]) -> list[str]:
    kind = action.get("type")
    problems = _typed(action, ACTIONS)
    if problems is None:
        return [f"action type {kind} is not in Adaptive Cards 1.5"]
    if not action.get("title"):
        problems.append(f"{kind} without a title")
    if "style" in action and action["style"] not in ACTION_STYLES:
        problems.append(f"action style {action['style']}")
    if kind == "Action.ShowCard":
        problems += adaptive_card_problems(action["card"], top=False)
    return problems


def _enums(obj: dict[str, Any]) -> list[str]:
    return [
        f"{key} {obj[key]}"
        for key, allowed in ENUMS.items()
        if key in obj and obj[key] not in allowed
    ]


def card_runs(card: dict[str, Any], clauses: bool = True) -> list[str]:
    """Every TextRun's text in the card's body, in order (without the quoted clauses and
    their citations when ``clauses`` is False)."""
    runs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if not clauses and str(node.get("id", "")).startswith("passage:"):
                return
            if node.get("type") == "TextRun":
                runs.append(node["text"])
            for key, value in node.items():
                if key != "actions":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card.get("body", []))
    return runs


def card_actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    return list(card.get("actions", []))


# --- the answer's own rules ------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9']+")


def repeated_phrases(lines: list[str], n: int = 3) -> list[str]:
    """Phrases of ``n`` words the bot says more than once in one answer. Quoted clauses
    (``>``), citations (``—``) and the echo of the question are the policy's and the asker's
    words, not the bot's, and are left out."""
    ours = [
        line
        for line in lines
        if not line.lstrip().startswith((">", "&gt;", "\u2014", "You asked:"))
    ]
    grams: Counter[str] = Counter()
    for line in ours:
        words = _WORD.findall(line.lower())
        grams.update(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return [gram for gram, count in grams.items() if count > 1]
