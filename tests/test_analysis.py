"""The effect of each parameter on the analysis (in process, no kernel)."""
from __future__ import annotations

import pytest

from shieldgap import analysis, scoring
from shieldgap.params import ParameterError, spec, validate


def run(ledger, **overrides):
    return analysis.analyse(ledger, validate(overrides))


@pytest.mark.slow
def test_weights_change_the_ranking(ledger):
    base = analysis.ranked_explanations(run(ledger))
    top_theme = base.iloc[0]["theme"]
    other = next(t for t in base["theme"] if t != top_theme)
    heavy = analysis.ranked_explanations(run(ledger, theme_weights={other: 10.0}))
    assert heavy.iloc[0]["theme"] == other
    assert list(base.columns[:4]) == ["reason_id", "theme", "stance", "statement"]
    zero = analysis.ranked_explanations(run(ledger, theme_weights={top_theme: 0}))
    assert zero.iloc[0]["theme"] != top_theme


def test_theme_filter(ledger):
    a = run(ledger, themes=["geography"])
    assert set(a.claims["theme"]) == {"geography"}
    assert list(a.balance.index) == ["geography"]


@pytest.mark.slow
def test_outlet_type_exclusion_and_dates(ledger):
    a = run(ledger, exclude_outlet_types=["state_controlled_media"])
    assert "rt-zelensky-interception-coalition" not in set(a.claims["article_id"])
    b = run(ledger, date_from="2024-01-01")
    assert "win-us-urges-israel-aid-ukraine" not in set(b.claims["article_id"])
    assert len(b.claims) < len(run(ledger).claims)


def test_min_strength(ledger):
    a = run(ledger, min_strength=4)
    assert a.claims["strength"].min() >= 4


@pytest.mark.slow
def test_analyst_notes_switch_changes_scores(ledger):
    with_notes = run(ledger)
    without = run(ledger, include_analyst_notes=False)
    assert without.notes.empty and not with_notes.notes.empty
    assert with_notes.claims["e"].sum() < without.claims["e"].sum()


def test_counterarguments_reduce_standing_from_force(ledger):
    a = run(ledger)
    direct = set(a.relations.loc[a.relations["relation"].isin(["rebuts", "undercuts", "qualifies"]), "target_id"])
    c = a.claims
    assert (c["force"] == c["strength"] * c["relevance"] / 5).all()  # f = s × r / 5
    # an answer to one appearance of an argument answers all its appearances
    attacked = set(c.loc[c["canonical_id"].isin(c.loc[c["claim_id"].isin(direct), "canonical_id"]), "claim_id"])
    assert (c.loc[c["claim_id"].isin(attacked), "e"] < c.loc[c["claim_id"].isin(attacked), "force"]).all()
    assert (c.loc[~c["claim_id"].isin(attacked), "e"] == c.loc[~c["claim_id"].isin(attacked), "force"]).all()
    assert (c["e"] >= c["force"] * (1 - scoring.MAX_DISCOUNT) - 1e-9).all()
    assert (c["refuted"] == (c["e"] < scoring.REFUTED_BELOW * c["force"])).all()
    assert set(c["words"]) <= {"strong", "moderate", "weak"}


def test_a_reason_counts_once_however_often_it_is_restated(ledger):
    a = run(ledger)
    r = a.reasons.loc["RS04"]  # the US will not fight Russia directly: many passages, one reason
    assert r["n_claims"] > 5
    members = a.claims.loc[r["members"]]
    assert r["e"] == members["e"].max() and r["best"] in members.index
    expl = a.reasons[(a.reasons["theme"] == "escalation_risk") & (a.reasons["stance"] == "explains_gap")]
    assert a.balance.at["escalation_risk", "explains"] == pytest.approx(expl["e"].sum())
    assert r["e"] < members["e"].sum() / 2  # restatements add sources, not weight
    assert r["score"] == pytest.approx(r["weight"] * r["e"])


@pytest.mark.slow
def test_cross_theme_answers_count_against_the_reason_they_answer(ledger):
    a = run(ledger)
    geo = a.reasons[a.reasons["theme"] == "geography"]
    assert (geo["stance"] == "explains_gap").all()  # no challenge of its own ...
    answers = set().union(*(set(analysis.answers_to(a, rid)["source_id"]) for rid in geo.index))
    assert {"C417", "C422", "C725", "N12"} <= answers  # ... but answered from other themes
    for rid in geo.index:
        ans, _ = a.answers[rid]
        assert ans is not None and ans["source_id"] in answers
        assert ans["impact"] == analysis.answers_to(a, rid)["impact"].max()
        best = geo.at[rid, "best"]
        if ans["target_id"] in a.claims.loc[a.claims["canonical_id"] == a.claims.at[best, "canonical_id"]].index:
            assert a.claims.at[best, "e"] < a.claims.at[best, "force"]


@pytest.mark.slow
def test_robustness_runs_all_four_tests_from_the_parameters(ledger):
    a = run(ledger)
    res = a.robustness
    assert res.samples == spec()["n_samples"]["default"]
    assert res.leader == analysis.ranked_explanations(a).iloc[0]["reason_id"]
    assert 0 <= res.leader_weights <= 1 and 0 <= res.leader_ratings <= 1
    assert res.n_articles == len(a.articles) and res.n_outlets == a.articles["outlet"].nunique()
    assert set(res.drop_article) <= set(a.articles.index)


@pytest.mark.slow
def test_seed_makes_robustness_and_band_reproducible(ledger):
    s1 = run(ledger, seed=1)
    s2 = run(ledger, seed=1)
    s3 = run(ledger, seed=2)
    assert s1.robustness.leader_weights == s2.robustness.leader_weights
    assert s1.balance["p95"].tolist() == s2.balance["p95"].tolist()
    assert s1.balance["p95"].tolist() != s3.balance["p95"].tolist()
    wide = run(ledger, weight_spread=1.5)
    assert (wide.balance["p95"] - wide.balance["p05"]).sum() > (s1.balance["p95"] - s1.balance["p05"]).sum()


def test_validate_rejects_before_kernel():
    with pytest.raises(ParameterError, match="unknown parameter"):
        validate({"nope": 1})
    with pytest.raises(ParameterError, match="must be of type bool"):
        validate({"include_analyst_notes": "yes"})


def test_robustness_takes_its_settings_from_the_parameters_only(ledger):
    a = run(ledger)
    with pytest.raises(KeyError):  # no default of its own: the notebook's parameters cell is the only one
        analysis.analyse(ledger, {k: v for k, v in a.params.items() if k != "seed"})
