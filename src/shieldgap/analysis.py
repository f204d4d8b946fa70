"""Scores, balances and the sensitivity analysis behind the report.

The scoring formula is stated once, in ``SCORING`` below, which the report's methodology appendix
prints; the functions of this module implement it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .fields import ATTACKS
from .ledger import Ledger
from .selection import article_selected, claim_selected, note_selected

SCORING = (
    "Each item (a claim appearance or, when counted, an analyst note) starts from its curated strength s (1-5).",
    "An attack on an item (a rebuts or undercuts relation, or a qualifies relation at half force) from an item a, "
    "with relation strength r, has impact i = m × (r/5) × (e(a)/5), where m is 1, or 0.5 for qualifies.",
    "The effective strength is e(x) = s(x) × (1 − 0.5 × the largest impact on x): only the strongest attack counts, "
    "and it can at most halve a claim. Attackers are themselves attacked, so e is computed to a fixed point over the "
    "argument graph. An answer to one appearance of an argument answers all its appearances. Supports relations are "
    "shown but do not change scores.",
    "An argument (a canonical claim with all its appearances) scores w(theme) × the largest e among its selected "
    "appearances: repeating a claim in more articles does not add weight.",
    "A theme's weighted balance is w(theme) × (sum of its explains_gap arguments − sum of its challenges_gap "
    "arguments); context claims score 0.",
    "Sensitivity: every theme weight is multiplied by exp(spread × z), z ~ N(0, 1), in n_samples draws from seed; "
    "the report gives how often the ranking of explanations keeps its leader (and its first three) and the 5-95 % "
    "band of each theme's weighted balance.",
)
ATTACK_FORCE = {"rebuts": 1.0, "undercuts": 1.0, "qualifies": 0.5}
MAX_DISCOUNT = 0.5


@dataclass
class Analysis:
    params: dict
    ledger: Ledger
    articles: pd.DataFrame  # selected articles
    claims: pd.DataFrame  # selected claims, with effective strength `e` and `outlet`, `date`
    notes: pd.DataFrame  # selected analyst notes (empty when not counted)
    relations: pd.DataFrame  # relations among selected items
    themes: pd.DataFrame  # selected themes with weights
    arguments: pd.DataFrame  # canonical arguments with scores
    balance: pd.DataFrame  # per theme: explains, challenges, weighted balance
    sensitivity: dict = field(default_factory=dict)


def select(ledger: Ledger, p: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    arts = ledger.articles
    art_records = {aid: a.to_dict() for aid, a in arts.iterrows()}
    amask = [article_selected(art_records[aid], p) for aid in arts.index]
    claims = ledger.claims
    cmask = [claim_selected(c, art_records.get(c["article_id"]), p) for c in claims.to_dict("records")]
    notes = ledger.analyst_notes
    nmask = [note_selected(n, p) for n in notes.to_dict("records")]
    return (arts.loc[np.array(amask, dtype=bool)], claims.loc[np.array(cmask, dtype=bool)].copy(),
            notes.loc[np.array(nmask, dtype=bool)].copy())


def effective_strength(strength: dict[str, float], relations: pd.DataFrame, rounds: int = 50) -> dict[str, float]:
    """Fixed point of e(x) = s(x) * (1 - 0.5 * max attack impact), over items in ``strength``."""
    attacks = relations[relations["relation"].isin(ATTACKS)
                        & relations["source_id"].isin(strength.keys()) & relations["target_id"].isin(strength.keys())]
    e = dict(strength)
    edges = list(zip(attacks["source_id"], attacks["target_id"], attacks["relation"],
                     attacks["strength"].astype(float)))
    for _ in range(rounds):
        impact: dict[str, float] = {}
        for src, tgt, rel, r in edges:
            impact[tgt] = max(impact.get(tgt, 0.0), ATTACK_FORCE[rel] * (r / 5) * (e[src] / 5))
        new = {k: s * (1 - MAX_DISCOUNT * impact.get(k, 0.0)) for k, s in strength.items()}
        if all(abs(new[k] - e[k]) < 1e-9 for k in e):
            e = new
            break
        e = new
    return e


def theme_weights(themes: pd.DataFrame, p: dict) -> pd.Series:
    w = pd.Series(1.0, index=themes.index)
    for t, v in (p.get("theme_weights") or {}).items():
        if t in w.index:
            w[t] = float(v)
    return w


def score_arguments(claims: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """One row per canonical argument among the selected claims."""
    if claims.empty:
        return pd.DataFrame(columns=["canonical_id", "theme", "stance", "e", "appearances", "articles", "score"])
    g = claims.groupby("canonical_id")
    args = pd.DataFrame({
        "theme": g["theme"].first(),
        "stance": g["stance"].first(),
        "e": g["e"].max(),
        "appearances": g.size(),
        "articles": g["article_id"].nunique(),
        "best": g["e"].idxmax(),
    })
    args["weight"] = args["theme"].map(weights).astype(float)
    args["score"] = args["weight"] * args["e"]
    args.index.name = "canonical_id"
    return args.reset_index()


def theme_balance(arguments: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    rows = []
    for theme, w in weights.items():
        a = arguments[arguments["theme"] == theme]
        ex = float(a.loc[a["stance"] == "explains_gap", "e"].sum())
        ch = float(a.loc[a["stance"] == "challenges_gap", "e"].sum())
        rows.append({"theme": theme, "weight": float(w), "explains": ex, "challenges": ch,
                     "n_explains": int((a["stance"] == "explains_gap").sum()),
                     "n_challenges": int((a["stance"] == "challenges_gap").sum()),
                     "n_context": int((a["stance"] == "context").sum()),
                     "balance": float(w) * (ex - ch), "explains_weighted": float(w) * ex,
                     "index": (ex - ch) / (ex + ch) if ex + ch else 0.0})
    return pd.DataFrame(rows).set_index("theme", drop=False).rename_axis(None)


def sensitivity(arguments: pd.DataFrame, weights: pd.Series, p: dict) -> dict:
    """Random multiplicative perturbations of the theme weights."""
    rng = np.random.default_rng(int(p["seed"]))  # defaults live in the notebook's parameters cell only
    n = int(p["n_samples"])
    spread = float(p["weight_spread"])
    themes = list(weights.index)
    expl = arguments[arguments["stance"] == "explains_gap"].reset_index(drop=True)
    base_order = expl.sort_values("score", ascending=False)["canonical_id"].tolist()
    theme_pos = {t: i for i, t in enumerate(themes)}
    draws = weights.to_numpy()[None, :] * np.exp(spread * rng.standard_normal((n, len(themes))))
    # balance per draw
    base = theme_balance(arguments, weights)
    diff = (base["explains"] - base["challenges"]).reindex(themes).to_numpy()
    balances = draws * diff[None, :]
    out = {"n": n, "spread": spread, "seed": int(p["seed"]),
           "band": pd.DataFrame({"theme": themes, "p05": np.percentile(balances, 5, axis=0),
                                 "p50": np.percentile(balances, 50, axis=0),
                                 "p95": np.percentile(balances, 95, axis=0)}).set_index("theme", drop=False)}
    if expl.empty:
        out.update(top_share=None, top3_share=None, rank_freq=pd.DataFrame())
        return out
    cols = expl["theme"].map(theme_pos).to_numpy()
    scores = draws[:, cols] * expl["e"].to_numpy()[None, :]
    leaders = scores.argmax(axis=1)
    lead_ids = expl["canonical_id"].to_numpy()[leaders]
    top = base_order[0]
    k = min(3, len(expl))
    topk = np.argsort(-scores, axis=1)[:, :k]
    base_top3 = set(base_order[:k])
    same_top3 = [set(expl["canonical_id"].to_numpy()[row]) == base_top3 for row in topk]
    freq = pd.Series(lead_ids).value_counts() / n
    # theme ranking of the weighted explanations
    theme_expl = draws * base["explains"].reindex(themes).to_numpy()[None, :]
    lead_theme = np.array(themes)[theme_expl.argmax(axis=1)]
    base_theme = base["explains_weighted"].idxmax()
    out.update(top=top, top_share=float((lead_ids == top).mean()), top3_share=float(np.mean(same_top3)),
               leader_freq=freq, theme_top=base_theme, theme_top_share=float((lead_theme == base_theme).mean()))
    return out


def analyse(ledger: Ledger, p: dict) -> Analysis:
    arts, claims, notes = select(ledger, p)
    themes = ledger.themes[[t in (p.get("themes") or ledger.themes.index) for t in ledger.themes.index]]
    themes = themes[themes.index.isin(claims["theme"].unique())]
    weights = theme_weights(themes, p)
    ids = set(claims["claim_id"]) | set(notes["note_id"])
    rel = ledger.relations[ledger.relations["source_id"].isin(ids) & ledger.relations["target_id"].isin(ids)].copy()
    # An answer to one appearance of an argument answers every appearance of it.
    members = claims.groupby("canonical_id")["claim_id"].apply(list).to_dict()
    canon = dict(zip(claims["claim_id"], claims["canonical_id"]))
    scoring_rel = rel.assign(target_id=rel["target_id"].map(lambda t: members.get(canon.get(t), [t])))
    scoring_rel = scoring_rel.explode("target_id")
    base = {**{c: float(s) for c, s in zip(claims["claim_id"], claims["strength"])},
            **{n: float(s) for n, s in zip(notes["note_id"], notes["strength"])}}
    e = effective_strength(base, scoring_rel)
    claims["e"] = claims["claim_id"].map(e)
    notes["e"] = notes["note_id"].map(e) if not notes.empty else pd.Series(dtype=float)
    claims["outlet"] = claims["article_id"].map(ledger.articles["outlet"])
    claims["outlet_type"] = claims["article_id"].map(ledger.articles["outlet_type"])
    claims["date"] = pd.to_datetime(claims["said_on"]).fillna(claims["article_id"].map(ledger.articles["published"]))
    rel["source_e"] = rel["source_id"].map(e)
    rel["impact"] = [ATTACK_FORCE.get(r, 0) * (s / 5) * (se / 5)
                     for r, s, se in zip(rel["relation"], rel["strength"].astype(float), rel["source_e"])]
    args = score_arguments(claims, weights)
    bal = theme_balance(args, weights)
    themes = themes.assign(weight=weights)
    a = Analysis(p, ledger, arts, claims, notes, rel, themes, args, bal)
    a.sensitivity = sensitivity(args, weights, p)
    return a


def strongest_counter(a: Analysis, canonical_id: str) -> pd.Series | None:
    """The strongest attack on any appearance of an argument, or None."""
    members = set(a.claims.loc[a.claims["canonical_id"] == canonical_id, "claim_id"])
    att = a.relations[a.relations["target_id"].isin(members) & a.relations["relation"].isin(ATTACKS)]
    if att.empty:
        return None
    return att.sort_values(["impact", "strength"], ascending=False).iloc[0]


def ranked_explanations(a: Analysis) -> pd.DataFrame:
    ex = a.arguments[a.arguments["stance"] == "explains_gap"]
    return ex.sort_values(["score", "articles"], ascending=False).reset_index(drop=True)
