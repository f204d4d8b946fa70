"""Rules across rows that the column checks cannot see: canonical claims, reasons of the right side and
theme, answers for every explanation, no claim answering itself, fact-checks in their claim's article."""
from __future__ import annotations

import pandas as pd

from .fields import ATTACKS
from .paths import DataPaths
from .problems import Issue


def _reason_rules(f_claims: str, claims: pd.DataFrame, reasons: pd.DataFrame) -> list[Issue]:
    """Every argument states a reason of its own side and theme; appearances share their canonical's reason."""
    out: list[Issue] = []
    if not {"claim_id", "canonical_id", "stance", "theme", "reason_id"} <= set(claims.columns):
        return out
    by_reason = reasons.set_index("reason_id").to_dict("index") if "reason_id" in reasons.columns else {}
    canon_reason = dict(zip(claims["claim_id"], claims["reason_id"]))
    for i, c in zip(claims.index, claims.to_dict("records")):
        label, rid = f"row {i + 1} ({c['claim_id']})", str(c["reason_id"]).strip()
        if c["stance"] == "context":
            if rid:
                out.append(Issue(f_claims, "context claims state no reason; clear reason_id", label, "reason_id"))
            continue
        if not rid:
            out.append(Issue(f_claims, f"{c['stance']} claim has no reason_id (which point of reasons.csv does it "
                                       "make?)", label, "reason_id"))
            continue
        reason = by_reason.get(rid)
        if reason is not None:
            for col in ("stance", "theme"):
                if reason.get(col) != c[col]:
                    out.append(Issue(f_claims, f"{col} '{c[col]}' differs from its reason {rid}'s "
                                               f"'{reason.get(col)}'", label, "reason_id"))
        canon = canon_reason.get(c["canonical_id"])
        if canon is not None and str(canon).strip() != rid:
            out.append(Issue(f_claims, f"reason_id {rid} differs from its canonical claim {c['canonical_id']}'s "
                                       f"'{canon}'", label, "reason_id"))
    return out


def consistency(paths: DataPaths, claims: pd.DataFrame, relations: pd.DataFrame, fc: pd.DataFrame,
                 reasons: pd.DataFrame) -> list[Issue]:
    """Rules across rows that the column checks cannot see."""
    out: list[Issue] = []
    f_claims = paths.rel(paths.claims)
    if {"claim_id", "canonical_id", "stance", "unanswered"} <= set(claims.columns):
        by_id: dict = {}  # claim id -> its row (the first, if an id is duplicated: reported elsewhere)
        for c in claims.to_dict("records"):
            by_id.setdefault(c["claim_id"], c)
        group: dict = {}  # canonical id -> the ids of its appearances
        for cid, canon in zip(claims["claim_id"], claims["canonical_id"]):
            group.setdefault(canon, set()).add(cid)
        attacked = set(relations.loc[relations.get("relation", pd.Series(dtype=object)).isin(ATTACKS), "target_id"]) \
            if {"relation", "target_id"} <= set(relations.columns) else set()
        for i, c in zip(claims.index, claims.to_dict("records")):
            label = f"row {i + 1} ({c['claim_id']})"
            canon = c["canonical_id"]
            if canon in by_id and by_id[canon]["canonical_id"] != canon:
                out.append(Issue(f_claims, f"canonical_id '{canon}' is not itself canonical (its canonical_id is "
                                           f"'{by_id[canon]['canonical_id']}')", label, "canonical_id"))
            if canon in by_id and by_id[canon]["theme"] != c["theme"]:
                out.append(Issue(f_claims, f"theme '{c['theme']}' differs from its canonical claim's "
                                           f"'{by_id[canon]['theme']}'", label, "theme"))
            if c["stance"] != "explains_gap" and str(c["unanswered"]).strip():
                out.append(Issue(f_claims, "'unanswered' is only for explains_gap claims", label, "unanswered"))
            if c["stance"] == "explains_gap" and not str(c["unanswered"]).strip():
                if not (group.get(canon, set()) | {c["claim_id"]}) & attacked:
                    out.append(Issue(f_claims, "explains_gap claim has no counterargument in relations.csv and is not "
                                               "marked 'unanswered'", label, "unanswered"))
    out += _reason_rules(f_claims, claims, reasons)
    if {"source_id", "target_id"} <= set(relations.columns):
        for i, r in zip(relations.index, relations.to_dict("records")):
            if r["source_id"] == r["target_id"]:
                out.append(Issue(paths.rel(paths.relations), "a claim cannot answer itself",
                                 f"row {i + 1} ({r['relation_id']})", "target_id"))
    if {"claim_id", "article_id"} <= set(fc.columns) and {"claim_id", "article_id"} <= set(claims.columns):
        art_of = dict(zip(claims["claim_id"], claims["article_id"]))
        for i, r in zip(fc.index, fc.to_dict("records")):
            if r["claim_id"] and r["claim_id"] in art_of and art_of[r["claim_id"]] != r["article_id"]:
                out.append(Issue(paths.rel(paths.fact_checks), f"claim {r['claim_id']} is in article "
                                 f"'{art_of[r['claim_id']]}', not '{r['article_id']}'",
                                 f"row {i + 1} ({r['check_id']})", "claim_id"))
    return out
