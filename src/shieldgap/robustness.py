"""How robust the ranking of reasons is: to the theme weights, to the ratings, and to each source.

Four tests, each re-scoring the ledger with :mod:`shieldgap.scoring` (many draws at once):

- **weights**: every theme weight × exp(spread × z), z ~ N(0, 1);
- **ratings**: every claim's support and relevance moved by −1, 0 or +1 at random (within 1–5), the
  uncertainty of a rubric rating;
- **drop one article**, and **drop one outlet**: the ledger without everything one article (or one
  outlet) says.

For the leading explanation and each of the top reasons the result says in how many draws it keeps
its place, and which single article or outlet, if removed, changes the leader.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import scoring

TOP = 3  # how many leading explanations are followed


@dataclass
class Inputs:
    """The scored ledger as arrays: items (claims and notes), reasons over items, themes."""

    graph: scoring.Graph
    support: np.ndarray  # (items,)
    relevance: np.ndarray  # (items,)
    is_claim: np.ndarray  # (items,) bool: notes are answers, their ratings are not perturbed
    article: np.ndarray  # (items,) article id ('' for notes)
    outlet: np.ndarray  # (items,) outlet ('' for notes)
    reasons: list[str]
    members: list[np.ndarray]  # item indices of each reason
    reason_theme: np.ndarray  # (reasons,) index into weights
    explains: np.ndarray  # (reasons,) bool
    weights: np.ndarray  # (themes,)


@dataclass
class Result:
    leader: str | None
    top: list[str]
    weights: dict = field(default_factory=dict)  # reason -> share of draws keeping its rank among the top
    ratings: dict = field(default_factory=dict)
    leader_weights: float | None = None  # share of weight draws in which the leader stays first
    leader_ratings: float | None = None
    top_weights: float | None = None  # share of draws with the same top three (as a set)
    top_ratings: float | None = None
    drop_article: dict = field(default_factory=dict)  # article -> leader without it (only where it changes)
    drop_outlet: dict = field(default_factory=dict)
    n_articles: int = 0
    n_outlets: int = 0
    samples: int = 0
    draws: Draws | None = field(default=None, repr=False, compare=False)  # what run() ranked, for re-ranking


def _scores(inp: Inputs, e: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """w(theme) × reason standing, per draw; challenges get −inf so they never lead the explanations."""
    rs = scoring.reason_standing(e, inp.members) * weights[:, inp.reason_theme]
    rs[:, ~inp.explains] = -np.inf
    return rs


def _ranked(scores: np.ndarray) -> np.ndarray:
    return np.argsort(-scores, axis=1, kind="stable")


def _shares(inp: Inputs, scores: np.ndarray, base_top: list[int]) -> tuple[float, float, dict]:
    order = _ranked(scores)
    lead = float(np.mean(order[:, 0] == base_top[0])) if base_top else None
    k = len(base_top)
    # the same top k as a set: the same k indices once sorted
    same = float(np.mean(np.all(np.sort(order[:, :k], axis=1) == sorted(base_top), axis=1))) if k else None
    per = {inp.reasons[j]: float(np.mean(np.any(order[:, :k] == j, axis=1))) for j in base_top}
    return lead, same, per


@dataclass
class Draws:
    """The standings the random and leave-one-out tests need. They depend on the selected ledger only, not
    on the theme weights, so an explorer moving a weight re-ranks these without re-scoring anything."""

    e: np.ndarray  # (1, items): the ledger as it is
    ratings: np.ndarray  # (n, items): support and relevance moved by −1, 0 or +1
    articles: list[str]
    without_article: np.ndarray  # (articles, items)
    outlets: list[str]
    without_outlet: np.ndarray  # (outlets, items)


def standings(inp: Inputs, n: int, seed: int, e: np.ndarray | None = None) -> Draws:
    """Score the ledger as it is (unless its standings ``e``, 1 × items, are given), ``n`` rating
    perturbations, and without each article and each outlet."""
    rng = np.random.default_rng([seed, 1])
    f = scoring.force(inp.support, inp.relevance)[None, :]

    def jitter():
        return np.where(inp.is_claim[None, :], rng.integers(-1, 2, (n, len(inp.support))), 0)

    s = np.clip(inp.support[None, :] + jitter(), 1, 5)
    r = np.clip(inp.relevance[None, :] + jitter(), 1, 5)
    dropped = {}
    for key in ("article", "outlet"):
        values = getattr(inp, key)
        names = sorted({v for v in values if v})
        keep = (values[None, :] != np.array(names, dtype=object)[:, None]).astype(float).reshape(len(names), -1)
        dropped[key] = (names, scoring.standing(inp.graph, f * keep) if names else np.zeros((0, len(values))))
    if e is None:
        e = scoring.standing(inp.graph, f)
    return Draws(e, scoring.standing(inp.graph, scoring.force(s, r)),
                 dropped["article"][0], dropped["article"][1], dropped["outlet"][0], dropped["outlet"][1])


def rank(inp: Inputs, draws: Draws, n: int, spread: float, seed: int) -> Result:
    """The tests' verdicts for the current weights (cheap: no fixed point is computed)."""
    rng = np.random.default_rng([seed, 2])
    w0 = inp.weights[None, :]
    base = _scores(inp, draws.e, w0)[0]
    n_expl = int(inp.explains.sum())
    base_order = [int(j) for j in np.argsort(-base, kind="stable")[:min(TOP, n_expl)]]
    res = Result(leader=inp.reasons[base_order[0]] if base_order else None,
                 top=[inp.reasons[j] for j in base_order], samples=n,
                 n_articles=len(draws.articles), n_outlets=len(draws.outlets))
    if not base_order:
        return res
    w = w0 * np.exp(spread * rng.standard_normal((n, len(inp.weights))))
    # the ledger as it is under each weight draw: (1, items) standings broadcast against (n, themes) weights
    res.leader_weights, res.top_weights, res.weights = _shares(inp, _scores(inp, draws.e, w), base_order)
    res.leader_ratings, res.top_ratings, res.ratings = _shares(inp, _scores(inp, draws.ratings, w0), base_order)
    for names, e_d, out in ((draws.articles, draws.without_article, res.drop_article),
                            (draws.outlets, draws.without_outlet, res.drop_outlet)):
        sc = _scores(inp, e_d, w0) if len(names) else np.zeros((0, len(inp.reasons)))
        for i, name in enumerate(names):
            lead = int(np.argmax(sc[i])) if np.isfinite(sc[i]).any() and sc[i].max() > 0 else None
            if lead != base_order[0]:
                out[name] = inp.reasons[lead] if lead is not None else None
    return res


def run(inp: Inputs, n: int, spread: float, seed: int, e: np.ndarray | None = None) -> Result:
    """All four tests: ``n`` draws for the random ones, from ``seed``. The result keeps the standings it
    ranked (``draws``), so that the same selection under other weights is re-ranked without re-scoring.
    ``e``: the standings of the ledger as it is, if the caller has scored it already."""
    draws = standings(inp, n, seed, e)
    res = rank(inp, draws, n, spread, seed)
    res.draws = draws
    return res
