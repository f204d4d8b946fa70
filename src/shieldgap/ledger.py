"""Loading and validating the ledger.

``load_ledger`` reads every curated file, validates it with the pandera schemas generated from
:mod:`shieldgap.fields`, locates every quote in its article, and returns typed DataFrames. It never
writes to the data directory. Every problem becomes one :class:`Issue` naming file, row and column;
all of them are collected before :class:`LedgerError` is raised.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from .fields import ATTACKS, CSV_TABLES, TABLES, YAML_TABLES
from .paths import DataPaths, data_paths
from .schema import build_schema
from .sources import split_front_matter
from .textmatch import QuoteIndex


@dataclass(frozen=True)
class Issue:
    file: str
    message: str
    row: str | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row:
            where += f": {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class LedgerError(Exception):
    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


# ----------------------------------------------------------------------------- reading
def read_text(path: Path, paths: DataPaths, issues: list[Issue]) -> str | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        issues.append(Issue(paths.rel(path), "file is missing"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        issues.append(Issue(paths.rel(path), f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {exc.start} "
                                              "(save the file as UTF-8)"))
        return None


def body_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def read_articles(paths: DataPaths, issues: list[Issue]) -> pd.DataFrame:
    rows = []
    files = sorted(paths.articles.glob("*.md")) if paths.articles.is_dir() else []
    if not files:
        issues.append(Issue(paths.rel(paths.articles), "no article files (*.md) found"))
    for path in files:
        text = read_text(path, paths, issues)
        if text is None:
            continue
        parts = split_front_matter(text)
        if parts is None:
            issues.append(Issue(paths.rel(path), "no YAML front matter (the file must start with '---' and a closing '---' line)"))
            continue
        try:
            meta = yaml.safe_load(parts[0])
        except yaml.YAMLError as exc:
            issues.append(Issue(paths.rel(path), f"front matter is not valid YAML: {exc}".replace("\n", " ")))
            continue
        if not isinstance(meta, dict):
            issues.append(Issue(paths.rel(path), "front matter is not a mapping of fields"))
            continue
        meta = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in meta.items()}
        meta["_file"] = path
        meta["body"] = parts[1]
        rows.append(meta)
    return pd.DataFrame(rows)


def read_csv(path: Path, paths: DataPaths, issues: list[Issue], columns: list[str]) -> pd.DataFrame:
    text = read_text(path, paths, issues)
    if text is None:
        return pd.DataFrame(columns=columns)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        issues.append(Issue(paths.rel(path), f"not a readable CSV file: {exc}".replace("\n", " ")))
        return pd.DataFrame(columns=columns)
    return df.astype(object)


def read_yaml_table(path: Path, paths: DataPaths, issues: list[Issue]) -> pd.DataFrame:
    text = read_text(path, paths, issues)
    if text is None:
        return pd.DataFrame()
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        issues.append(Issue(paths.rel(path), f"not valid YAML: {exc}".replace("\n", " ")))
        return pd.DataFrame()
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        issues.append(Issue(paths.rel(path), "must be a mapping of id -> fields"))
        return pd.DataFrame()
    return pd.DataFrame([{"id": str(k), **v} for k, v in data.items()])


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
                   refs: dict[str, set[str]], extra: dict[str, list[pa.Check]] | None = None) -> None:
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
                msg, column = f"unexpected column '{case.failure_case}' (allowed: {', '.join(TABLES[table].columns)})", None
            elif check == "column_in_dataframe":
                msg, column = f"required column '{case.failure_case}' is missing", None
            elif check.startswith("field_uniqueness") or "uniqueness" in check:
                msg = f"duplicate value '{case.failure_case}' (must be unique)"
            else:
                value = case.failure_case
                shown = repr(value) if not isinstance(value, str) or len(value) < 80 else repr(value[:77] + "...")
                msg = f"{check} (value {shown})"
            issue = Issue(_file_of(table, df, index, paths), msg, _row_label(table, df, index), column)
            if str(issue) not in seen:
                seen.add(str(issue))
                issues.append(issue)


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
    conflicts: pd.DataFrame = field(default_factory=pd.DataFrame)

    def article_body(self, article_id: str) -> str:
        return self.articles.loc[article_id, "body"]

    @property
    def fingerprint(self) -> str:
        return data_fingerprint(self.paths)


def data_fingerprint(paths: DataPaths) -> str:
    """SHA-256 over the curated files (articles, YAML and CSV tables), in a stable order."""
    h = hashlib.sha256()
    files = sorted(paths.articles.glob("*.md")) + [paths.data / TABLES[t].file for t in (*YAML_TABLES, *CSV_TABLES)]
    for path in files:
        if path.is_file():
            h.update(paths.rel(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _span_check(df: pd.DataFrame, indexes: dict[str, QuoteIndex], spans: dict) -> list[pa.Check]:
    """pandera checks on `quote`: it must be found exactly once (or at `occurrence`) in its article."""

    def locate(s: pd.Series) -> pd.Series:
        ok = []
        for i, quote in s.items():
            art = df.at[i, "article_id"]
            occ = str(df.at[i, "occurrence"]).strip() if "occurrence" in df.columns else ""
            if art not in indexes or not isinstance(quote, str) or not quote.strip():
                ok.append(True)  # reported by the reference / required checks
                continue
            found = indexes[art].find_all(quote)
            wanted = int(occ) if occ.isdigit() else None
            if (wanted is None and len(found) == 1) or (wanted is not None and 1 <= wanted <= len(found)):
                occ = wanted or 1
                spans[i] = found[occ - 1]
                ok.append(True)
            else:
                spans[i] = None
                ok.append(False)
        return pd.Series(ok, index=s.index)

    return [pa.Check(locate, error="quote not found verbatim in its article (or found more than once: lengthen it "
                                   "or set 'occurrence')")]


def load_ledger(data_dir=None, *, paths: DataPaths | None = None) -> Ledger:
    paths = paths or data_paths(data_dir)
    issues: list[Issue] = []

    articles = read_articles(paths, issues)
    themes = read_yaml_table(paths.themes, paths, issues)
    actors = read_yaml_table(paths.actors, paths, issues)
    tables = {t: read_csv(paths.data / TABLES[t].file, paths, issues, TABLES[t].columns) for t in CSV_TABLES}

    def ids(df: pd.DataFrame, col: str) -> set[str]:
        return set(df[col].astype(str)) if col in df.columns else set()

    refs = {
        "articles": ids(articles, "id"), "themes": ids(themes, "id"), "actors": ids(actors, "id"),
        "claims": ids(tables["claims"], "claim_id"), "analyst_notes": ids(tables["analyst_notes"], "note_id"),
    }

    # Articles: front matter fields, plus id = file name and the body hash.
    if not articles.empty:
        validate_frame("articles", articles, paths, issues, refs)
        for _, a in articles.iterrows():
            rel = paths.rel(a["_file"])
            if isinstance(a.get("id"), str) and a["id"] != a["_file"].stem:
                issues.append(Issue(rel, f"id '{a['id']}' does not match the file name '{a['_file'].stem}'", None, "id"))
            if isinstance(a.get("body_sha256"), str) and a["body_sha256"] != body_hash(a["body"]):
                issues.append(Issue(rel, "the body has changed since it was recorded (its SHA-256 differs from "
                                         "body_sha256); restore the source text", None, "body_sha256"))
    for name, df in (("themes", themes), ("actors", actors)):
        if not df.empty:
            validate_frame(name, df, paths, issues, refs)

    indexes = {a["id"]: QuoteIndex(a["body"]) for _, a in articles.iterrows() if isinstance(a.get("id"), str)}
    claim_spans: dict = {}
    check_spans: dict = {}
    claims = tables["claims"]
    validate_frame("claims", claims, paths, issues, refs, {"quote": _span_check(claims, indexes, claim_spans)})
    validate_frame("analyst_notes", tables["analyst_notes"], paths, issues, refs)
    validate_frame("relations", tables["relations"], paths, issues, refs)
    fc = tables["fact_checks"]
    validate_frame("fact_checks", fc, paths, issues, refs, {"quote": _span_check(fc, indexes, check_spans)})
    issues += _consistency(paths, claims, tables["relations"], fc)

    if issues:
        raise LedgerError(issues)

    ledger = Ledger(
        paths=paths,
        articles=_typed_articles(articles),
        themes=themes.set_index("id", drop=False),
        actors=actors.set_index("id", drop=False),
        claims=_with_spans(_typed(claims, "claims"), claim_spans),
        analyst_notes=_typed(tables["analyst_notes"], "analyst_notes"),
        relations=_typed(tables["relations"], "relations"),
        fact_checks=_with_spans(_typed(fc, "fact_checks"), check_spans),
    )
    from .conflicts import attribution_conflicts

    ledger.conflicts = attribution_conflicts(ledger)
    return ledger


def _consistency(paths: DataPaths, claims: pd.DataFrame, relations: pd.DataFrame, fc: pd.DataFrame) -> list[Issue]:
    """Rules across rows that the column checks cannot see."""
    out: list[Issue] = []
    f_claims = paths.rel(paths.claims)
    if {"claim_id", "canonical_id", "stance", "unanswered"} <= set(claims.columns):
        by_id = claims.set_index("claim_id", drop=False)
        by_id = by_id[~by_id.index.duplicated()]
        attacked = set(relations.loc[relations.get("relation", pd.Series(dtype=object)).isin(ATTACKS), "target_id"]) \
            if {"relation", "target_id"} <= set(relations.columns) else set()
        for i, c in claims.iterrows():
            label = f"row {i + 1} ({c['claim_id']})"
            canon = c["canonical_id"]
            if canon in by_id.index and by_id.at[canon, "canonical_id"] != canon:
                out.append(Issue(f_claims, f"canonical_id '{canon}' is not itself canonical (its canonical_id is "
                                           f"'{by_id.at[canon, 'canonical_id']}')", label, "canonical_id"))
            if canon in by_id.index and by_id.at[canon, "theme"] != c["theme"]:
                out.append(Issue(f_claims, f"theme '{c['theme']}' differs from its canonical claim's '{by_id.at[canon, 'theme']}'",
                                 label, "theme"))
            if c["stance"] != "explains_gap" and str(c["unanswered"]).strip():
                out.append(Issue(f_claims, "'unanswered' is only for explains_gap claims", label, "unanswered"))
            if c["stance"] == "explains_gap" and not str(c["unanswered"]).strip():
                canon_group = set(claims.loc[claims["canonical_id"] == canon, "claim_id"]) | {c["claim_id"]}
                if not canon_group & attacked:
                    out.append(Issue(f_claims, "explains_gap claim has no counterargument in relations.csv and is not "
                                               "marked 'unanswered'", label, "unanswered"))
    if {"source_id", "target_id"} <= set(relations.columns):
        for i, r in relations.iterrows():
            if r["source_id"] == r["target_id"]:
                out.append(Issue(paths.rel(paths.relations), "a claim cannot answer itself", f"row {i + 1} ({r['relation_id']})",
                                 "target_id"))
    if {"claim_id", "article_id"} <= set(fc.columns) and {"claim_id", "article_id"} <= set(claims.columns):
        art_of = dict(zip(claims["claim_id"], claims["article_id"]))
        for i, r in fc.iterrows():
            if r["claim_id"] and r["claim_id"] in art_of and art_of[r["claim_id"]] != r["article_id"]:
                out.append(Issue(paths.rel(paths.fact_checks), f"claim {r['claim_id']} is in article "
                                 f"'{art_of[r['claim_id']]}', not '{r['article_id']}'", f"row {i + 1} ({r['check_id']})", "claim_id"))
    return out


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
