"""Figures are cached under what they are drawn from (shieldgap.figuredata.basis): a change that leaves a figure's
values alone reuses it, and two analyses whose values agree draw exactly the same picture."""
from __future__ import annotations

import pytest

from shieldgap.figuredata import basis
from shieldgap.figures import OVERVIEW, draw_svg
from shieldgap.report import Report

VARIANTS = {
    "weights": {"theme_weights": {"escalation_risk": 2.5, "geography": 0.5}},
    "weight zero": {"theme_weights": {"political_will": 0}},
    "no state media": {"exclude_outlet_types": ["state_controlled_media"]},
    "no notes": {"include_analyst_notes": False},
    "other seed": {"seed": 7, "n_samples": 50},
}


@pytest.fixture(scope="module")
def base(ledger):
    return Report({}, ledger=ledger).a


def _charts(a):
    return [(c, None) for c in OVERVIEW] + [("argument_map", t) for t in a.themes.index]


@pytest.mark.parametrize("name", VARIANTS)
def test_equal_bases_draw_equal_pictures_and_differing_ones_differ(base, ledger, name):
    other = Report(VARIANTS[name], ledger=ledger).a
    same = changed = 0
    for chart, theme in _charts(base):
        if theme is not None and theme not in other.themes.index:
            continue
        if basis(base, chart, theme) == basis(other, chart, theme):
            assert draw_svg(base, chart, theme) == draw_svg(other, chart, theme), (chart, theme)
            same += 1
        else:
            changed += 1
    assert changed, "every variant changes at least one figure"
    if name in ("weights", "other seed"):
        # weights and the random draws change the balance chart (its value and band) and nothing else
        assert changed == 1 and basis(base, "balance") != basis(other, "balance") and same == len(_charts(base)) - 1


def test_a_weight_change_is_redrawn_only_where_it_shows(base, ledger):
    other = Report(VARIANTS["weights"], ledger=ledger).a
    assert basis(base, "balance") != basis(other, "balance")
    for chart in ("claims_by_theme", "coverage", "timeline"):
        assert basis(base, chart) == basis(other, chart)
