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

Nothing outside the corpus is read: symbolic links inside it (to files or folders) are never
followed, each named in one line of ``skipped``, and files are opened with ``O_NOFOLLOW``
(:func:`open_nofollow`), so a link swapped in after discovery is refused too.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer import messages
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


def discover(
    paths: list[Path], skipped: list[str] | None = None
) -> tuple[dict[str, School], list[SourceFile]]:
    """Schools and policy files under the given corpus folders or files.

    A symbolic link below a given path is not followed; ``skipped`` gets one line for each.
    """
    schools: dict[str, School] = {}
    files: list[SourceFile] = []
    skipped = skipped if skipped is not None else []
    for root in paths:
        if root.is_file():
            school = read_school(root.parent)
            schools.setdefault(school.slug, school)
            files.append(SourceFile(root, school.slug, f"{school.slug}/{root.name}"))
            continue
        for folder in _school_folders(root, skipped):
            school = read_school(folder)
            schools.setdefault(school.slug, school)
            for path in _policy_files(folder, skipped, school.slug):
                relative = path.relative_to(folder).as_posix()
                files.append(SourceFile(path, school.slug, f"{school.slug}/{relative}"))
    return schools, files


def open_nofollow(path: Path) -> int:
    """A read-only descriptor for ``path``; OSError (ELOOP) when it is a symbolic link."""
    return os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))


def _school_folders(root: Path, skipped: list[str]) -> Iterator[Path]:
    """The root itself when it is one school's folder, else each folder inside it."""
    direct = [
        p
        for p in root.iterdir()
        if p.is_file()
        and not p.is_symlink()
        and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not _is_readme(p)
    ]
    if (root / SCHOOL_FILE).exists() or direct:
        yield root
        return
    for child in sorted(root.iterdir()):
        if child.name.startswith("."):
            continue
        if child.is_symlink():
            skipped.append(messages.CORPUS_LINK_SKIPPED.format(name=child.name))
        elif child.is_dir():
            yield child


def _policy_files(folder: Path, skipped: list[str], slug: str) -> Iterator[Path]:
    """Every file below ``folder`` (links skipped, never followed), sorted by path."""
    found: list[Path] = []
    for top, dirs, names in os.walk(folder, followlinks=False):
        here = Path(top)
        for name in [*dirs, *names]:
            path = here / name
            relative = path.relative_to(folder)
            if any(part.startswith((".", "_")) for part in relative.parts):
                continue
            if path.is_symlink():
                skipped.append(
                    messages.CORPUS_LINK_SKIPPED.format(name=f"{slug}/{relative.as_posix()}")
                )
            elif name in names:
                found.append(path)
    for path in sorted(found):
        if path.name != SCHOOL_FILE and path.suffix != ".md5":
            if not _is_readme(path):
                yield path


def _is_readme(path: Path) -> bool:
    return path.name.lower() in ("readme.md", "readme.txt")


def read_school(folder: Path) -> School:
    """The folder's school.toml, or defaults named after the folder.

    ConfigError names the file and the key at fault.
    """
    slug = folder.name
    config_path = folder / SCHOOL_FILE
    if not config_path.exists() and not config_path.is_symlink():
        return School(slug=slug, name=slug.replace("-", " ").title())
    try:
        with os.fdopen(open_nofollow(config_path), "rb") as handle:
            data = tomllib.loads(handle.read().decode("utf-8"))
    except OSError:
        raise ConfigError(
            f"{config_path}: could not be read (a symbolic link is not "
            "followed); make it a plain file."
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{config_path}: not valid TOML ({error}).") from None
    except RecursionError:
        raise ConfigError(
            f"{config_path}: a value is nested too deeply to read; "
            "school.toml needs at most three levels."
        ) from None
    return _school(slug, data, config_path)


def _school(slug: str, data: dict[str, Any], where: Path) -> School:
    contacts = _table(data, "contacts", where)
    documents = _table(data, "documents", where)
    name = data.get("name") or slug.replace("-", " ").title()
    if not isinstance(name, str):
        raise ConfigError(f'{where}: key "name" must be text, e.g. name = "KITE College".')
    deputies = contacts.get("deputies", [])
    if not isinstance(deputies, list):
        raise ConfigError(
            f'{where}: key "contacts.deputies" must be a list, e.g. '
            'deputies = [{ name = "...", phone = "..." }].'
        )
    return School(
        slug=slug,
        name=name,
        trust_wide=bool(data.get("trust_wide", False)),
        contacts={
            key: _person(key, value, f"contacts.{key}", where)
            for key, value in contacts.items()
            if key != "deputies"
        },
        deputies=tuple(
            _person("deputies", value, f"contacts.deputies[{i}]", where)
            for i, value in enumerate(deputies)
        ),
        documents={name: _document(name, meta, where) for name, meta in documents.items()},
    )


def _table(data: dict[str, Any], key: str, where: Path) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f'{where}: key "{key}" must be a table, e.g. [{key}].')
    return value


def _document(name: str, meta: Any, where: Path) -> dict[str, str]:
    key = f'documents."{name}"'
    if not isinstance(meta, dict):
        raise ConfigError(
            f"{where}: key {key} must be a table with title and review_date, "
            f'e.g. [{key}] then title = "...".'
        )
    for field_name, value in meta.items():
        if isinstance(value, (dict, list)):
            raise ConfigError(f"{where}: key {key}.{field_name} must be text, not a table or list.")
    return {k: str(v) for k, v in meta.items()}


def _person(key: str, value: Any, path: str, where: Path) -> Person:
    if not isinstance(value, dict):
        raise ConfigError(
            f'{where}: key "{path}" must look like {key} = {{ name = "...", phone = "..." }}.'
        )
    for field_name in ("role", "name", "phone"):
        if isinstance(value.get(field_name), (dict, list)):
            raise ConfigError(f'{where}: key "{path}.{field_name}" must be text.')
    role = str(value.get("role") or _ROLES.get(key, "Deputy DSL" if key == "deputies" else key))
    name, phone = value.get("name"), value.get("phone")
    return Person(role=role, name=str(name) if name else None, phone=str(phone) if phone else None)
