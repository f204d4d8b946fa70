"""The scoring method: force from support and relevance, answers to a fixed point, reasons, and words.

The method is stated once, in :data:`SCORING`, which the report's methodology appendix prints; the
functions below implement it and nothing else does. Everything works on arrays with a leading
"draw" axis, so the same code scores the ledger once (one draw) or many perturbed copies of it at
once (the robustness checks in :mod:`shieldgap.robustness`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .fields import ATTACKS

ATTACK_FORCE = {"rebuts": 1.0, "undercuts": 1.0, "qualifies": 0.5}  # m: a qualification counts half
MAX_DISCOUNT = 0.8  # an unanswered full-force rebuttal by a fully standing answer removes 80 % of a claim's force
REFUTED_BELOW = 0.4  # a claim left with less than 40 % of its force is shown as largely refuted
STRONG_FROM, MODERATE_FROM = 3.0, 1.6  # standing in words: strong / moderate / weak
NOTE_RELEVANCE = 5  # an analyst note is written to answer: its relevance lies in the relation's strength
ROUNDS, DAMPING, TOLERANCE = 200, 0.5, 1e-9

SCORING = (
    "Every claim is rated twice, by the two rubrics of the data dictionary: support s (1-5: how well the sources "
    "and the public record support it) and relevance r (1-5: how directly it bears on the question). Its force "
    "is f = s × r / 5 (from 0.2 to 5); an analyst note's force is its support.",
    "An answer a (a rebuts or undercuts relation, or a qualifies relation at half force) with relation strength "
    "q has impact i = m × (q/5) × (e(a)/5), where m is 1, or 0.5 for qualifies, and e(a) is the answer's own "
    "standing. Only the strongest answer counts.",
    f"A claim's standing is e = f × (1 − {MAX_DISCOUNT} × i): a fully standing rebuttal of full strength "
    f"removes {MAX_DISCOUNT:.0%} of its force. Answers are themselves answered, so e is computed to a fixed "
    "point over the whole argument graph, across themes. An answer to one appearance of a claim answers all "
    f"its appearances. A claim left with less than {REFUTED_BELOW:.0%} of its force is shown as largely "
    "refuted. Supports relations are shown but do not change standing.",
    "Claims that make the same point share a curated reason. A reason stands as well as its best-supported "
    "statement (the largest e among its claims' appearances): restating a point in more articles, or by more "
    "speakers, adds sources, not weight.",
    f"In words: strong when e ≥ {STRONG_FROM}, moderate when e ≥ {MODERATE_FROM}, weak below. Reasons are "
    "ranked by w(theme) × e, where w is the theme's weight (1 unless the reader sets it).",
    "A theme's balance is w × (the sum of e over its reasons that explain the gap − the sum over those that "
    "challenge it); context claims do not count.",
)


def force(support, relevance) -> np.ndarray:
    return np.asarray(support, dtype=float) * np.asarray(relevance, dtype=float) / 5.0


def in_words(e: float) -> str:
    return "strong" if e >= STRONG_FROM else "moderate" if e >= MODERATE_FROM else "weak"


@dataclass(frozen=True)
class Graph:
    """Items (claims and notes) and the attacks among them, as index arrays."""

    items: list[str]
    src: np.ndarray
    tgt: np.ndarray
    mult: np.ndarray  # m × q / 5 for each attack

    @classmethod
    def build(cls, items: list[str], attacks: list[tuple[str, str, str, float]]) -> Graph:
        """``attacks``: (source id, target id, relation, strength) over ``items``; other relations are ignored."""
        pos = {k: i for i, k in enumerate(items)}
        rows = [(pos[s], pos[t], ATTACK_FORCE[rel] * float(q) / 5.0) for s, t, rel, q in attacks
                if rel in ATTACKS and s in pos and t in pos]
        src, tgt, mult = (np.array(c, dtype=float if j == 2 else int) for j, c in enumerate(zip(*rows))) \
            if rows else (np.zeros(0, int), np.zeros(0, int), np.zeros(0))
        return cls(items, src, tgt, mult)


def impacts(graph: Graph, e: np.ndarray) -> np.ndarray:
    """Largest impact on each item, per draw: shape of ``e`` (draws × items)."""
    out = np.zeros_like(e)
    if len(graph.src):
        vals = graph.mult[None, :] * e[:, graph.src] / 5.0
        # per target, the largest impact of its attacks, every draw at once: the edges sorted by target,
        # then one maximum over each target's run of edges
        order = np.argsort(graph.tgt, kind="stable")
        targets, starts = np.unique(graph.tgt[order], return_index=True)
        out[:, targets] = np.maximum.reduceat(vals[:, order], starts, axis=1)
    return out


def standing(graph: Graph, f: np.ndarray) -> np.ndarray:
    """The fixed point e = f × (1 − MAX_DISCOUNT × impact(e)), per draw (``f``: draws × items).

    Damped iteration: mutual attacks converge instead of oscillating. Computed as :func:`impacts` states
    it, on a smaller set of arrays with the same values: an item no answer targets keeps e = f, so only the
    targets are iterated; targets answered by the same answers (every appearance of a claim is) share one
    maximum; and the draws are the inner axis. Max is exact and every other operation is the same, so the
    result is the same to the last bit."""
    f = np.atleast_2d(np.asarray(f, dtype=float))
    if not len(graph.src):
        return f.copy()
    plan = _plan(graph)
    ft = np.ascontiguousarray(f[:, plan.targets].T)  # targets × draws
    et = ft.copy()
    out = f.copy()
    for _ in range(ROUNDS):
        out[:, plan.targets] = et.T
        e_src = np.ascontiguousarray(out[:, plan.src].T)  # answers' standing, edges × draws
        vals = plan.mult * e_src / 5.0
        impact = np.maximum.reduceat(vals, plan.starts, axis=0)[plan.group]  # targets × draws
        new = ft * (1.0 - MAX_DISCOUNT * impact)
        new = DAMPING * et + (1 - DAMPING) * new
        if np.max(np.abs(new - et), initial=0.0) < TOLERANCE:
            out[:, plan.targets] = new.T
            return out
        et = new
    out[:, plan.targets] = et.T
    return out


@dataclass(frozen=True)
class _Plan:
    targets: np.ndarray  # items some answer targets
    src: np.ndarray  # distinct (answer, multiplier) edges, grouped by the set of answers of their targets
    mult: np.ndarray  # (edges, 1)
    starts: np.ndarray  # first edge of each group
    group: np.ndarray  # (targets,) the group of each target


def _plan(graph: Graph) -> _Plan:
    """The attacks of ``graph`` grouped by their targets' set of distinct (answer, multiplier) edges."""
    incoming: dict[int, set] = {}
    for s, t, m in zip(graph.src.tolist(), graph.tgt.tolist(), graph.mult.tolist()):
        incoming.setdefault(t, set()).add((s, m))
    targets = sorted(incoming)
    groups: dict[frozenset, int] = {}
    group = [groups.setdefault(frozenset(incoming[t]), len(groups)) for t in targets]
    src, mult, starts = [], [], []
    for edges in groups:
        starts.append(len(src))
        for s, m in sorted(edges):
            src.append(s)
            mult.append(m)
    return _Plan(np.array(targets, dtype=int), np.array(src, dtype=int), np.array(mult, dtype=float)[:, None],
                 np.array(starts, dtype=int), np.array(group, dtype=int))


def reason_standing(e: np.ndarray, members: list[np.ndarray]) -> np.ndarray:
    """Per draw, each reason's standing: the largest e among its member items (draws × reasons)."""
    out = np.zeros((e.shape[0], len(members)))
    for j, idx in enumerate(members):
        if len(idx):
            out[:, j] = e[:, idx].max(axis=1)
    return out
