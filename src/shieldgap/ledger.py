"""Loading and validating the ledger.

``load_ledger`` reads every curated file, validates it with the pandera schemas generated from
:mod:`shieldgap.fields`, locates every quote in its article, and returns typed DataFrames. It never
writes to the data directory. Every problem becomes one :class:`Issue` naming file, row and column;
all of them are collected before :class:`LedgerError` is raised.

A render need not verify again what it verified before: with ``reuse_verified=True`` (the report and
the explorer), a ledger whose curated files are byte for byte (SHA-256, :func:`data_fingerprint`) those
that this same code (:func:`shieldgap.report_cache.code_fingerprint`) verified earlier is not validated
again. Its quotes' spans, found by that verification, are read from the JSON record it left in the
project's ``.cache/ledger/`` (never in a data folder); pandera is then not even imported. A record that
cannot be read, is not this program's, or does not fit the ledger is a miss, and the ledger is verified
as usual. ``shieldgap check`` and every curation step always verify.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import files
from .fields import CSV_TABLES, TABLES, YAML_TABLES
from .paths import DataPaths, data_paths
from .problems import Issue, LedgerError, summary_lines  # noqa: F401 - part of this module's interface

VERIFIED_FORMAT = "shieldgap-verified-ledger/1"
VERIFIED_KEEP = 20  # records kept in .cache/ledger/, newest first


# ----------------------------------------------------------------------------- reading
def _read(path: Path, paths: DataPaths, issues: list[Issue], parse, limit: int = files.MAX_TABLE_BYTES):
    """``parse(text, where)`` of the file at ``path`` through the file layer; None (and an issue) on failure."""
    where = paths.rel(path)
    try:
        return parse(files.read_text(path, limit, where), where)
    except files.FileProblem as exc:
        issues.append(Issue(exc.where, exc.message))
        return None


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def read_articles(paths: DataPaths, issues: list[Issue], broken: set[str]) -> pd.DataFrame:
    rows = []
    found = sorted(paths.articles.glob("*.md")) if paths.articles.is_dir() else []
    if not found:
        issues.append(Issue(paths.rel(paths.articles), "no article files (*.md) found"))
    for path in found:
        art = _read(path, paths, issues, files.parse_article, files.MAX_ARTICLE_BYTES)
        if art is None:
            broken.add(path.stem)
            continue
        meta = {k: _plain(v) for k, v in art.meta.items()}
        meta["_file"] = path
        meta["body"] = art.body
        rows.append(meta)
    return pd.DataFrame(rows)


def read_csv(path: Path, paths: DataPaths, issues: list[Issue], columns: list[str]) -> pd.DataFrame | None:
    def parse(text: str, where: str) -> pd.DataFrame:
        if not text.strip():
            raise files.FileProblem(where, f"is empty; it needs at least the header line ({','.join(columns)})")
        try:
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise files.FileProblem(where, " ".join(f"not a readable CSV file: {exc}".split())) from None
        return df.astype(object)

    return _read(path, paths, issues, parse)


def read_yaml_table(path: Path, paths: DataPaths, issues: list[Issue]) -> pd.DataFrame | None:
    def parse(text: str, where: str) -> pd.DataFrame:
        data = files.load_yaml(text, where)
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise files.FileProblem(where, "must be a mapping of id -> fields")
        return pd.DataFrame([{"id": str(k), **{str(f): _plain(v) for f, v in fields.items()}}
                             for k, fields in data.items()])

    return _read(path, paths, issues, parse)


# ----------------------------------------------------------------------------- validation
def _row_label(table: str, df: pd.DataFrame, index) -> str | None:
    if index is None or (isinstance(index, float) and pd.isna(index)) or index not in df.index:
        return None
    t = TABLES[table]
    if table == "articles":
        return None
    ident = df.at[index, t.id_field] if t.id_field in df.columns else None
    if table in YAML_TABLES:
        return f"{table[:-1]} '{ident}'"
    ident_txt = f" ({ident})" if isinstance(ident, str) and ident else ""
    return f"row {int(index) + 1}{ident_txt}"


def _file_of(table: str, df: pd.DataFrame, index, paths: DataPaths) -> str:
    if table == "articles" and index is not None and index in df.index:
        return paths.rel(df.at[index, "_file"])
    return paths.rel(paths.data / TABLES[table].file)


def validate_frame(table: str, df: pd.DataFrame, paths: DataPaths, issues: list[Issue],
                   refs: dict[str, set[str]], extra: dict[str, list] | None = None,
                   broken: dict[str, str] | None = None) -> None:
    """Validate ``df`` against its generated schema; each failure becomes an Issue. ``extra`` adds pandera
    checks to columns. ``broken`` maps a table name, or ``article:<id>``, to the file that could not be read:
    failures that only follow from it (a reference to a table that could not be read, any problem in a row of
    a broken article) name it as cause."""
    import pandera.pandas as pa

    from .schema import build_schema

    broken = broken or {}
    schema = build_schema(TABLES[table], refs)
    for column, checks in (extra or {}).items():
        if column in schema.columns:
            schema.columns[column].checks.extend(checks)
    frame = df.drop(columns=[c for c in ("_file", "body") if c in df.columns])
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        seen = set()
        for case in err.failure_cases.itertuples(index=False):
            index = case.index if case.index is not None and not pd.isna(case.index) else None
            check = str(case.check)
            column = case.column if isinstance(case.column, str) else None
            if check == "column_in_schema":
                allowed = ", ".join(TABLES[table].columns)
                msg, column = f"unexpected column '{case.failure_case}' (allowed: {allowed})", None
            elif check == "column_in_dataframe":
                msg, column = f"required column '{case.failure_case}' is missing", None
            elif check.startswith("field_uniqueness") or "uniqueness" in check:
                msg = f"duplicate value '{case.failure_case}' (must be unique)"
            else:
                value = case.failure_case
                shown = repr(value) if not isinstance(value, str) or len(value) < 80 else repr(value[:77] + "...")
                msg = f"{check} (value {shown})"
            issue = Issue(_file_of(table, df, index, paths), msg, _row_label(table, df, index), column,
                          _cause(table, df, index, column, broken))
            if str(issue) not in seen:
                seen.add(str(issue))
                issues.append(issue)


def _cause(table: str, df: pd.DataFrame, index, column: str | None, broken: dict[str, str]) -> str | None:
    if not broken:
        return None
    if index is not None and index in df.index and "article_id" in df.columns:
        cause = broken.get(f"article:{df.at[index, 'article_id']}")
        if cause:
            return cause
    if column and column in TABLES[table].columns:
        ref = TABLES[table].get(column).ref
        for target in (ref or "").split("|"):
            if target in broken:
                return broken[target]
    return None


# ----------------------------------------------------------------------------- the ledger
@dataclass
class Ledger:
    paths: DataPaths
    articles: pd.DataFrame
    themes: pd.DataFrame
    actors: pd.DataFrame
    claims: pd.DataFrame
    analyst_notes: pd.DataFrame
    relations: pd.DataFrame
    fact_checks: pd.DataFrame
    reasons: pd.DataFrame
    events: pd.DataFrame
    comparison: pd.DataFrame = field(default_factory=pd.DataFrame)
    conflicts: pd.DataFrame = field(default_factory=pd.DataFrame)

    def article_body(self, article_id: str) -> str:
        return self.articles.loc[article_id, "body"]

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the curated files (:func:`data_fingerprint`), read once per loaded ledger."""
        return data_fingerprint(self.paths)


def data_fingerprint(paths: DataPaths) -> str:
    """SHA-256 over the curated files (articles, YAML and CSV tables), in a stable order."""
    h = hashlib.sha256()
    found = sorted(paths.articles.glob("*.md")) + [paths.data / TABLES[t].file for t in (*YAML_TABLES, *CSV_TABLES)]
    for path in found:
        if path.is_file():
            h.update(paths.rel(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _span_check(df: pd.DataFrame, indexes: dict, spans: dict) -> list:
    """pandera checks on `quote`: it must be found exactly once (or at `occurrence`) in its article."""
    import pandera.pandas as pa

    def locate(s: pd.Series) -> pd.Series:
        ok = []
        for i, quote in s.items():
            art = df.at[i, "article_id"]
            if art not in indexes or not isinstance(quote, str) or not quote.strip():
                ok.append(True)  # reported by the reference / required checks
                continue
            spans[i] = indexes[art].locate(quote, df.at[i, "occurrence"] if "occurrence" in df.columns else None)
            ok.append(spans[i] is not None)
        return pd.Series(ok, index=s.index)

    return [pa.Check(locate, error="quote not found verbatim in its article (or found more than once: lengthen it "
                                   "or set 'occurrence')")]


def load_ledger(data_dir=None, *, paths: DataPaths | None = None, reuse_verified: bool = False) -> Ledger:
    """The validated ledger of ``data_dir`` (see the module docstring for ``reuse_verified``)."""
    paths = paths or data_paths(data_dir)
    issues: list[Issue] = []
    broken_ids: set[str] = set()
    fingerprint = data_fingerprint(paths) if reuse_verified else None

    articles = read_articles(paths, issues, broken_ids)
    broken = {f"article:{stem}": paths.rel(paths.articles / f"{stem}.md") for stem in broken_ids}
    loaded = {"themes": read_yaml_table(paths.themes, paths, issues),
              "actors": read_yaml_table(paths.actors, paths, issues)}
    loaded |= {t: read_csv(paths.data / TABLES[t].file, paths, issues, TABLES[t].columns) for t in CSV_TABLES}
    for name, df in loaded.items():
        if df is None:  # could not be read: reported once, and what follows from it is counted, not listed
            broken[name] = paths.rel(paths.data / TABLES[name].file)
            loaded[name] = pd.DataFrame(columns=TABLES[name].columns)
    themes, actors = loaded["themes"], loaded["actors"]
    tables = {t: loaded[t] for t in CSV_TABLES}
    for name, df in tables.items():  # a list field of a CSV table holds ids separated by spaces
        for f in TABLES[name].fields:
            if f.dtype == "list" and f.name in df.columns:
                df[f.name] = df[f.name].map(lambda v: v.split() if isinstance(v, str) and v.strip() else v)

    spans = _verified(fingerprint, tables) if fingerprint and not issues and not broken else None
    if spans is None:
        spans = _verify(paths, articles, themes, actors, tables, issues, broken)
        if issues:
            raise LedgerError(issues)
        if fingerprint and data_fingerprint(paths) == fingerprint:  # the files did not change while being read
            _remember(fingerprint, spans, tables)
    claim_spans, check_spans = spans

    ledger = Ledger(
        paths=paths,
        articles=_typed_articles(articles),
        themes=themes.set_index("id", drop=False),
        actors=actors.set_index("id", drop=False),
        claims=_with_spans(_typed(tables["claims"], "claims"), claim_spans),
        analyst_notes=_typed(tables["analyst_notes"], "analyst_notes"),
        relations=_typed(tables["relations"], "relations"),
        fact_checks=_with_spans(_typed(tables["fact_checks"], "fact_checks"), check_spans),
        reasons=_typed(tables["reasons"], "reasons"),
        events=_typed(tables["events"], "events"),
        comparison=_typed(tables["comparison"], "comparison").sort_values("order"),
    )
    if fingerprint:
        ledger.__dict__["fingerprint"] = fingerprint  # the cached property, already computed
    from .conflicts import attribution_conflicts

    ledger.conflicts = attribution_conflicts(ledger)
    return ledger


def _verify(paths: DataPaths, articles: pd.DataFrame, themes: pd.DataFrame, actors: pd.DataFrame,
            tables: dict[str, pd.DataFrame], issues: list[Issue], broken: dict[str, str]) -> tuple[dict, dict]:
    """Validate every table and locate every quote; problems are added to ``issues``. Returns the spans of
    the claims' and the fact checks' quotes ({row position: (start, end)})."""
    from .comparison import rules as comparison_rules
    from .rules import consistency
    from .textmatch import QuoteIndex

    def ids(df: pd.DataFrame, col: str) -> set[str]:
        return set(df[col].astype(str)) if col in df.columns else set()

    refs = {
        "articles": ids(articles, "id"), "themes": ids(themes, "id"), "actors": ids(actors, "id"),
        "claims": ids(tables["claims"], "claim_id"), "analyst_notes": ids(tables["analyst_notes"], "note_id"),
        "reasons": ids(tables["reasons"], "reason_id"), "events": ids(tables["events"], "event_id"),
    }

    # Articles: front matter fields, plus id = file name and the body hash.
    if not articles.empty:
        validate_frame("articles", articles, paths, issues, refs)
        for _, a in articles.iterrows():
            rel = paths.rel(a["_file"])
            if isinstance(a.get("id"), str) and a["id"] != a["_file"].stem:
                issues.append(Issue(rel, f"id '{a['id']}' does not match the file name '{a['_file'].stem}'",
                                    None, "id"))
            if isinstance(a.get("body_sha256"), str) and a["body_sha256"] != files.body_hash(a["body"]):
                issues.append(Issue(rel, "the body has changed since it was recorded (its SHA-256 differs from "
                                         "body_sha256); restore the source text", None, "body_sha256"))
    for name, df in (("themes", themes), ("actors", actors)):
        if name not in broken:
            validate_frame(name, df, paths, issues, refs, broken=broken)

    indexes = {a["id"]: QuoteIndex(a["body"]) for _, a in articles.iterrows() if isinstance(a.get("id"), str)}
    claim_spans: dict = {}
    check_spans: dict = {}
    claims, fc = tables["claims"], tables["fact_checks"]
    extra = {"claims": {"quote": _span_check(claims, indexes, claim_spans)},
             "fact_checks": {"quote": _span_check(fc, indexes, check_spans)}}
    for name in CSV_TABLES:
        if name not in broken:
            validate_frame(name, tables[name], paths, issues, refs, extra.get(name), broken)
    if not broken:
        issues += consistency(paths, claims, tables["relations"], fc, tables["reasons"])
        issues += [Issue(paths.rel(paths.data / TABLES["comparison"].file), *problem)
                   for problem in comparison_rules(tables["comparison"])]
    return claim_spans, check_spans


# ----------------------------------------------------------------------------- verified before
def _verified_path(fingerprint: str) -> Path:
    from .paths import cache_dir
    from .report_cache import code_fingerprint

    key = hashlib.sha256(f"{VERIFIED_FORMAT}\0{fingerprint}\0{code_fingerprint()}".encode()).hexdigest()
    return cache_dir() / "ledger" / f"{key}.json"


def _verified(fingerprint: str, tables: dict[str, pd.DataFrame]) -> tuple[dict, dict] | None:
    """The quote spans recorded when these very files were verified by this code, or None (a miss: no record,
    an unreadable or foreign one, one that does not fit the tables, or the cache turned off)."""
    from .io_utils import load_record
    from .report_cache import enabled

    if not enabled():
        return None
    rec = load_record(_verified_path(fingerprint), VERIFIED_FORMAT)
    if rec is None or rec.get("fingerprint") != fingerprint:
        return None
    found = []
    for table in ("claims", "fact_checks"):
        rows = rec.get(table)
        if not (isinstance(rows, list) and len(rows) == len(tables[table])
                and all(r is None or (isinstance(r, list) and len(r) == 2 and all(type(v) is int for v in r))
                        for r in rows)):
            return None
        found.append({i: (r[0], r[1]) for i, r in enumerate(rows) if r is not None})
    return found[0], found[1]


def _remember(fingerprint: str, spans: tuple[dict, dict], tables: dict[str, pd.DataFrame]) -> None:
    """Record that the files of ``fingerprint`` were verified, with their quotes' spans by row position (None:
    a row without a quote); written atomically, and a failure only costs the next render a verification."""
    from .io_utils import save_record
    from .report_cache import enabled

    if not enabled():
        return
    rec = {"format": VERIFIED_FORMAT, "fingerprint": fingerprint}
    for table, found in zip(("claims", "fact_checks"), spans):
        rec[table] = [list(map(int, found[i])) if found.get(i) else None for i in range(len(tables[table]))]
    save_record(_verified_path(fingerprint), rec, VERIFIED_KEEP)


def _typed(df: pd.DataFrame, table: str) -> pd.DataFrame:
    df = df.copy()
    for f in TABLES[table].fields:
        if f.name not in df.columns:
            df[f.name] = None
            continue
        col = df[f.name].map(lambda v: None if v is None or (isinstance(v, str) and not v.strip()) else v)
        if f.dtype == "int":
            col = col.map(lambda v: None if v is None else int(v)).astype("Int64")
        df[f.name] = col
    id_field = TABLES[table].id_field
    return df.set_index(id_field, drop=False).rename_axis(None)


def _typed_articles(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["published"] = pd.to_datetime(df["published"])
    df["curated"] = df["curated"].map(lambda v: v if isinstance(v, bool) else str(v).lower() == "true")
    for col in ("url", "inferred", "title_basis", "source_file", "outlet_country_basis"):
        if col not in df.columns:
            df[col] = None
    return df.set_index("id", drop=False).rename_axis(None).sort_values("published")


def _with_spans(df: pd.DataFrame, spans: dict) -> pd.DataFrame:
    pos = list(range(len(df)))
    df["start"] = [spans.get(i, (None, None))[0] if spans.get(i) else None for i in pos]
    df["end"] = [spans.get(i, (None, None))[1] if spans.get(i) else None for i in pos]
    df["start"] = df["start"].astype("Int64")
    df["end"] = df["end"].astype("Int64")
    return df
