"""The report's "New material" section: articles not yet curated and what the suggester found in them.

Pure functions over the loaded ledger and the candidate files; they return DataFrames and never
write anything. Everything derived from ``data/candidates/`` is machine-suggested and carries
``source = "machine-suggested"``; ledger rows carry ``source = "curated"``. Text is returned as
text: the notebook escapes it on display.
"""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from .suggest.columns import CANDIDATE_COLUMNS

MACHINE = "machine-suggested"
CURATED = "curated"


def load_candidates(paths) -> pd.DataFrame:
    """Every ``data/candidates/*.csv`` in one DataFrame (``paths``: a DataPaths, a directory, or files)."""
    if hasattr(paths, "candidates"):
        files = sorted(Path(paths.candidates).glob("*.csv")) if Path(paths.candidates).is_dir() else []
    elif isinstance(paths, (str, Path)) and Path(paths).is_dir():
        files = sorted(Path(paths).glob("*.csv"))
    else:
        files = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    frames = []
    for f in files:
        try:
            text = f.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if not text.strip():
            continue
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
        if "article_id" not in df.columns:
            continue
        frames.append(df)
    if not frames:
        df = pd.DataFrame(columns=CANDIDATE_COLUMNS)
    else:
        df = pd.concat(frames, ignore_index=True)
    for col in CANDIDATE_COLUMNS:
        if col not in df.columns:
            df[col] = ""
    for col in ("theme_score", "echo_score", "stance_score"):
        df[col] = pd.to_numeric(df[col], errors="coerce").fillna(0.0)
    for col in ("sentence_start", "sentence_end"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
    df["is_quote"] = df["is_quote"].astype(str).str.lower().eq("true")
    df["source"] = MACHINE
    return df


def _uncurated_ids(ledger) -> list[str]:
    a = ledger.articles
    return list(a.index[~a["curated"].astype(bool)])


def _for_uncurated(ledger, candidates: pd.DataFrame) -> pd.DataFrame:
    if candidates is None or candidates.empty:
        return pd.DataFrame(columns=[*CANDIDATE_COLUMNS, "source"])
    return candidates[candidates["article_id"].isin(_uncurated_ids(ledger))]


def uncurated_articles(ledger) -> pd.DataFrame:
    """Articles added but not yet curated, oldest first, with what was inferred about them."""
    a = ledger.articles
    a = a[~a["curated"].astype(bool)]
    cols = ["id", "title", "outlet", "outlet_type", "published", "date_basis", "language", "inferred", "url"]
    out = a[[c for c in cols if c in a.columns]].copy()
    out["inferred"] = out["inferred"].map(lambda v: ", ".join(v) if isinstance(v, list) else (v or ""))
    out["words"] = a["body"].str.split().str.len()
    out["source"] = MACHINE
    return out.sort_values(["published", "id"]).reset_index(drop=True)


def theme_profile(ledger, candidates: pd.DataFrame) -> pd.DataFrame:
    """Candidate claims per uncurated article and theme (rows: articles; columns: theme labels; 'total')."""
    c = _for_uncurated(ledger, candidates)
    labels = ledger.themes["label"].to_dict() if "label" in ledger.themes.columns else {}
    themes = [labels.get(t, t) for t in ledger.themes.index]
    ids = _uncurated_ids(ledger)
    if c.empty:
        table = pd.DataFrame(0, index=pd.Index(ids, name="article_id"), columns=themes)
    else:
        table = (c.assign(theme_label=c["theme"].map(lambda t: labels.get(t, t)))
                 .pivot_table(index="article_id", columns="theme_label", values="candidate_id", aggfunc="count",
                              fill_value=0)
                 .reindex(index=ids, columns=themes, fill_value=0))
        table.index.name = "article_id"
    table = table.astype(int)
    table["total"] = table.sum(axis=1)
    table.columns.name = None
    return table.reset_index()


def echoes(ledger, candidates: pd.DataFrame) -> pd.DataFrame:
    """Candidate claims of uncurated articles that echo a ledger claim, best match first."""
    c = _for_uncurated(ledger, candidates)
    c = c[c["echo_of"].astype(str).str.len() > 0]
    cols = ["article_id", "candidate_id", "quote", "actor_id", "actor_name_in_text", "theme", "stance",
            "echo_of", "echo_score", "echoed_actor", "echoed_quote", "echoed_summary", "echoed_article", "source"]
    if c.empty:
        return pd.DataFrame(columns=cols)
    claims = ledger.claims
    known = c["echo_of"].isin(claims.index)
    c = c[known].copy()
    c["echoed_actor"] = c["echo_of"].map(claims["actor_id"])
    c["echoed_quote"] = c["echo_of"].map(claims["quote"])
    c["echoed_summary"] = c["echo_of"].map(claims["summary"])
    c["echoed_article"] = c["echo_of"].map(claims["article_id"])
    return c.sort_values(["echo_score"], ascending=False)[cols].reset_index(drop=True)


def new_claims(ledger, candidates: pd.DataFrame) -> pd.DataFrame:
    """Candidate claims of uncurated articles that echo nothing in the ledger: possibly new arguments."""
    c = _for_uncurated(ledger, candidates)
    c = c[c["echo_of"].astype(str).str.len() == 0]
    cols = ["article_id", "candidate_id", "quote", "actor_id", "actor_name_in_text", "theme", "stance", "is_quote",
            "source"]
    return c.sort_values(["article_id", "sentence_start"])[cols].reset_index(drop=True) if not c.empty \
        else pd.DataFrame(columns=cols)


def appearances(ledger, candidates: pd.DataFrame) -> pd.DataFrame:
    """One row per (canonical claim, article) appearance: curated ones from the ledger, machine-suggested
    ones from echoes in uncurated articles. Columns: canonical_id, article_id, outlet_type, published, source."""
    claims = ledger.claims
    cur = claims[["canonical_id", "article_id"]].drop_duplicates().assign(source=CURATED)
    c = _for_uncurated(ledger, candidates)
    c = c[c["echo_of"].isin(claims.index)]
    sug = pd.DataFrame({"canonical_id": c["echo_of"].map(claims["canonical_id"]), "article_id": c["article_id"]})
    sug = sug.drop_duplicates().assign(source=MACHINE)
    both = pd.concat([cur, sug], ignore_index=True)
    arts = ledger.articles
    both["outlet_type"] = both["article_id"].map(arts["outlet_type"])
    both["published"] = both["article_id"].map(arts["published"])
    return both


def recurrence(ledger, candidates: pd.DataFrame) -> pd.DataFrame:
    """How many articles carry each canonical argument, curated and machine-suggested counted separately,
    by outlet type (``curated:<type>`` / ``suggested:<type>`` columns) and over time (first and last
    publication date, and the months it appears in). Most widespread first."""
    app = appearances(ledger, candidates)
    claims = ledger.claims
    canon = claims[claims["claim_id"] == claims["canonical_id"]]
    base = pd.DataFrame({
        "canonical_id": canon["claim_id"], "actor_id": canon["actor_id"], "theme": canon["theme"],
        "stance": canon["stance"], "summary": canon["summary"],
    }).set_index("canonical_id")
    counts = app.groupby(["canonical_id", "source"])["article_id"].nunique().unstack(fill_value=0)
    base["curated_articles"] = counts.get(CURATED, pd.Series(dtype=int)).reindex(base.index).fillna(0).astype(int)
    base["suggested_articles"] = counts.get(MACHINE, pd.Series(dtype=int)).reindex(base.index).fillna(0).astype(int)
    base["total_articles"] = base["curated_articles"] + base["suggested_articles"]
    by_type = app.groupby(["canonical_id", "source", "outlet_type"])["article_id"].nunique()
    for (src, prefix) in ((CURATED, "curated"), (MACHINE, "suggested")):
        for ot in sorted(app["outlet_type"].dropna().unique()):
            key = f"{prefix}:{ot}"
            try:
                s = by_type.xs((src, ot), level=("source", "outlet_type"))
            except KeyError:
                s = pd.Series(dtype=int)
            base[key] = s.reindex(base.index).fillna(0).astype(int)
    dates = app.groupby("canonical_id")["published"]
    base["first_seen"] = dates.min().reindex(base.index)
    base["last_seen"] = dates.max().reindex(base.index)
    base["months"] = app.assign(m=app["published"].dt.strftime("%Y-%m")).groupby("canonical_id")["m"] \
        .agg(lambda s: ", ".join(sorted(set(s.dropna())))).reindex(base.index).fillna("")
    base = base.reset_index()
    return base.sort_values(["total_articles", "suggested_articles", "canonical_id"],
                            ascending=[False, False, True]).reset_index(drop=True)

