"""The part of the ledger an export covers, under the report's selection parameters.

The predicates are those of :mod:`shieldgap.selection` (the report's own); this module only applies
them to the ledger's tables and turns rows into plain Python values (``None`` for missing values,
ISO dates, no numpy scalars) that every export format can serialise.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..ledger import Ledger
from ..selection import article_selected, claim_selected, note_selected, theme_selected


def plain(v):
    """A JSON-ready value: None for missing, ISO date for timestamps, Python scalars for numpy ones."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if hasattr(v, "item") and not isinstance(v, (list, dict, str)):
        return v.item()
    return v


def records(df: pd.DataFrame, drop: tuple[str, ...] = ()) -> list[dict]:
    """Rows as dicts of plain values, without private (``_``-prefixed) or dropped columns."""
    cols = [c for c in df.columns if c not in drop and not c.startswith("_")]
    return [{c: plain(row[c]) for c in cols} for _, row in df.iterrows()]


def present(d: dict) -> dict:
    """``d`` without its missing values (formats such as GraphML have no null)."""
    return {k: v for k, v in d.items() if v is not None and v != ""}


@dataclass
class Subset:
    """Selected rows, as plain dicts keyed by id, in ledger order."""

    params: dict
    articles: dict[str, dict]
    themes: dict[str, dict]
    actors: dict[str, dict]
    claims: dict[str, dict]
    notes: dict[str, dict]
    relations: dict[str, dict]
    fact_checks: dict[str, dict]
    canonical: dict[str, list[dict]]  # canonical id -> its selected appearances
    canonical_rows: dict[str, dict]  # canonical id -> the ledger row of that id (its summary is the claim's text)

    def item_of(self, ledger_id: str) -> str:
        """The exported item a relation end refers to: a claim's canonical id, or a note id."""
        claim = self.claims.get(ledger_id)
        return claim["canonical_id"] if claim else ledger_id

    def speaker(self, claim: dict) -> str:
        """The speaker's name; the outlet's name for claims in the outlet's own voice."""
        if claim["actor_id"] == "@outlet":
            return self.articles[claim["article_id"]]["outlet"]
        actor = self.actors.get(claim["actor_id"])
        return actor["name"] if actor else claim["actor_id"]

    def date_of(self, claim: dict) -> str | None:
        """When the claim was made: its own date if recorded, else its article's publication date."""
        return claim.get("said_on") or self.articles[claim["article_id"]].get("published")


def _with_id(df: pd.DataFrame) -> pd.DataFrame:
    """Tables keyed by their index (articles, themes, actors) with the id as a column too."""
    return df if "id" in df.columns else df.rename_axis("id").reset_index()


def _by_id(rows: list[dict], field: str) -> dict[str, dict]:
    return {r[field]: r for r in rows}


def select(ledger: Ledger, params: dict | None = None) -> Subset:
    """The articles, claims, notes, relations and fact-checks that ``params`` selects (all when empty).

    Relations count only when both their ends are selected; fact-checks when their article is
    selected and, if they concern a claim, that claim is.
    """
    p = dict(params or {})
    article_df = _with_id(ledger.articles)
    all_articles = {a["id"]: a for a in records(article_df, drop=("body", "inferred"))}
    raw_articles = {a["id"]: a for a in article_df.to_dict("records")}
    all_claims = records(ledger.claims)
    claims = [c for c, raw in zip(all_claims, ledger.claims.to_dict("records"))
              if claim_selected(raw, raw_articles.get(raw["article_id"]), p)]
    notes = [n for n, raw in zip(records(ledger.analyst_notes), ledger.analyst_notes.to_dict("records"))
             if note_selected(raw, p)]
    claim_ids = {c["claim_id"] for c in claims}
    ids = claim_ids | {n["note_id"] for n in notes}
    relations = [r for r in records(ledger.relations) if r["source_id"] in ids and r["target_id"] in ids]
    checks = [f for f in records(ledger.fact_checks) if article_selected(raw_articles[f["article_id"]], p)
              and (not f.get("claim_id") or f["claim_id"] in claim_ids)]
    canonical: dict[str, list[dict]] = {}
    for c in claims:
        canonical.setdefault(c["canonical_id"], []).append(c)
    by_claim = _by_id(all_claims, "claim_id")
    canonical_rows = {cid: by_claim.get(cid, appearances[0]) for cid, appearances in canonical.items()}
    themes = {t["id"]: t for t in records(_with_id(ledger.themes)) if theme_selected(t["id"], p)}
    return Subset(
        params=p,
        articles={aid: a for aid, a in all_articles.items() if article_selected(raw_articles[aid], p)},
        themes=themes,
        actors={a["id"]: a for a in records(_with_id(ledger.actors))},
        claims=_by_id(claims, "claim_id"),
        notes=_by_id(notes, "note_id"),
        relations=_by_id(relations, "relation_id"),
        fact_checks=_by_id(checks, "check_id"),
        canonical=canonical,
        canonical_rows=canonical_rows,
    )
