"""``shieldgap accept``: promote the candidates an analyst marked ``accept = y`` into ``data/claims.csv``.

The article id must match the id grammar and name a regular file directly inside ``data/articles``
(never a path, never a symbolic link). The candidate file is read through :mod:`shieldgap.files`;
each problem in it is one line naming the file, the row (data rows counted from 1, as ``shieldgap
check`` does) and the field. The whole ledger with the new rows (and, with ``mark_curated``, the
article's front matter rewritten by :func:`files.with_front_matter`) is validated by
:func:`shieldgap.ledger.load_ledger` on a temporary copy; only then are the files replaced
atomically (:func:`shieldgap.curation.writes.validated_write`). On any problem :class:`AcceptError`
is raised and nothing is written anywhere. :func:`accept_rows` takes rows held in memory (the
curation workbench) and is what :func:`accept_candidates` (the candidate file) calls.
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import files
from .curation.writes import Snapshot, WriteError, appended_csv, read_table, validated_write
from .fields import CLAIMS
from .paths import DataPaths
from .problems import Issue
from .suggest.columns import ACCEPT_VALUES
from .suggest.reference import valid_id
from .textmatch import QuoteIndex, normalize

#: Claim fields the analyst fills in the candidate file before accepting (the rest are derived).
REQUIRED_FROM_ANALYST = [f.name for f in CLAIMS.fields
                         if f.required and f.name not in ("claim_id", "article_id", "canonical_id")]
#: Columns a candidate file needs for accept to read it.
NEEDED_COLUMNS = ["quote", "accept"]


class AcceptError(WriteError):
    """Nothing was written; one line per problem, naming the file, row and field."""


def _claim_number(cid: str) -> int:
    m = re.fullmatch(r"C(\d+)", cid or "")
    return int(m.group(1)) if m else 0


def _shown(value: str, limit: int = 60) -> str:
    value = repr(value)
    return value if len(value) <= limit else value[:limit - 4] + "...'"


def article_file(paths: DataPaths, article_id: str) -> Path:
    """``data/articles/<article_id>.md`` when the id is valid and names a regular file directly inside it."""
    if not valid_id(article_id):
        raise AcceptError([f"{_shown(article_id)} is not an article id (lower-case letters, digits and '-': the "
                           f"name of a file in {paths.rel(paths.articles)} without '.md')"])
    path = paths.articles / f"{article_id}.md"
    where = f"{paths.rel(paths.articles)}/{path.name}"  # the link itself, not where it points
    if paths.articles.is_symlink() or path.is_symlink():
        raise AcceptError([f"{where}: is a symbolic link; accept writes only to files inside the data folder"])
    if not path.is_file() or path.resolve().parent != Path(paths.data).resolve() / "articles":
        raise AcceptError([f"{where}: no such article"])
    return path


# ----------------------------------------------------------------------------- the candidate file
def _row_label(i: int, row: dict) -> str:
    cid = row.get("candidate_id")
    return f"row {i}" + (f" ({cid})" if isinstance(cid, str) and cid.strip() else "")


def _undecodable(raw: bytes, where: str) -> str | None:
    """Where in a CSV file its first byte that is not UTF-8 is: file, row and column."""
    text = raw.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    try:
        reader = csv.reader(io.StringIO(text))
        header = next(reader, [])
        rows = list(reader)
    except csv.Error:
        return None

    def bad(value: str) -> str | None:
        for ch in value:
            if "\udc80" <= ch <= "\udcff":
                return f"not valid UTF-8 (byte 0x{ord(ch) - 0xdc00:02x}); save the file as UTF-8"
        return None

    for col in header:
        if bad(col):
            return str(Issue(where, bad(col), "header"))
    for i, values in enumerate(rows, 1):
        row = dict(zip(header, values))
        for j, value in enumerate(values):
            if bad(value):
                column = header[j] if j < len(header) else None
                return str(Issue(where, bad(value), _row_label(i, row), column))
    return None


def read_candidates(paths: DataPaths, article_id: str) -> list[dict]:
    """The rows of ``data/candidates/<article_id>.csv`` (values are strings, never None)."""
    path = paths.candidates / f"{article_id}.csv"
    where = paths.rel(path)
    if not os.path.lexists(path):
        raise AcceptError([f"{where}: no candidates for '{article_id}' (run `shieldgap suggest {article_id}` first)"])
    try:
        raw = files.read_bytes(path, files.MAX_TABLE_BYTES, where)
        try:
            text = files.decode(raw, where)
        except files.FileProblem as exc:
            raise AcceptError([_undecodable(raw, where) or str(exc)]) from None
        header, rows = files.parse_csv(text)
    except files.FileProblem as exc:
        raise AcceptError([str(exc)]) from None
    except csv.Error as exc:
        raise AcceptError([f"{where}: not a readable CSV file: {exc}"]) from None
    missing = [c for c in NEEDED_COLUMNS if c not in header]
    if missing:
        raise AcceptError([f"{where}: required column {', '.join(repr(m) for m in missing)} is missing (the file "
                           "written by `shieldgap suggest` has it; rerun suggest or restore the header)"])
    return [{str(k): (v if isinstance(v, str) else "") for k, v in r.items() if k is not None} for r in rows]


def _field_problem(name: str, value: str) -> str | None:
    """What is wrong with ``value`` for the claims field ``name`` (None when it is acceptable)."""
    f = CLAIMS.get(name)
    if not value:
        return None
    if f.allowed and value not in f.allowed:
        return f"{_shown(value)} is not one of: {', '.join(f.allowed)}"
    if f.dtype == "int":
        lo, hi = f.min, f.max
        ok = value.isdigit() and (lo is None or int(value) >= lo) and (hi is None or int(value) <= hi)
        if not ok:
            rng = f" from {lo} to {hi}" if lo is not None and hi is not None else f" of at least {lo}" if lo else ""
            return f"{_shown(value)} is not a whole number{rng}"
    if f.dtype == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"{_shown(value)} is not a valid date (YYYY-MM-DD)"
    return None


# ----------------------------------------------------------------------------- accept
@dataclass
class Accepted:
    """What one accept wrote: the new claim rows, new reason rows, and the snapshot for undo."""

    rows: list[dict]
    reasons: list[dict] = field(default_factory=list)
    snapshot: Snapshot = field(default_factory=Snapshot)


def accept_candidates(paths: DataPaths, article_id: str, *, mark_curated: bool = False) -> list[dict]:
    """Append the candidates marked accept=y to claims.csv, validated first on a temporary copy.

    Returns the new claim rows. Raises AcceptError (nothing written anywhere) on any problem.
    """
    article_file(paths, article_id)
    cands = read_candidates(paths, article_id)
    rel = paths.rel(paths.candidates / f"{article_id}.csv")
    chosen = [(i, r) for i, r in enumerate(cands, 1) if r.get("accept", "").strip().lower() in ACCEPT_VALUES]
    if not chosen and not mark_curated:
        raise AcceptError([f"{rel}: no row is marked accept=y; mark the candidates to promote with 'y' in the "
                           "accept column"])
    return accept_rows(paths, article_id, chosen, source=rel, mark_curated=mark_curated).rows


def accept_rows(paths: DataPaths, article_id: str, rows, *, source: str = "the review queue",
                mark_curated: bool = False, new_reasons: list[dict] = (),
                also: dict[Path, tuple[bytes | None, bytes]] | None = None) -> Accepted:
    """Append candidate ``rows`` (dicts, or (row number, dict) pairs) held in memory to claims.csv.

    ``new_reasons``: reasons.csv rows (reason_id, theme, stance, statement, notes) written in the same
    change; an empty reason_id gets the next RS id. ``also``: other data files written in the same change,
    path -> (the bytes the new ones were built from, or None for a new file; the new bytes) - the
    workbench's curation log row when it marks the article curated. The whole ledger is validated on a temporary copy
    first and the files replaced atomically; AcceptError (nothing written) on any problem. The
    returned snapshot undoes the change (:func:`shieldgap.curation.writes.undo`).
    """
    art_path = article_file(paths, article_id)
    chosen = [r if isinstance(r, tuple) else (i, r) for i, r in enumerate(rows, 1)]
    claims_where, art_where = paths.rel(paths.claims), f"{paths.rel(paths.articles)}/{art_path.name}"
    try:
        claims_raw, header, existing = read_table(paths, paths.claims)
        art_raw = files.read_bytes(art_path, files.MAX_ARTICLE_BYTES, art_where)
        art_text = files.decode(art_raw, art_where)
        article = files.parse_article(art_text, art_where)
    except files.FileProblem as exc:
        raise AcceptError([f"{exc} (run `shieldgap check`)"]) from None
    except WriteError as exc:
        raise AcceptError(exc.messages) from None
    missing = [c for c in ("claim_id", "article_id", "quote", "canonical_id") if c not in header]
    if missing:
        raise AcceptError([f"{claims_where}: required column '{missing[0]}' is missing (run `shieldgap check`)"])
    changes: dict[Path, bytes] = {}
    expected: dict[Path, bytes | None] = {paths.claims: claims_raw, art_path: art_raw}
    reasons = []
    if new_reasons:
        reasons_raw, reasons_header, existing_reasons = read_table(paths, paths.reasons)
        reasons = _numbered_reasons(new_reasons, existing_reasons)
        changes[paths.reasons] = appended_csv(reasons_raw, reasons_header, reasons)
        expected[paths.reasons] = reasons_raw
    new_rows, labels, errors = _new_rows(chosen, existing, header, article.body, article_id, source, art_where)
    if errors:
        raise AcceptError(errors + [f"{len(errors)} problem(s) in {source}; nothing was written"])
    if new_rows:
        changes[paths.claims] = appended_csv(claims_raw, header, new_rows)
    if mark_curated and article.meta.get("curated") is not True:
        changes[art_path] = files.with_front_matter(art_text, art_where, curated=True).encode("utf-8")
    for path, (old, new) in (also or {}).items():
        changes[Path(path)], expected[Path(path)] = new, old
    try:
        snap = validated_write(paths, changes, labels=labels, expected=expected,
                               description=f"accept {len(new_rows)} claim(s) of {article_id}")
    except WriteError as exc:
        raise AcceptError([m.replace("problem(s) with the change", "problem(s) with the accepted rows")
                           for m in exc.messages]) from None
    return Accepted(new_rows, reasons, snap)


def _numbered_reasons(new: list[dict], existing: list[dict]) -> list[dict]:
    """``new`` reason rows, those without an id given the next RS ids."""
    numbers = [int(m.group(1)) for r in existing if (m := re.fullmatch(r"RS(\d+)", r.get("reason_id") or ""))]
    next_no = max(numbers + [0]) + 1
    out = []
    for r in new:
        r = {k: (str(v).strip() if v is not None else "") for k, v in r.items()}
        if not r.get("reason_id"):
            r["reason_id"] = f"RS{next_no:02d}"
            next_no += 1
        out.append(r)
    return out


def _new_rows(chosen, existing, header, body, article_id, rel, art_where):
    """(claim rows, {claim id: candidate row label}, problems) for the chosen candidate rows."""
    by_id = {c.get("claim_id"): c for c in existing if c.get("claim_id")}
    in_ledger = {(c.get("article_id"), normalize(c.get("quote") or "")): c.get("claim_id") for c in existing}
    qindex = QuoteIndex(body)
    errors, new_rows, labels = [], [], {}
    next_no = max([_claim_number(c) for c in by_id] + [0]) + 1
    for i, r in chosen:
        label = _row_label(i, r)
        missing = [c for c in REQUIRED_FROM_ANALYST if not r.get(c, "").strip()]
        if missing:
            errors.append(f"{rel}: {label}: fill {', '.join(repr(m) for m in missing)} before accepting "
                          "(required in claims.csv)")
            continue
        bad = [str(Issue(rel, problem, label, c)) for c in CLAIMS.columns
               if (problem := _field_problem(c, r.get(c, "").strip()))]
        if bad:
            errors += bad
            continue
        key = (article_id, normalize(r["quote"]))
        if key in in_ledger:
            errors.append(f"{rel}: {label}: already in the ledger as {in_ledger[key]}")
            continue
        occurrence = r.get("occurrence", "").strip()
        found = qindex.find_all(r["quote"])
        if not found or (occurrence and qindex.locate(r["quote"], occurrence) is None):
            errors.append(str(Issue(rel, f"not found verbatim in {art_where}" + (
                f" (occurrence {occurrence})" if occurrence and found else ""), label, "quote")))
            continue
        if not occurrence and len(found) > 1:
            start = r.get("sentence_start", "").strip()
            if not start.isdigit():
                errors.append(str(Issue(rel, f"{_shown(start)} is not a whole number (needed to tell which of the "
                                             f"{len(found)} occurrences of the quote is meant; or set 'occurrence')",
                                        label, "sentence_start")))
                continue
            occurrence = str(qindex.nearest_occurrence(r["quote"], int(start)))
        cid = f"C{next_no:03d}"
        echo = r.get("echo_of", "").strip()
        if echo:
            if echo not in by_id:
                errors.append(f"{rel}: {label}: echo_of '{echo}' is not a claim in claims.csv (clear it to make this "
                              "a new canonical claim)")
                continue
            canonical = by_id[echo].get("canonical_id") or echo
        else:
            canonical = cid
        next_no += 1
        row = {col: "" for col in header}
        for col in header:
            if col in r and r[col].strip():
                row[col] = r[col].strip() if col != "quote" else r[col]
        row.update(claim_id=cid, article_id=article_id, canonical_id=canonical, occurrence=occurrence)
        new_rows.append(row)
        labels[cid] = f"{rel}: {label}"
        in_ledger[key] = cid
    return new_rows, labels, errors
