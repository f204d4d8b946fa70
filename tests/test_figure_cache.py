"""Matplotlib figures are cached under what they are drawn from (shieldgap.figuredata.basis): a change that leaves a
figure's values alone reuses it, and two analyses whose values agree draw exactly the same picture. The two bar
charts are template drawings (shieldgap.svg_charts), drawn afresh each time."""
from __future__ import annotations

import pytest

from shieldgap import svg_charts
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
    return [(c, None) for c in OVERVIEW if c not in svg_charts.CHARTS] + [("argument_map", t) for t in a.themes.index]


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
    if name in ("weights", "weight zero", "other seed"):
        # weights and the random draws change the balance chart (its values and band), a template drawing:
        # every matplotlib figure is found in the cache
        assert changed == 0 and same == len(_charts(base))
        assert draw_svg(base, "balance") != draw_svg(other, "balance")
    else:
        assert changed, "every other variant changes at least one matplotlib figure"


def test_a_weight_change_draws_nothing_with_matplotlib(base, ledger, monkeypatch):
    """A report whose only change is its weights finds every matplotlib figure in the cache (or, with the cache off,
    draws them): its bar charts come from the templates, which import no matplotlib."""
    import sys

    other = Report(VARIANTS["weights"], ledger=ledger).a
    for chart in ("coverage", "timeline"):
        assert basis(base, chart) == basis(other, chart)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # importing it would fail
    for chart in svg_charts.CHARTS:
        assert draw_svg(other, chart).startswith(b"<?xml")
