"""The corpus on disk: one folder per school, its policy files and a ``school.toml``.

    corpus/
      kite-college/
        school.toml                 # display name, contacts, per-document metadata
        social-media-policy.pdf

``school.toml`` (every key optional; empty strings are placeholders)::

    name = "KITE College"
    trust_wide = false              # true: its policies answer for every school
    [contacts]
    dsl = { name = "", phone = "" }
    deputies = [{ name = "", phone = "" }]
    headteacher = { name = "", phone = "" }
    chair_of_governors = { name = "", phone = "" }
    allegations = { role = "Designated Officer for Allegations (LADO)", phone = "" }
    [documents."social-media-policy.pdf"]
    title = "Social Media Policy"
    review_date = "January 2025"

Files directly under the corpus root belong to a school named after the root folder.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.errors import ConfigError
from indexer.loaders import SUPPORTED_SUFFIXES

SCHOOL_FILE = "school.toml"


@dataclass(frozen=True)
class Person:
    role: str
    name: str | None = None
    phone: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"role": self.role, "name": self.name, "phone": self.phone}


@dataclass(frozen=True)
class School:
    slug: str
    name: str
    trust_wide: bool = False
    contacts: dict[str, Person] = field(default_factory=dict)
    deputies: tuple[Person, ...] = ()
    documents: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "trust_wide": self.trust_wide,
            "contacts": {key: person.to_json() for key, person in self.contacts.items()},
            "deputies": [person.to_json() for person in self.deputies],
            "documents": self.documents,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> School:
        return cls(
            slug=data["slug"],
            name=data["name"],
            trust_wide=bool(data.get("trust_wide")),
            contacts={key: Person(**value) for key, value in data.get("contacts", {}).items()},
            deputies=tuple(Person(**value) for value in data.get("deputies", [])),
            documents=data.get("documents", {}),
        )


_ROLES = {
    "dsl": "Designated Safeguarding Lead",
    "headteacher": "Headteacher",
    "chair_of_governors": "Chair of Governors",
    "allegations": "Designated Officer for Allegations (LADO)",
}


@dataclass(frozen=True)
class SourceFile:
    path: Path
    school: str
    source: str  # path relative to the corpus root, with forward slashes


def discover(paths: list[Path]) -> tuple[dict[str, School], list[SourceFile]]:
    """Schools and policy files under the given corpus folders or files."""
    schools: dict[str, School] = {}
    files: list[SourceFile] = []
    for root in paths:
        if root.is_file():
            school = read_school(root.parent)
            schools.setdefault(school.slug, school)
            files.append(SourceFile(root, school.slug, f"{school.slug}/{root.name}"))
            continue
        for folder in _school_folders(root):
            school = read_school(folder)
            schools.setdefault(school.slug, school)
            for path in _policy_files(folder):
                relative = path.relative_to(folder).as_posix()
                files.append(SourceFile(path, school.slug, f"{school.slug}/{relative}"))
    return schools, files


def _school_folders(root: Path) -> Iterator[Path]:
    """The root itself when it is one school's folder, else each folder inside it."""
    direct = [
        p
        for p in root.iterdir()
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not _is_readme(p)
    ]
    if (root / SCHOOL_FILE).exists() or direct:
        yield root
        return
    for child in sorted(root.iterdir()):
        if child.is_dir() and not child.name.startswith("."):
            yield child


def _policy_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        hidden = any(part.startswith((".", "_")) for part in path.relative_to(folder).parts)
        if path.is_file() and not hidden and path.name != SCHOOL_FILE and path.suffix != ".md5":
            if not _is_readme(path):
                yield path


def _is_readme(path: Path) -> bool:
    return path.name.lower() in ("readme.md", "readme.txt")


def read_school(folder: Path) -> School:
    """The folder's school.toml, or defaults named after the folder."""
    slug = folder.name
    config_path = folder / SCHOOL_FILE
    if not config_path.exists():
        return School(slug=slug, name=slug.replace("-", " ").title())
    try:
        data = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{config_path}: not valid TOML ({error}).") from None
    try:
        return _school(slug, data)
    except (AttributeError, TypeError):  # e.g. dsl = "Mrs Smith" instead of a table
        raise ConfigError(
            f"{config_path}: each contact must look like "
            'dsl = { name = "...", phone = "..." }, deputies = [{ name = "...", phone = "..." }] '
            'and each document like [documents."file.pdf"] with title and review_date.'
        ) from None


def _school(slug: str, data: dict[str, Any]) -> School:
    contacts = data.get("contacts", {})
    documents = data.get("documents", {})
    return School(
        slug=slug,
        name=str(data.get("name") or slug.replace("-", " ").title()),
        trust_wide=bool(data.get("trust_wide", False)),
        contacts={key: _person(key, value) for key, value in contacts.items() if key != "deputies"},
        deputies=tuple(_person("deputies", value) for value in contacts.get("deputies", [])),
        documents={name: {k: str(v) for k, v in meta.items()} for name, meta in documents.items()},
    )


def _person(key: str, value: dict[str, Any]) -> Person:
    role = str(value.get("role") or _ROLES.get(key, "Deputy DSL" if key == "deputies" else key))
    return Person(role=role, name=(value.get("name") or None), phone=(value.get("phone") or None))
