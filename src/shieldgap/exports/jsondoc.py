"""JSON export: the whole ledger as one JSON document, shieldgap's own interchange surface.

Without selection parameters the document holds every table as loaded; with them (``shieldgap export
-p min_strength 3``) it holds the selected articles, themes, claims, notes, relations, fact-checks and
the attribution conflicts between selected claims, and records the parameters under ``selection``.
"""
from __future__ import annotations

import json

from .. import __version__
from ..ledger import Ledger
from .subset import records, select


def _with_id(rows: list[dict], id_field: str) -> list[dict]:
    return [{"id": r[id_field], **r} for r in rows]


def ledger_document(ledger: Ledger, params: dict | None = None) -> dict:
    names = ledger.actors["name"].to_dict()
    claims = _with_id(records(ledger.claims), "claim_id")
    for c in claims:
        c["actor"] = c["actor_id"]
        c["actor_name"] = names.get(c["actor_id"], "outlet's own voice")
    doc = {
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
    return _restrict(doc, ledger, params) if params else doc


def _restrict(doc: dict, ledger: Ledger, params: dict) -> dict:
    """``doc`` limited to what ``params`` selects (see :func:`shieldgap.exports.subset.select`)."""
    sub = select(ledger, params)
    keep = {
        "articles": ("id", sub.articles), "themes": ("id", sub.themes), "claims": ("claim_id", sub.claims),
        "analyst_notes": ("note_id", sub.notes), "relations": ("relation_id", sub.relations),
        "fact_checks": ("check_id", sub.fact_checks),
    }
    out = {k: v for k, v in doc.items() if k not in keep}
    for table, (field, selected) in keep.items():
        out[table] = [row for row in doc[table] if row.get(field) in selected]
    out["attribution_conflicts"] = [c for c in doc["attribution_conflicts"]
                                    if c.get("claim_a") in sub.claims and c.get("claim_b") in sub.claims]
    out["selection"] = sub.params
    return {k: out[k] for k in (*doc, "selection")}


def to_json(ledger: Ledger, params: dict | None = None) -> str:
    return json.dumps(ledger_document(ledger, params), ensure_ascii=False, indent=2)
