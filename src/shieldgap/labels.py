"""How coded values are shown: the labels and colours of every vocabulary in :mod:`shieldgap.fields`.

One mapping per vocabulary and use, keyed by the vocabulary's own values (``fields.STANCES``,
``fields.OUTLET_TYPES``, ``fields.VERDICTS``, ``fields.RELATION_TYPES``). The report's sections,
its charts and the explorer all read them from here; tests/test_render.py checks that every value
of every vocabulary has an entry, so a value added to ``fields`` without a label fails loudly.
"""
from __future__ import annotations

from . import fields

#: Badge text of an outlet type (report tables, explorer controls).
OUTLET_TYPES = {
    "state_controlled_media": "State-controlled media",
    "independent_media": "Independent media",
    "government": "Government",
    "think_tank": "Think tank",
    "aggregator": "News aggregator",
    "unidentified_media": "Unidentified outlet",
}

#: Heading of a group of claims of one stance in a theme section.
STANCE_HEADINGS = {
    "explains_gap": "Claims that explain the gap",
    "challenges_gap": "Claims that challenge the gap",
    "context": "Context",
}

#: Legend text of a stance in the charts.
STANCES = {"explains_gap": "explains the gap", "challenges_gap": "challenges the gap", "context": "context"}

#: Badge text of a fact-check verdict.
VERDICTS = {
    "incorrect": "Incorrect",
    "inconsistent": "Inconsistent",
    "misleading": "Misleading",
    "disputed": "Disputed",
    "unsupported": "Unsupported",
    "simplification": "Simplification",
}

# Okabe-Ito colours: distinguishable with colour-blindness and in greyscale print by lightness.
#: Mark colour of a stance (bars, points, box edges).
STANCE_COLORS = {"explains_gap": "#0072B2", "challenges_gap": "#D55E00", "context": "#A0A0A0"}
#: Fill of an argument-map box of a stance.
STANCE_FILLS = {"explains_gap": "#e1eef8", "challenges_gap": "#fbe6d9", "context": "#eeeeee"}
#: Arrow colour and line style of a relation in the argument maps.
RELATION_COLORS = {"rebuts": "#D55E00", "undercuts": "#CC79A7", "qualifies": "#E69F00", "supports": "#009E73"}
RELATION_STYLES = {"rebuts": "-", "undercuts": "--", "qualifies": ":", "supports": "-"}

#: Every mapping above with the vocabulary it must cover.
COVERAGE = {
    "OUTLET_TYPES": (OUTLET_TYPES, fields.OUTLET_TYPES),
    "STANCE_HEADINGS": (STANCE_HEADINGS, fields.STANCES),
    "STANCES": (STANCES, fields.STANCES),
    "VERDICTS": (VERDICTS, fields.VERDICTS),
    "STANCE_COLORS": (STANCE_COLORS, fields.STANCES),
    "STANCE_FILLS": (STANCE_FILLS, fields.STANCES),
    "RELATION_COLORS": (RELATION_COLORS, fields.RELATION_TYPES),
    "RELATION_STYLES": (RELATION_STYLES, fields.RELATION_TYPES),
}


def missing() -> dict[str, list[str]]:
    """Vocabulary values without an entry, per mapping (empty when every value is covered)."""
    out = {name: [v for v in vocabulary if v not in mapping] for name, (mapping, vocabulary) in COVERAGE.items()}
    return {name: values for name, values in out.items() if values}
