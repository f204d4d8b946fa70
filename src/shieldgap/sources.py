"""Light reads of the curated files (standard library + PyYAML, through the file layer).

Used where importing pandas would be wasteful — checking render parameters before a kernel starts.
A file that cannot be read raises :class:`shieldgap.files.FileProblem` naming it; full validation is
:func:`shieldgap.ledger.load_ledger`'s job.
"""
from __future__ import annotations

from . import files
from .paths import DataPaths


def light_ledger(paths: DataPaths) -> dict:
    """Theme ids, article metadata and claim rows, without validation or pandas."""
    themes = files.read_yaml(paths.themes, paths.rel(paths.themes)) or {}
    if not isinstance(themes, dict):
        raise files.FileProblem(paths.rel(paths.themes), "must be a mapping of id -> fields")
    articles = {}
    for path in sorted(paths.articles.glob("*.md")) if paths.articles.is_dir() else []:
        meta = files.read_article(path, paths.rel(path)).meta
        articles[str(meta.get("id", path.stem))] = {k: v.isoformat() if hasattr(v, "isoformat") else v
                                                    for k, v in meta.items()}
    if not articles:
        raise files.FileProblem(paths.rel(paths.articles), "no article files (*.md) found")
    claims = files.read_csv_rows(paths.claims, paths.rel(paths.claims))
    return {"themes": themes, "articles": articles, "claims": claims}
