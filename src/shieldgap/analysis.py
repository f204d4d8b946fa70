"""The ledger scored for the report: claims' standing, reasons, theme balances and robustness.

The method is :mod:`shieldgap.scoring` (stated once, in ``scoring.SCORING``) and the robustness
tests are :mod:`shieldgap.robustness`; this module only selects what the parameters ask for, builds
the argument graph from the ledger and arranges the results as tables the report presents.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from . import robustness, scoring, selection
from .fields import ATTACKS
from .ledger import Ledger
from .selection import article_selected, claim_selected, note_selected

#: Event kinds that are the background of the question, not reporting that articles can share.
BACKGROUND_EVENTS = ("invasion", "attack", "incursion")
#: Event kinds that count as shared reporting when two or more articles cover the same one.
SHARED_EVENTS = ("briefing", "statement", "meeting")
REASON_COLUMNS = ["reason_id", "theme", "stance", "statement", "e", "force", "best", "members", "n_claims",
                  "n_articles", "n_outlets", "n_events", "articles", "outlets", "single_source", "weight", "score",
                  "words", "refuted"]


@dataclass
class Analysis:
    params: dict
    ledger: Ledger
    articles: pd.DataFrame  # selected articles
    claims: pd.DataFrame  # selected claims, with `force`, standing `e`, `refuted`, `words`, `outlet`, `date`, `said`
    notes: pd.DataFrame  # selected analyst notes (empty when not counted), with `force`, `e`
    relations: pd.DataFrame  # relations among selected items, with `impact` (0 for supports)
    themes: pd.DataFrame  # selected themes with weights
    reasons: pd.DataFrame  # one row per reason with selected claims (REASON_COLUMNS), index reason_id
    balance: pd.DataFrame  # per theme: explains, challenges, weighted balance and its 5-95 % band
    robustness: robustness.Result | None = None
    answers: dict = field(default_factory=dict)  # reason id -> (strongest answer row, strongest reply row) or Nones
    inputs: robustness.Inputs | None = None

    @property
    def sensitivity(self) -> dict:
        """The weight-perturbation band of each theme's balance, as {"band": DataFrame p05/p50/p95 by theme}."""
        return {"band": self.balance[["theme", "p05", "p50", "p95"]]}


def _records(frame: pd.DataFrame, fields) -> list[dict]:
    """The rows of ``frame`` as dicts of ``fields``, with the values ``tolist`` gives (``to_dict`` boxes every
    value on its own, several times slower)."""
    return [dict(zip(fields, row)) for row in zip(*(frame[f].tolist() for f in fields))]


def select(ledger: Ledger, p: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The articles, claims and notes ``p`` selects, by the predicates of :mod:`shieldgap.selection`, given
    the fields they read (``*_FIELDS``); an article's date as the text they compare, made once per article."""
    arts = ledger.articles
    art_records = dict(zip(arts.index, _records(arts, selection.ARTICLE_FIELDS)))
    for r in art_records.values():
        r["published"] = selection.date_text(r["published"])
    amask = [article_selected(art_records[aid], p) for aid in arts.index]
    claims = ledger.claims
    cmask = [claim_selected(c, art_records.get(c["article_id"]), p) for c in _records(claims, selection.CLAIM_FIELDS)]
    notes = ledger.analyst_notes
    nmask = [note_selected(n, p) for n in notes[list(selection.NOTE_FIELDS)].to_dict("records")]
    return (arts.loc[np.array(amask, dtype=bool)], claims.loc[np.array(cmask, dtype=bool)].copy(),
            notes.loc[np.array(nmask, dtype=bool)].copy())


def theme_weights(themes: pd.DataFrame, p: dict) -> pd.Series:
    w = pd.Series(1.0, index=themes.index)
    for t, v in (p.get("theme_weights") or {}).items():
        if t in w.index:
            w[t] = float(v)
    return w


def appearances(claims: pd.DataFrame) -> dict[str, list[str]]:
    """Each selected claim id -> every selected appearance of its canonical claim (itself included)."""
    pairs = list(zip(claims["claim_id"].tolist(), claims["canonical_id"].tolist()))
    members: dict[str, list[str]] = {}
    for c, k in pairs:
        members.setdefault(k, []).append(c)
    return {c: members[k] for c, k in pairs}


def graph(claims: pd.DataFrame, notes: pd.DataFrame, rel: pd.DataFrame,
          same: dict[str, list[str]]) -> tuple[list[str], scoring.Graph]:
    """The argument graph over claims and notes; an answer to one appearance answers all its appearances
    (``same``: :func:`appearances`)."""
    items = claims["claim_id"].tolist() + notes["note_id"].tolist()
    columns = (rel[c].tolist() for c in ("source_id", "target_id", "relation", "strength"))
    attacks = [(s, t2, r, q) for s, t, r, q in zip(*columns) for t2 in same.get(t, [t])]
    return items, scoring.Graph.build(items, attacks)


class _Stated(NamedTuple):
    """What :func:`reason_table` reads of a claim that states a reason."""

    claim_id: str
    e: float
    strength: int
    relevance: int
    article_id: str
    outlet: str
    force: float
    refuted: bool


def reason_table(claims: pd.DataFrame, ledger: Ledger, weights: pd.Series, covers: dict) -> pd.DataFrame:
    """One row per reason with selected claims, by reason id. A reason's best statement is its claim with
    the largest (e, support, relevance), the first in the ledger's order on a tie."""
    by_reason: dict[str, list[_Stated]] = {}
    columns = [claims.index.tolist(), *(claims[f].tolist() for f in _Stated._fields[1:])]
    for rid, *values in zip(claims["reason_id"].fillna("").tolist(), *columns):
        if rid:
            by_reason.setdefault(rid, []).append(_Stated(*values))
    info = dict(zip(ledger.reasons.index, _records(ledger.reasons, ("theme", "stance", "statement"))))
    rows = []
    for rid in sorted(by_reason):
        c, r = by_reason[rid], info[rid]
        best = max(c, key=lambda x: (x.e, x.strength, x.relevance))  # max keeps the first of equals
        arts = sorted({x.article_id for x in c})
        outlets = sorted({x.outlet for x in c})
        events = {e for a in arts for e in covers.get(a, [])}
        w = float(weights.get(r["theme"], 1.0))
        rows.append({"reason_id": rid, "theme": r["theme"], "stance": r["stance"], "statement": r["statement"],
                     "e": best.e, "force": best.force, "best": best.claim_id, "members": [x.claim_id for x in c],
                     "n_claims": len(c), "n_articles": len(arts), "n_outlets": len(outlets),
                     "n_events": len(events), "articles": arts, "outlets": outlets,
                     "single_source": len(outlets) <= 1, "weight": w, "score": w * best.e,
                     "words": scoring.in_words(best.e), "refuted": best.refuted})
    return pd.DataFrame(rows, columns=REASON_COLUMNS).set_index("reason_id", drop=False).rename_axis(None)


def theme_balance(reasons: pd.DataFrame, weights: pd.Series, draws: np.ndarray) -> pd.DataFrame:
    """Per theme w × (Σ e of explaining reasons − Σ e of challenging ones), with the 5-95 % band over
    ``draws`` (perturbed weights: draws × themes)."""
    theme, stance, e = reasons["theme"].to_numpy(), reasons["stance"].to_numpy(), reasons["e"].to_numpy(dtype=float)
    explains, challenges = stance == "explains_gap", stance == "challenges_gap"
    rows = []
    for j, (t, w) in enumerate(weights.items()):
        ex_t, ch_t = (theme == t) & explains, (theme == t) & challenges
        ex, ch = float(e[ex_t].sum()), float(e[ch_t].sum())
        band = draws[:, j] * (ex - ch) if len(draws) else np.array([w * (ex - ch)])
        p05, p50, p95 = np.percentile(band, [5, 50, 95]).tolist()
        rows.append({"theme": t, "weight": float(w), "explains": ex, "challenges": ch,
                     "n_explains": int(ex_t.sum()), "n_challenges": int(ch_t.sum()),
                     "balance": float(w) * (ex - ch), "explains_weighted": float(w) * ex,
                     "p05": p05, "p50": p50, "p95": p95})
    return pd.DataFrame(rows, columns=["theme", "weight", "explains", "challenges", "n_explains", "n_challenges",
                                       "balance", "explains_weighted", "p05", "p50", "p95"]
                        ).set_index("theme", drop=False).rename_axis(None)


def strongest_first(rel: pd.DataFrame) -> pd.DataFrame:
    """The attacks among ``rel``, strongest first (impact, then strength, then id)."""
    att = rel[rel["relation"].isin(ATTACKS)]
    return att.sort_values(["impact", "strength", "relation_id"], ascending=[False, False, True])


class _Strongest:
    """The strongest of the attacks ``att`` (sorted by :func:`strongest_first`) on a set of targets."""

    def __init__(self, att: pd.DataFrame):
        self.att = att
        self.source = att["source_id"].tolist()
        self.on: dict[str, list[int]] = {}  # target -> positions of the attacks on it in ``att``
        for i, t in enumerate(att["target_id"].tolist()):
            self.on.setdefault(t, []).append(i)

    def __call__(self, targets, exclude=()) -> pd.Series | None:
        exclude = set(exclude)
        first = min((i for t in set(targets) for i in self.on.get(t, ()) if self.source[i] not in exclude),
                    default=None)
        return None if first is None else self.att.iloc[first]


def answers_to(a: Analysis, reason_id: str) -> pd.DataFrame:
    """Every attack on any member of a reason, from any theme, strongest first."""
    att = strongest_first(a.relations)
    return att[att["target_id"].isin(set(a.reasons.at[reason_id, "members"]))]


def robustness_inputs(claims, notes, items, g, support, relevance, reasons, weights) -> robustness.Inputs:
    pos = {k: i for i, k in enumerate(items)}
    themes = list(weights.index)
    n_claims = len(claims)
    return robustness.Inputs(
        graph=g, support=support, relevance=relevance,
        is_claim=np.arange(len(items)) < n_claims,
        article=np.array(claims["article_id"].tolist() + [""] * len(notes), dtype=object),
        outlet=np.array(claims["outlet"].tolist() + [""] * len(notes), dtype=object),
        reasons=list(reasons.index), members=[np.array([pos[m] for m in ms], dtype=int) for ms in reasons["members"]],
        reason_theme=np.array([themes.index(t) for t in reasons["theme"]], dtype=int),
        explains=(reasons["stance"] == "explains_gap").to_numpy(), weights=weights.to_numpy(dtype=float))


def analyse(ledger: Ledger, p: dict) -> Analysis:
    arts, claims, notes = select(ledger, p)
    themes = ledger.themes[[t in (p.get("themes") or ledger.themes.index) for t in ledger.themes.index]]
    themes = themes[themes.index.isin(claims["theme"].unique())]
    weights = theme_weights(themes, p)
    ids = set(claims["claim_id"].tolist()) | set(notes["note_id"].tolist())
    rel = ledger.relations[ledger.relations["source_id"].isin(ids) & ledger.relations["target_id"].isin(ids)].copy()
    articles = ledger.articles
    claims["outlet"] = claims["article_id"].map(articles["outlet"])
    claims["outlet_type"] = claims["article_id"].map(articles["outlet_type"])
    said = pd.to_datetime(claims["said_on"].replace("", None))
    claims["said"] = said.notna()
    claims["date"] = said.fillna(pd.to_datetime(claims["article_id"].map(articles["published"])))
    # score
    same = appearances(claims)
    items, g = graph(claims, notes, rel, same)
    support = np.array(claims["strength"].tolist() + notes["strength"].tolist(), dtype=float)
    relevance = np.array(claims["relevance"].tolist() + [scoring.NOTE_RELEVANCE] * len(notes), dtype=float)
    f = scoring.force(support, relevance)
    e = scoring.standing(g, f[None, :])[0]
    n = len(claims)
    claims["force"], claims["e"] = f[:n], e[:n]
    claims["refuted"] = claims["e"] < scoring.REFUTED_BELOW * claims["force"]
    claims["words"] = [scoring.in_words(x) for x in claims["e"]]
    notes["force"] = f[n:]
    notes["e"] = e[n:]
    e_of = dict(zip(items, e))
    rel["source_e"] = rel["source_id"].map(e_of)
    rel["impact"] = [scoring.ATTACK_FORCE.get(r, 0.0) * (q / 5) * (se / 5)
                     for r, q, se in zip(rel["relation"], rel["strength"].astype(float), rel["source_e"])]
    covers = {aid: [ev for ev in (c if isinstance(c, list) else []) if ev in ledger.events.index
                    and ledger.events.at[ev, "kind"] not in BACKGROUND_EVENTS]
              for aid, c in articles["covers"].items()}
    reasons = reason_table(claims, ledger, weights, covers)
    # the weight perturbation band of each theme's balance (the same draws as the robustness test's form)
    rng = np.random.default_rng(int(p["seed"]))  # defaults live in the notebook's parameters cell only
    spread, n_samples = float(p["weight_spread"]), int(p["n_samples"])
    draws = weights.to_numpy(dtype=float)[None, :] * np.exp(spread * rng.standard_normal((n_samples, len(weights))))
    bal = theme_balance(reasons, weights, draws)
    a = Analysis(p, ledger, arts, claims, notes, rel, themes.assign(weight=weights), reasons, bal)
    strongest = _Strongest(strongest_first(rel))
    for rid, members in reasons["members"].items():
        ans = strongest(members)
        reply = None
        if ans is not None:
            src = ans["source_id"]
            reply = strongest(same.get(src, [src]), exclude=members)
        a.answers[rid] = (ans, reply)
    a.inputs = robustness_inputs(claims, notes, items, g, support, relevance, reasons, weights)
    a.robustness = robustness.run(a.inputs, n_samples, spread, int(p["seed"]), e=e[None, :])
    return a


def ranked_explanations(a: Analysis) -> pd.DataFrame:
    """The reasons that explain the gap, by w × e (ties: more articles first)."""
    ex = a.reasons[a.reasons["stance"] == "explains_gap"]
    return ex.sort_values(["score", "n_articles"], ascending=False, kind="stable").reset_index(drop=True)


def ranked_challenges(a: Analysis) -> pd.DataFrame:
    ch = a.reasons[a.reasons["stance"] == "challenges_gap"]
    return ch.sort_values(["score", "n_articles"], ascending=False, kind="stable").reset_index(drop=True)
