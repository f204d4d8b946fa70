"""The scoring method on hand-made graphs, where every number can be worked out by hand."""
from __future__ import annotations

import numpy as np
import pytest

from shieldgap import robustness, scoring


def test_three_claim_chain_reaches_the_hand_computed_fixed_point():
    # C attacks B, B attacks A; all of force 5 and relation strength 5 (rebuts).
    g = scoring.Graph.build(["A", "B", "C"], [("B", "A", "rebuts", 5), ("C", "B", "rebuts", 5)])
    e = scoring.standing(g, np.array([5.0, 5.0, 5.0]))[0]
    # e(C) = 5; impact on B = 1 → e(B) = 5 × (1 − 0.8) = 1; impact on A = 1/5 → e(A) = 5 × (1 − 0.16) = 4.2
    assert e == pytest.approx([4.2, 1.0, 5.0], abs=1e-6)


def test_qualifies_counts_half_and_supports_not_at_all():
    g = scoring.Graph.build(["A", "B"], [("B", "A", "qualifies", 5), ("B", "A", "supports", 5)])
    e = scoring.standing(g, np.array([5.0, 5.0]))[0]
    assert e[0] == pytest.approx(5 * (1 - 0.8 * 0.5))


def test_mutual_attack_converges_to_the_symmetric_point():
    g = scoring.Graph.build(["A", "B"], [("A", "B", "rebuts", 5), ("B", "A", "rebuts", 5)])
    e = scoring.standing(g, np.array([5.0, 5.0]))[0]
    # e = 5 (1 − 0.8 e / 5) → e = 5 / 1.8
    assert e == pytest.approx([5 / 1.8, 5 / 1.8], abs=1e-6)


def test_force_and_words():
    assert scoring.force(5, 5) == 5 and scoring.force(4, 3) == pytest.approx(2.4)
    assert [scoring.in_words(x) for x in (5, 3.0, 2.4, 1.6, 1.0)] == ["strong", "strong", "moderate", "moderate",
                                                                        "weak"]


def _inputs(articles):
    # Two explanations in one theme: R1 stated by claims 0 (article a) and 1 (article b); R2 by claim 2 (article c).
    g = scoring.Graph.build(["c0", "c1", "c2"], [])
    return robustness.Inputs(
        graph=g, support=np.array([5.0, 4.0, 4.0]), relevance=np.array([5.0, 5.0, 5.0]),
        is_claim=np.array([True, True, True]), article=np.array(articles), outlet=np.array(["o1", "o1", "o2"]),
        reasons=["R1", "R2"], members=[np.array([0, 1]), np.array([2])], reason_theme=np.array([0, 0]),
        explains=np.array([True, True]), weights=np.array([1.0]))


def test_restating_a_reason_adds_no_weight_and_dropping_its_best_source_changes_the_leader():
    res = robustness.run(_inputs(["a", "b", "c"]), n=200, spread=0.5, seed=1)
    assert res.leader == "R1" and res.top == ["R1", "R2"]
    # one theme: weights scale both reasons alike, so the leader never changes
    assert res.leader_weights == 1.0
    # without article a, R1 stands at 4 × 5 / 5 = 4 = R2: the stable order keeps R1; nothing changes the leader
    assert res.drop_article == {}
    # without outlet o1, R1 disappears and R2 leads
    assert res.drop_outlet == {"o1": "R2"}
    # ratings moved by ±1 sometimes put R2 first
    assert 0 < res.leader_ratings < 1


def _standing_by_definition(graph, f):
    """e = f × (1 − MAX_DISCOUNT × impact(e)), iterated as the docstring states it, on every item."""
    f = np.atleast_2d(np.asarray(f, dtype=float))
    e = f.copy()
    for _ in range(scoring.ROUNDS):
        new = f * (1.0 - scoring.MAX_DISCOUNT * scoring.impacts(graph, e))
        new = scoring.DAMPING * e + (1 - scoring.DAMPING) * new
        if np.max(np.abs(new - e), initial=0.0) < scoring.TOLERANCE:
            return new
        e = new
    return e


@pytest.mark.parametrize("n_attacks", [45, 150])
@pytest.mark.parametrize("seed", range(8))
def test_the_grouped_iteration_equals_the_definition_to_the_last_bit(seed, n_attacks):
    """standing() iterates only answered items and shares the maximum of items answered alike, taken group by
    group; on random graphs with cycles, shared answers (as every appearance of a claim shares them), groups of
    many answers and several draws it gives exactly what the definition gives."""
    rng = np.random.default_rng(seed)
    items = [f"i{k}" for k in range(30)]
    relations = [*scoring.ATTACK_FORCE, "supports"]
    attacks = [(items[rng.integers(30)], items[rng.integers(30)], relations[rng.integers(len(relations))],
                int(rng.integers(1, 6))) for _ in range(n_attacks)]
    attacks += [(s, "i29", r, q) for s, t, r, q in attacks if t == "i28"]  # i28 and i29: two appearances
    attacks = [a for a in attacks if a[0] != a[1]]
    g = scoring.Graph.build(items, attacks)
    f = rng.uniform(0.2, 5.0, size=(6, len(items)))
    assert np.array_equal(scoring.standing(g, f), _standing_by_definition(g, f))
