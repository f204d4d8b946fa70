"""The explorer's report for a parameter set, recomputing only what a change of the parameters affects.

:func:`shieldgap.analysis.analyse` does two things: it scores a *selection* of the ledger (themes,
sources, dates, minimum strength, analyst notes, and the seed and number of draws of the robustness
tests) and then weighs the result by the theme weights. Scoring is what costs: the argument graph to a
fixed point, and again for every rating draw and every article and outlet left out. None of that
depends on the weights. :class:`LiveReports` keeps the analyses of the last few selections (least
recently used first out) and, for another weighting of a kept selection, redoes only the weighted part
with the same functions and arithmetic as ``analyse``: the reasons' scores, the theme balances and their
band, and the robustness ranking over the kept standings (``robustness.Result.draws``). It keeps each
selection's :class:`shieldgap.sections.Sections` too, whose lookups depend on the selection only; a new
selection's reuse the lookups of the ledger's rows made for the first (``Sections(a, like=...)``). The
numbers are those of a fresh :class:`shieldgap.report.Report` with the same parameters;
tests/test_explore.py checks it for every kind of control.
"""
from __future__ import annotations

import copy
import dataclasses
import json
from collections import OrderedDict

import numpy as np
import pandas as pd

from . import analysis, robustness
from .figures import Figures
from .params import validate
from .report import Report, outline
from .sections import Sections

#: Parameters that only weigh a scored selection.
WEIGHTING = ("theme_weights", "weight_spread")
#: Parameters the analysis does not read (the report shows them).
NOT_ANALYSED = ("title", "detail", "previous_manifest")
KEEP = 8  # selections kept


def selection_key(p: dict) -> str:
    """What the scoring of ``p`` (a full parameter set) depends on: every parameter but the weighting and
    those the analysis does not read."""
    return json.dumps({k: v for k, v in p.items() if k not in WEIGHTING + NOT_ANALYSED}, sort_keys=True, default=str)


def weigh_balance(balance: pd.DataFrame, weights: pd.Series, draws: np.ndarray) -> pd.DataFrame:
    """``analysis.theme_balance`` under other weights, from a balance of the same reasons: the sums of
    standing per theme and stance do not depend on the weights, only their product with them does."""
    b = balance.copy()
    w = weights.reindex(b.index).to_numpy(dtype=float)
    ex, diff = b["explains"].to_numpy(dtype=float), (b["explains"] - b["challenges"]).to_numpy(dtype=float)
    band = draws * diff[None, :] if len(draws) else (w * diff)[None, :]
    b["weight"], b["balance"], b["explains_weighted"] = w, w * diff, w * ex
    b["p05"], b["p50"], b["p95"] = np.percentile(band, [5, 50, 95], axis=0)
    return b


def reweigh(a: analysis.Analysis, p: dict) -> analysis.Analysis:
    """The analysis ``a`` of a selection under the weighting of ``p`` (same selection, seed and draws):
    what ``analysis.analyse`` computes from the weights, computed the same way, and nothing else."""
    weights = analysis.theme_weights(a.themes, p)
    reasons = a.reasons.copy()
    w = [float(weights.get(t, 1.0)) for t in reasons["theme"]]
    reasons["weight"] = w
    reasons["score"] = [x * float(e) for x, e in zip(w, reasons["e"])]
    seed, spread, n_samples = int(p["seed"]), float(p["weight_spread"]), int(p["n_samples"])
    rng = np.random.default_rng(seed)
    draws = weights.to_numpy(dtype=float)[None, :] * np.exp(spread * rng.standard_normal((n_samples, len(weights))))
    inputs = dataclasses.replace(a.inputs, weights=weights.to_numpy(dtype=float))
    kept = a.robustness.draws
    result = robustness.rank(inputs, kept, n_samples, spread, seed)
    result.draws = kept
    return dataclasses.replace(a, params=p, themes=a.themes.assign(weight=weights), reasons=reasons,
                               balance=weigh_balance(a.balance, weights, draws), robustness=result,
                               inputs=inputs, answers=a.answers)


class LiveReport(Report):
    """:class:`shieldgap.report.Report` over an analysis and its sections computed beforehand (``Report``
    computes its own): the same attributes as ``Report.__init__`` sets, from the same functions. ``absent``
    are the anchors of the sections with nothing to show (they depend on the ledger, not the parameters)."""

    def __init__(self, a: analysis.Analysis, sections: Sections, absent: tuple[str, ...]):
        self.ledger, self.params, self.a, self.sections = a.ledger, a.params, a, sections
        self.figures = Figures(a, sections.map_themes)
        labels = self.ledger.themes["label"].to_dict()
        if not self.params.get("previous_manifest"):
            absent += ("changes",)
        self.outline = outline([(t, str(labels.get(t, t))) for t in a.themes.index], absent)
        self._entries = {e.anchor: e for e in self.outline}


def resection(sections: Sections, a: analysis.Analysis) -> Sections:
    """``sections`` (of another weighting of the same selection) for the analysis ``a``. What
    ``Sections.__init__`` derives from an analysis depends on the selection only (which themes have a map,
    the standings, the relations, the ledger's rows as dicts); the analysis and its parameters are replaced."""
    s = copy.copy(sections)
    s.a, s.params, s.brief = a, a.params, a.params.get("detail") == "brief"
    return s


class LiveReports:
    """Reports of one ledger for successive parameter sets, keeping the analyses (and their sections) of
    ``keep`` selections.

    ``last`` says how the last report's analysis was obtained: "analysed" (a selection not kept: scored
    afresh), "reweighed" (a kept selection, other weights) or "kept" (the same weights)."""

    def __init__(self, ledger, keep: int = KEEP):
        from .newmaterial import uncurated_articles

        self.ledger = ledger
        self.keep = keep
        self.last = ""
        self._kept: OrderedDict[str, tuple[analysis.Analysis, Sections]] = OrderedDict()
        self._lookups: Sections | None = None  # the first sections: their lookups of the ledger serve every selection
        # What params.validate checks against: the loaded ledger, not a second read of the files, in the form
        # sources.light_ledger gives (dates as ISO text, which the selection predicates compare).
        self._light = {
            "themes": dict.fromkeys(ledger.themes.index),
            "articles": {aid: {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in a.to_dict().items()}
                         for aid, a in ledger.articles.iterrows()},
            "claims": ledger.claims.to_dict("records")}
        self._absent = () if len(uncurated_articles(ledger)) else ("new-material",)

    def analysis(self, p: dict) -> tuple[analysis.Analysis, Sections]:
        """The analysis of the full, checked parameter set ``p``, and its sections."""
        key = selection_key(p)
        kept = self._kept.get(key)
        if kept is None:
            a = analysis.analyse(self.ledger, p)
            if self._lookups is None:
                self._lookups = sections = Sections(a)
            else:
                sections = Sections(a, like=self._lookups)
            self._kept[key] = a, sections
            while len(self._kept) > self.keep:
                self._kept.popitem(last=False)
            self.last = "analysed"
            return self._kept[key]
        self._kept.move_to_end(key)
        a, sections = kept
        if any(a.params.get(k) != p.get(k) for k in WEIGHTING):
            self.last = "reweighed"
            a = reweigh(a, p)
        else:
            self.last = "kept"
            a = dataclasses.replace(a, params=p)
        return a, resection(sections, a)

    def report(self, overrides: dict) -> LiveReport:
        """The report for ``overrides``; raises :class:`shieldgap.params.ParameterError` as ``Report`` does."""
        return LiveReport(*self.analysis(validate(overrides, ledger=self._light)), self._absent)
