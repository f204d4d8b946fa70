"""What changed since an earlier render: the manifest every report render leaves, and the comparison of two.

A manifest records the ledger's fingerprint, a content hash of every article, claim, relation, analyst
note and fact-check, each theme's balance, each reason's standing and the ranking of explanations.
:func:`manifest` builds it in the kernel from the analysis; ``shieldgap render`` writes it beside the
report as ``manifest.json``. When a previous manifest is given (the one in the output folder, or
``--since FILE``), :func:`compare` lists what was added, removed or changed, and how the balances and
the ranking moved. A manifest is data only (JSON); a malformed one is reported, never trusted.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

VERSION = 1
KINDS = {"articles": "articles", "claims": "claims", "relations": "relations", "analyst_notes": "analyst notes",
         "fact_checks": "fact-checks", "reasons": "reasons"}


def _hash(row: dict) -> str:
    clean = {k: (None if v != v else str(v)) for k, v in row.items() if not str(k).startswith("_")}  # NaN → None
    return hashlib.sha256(json.dumps(clean, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def manifest(a) -> dict:
    """The manifest of one analysis (``shieldgap.analysis.Analysis``)."""
    led = a.ledger
    tables = {"articles": led.articles.drop(columns=["body"], errors="ignore"), "claims": led.claims,
              "relations": led.relations, "analyst_notes": led.analyst_notes, "fact_checks": led.fact_checks,
              "reasons": led.reasons}
    items = {kind: {str(i): _hash(r) for i, r in df.drop(columns=["start", "end"], errors="ignore")
                    .to_dict("index").items()} for kind, df in tables.items()}
    reasons = getattr(a, "reasons", None)
    standing, ranking = {}, []
    if reasons is not None and len(reasons):
        standing = {str(r["reason_id"]): round(float(r["e"]), 3) for _, r in reasons.iterrows()}
        expl = reasons[reasons["stance"] == "explains_gap"].sort_values("score", ascending=False)
        ranking = [str(x) for x in expl["reason_id"]]
    balance = {str(t): round(float(b), 3) for t, b in a.balance["balance"].items()}
    return {"version": VERSION, "fingerprint": led.fingerprint, "items": items, "balance": balance,
            "standing": standing, "ranking": ranking}


def read_manifest(path: str | Path) -> dict:
    """A previous manifest; raises ValueError with a one-line reason when it is not one."""
    from .files import MAX_DERIVED_BYTES, FileProblem, read_text

    try:
        data = json.loads(read_text(Path(path), MAX_DERIVED_BYTES))
    except (FileProblem, ValueError) as exc:
        raise ValueError(f"{path}: not a readable manifest ({exc})") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("items"), dict):
        raise ValueError(f"{path}: not a shieldgap manifest of version {VERSION}")
    return data


def compare(old: dict, new: dict) -> dict:
    """Added, removed and changed ids per kind; balance and ranking moves."""
    out = {"same": old.get("fingerprint") == new.get("fingerprint"), "kinds": []}
    for kind, label in KINDS.items():
        a, b = old["items"].get(kind) or {}, new["items"].get(kind) or {}
        if not isinstance(a, dict):
            a = {}
        added = sorted(set(b) - set(a))
        removed = sorted(set(a) - set(b))
        changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
        if added or removed or changed:
            out["kinds"].append({"kind": kind, "label": label, "added": added, "removed": removed,
                                 "changed": changed})
    old_bal, new_bal = old.get("balance") or {}, new.get("balance") or {}
    out["balance"] = [{"theme": t, "before": old_bal.get(t), "after": new_bal.get(t)}
                      for t in sorted(set(old_bal) | set(new_bal)) if old_bal.get(t) != new_bal.get(t)]
    old_rank, new_rank = list(old.get("ranking") or []), list(new.get("ranking") or [])

    def place(ranking: list, r: str) -> int | None:
        return ranking.index(r) + 1 if r in ranking else None

    out["ranking"] = [{"reason": r, "before": place(old_rank, r), "after": place(new_rank, r)}
                      for r in dict.fromkeys(new_rank + old_rank) if place(old_rank, r) != place(new_rank, r)]
    return out
