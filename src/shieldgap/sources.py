"""Light readers of the curated files (standard library + PyYAML only).

Used where importing pandas would be wasteful — checking render parameters before a kernel
starts — and by :mod:`shieldgap.ledger`, which builds the validated DataFrames on top of them.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from .paths import DataPaths


def split_front_matter(text: str) -> tuple[str, str] | None:
    """(front matter YAML, body) of an article file, or None when it has no front matter."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4)
    if end == -1:
        return None
    return text[4:end + 1], text[end + 5:]


def article_meta(path: Path) -> dict:
    """Front matter of one article file (no validation)."""
    parts = split_front_matter(path.read_text(encoding="utf-8"))
    meta = yaml.safe_load(parts[0]) if parts else {}
    meta = meta if isinstance(meta, dict) else {}
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in meta.items()}


def light_ledger(paths: DataPaths) -> dict:
    """Theme ids, article metadata and claim rows, without validation or pandas."""
    themes = yaml.safe_load(paths.themes.read_text(encoding="utf-8")) or {}
    articles = {}
    for path in sorted(paths.articles.glob("*.md")):
        meta = article_meta(path)
        articles[str(meta.get("id", path.stem))] = meta
    claims = list(csv.DictReader(io.StringIO(paths.claims.read_text(encoding="utf-8"))))
    return {"themes": themes, "articles": articles, "claims": claims}
