"""What the suggester reads: the article files, and the curated reference it learns from.

Every read goes through :mod:`shieldgap.files` (bounded, UTF-8 without NUL, safe YAML). An
article's id is its file name without ``.md``; it must match the id grammar, and a front matter
``id`` that says otherwise makes the file skipped with a one-line problem (such an id is never used
to build a path). Per-file results are kept in a :class:`files.StatCache`, so a cache that came with
the data (or was edited) never decides what an article is.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .. import files
from ..fields import SLUG
from ..paths import DataPaths

#: Version of the suggester's derived files; a change makes every cache and model a miss.
VERSION = "suggest-6"
ID_RX = re.compile(SLUG.removeprefix("^").removesuffix("$"))


def valid_id(article_id) -> bool:
    """Whether ``article_id`` is an article id (the grammar of ``fields.SLUG``, nothing else)."""
    return isinstance(article_id, str) and ID_RX.fullmatch(article_id) is not None


@dataclass
class ArticleFile:
    id: str
    file: str  # the file's path, kept as text (a Path per file costs more than the scan of 10,000 files)
    body_sha: str
    curated: bool
    body: str | None = None

    @property
    def path(self) -> Path:
        return Path(self.file)

    @property
    def name(self) -> str:
        return f"{self.id}.md"


def _curated(value) -> bool:
    return value if isinstance(value, bool) else str(value).lower() == "true"


def scan_articles(paths: DataPaths, cache: files.StatCache | None = None, *, want_bodies=None,
                  problems: list[str] | None = None, keep_parsed: bool = False) -> list[ArticleFile]:
    """Every usable article file with its body hash and curated flag, in file name order.

    A file whose :func:`files.file_key` is the one recorded in ``cache`` is taken from it without being
    read; any other file is read and parsed, and its record stored in ``cache``. ``want_bodies``: None
    (keep every body), or a predicate on ArticleFile deciding whether to keep it; ``keep_parsed`` also keeps
    the bodies of the files that had to be read anyway. Files that cannot be used are skipped; one line
    each is appended to ``problems``.
    """
    problems = problems if problems is not None else []
    out: list[ArticleFile] = []
    if not paths.articles.is_dir():
        return out
    folder = paths.rel(paths.articles)
    with os.scandir(paths.articles) as it:
        entries = sorted((e for e in it if e.name.endswith(".md") and not e.name.startswith(".")),
                         key=lambda e: e.name)
    for entry in entries:
        stem = entry.name[:-3]
        where = f"{folder}/{entry.name}"
        if not valid_id(stem):
            problems.append(f"{where}: the file name '{stem}' is not a valid article id (lower-case letters, digits "
                            "and '-'); skipped")
            continue
        try:
            st = entry.stat()
        except OSError:
            continue
        rec = cache.lookup(entry.name, st) if cache is not None else None
        body = None
        if rec is not None and isinstance(rec.get("body_sha"), str) and isinstance(rec.get("curated"), bool):
            art = ArticleFile(stem, entry.path, rec["body_sha"], rec["curated"])
        else:
            try:
                text = files.read_article(Path(entry.path), where)
            except files.FileProblem as exc:
                problems.append(f"{exc}; skipped")
                continue
            meta_id = text.meta.get("id")
            if meta_id is not None and str(meta_id) != stem:
                shown = str(meta_id) if len(str(meta_id)) <= 80 else str(meta_id)[:77] + "..."
                problems.append(f"{where}: front matter id '{shown}' does not match the file name '{stem}'; skipped")
                continue
            body = text.body
            art = ArticleFile(stem, entry.path, files.body_hash(body), _curated(text.meta.get("curated")))
            if cache is not None:
                cache.store(entry.name, st, body_sha=art.body_sha, curated=art.curated)
        if (keep_parsed and body is not None) or want_bodies is None or want_bodies(art):
            if body is None:
                try:
                    body = read_body(paths, art)
                except files.FileProblem as exc:
                    problems.append(f"{exc}; skipped")
                    continue
            art.body = body
        out.append(art)
    return out


def read_body(paths: DataPaths, art: ArticleFile) -> str:
    """The body of an article file, checked against the hash it was scanned with."""
    where = paths.rel(art.path)
    text = files.read_article(art.path, where)
    if files.body_hash(text.body) != art.body_sha:
        raise files.FileProblem(where, "changed while suggest was running; run it again")
    return text.body


@dataclass
class Reference:
    """What suggestions are made from: the curated claims, themes, actors and curated article bodies."""

    claims: list[dict]
    themes: dict[str, dict]
    actors: dict[str, dict]
    bodies: dict[str, str]  # curated article id -> body
    fingerprint: str = ""

    def without_article(self, article_id: str) -> Reference:
        """The reference with one article's curation hidden (leave-one-out)."""
        return Reference([c for c in self.claims if c.get("article_id") != article_id], self.themes, self.actors,
                         {k: v for k, v in self.bodies.items() if k != article_id},
                         hashlib.sha256(f"{self.fingerprint}-{article_id}".encode()).hexdigest())


def _read_optional(path: Path, paths: DataPaths) -> str:
    """The text of a ledger file ('' when it does not exist); FileProblem when it cannot be used."""
    if not os.path.lexists(path):
        return ""
    return files.read_text(path, files.MAX_TABLE_BYTES, paths.rel(path))


def reference_texts(paths: DataPaths) -> dict[str, str]:
    """The texts of claims.csv, themes.yml and actors.yml (a byte-order mark dropped)."""
    return {"claims": _read_optional(paths.claims, paths), "themes": _read_optional(paths.themes, paths),
            "actors": _read_optional(paths.actors, paths)}


def fingerprint(texts: dict[str, str], articles: list[ArticleFile]) -> str:
    """SHA-256 of everything a fitted model depends on: the reference files and the curated bodies."""
    h = hashlib.sha256(VERSION.encode())
    for name in ("claims", "themes", "actors"):
        h.update(texts[name].encode("utf-8"))
    for a in articles:
        if a.curated:
            h.update(f"{a.id}:{a.body_sha}".encode())
    return h.hexdigest()


def _registry(text: str, where: str, kind: str) -> dict[str, dict]:
    """A themes or actors registry: a mapping of id -> mapping of fields (FileProblem otherwise)."""
    data = files.load_yaml(text, where) if text.strip() else {}
    data = data if data is not None else {}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise files.FileProblem(where, f"must be a mapping of {kind} id -> fields (run `shieldgap check`)")
    return {str(k): {str(f): v for f, v in fields.items()} for k, fields in data.items()}


def read_reference(paths: DataPaths, articles: list[ArticleFile] | None = None,
                   texts: dict[str, str] | None = None) -> Reference:
    """The reference; the curated articles' bodies are read if ``articles`` does not carry them."""
    articles = articles if articles is not None else scan_articles(paths, want_bodies=lambda a: a.curated)
    texts = texts if texts is not None else reference_texts(paths)
    themes = _registry(texts["themes"], paths.rel(paths.themes), "theme")
    actors = _registry(texts["actors"], paths.rel(paths.actors), "actor")
    _header, rows = files.parse_csv(texts["claims"])
    claims = [{str(k): (v if isinstance(v, str) else "") for k, v in r.items() if k is not None}
              for r in rows if r.get("claim_id") and r.get("quote")]
    bodies = {}
    for a in articles:
        if a.curated:
            bodies[a.id] = a.body if a.body is not None else read_body(paths, a)
    return Reference(claims, themes, actors, bodies, fingerprint(texts, articles))
