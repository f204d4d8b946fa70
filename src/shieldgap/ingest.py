"""``shieldgap add``: turn text, Markdown or HTML files into article files of the ledger.

Each input becomes ``data/articles/<id>.md``: YAML front matter with the fields of
:data:`shieldgap.fields.ARTICLES`, then the body exactly as extracted. What the command was not told
(title, outlet, date, language...) it infers, says from what, and lists under ``inferred``.

Guarantees: an article whose normalized text is already in the ledger is refused; no file is ever
overwritten (:func:`shieldgap.io_utils.atomic_write_new`), an id that is taken gets a numeric suffix;
empty, binary and undecodable inputs are rejected with a message naming the file; text in another
encoding than UTF-8 is decoded with a warning. Heavy libraries (trafilatura, py3langid,
charset-normalizer) are imported only when needed.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import files
from .extract import ExtractError, decode, html_extract, looks_binary, markdown_front_matter
from .fields import ARTICLES, OUTLET_TYPES
from .infer import detect_language, find_date, slugify, title_from_text
from .io_utils import atomic_write_new
from .paths import DataPaths
from .textmatch import normalize

SUPPORTED = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
             ".html": "html", ".htm": "html"}
UNIDENTIFIED_OUTLET = "Unidentified news outlet"

MAX_INPUT_BYTES = 20 * 2**20  # an input file (an HTML page with its markup)
MAX_BODY_CHARS = 1_000_000  # an article's text (about 150,000 words)


class IngestError(ExtractError):
    """An input that cannot become an article; the message names the file and why."""


@dataclass
class Options:
    """What the analyst told ``shieldgap add`` (None: infer it)."""

    title: str | None = None
    outlet: str | None = None
    outlet_type: str | None = None
    outlet_country: str | None = None
    date: str | None = None
    url: str | None = None
    language: str | None = None
    today: _dt.date | None = None  # for tests and benchmarks; default: the current date


@dataclass
class Prepared:
    """One input read, decoded, extracted and described, not yet written."""

    source: Path
    body: str
    meta: dict
    warnings: list[str] = field(default_factory=list)
    _norm_hash: str | None = None
    rendered: tuple[str, str] | None = None  # (article id, file text) rendered in advance for the base id

    @property
    def norm_hash(self) -> str:
        if self._norm_hash is None:
            self._norm_hash = norm_hash(self.body)
        return self._norm_hash


@dataclass
class Result:
    added: list[tuple[Path, Path, dict]] = field(default_factory=list)  # (source, article file, meta)
    rejected: list[tuple[Path, str]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # unsupported files found in directories
    warnings: list[tuple[Path, str]] = field(default_factory=list)


# ----------------------------------------------------------------------------- reading and decoding
def norm_hash(body: str) -> str:
    """Identity of an article's text for duplicate detection (quotes, dashes, whitespace unified)."""
    return hashlib.sha256(normalize(body).encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- preparing one input
def prepare(path: Path, opts: Options | None = None) -> Prepared:
    """Read, decode, extract and describe one input file. Raises IngestError (or the ExtractError of
    :mod:`shieldgap.extract`, its base class)."""
    opts = opts or Options()
    path = Path(path)
    name = str(path)
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise IngestError(f"{name}: unsupported file type '{path.suffix or '(none)'}' "
                          f"(supported: {', '.join(sorted(SUPPORTED))})")
    try:
        raw = files.read_bytes(path, MAX_INPUT_BYTES, name)
    except files.FileProblem as exc:
        raise IngestError(str(exc)) from None
    text, warnings = decode(raw, name)

    page: dict = {}
    if kind == "html":
        body, page = html_extract(text, name)
    elif kind == "markdown":
        page, body = markdown_front_matter(text, name)
        page = {k: v for k, v in page.items() if k in ("title", "date", "published", "url", "outlet", "author")}
        if "published" in page and "date" not in page:
            page["date"] = page.pop("published")
    else:
        body = text
    if not body.strip():
        raise IngestError(f"{name}: the file has no text (only whitespace or front matter)")
    if len(body) > MAX_BODY_CHARS:
        raise IngestError(f"{name}: the text is {len(body):,} characters; an article is at most {MAX_BODY_CHARS:,} "
                          "(split it, or add the part that is the article)")
    if looks_binary(body.encode("utf-8", "replace")):
        raise IngestError(f"{name}: the text contains control characters; it does not look like an article")

    inferred: list[str] = []
    meta: dict = {}
    # Title
    if opts.title:
        meta["title"], meta["title_basis"] = opts.title.strip(), "given to shieldgap add"
    elif isinstance(page.get("title"), str) and page["title"].strip():
        meta["title"] = page["title"].strip()
        meta["title_basis"] = "stated: the page's title" if kind == "html" else "stated: the file's front matter"
        inferred.append("title")
    else:
        meta["title"], meta["title_basis"] = title_from_text(body)
        inferred.append("title")
    # Outlet
    if opts.outlet:
        meta["outlet"], meta["outlet_basis"] = opts.outlet.strip(), "stated: given to shieldgap add"
    elif isinstance(page.get("sitename"), str) or isinstance(page.get("outlet"), str):
        meta["outlet"] = str(page.get("sitename") or page.get("outlet")).strip()
        meta["outlet_basis"] = "inferred: the site name in the page's metadata"
        inferred.append("outlet")
    else:
        meta["outlet"] = UNIDENTIFIED_OUTLET
        meta["outlet_basis"] = "inferred: not stated in the text and not given to shieldgap add (--outlet)"
        inferred.append("outlet")
    meta["outlet_country"] = opts.outlet_country or "unknown"
    meta["outlet_country_basis"] = ("given to shieldgap add" if opts.outlet_country
                                    else "not stated and not given to shieldgap add")
    if not opts.outlet_country:
        inferred.append("outlet_country")
    if opts.outlet_type:
        if opts.outlet_type not in OUTLET_TYPES:
            raise IngestError(f"{name}: outlet type '{opts.outlet_type}' is not one of {', '.join(OUTLET_TYPES)}")
        meta["outlet_type"] = opts.outlet_type
    else:
        meta["outlet_type"] = "unidentified_media"
        inferred.append("outlet_type")
    # Date
    today = (opts.today or _dt.date.today()).isoformat()
    if opts.date:
        try:
            iso = _dt.date.fromisoformat(str(opts.date)).isoformat()
        except ValueError as exc:
            raise IngestError(f"{name}: --date '{opts.date}' is not a date (YYYY-MM-DD)") from exc
        meta.update(published=iso, date_precision="day", date_basis="stated",
                    date_evidence="Given to shieldgap add (--date).")
    else:
        page_date = None
        if page.get("date"):
            d = page["date"]
            try:
                page_date = (d.isoformat() if hasattr(d, "isoformat")
                             else _dt.date.fromisoformat(str(d)[:10]).isoformat())
            except ValueError:
                page_date = None
        stated = find_date(body) if page_date is None else None
        if page_date:
            meta.update(published=page_date, date_precision="day", date_basis="stated",
                        date_evidence="The publication date in the page's metadata." if kind == "html"
                        else "The date in the file's front matter.")
        elif stated:
            iso, words = stated
            meta.update(published=iso, date_precision="approximate", date_basis="inferred",
                        date_evidence=f"No publication date given; the first date stated in the text ('{words}') "
                                      "is taken as an approximation. It may be the date of an event reported.")
        else:
            meta.update(published=today, date_precision="approximate", date_basis="inferred",
                        date_evidence=f"No date in the text; {today} is the day the article was added with "
                                      "shieldgap add, so it was published on or before that day.")
        inferred.append("published")
    # URL: only when given or stated by the page itself; never invented.
    url = opts.url or (page.get("url") if isinstance(page.get("url"), str) else None)
    url = url.strip() if url else None
    if url and not re.fullmatch(r"https?://\S+", url):
        if opts.url:
            raise IngestError(f"{name}: --url '{opts.url}' is not an http(s) URL")
        url = None
    meta["url"] = url
    if url and not opts.url:
        inferred.append("url")
    # Language
    if opts.language:
        if not re.fullmatch(r"[a-z]{2}", opts.language):
            raise IngestError(f"{name}: --language '{opts.language}' is not an ISO 639-1 code such as 'en'")
        meta["language"] = opts.language
    else:
        meta["language"] = detect_language(body)
        inferred.append("language")
    meta["source_file"] = path.name
    meta["body_sha256"] = files.body_hash(body)
    meta["curated"] = False
    meta["inferred"] = inferred
    prep = Prepared(path, body, meta, warnings)
    prep._norm_hash = norm_hash(body)
    base = slugify(meta["title"])
    prep.rendered = (base, render_article(base, meta, body))
    return prep


# ----------------------------------------------------------------------------- writing
def render_article(article_id: str, meta: dict, body: str) -> str:
    ordered = {"id": article_id}
    for f in ARTICLES.fields:
        if f.name != "id" and f.name in meta:
            ordered[f.name] = meta[f.name]
    return files.join_front_matter(ordered, body)


INDEX_FILE = "article_index.json"
INDEX_VERSION = "article-index-2"


def existing_articles(paths: DataPaths) -> tuple[dict[str, str], set[str], files.StatCache]:
    """{normalized-text hash: article id} of the articles present, the ids taken, and the index.

    The hashes are kept in ``data/derived/article_index.json`` (a :class:`files.StatCache`), so adding
    one article to a large corpus does not re-read every file; a record that does not match the file's
    size, times and inode (a planted or copied index) is recomputed.
    """
    hashes: dict[str, str] = {}
    ids: set[str] = set()
    index = files.StatCache(paths.derived / INDEX_FILE, INDEX_VERSION)
    if not paths.articles.is_dir():
        return hashes, ids, index
    names = []
    with os.scandir(paths.articles) as it:
        for entry in it:
            if not entry.name.endswith(".md") or entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
                continue
            article_id = entry.name[:-3]
            ids.add(article_id)
            st = entry.stat(follow_symlinks=False)
            hit = index.lookup(entry.name, st)
            h = hit.get("norm") if hit else None
            if not isinstance(h, str):
                try:
                    parts = files.split_front_matter(files.read_text(Path(entry.path), files.MAX_ARTICLE_BYTES))
                except files.FileProblem:
                    continue  # reported by `shieldgap check`
                if parts is None:
                    continue
                h = norm_hash(parts[1])
                index.store(entry.name, st, norm=h)
            names.append(entry.name)
            hashes.setdefault(h, article_id)
    index.keep_only(names)
    index.save()
    return hashes, ids, index


def expand_inputs(inputs) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to add (directories expanded, in name order) and files skipped in directories.

    Inside a directory, symbolic links are not followed: a link to a file elsewhere (``notes.txt ->
    /etc/passwd``) or a link loop is skipped with its reason. A file named on the command line is the
    user's explicit choice and is read where it points, if it is a regular file.
    """
    files_: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for item in inputs:
        if not str(item).strip():
            raise IngestError("an empty path was given; name the files or folders to add")
        p = Path(item)
        if p.is_dir():
            found = []
            for root, dirs, names in os.walk(p, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for d in dirs:
                    if Path(root, d).is_symlink():
                        skipped.append((Path(root, d), "a symbolic link to a folder (not followed)"))
                found += [Path(root, n) for n in names if not n.startswith(".")]
            dirs_links = {s for s, _ in skipped}
            for child in sorted(found):
                if child in dirs_links:
                    continue
                if child.is_symlink():
                    skipped.append((child, "a symbolic link (not followed inside a folder; name it directly to add "
                                           "what it points to)"))
                elif not child.is_file():
                    skipped.append((child, "not a regular file"))
                elif child.suffix.lower() in SUPPORTED:
                    files_.append(child)
                else:
                    skipped.append((child, f"unsupported file type '{child.suffix or '(none)'}'"))
        else:
            files_.append(p)
    return files_, skipped


def _prepare_safe(args):
    path, opts = args
    try:
        return prepare(path, opts)
    except ExtractError as exc:  # IngestError is one too
        return exc if isinstance(exc, IngestError) else IngestError(str(exc))


def add_articles(inputs, paths: DataPaths, opts: Options | None = None, *, workers: int = 1,
                 progress: bool = False) -> Result:
    """Add every input file (directories expanded) as a new, uncurated article."""
    opts = opts or Options()
    found, skipped = expand_inputs(inputs)
    result = Result(skipped=skipped)
    for f in found:
        if not f.exists():
            result.rejected.append((f, f"{f}: no such file"))
    found = [f for f in found if f.exists()]
    if opts.title and len(found) > 1:
        raise IngestError("--title applies to one file; give one input file with it")

    jobs = [(f, opts) for f in found]
    hashes, taken, index = existing_articles(paths)
    written: list[tuple[Path, str]] = []
    paths.articles.mkdir(parents=True, exist_ok=True)
    pool = None
    if workers > 1 and len(jobs) > 200:
        import multiprocessing as mp

        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        pool = ctx.Pool(workers)
        # results are written as they arrive (in input order), while the workers prepare the next ones
        prepared = _progress(pool.imap(_prepare_safe, jobs, chunksize=32), len(jobs), progress, "add")
    else:
        prepared = _progress(map(_prepare_safe, jobs), len(jobs), progress, "add")
    try:
        _write_prepared(jobs, prepared, paths, hashes, taken, written, result)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        for target, h in written:  # record the articles just written in the duplicate index
            index.store(target.name, target.stat(follow_symlinks=False), norm=h)
        if written:
            index.save()
    return result


def _write_prepared(jobs, prepared, paths: DataPaths, hashes: dict, taken: set, written: list,
                    result: Result) -> None:
    for (path, _), prep in zip(jobs, prepared):
        if isinstance(prep, IngestError):
            result.rejected.append((path, str(prep)))
            continue
        for w in prep.warnings:
            result.warnings.append((path, w))
        h = prep.norm_hash
        if h in hashes:
            result.rejected.append((path, f"{path}: duplicate of article '{hashes[h]}' (same text); not added"))
            continue
        base = slugify(prep.meta["title"])
        article_id, n = base, 1
        while True:
            if article_id not in taken:
                target = paths.articles / f"{article_id}.md"
                text = prep.rendered[1] if prep.rendered and prep.rendered[0] == article_id \
                    else render_article(article_id, prep.meta, prep.body)
                try:
                    atomic_write_new(target, text)
                    break
                except FileExistsError:
                    taken.add(article_id)
            n += 1
            article_id = f"{base}-{n}"
        taken.add(article_id)
        hashes[h] = article_id
        written.append((target, h))
        result.added.append((path, target, {"id": article_id, **prep.meta}))


def _progress(iterable, total: int, enabled: bool, desc: str):
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="file", leave=False)
