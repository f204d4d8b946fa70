"""The whole ledger as one JSON document: the interchange surface for other tools."""
from __future__ import annotations

import json
import math

import pandas as pd

from . import __version__
from .ledger import Ledger


def _clean(v):
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
    cols = [c for c in df.columns if c not in drop and not c.startswith("_")]
    return [{c: _clean(row[c]) for c in cols} for _, row in df.iterrows()]


def _with_id(rows: list[dict], id_field: str) -> list[dict]:
    return [{"id": r[id_field], **r} for r in rows]


def ledger_document(ledger: Ledger) -> dict:
    names = ledger.actors["name"].to_dict()
    claims = _with_id(records(ledger.claims), "claim_id")
    for c in claims:
        c["actor"] = c["actor_id"]
        c["actor_name"] = names.get(c["actor_id"], "outlet's own voice")
    return {
        "shieldgap_version": __version__,
        "data_fingerprint": ledger.fingerprint,
        "articles": records(ledger.articles),
        "themes": records(ledger.themes),
        "actors": records(ledger.actors),
        "claims": claims,
        "analyst_notes": _with_id(records(ledger.analyst_notes), "note_id"),
        "relations": _with_id(records(ledger.relations), "relation_id"),
        "fact_checks": _with_id(records(ledger.fact_checks), "check_id"),
        "attribution_conflicts": records(ledger.conflicts),
    }


def to_json(ledger: Ledger) -> str:
    return json.dumps(ledger_document(ledger), ensure_ascii=False, indent=2)
