"""The scoring method: force from support and relevance, answers to a fixed point, reasons, and words.

The method is stated once, in :data:`SCORING`, which the report's methodology appendix prints; the
functions below implement it and nothing else does. Everything works on arrays with a leading
"draw" axis, so the same code scores the ledger once (one draw) or many perturbed copies of it at
once (the robustness checks in :mod:`shieldgap.robustness`).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

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

    @cached_property
    def plan(self) -> _Plan:
        """How :func:`standing` iterates this graph (computed once: robustness scores it several times)."""
        return _plan(self)


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
    maximum, taken one edge of each group at a time (see :class:`_Plan`), and divided by 5 after it rather
    than before (rounding is monotone: the same value); and the draws are the inner axis. Max is exact and
    every other operation is the same, so the result is the same to the last bit."""
    f = np.atleast_2d(np.asarray(f, dtype=float))
    if not len(graph.src):
        return f.copy()
    plan = graph.plan
    ft = np.ascontiguousarray(f[:, plan.targets].T)  # targets × draws
    # the answers' standing, a row each: the targets' (iterated), then the answers no answer targets (e = f)
    rows = np.concatenate([ft, f[:, plan.fixed].T])
    et = rows[:len(ft)]  # a view: updating it updates the answers' rows
    for _ in range(ROUNDS):
        vals = plan.mult * rows[plan.src]  # edges × draws
        # groups × draws; divided by 5 after the maximum, which rounding (monotone) leaves the same
        discount = 1.0 - MAX_DISCOUNT * (_group_max(vals, plan.layers) / 5.0)
        new = ft * discount[plan.group]
        new = DAMPING * et + (1 - DAMPING) * new
        done = np.max(np.abs(new - et), initial=0.0) < TOLERANCE
        et[:] = new
        if done:
            break
    out = f.copy()
    out[:, plan.targets] = et.T
    return out


def _group_max(vals: np.ndarray, layers: list[int]) -> np.ndarray:
    """The maximum of each group's rows of ``vals``, stored layer by layer (see :class:`_Plan`), in place."""
    acc = vals[:layers[0]]
    at = layers[0]
    for n in layers[1:]:
        np.maximum(acc[:n], vals[at:at + n], out=acc[:n])
        at += n
    return acc


@dataclass(frozen=True)
class _Plan:
    """The attacks as :func:`standing` iterates them.

    Targets answered by the same set of distinct (answer, multiplier) edges form a group. Groups are
    numbered largest first, and the edges are stored in layers: the first edge of every group, then the
    second edge of every group that has two, and so on; the maximum over a group is then an element-wise
    maximum of a few contiguous blocks (``np.maximum.reduceat`` along the edges is many times slower)."""

    targets: np.ndarray  # items some answer targets
    fixed: np.ndarray  # answers no answer targets: their standing is their force
    src: np.ndarray  # (edges,) each edge's answer, as a row of [targets, fixed]
    mult: np.ndarray  # (edges, 1)
    layers: list[int]  # number of edges in each layer (= number of groups with more edges than the layer's rank)
    group: np.ndarray  # (targets,) the group of each target


def _plan(graph: Graph) -> _Plan:
    """The :class:`_Plan` of ``graph``."""
    incoming: dict[int, set] = {}
    for s, t, m in zip(graph.src.tolist(), graph.tgt.tolist(), graph.mult.tolist()):
        incoming.setdefault(t, set()).add((s, m))
    targets = sorted(incoming)
    sets = list(dict.fromkeys(frozenset(incoming[t]) for t in targets))  # distinct, in order of first target
    sets.sort(key=len, reverse=True)  # stable: largest first
    number = {edges: g for g, edges in enumerate(sets)}
    row = {t: i for i, t in enumerate(targets)}
    fixed = sorted({s for edges in sets for s, _m in edges} - set(targets))
    row.update({s: len(targets) + i for i, s in enumerate(fixed)})
    groups = [sorted(edges) for edges in sets]
    layers = [sum(len(edges) > k for edges in groups) for k in range(max(map(len, groups), default=0))]
    src, mult = [], []
    for k, n in enumerate(layers):
        for edges in groups[:n]:
            s, m = edges[k]
            src.append(row[s])
            mult.append(m)
    return _Plan(np.array(targets, dtype=int), np.array(fixed, dtype=int), np.array(src, dtype=int),
                 np.array(mult, dtype=float)[:, None], layers,
                 np.array([number[frozenset(incoming[t])] for t in targets], dtype=int))


def reason_standing(e: np.ndarray, members: list[np.ndarray]) -> np.ndarray:
    """Per draw, each reason's standing: the largest e among its member items (draws × reasons)."""
    out = np.zeros((e.shape[0], len(members)))
    for j, idx in enumerate(members):
        if len(idx):
            out[:, j] = e[:, idx].max(axis=1)
    return out
