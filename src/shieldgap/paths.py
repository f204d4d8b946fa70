"""The one module that resolves paths.

Everything else asks this module where things are; nothing else hard-codes a path or relies on the
working directory. The project root is the directory holding ``pyproject.toml`` above this package
(an editable install, which ``make`` sets up). ``SHIELDGAP_DATA`` points the data directory
elsewhere (tests use it for corrupted copies); ``SHIELDGAP_ROOT`` overrides the root itself.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def project_root() -> Path:
    env = os.environ.get("SHIELDGAP_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "shieldgap").is_dir():
            return parent
    raise RuntimeError(
        "cannot locate the shieldgap project root (install the package in editable mode with "
        "`make install`, or set SHIELDGAP_ROOT)"
    )


@dataclass(frozen=True)
class DataPaths:
    """Locations of the ledger's files under one data directory."""

    data: Path

    @property
    def articles(self) -> Path:
        return self.data / "articles"

    @property
    def themes(self) -> Path:
        return self.data / "themes.yml"

    @property
    def actors(self) -> Path:
        return self.data / "actors.yml"

    @property
    def claims(self) -> Path:
        return self.data / "claims.csv"

    @property
    def relations(self) -> Path:
        return self.data / "relations.csv"

    @property
    def analyst_notes(self) -> Path:
        return self.data / "analyst_notes.csv"

    @property
    def fact_checks(self) -> Path:
        return self.data / "fact_checks.csv"

    @property
    def reasons(self) -> Path:
        return self.data / "reasons.csv"

    @property
    def events(self) -> Path:
        return self.data / "events.csv"

    @property
    def readme(self) -> Path:
        return self.data / "README.md"

    @property
    def derived(self) -> Path:
        """Generated, never curated: spans, caches, the suggestion index."""
        return self.data / "derived"

    @property
    def candidates(self) -> Path:
        return self.data / "candidates"

    def rel(self, path: Path) -> str:
        """A path as shown in messages: relative to the data directory's parent when possible."""
        try:
            return str(Path(path).resolve().relative_to(self.data.resolve().parent))
        except ValueError:
            return str(path)


def data_paths(data_dir: str | os.PathLike | None = None) -> DataPaths:
    if data_dir is None:
        data_dir = os.environ.get("SHIELDGAP_DATA") or project_root() / "data"
    return DataPaths(Path(data_dir).resolve())


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def report_notebook() -> Path:
    return notebooks_dir() / "report.ipynb"


def explore_notebook() -> Path:
    return notebooks_dir() / "explore.ipynb"


def reports_dir() -> Path:
    return project_root() / "reports"


def cache_dir() -> Path:
    """The project's own cache (never a data folder, which may come from someone else)."""
    return project_root() / ".cache"


def templates_dir() -> Path:
    return Path(__file__).resolve().parent / "templates"
