"""The effect of each parameter on the analysis (in process, no kernel)."""
from __future__ import annotations

import pytest

from shieldgap import analysis
from shieldgap.params import ParameterError, spec, validate


def run(ledger, **overrides):
    return analysis.analyse(ledger, validate(overrides))


def test_weights_change_the_ranking(ledger):
    base = analysis.ranked_explanations(run(ledger))
    top_theme = base.iloc[0]["theme"]
    other = next(t for t in base["theme"] if t != top_theme)
    heavy = analysis.ranked_explanations(run(ledger, theme_weights={other: 10.0}))
    assert heavy.iloc[0]["theme"] == other
    zero = analysis.ranked_explanations(run(ledger, theme_weights={top_theme: 0}))
    assert zero.iloc[0]["theme"] != top_theme


def test_theme_filter(ledger):
    a = run(ledger, themes=["geography"])
    assert set(a.claims["theme"]) == {"geography"}
    assert list(a.balance.index) == ["geography"]


def test_outlet_type_exclusion_and_dates(ledger):
    a = run(ledger, exclude_outlet_types=["state_controlled_media"])
    assert "rt-zelensky-interception-coalition" not in set(a.claims["article_id"])
    b = run(ledger, date_from="2024-01-01")
    assert "win-us-urges-israel-aid-ukraine" not in set(b.claims["article_id"])
    assert len(b.claims) < len(run(ledger).claims)


def test_min_strength(ledger):
    a = run(ledger, min_strength=4)
    assert a.claims["strength"].min() >= 4


def test_analyst_notes_switch_changes_scores(ledger):
    with_notes = run(ledger)
    without = run(ledger, include_analyst_notes=False)
    assert without.notes.empty and not with_notes.notes.empty
    assert with_notes.claims["e"].sum() < without.claims["e"].sum()


def test_counterarguments_reduce_effective_strength(ledger):
    a = run(ledger)
    direct = set(a.relations.loc[a.relations["relation"].isin(["rebuts", "undercuts", "qualifies"]), "target_id"])
    c = a.claims
    # an answer to one appearance of an argument answers all its appearances
    attacked = set(c.loc[c["canonical_id"].isin(c.loc[c["claim_id"].isin(direct), "canonical_id"]), "claim_id"])
    assert (c.loc[c["claim_id"].isin(attacked), "e"] < c.loc[c["claim_id"].isin(attacked), "strength"]).all()
    assert (c.loc[~c["claim_id"].isin(attacked), "e"] == c.loc[~c["claim_id"].isin(attacked), "strength"]).all()
    assert (c["e"] >= c["strength"] * 0.5 - 1e-9).all()


def test_seed_makes_sensitivity_reproducible(ledger):
    s1 = run(ledger, seed=1).sensitivity
    s2 = run(ledger, seed=1).sensitivity
    s3 = run(ledger, seed=2).sensitivity
    assert s1["top_share"] == s2["top_share"]
    assert s1["band"]["p95"].tolist() == s2["band"]["p95"].tolist()
    assert s1["band"]["p95"].tolist() != s3["band"]["p95"].tolist()
    wide = run(ledger, weight_spread=1.5).sensitivity
    assert (wide["band"]["p95"] - wide["band"]["p05"]).sum() > (s1["band"]["p95"] - s1["band"]["p05"]).sum()


def test_validate_rejects_before_kernel():
    with pytest.raises(ParameterError, match="unknown parameter"):
        validate({"nope": 1})
    with pytest.raises(ParameterError, match="must be of type bool"):
        validate({"include_analyst_notes": "yes"})


def test_sensitivity_takes_its_settings_from_the_parameters_only(ledger):
    a = run(ledger)
    defaults = spec()
    assert a.sensitivity["seed"] == defaults["seed"]["default"]
    assert a.sensitivity["n"] == defaults["n_samples"]["default"]
    weights = analysis.theme_weights(a.themes, a.params)
    with pytest.raises(KeyError):  # no default of its own: the notebook's parameters cell is the only one
        analysis.sensitivity(a.arguments, weights, {})
