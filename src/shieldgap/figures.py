"""The report's figures: :class:`Figures` numbers them in document order and draws each one once, when
the document first shows it.

The document's figures are known before anything is drawn: the four overview charts, in the order
notebooks/report.ipynb shows them (``OVERVIEW``), then one argument map per theme section that shows
one (the caller passes those themes). Each gets its number at construction, so displaying a figure
again — re-running a notebook cell — returns the same figure with the same number, and a figure the
document does not show is never drawn.

Every figure is an SVG drawing from a template (:mod:`shieldgap.svg_charts`), with its text kept as text, crisp
in print and searchable: all of them together take about a tenth of a second, so none is cached. (They were
matplotlib drawings, which cost a render 1.2 s to draw and 0.3 s to import, and needed a figure cache.)
"""
from __future__ import annotations

import base64
from dataclasses import dataclass

#: The overview charts, in the order the report shows them (figures 1 to 4).
OVERVIEW = ("balance", "claims_by_theme", "coverage", "timeline")
ARGUMENT_MAP = "argument_map"


@dataclass(frozen=True)
class Figure:
    """One drawn figure: its number in the document, what it shows, and the SVG as base64."""

    number: int
    chart: str  # the chart (shieldgap.svg_charts.CHARTS)
    theme: str | None  # the theme of an argument map
    label: str  # the theme's label (argument maps), for the caption
    svg_base64: str
    data: object = None  # figuredata.FigureData: the text alternative (its finding) and the data table

    @property
    def name(self) -> str:
        """The figure's id in the document (``fig-<name>``)."""
        return f"map-{self.theme}" if self.chart == ARGUMENT_MAP else self.chart


def draw_svg(analysis, chart: str, theme: str | None = None) -> bytes:
    """One chart (``theme``'s, for an argument map) as an SVG document."""
    from . import svg_charts

    return svg_charts.svg(analysis, chart, theme).encode()


class Figures:
    """The figures of one report (see the module docstring).

    ``maps`` are the themes whose sections show an argument map, in document order. :meth:`get`
    returns a :class:`Figure`; ``numbers`` maps each (chart, theme) the document shows to its number.
    """

    def __init__(self, analysis, maps):
        self.analysis = analysis
        keys = [(chart, None) for chart in OVERVIEW] + [(ARGUMENT_MAP, theme) for theme in maps]
        self.numbers = {key: n for n, key in enumerate(keys, start=1)}
        self._labels = analysis.ledger.themes["label"].to_dict()
        self._drawn: dict[tuple, Figure] = {}

    def get(self, chart: str, theme: str | None = None) -> Figure:
        """The figure, drawn on first use."""
        key = (chart, theme)
        if key not in self.numbers:
            raise KeyError(f"the report shows no figure {chart!r}" + (f" for theme {theme!r}" if theme else ""))
        if key not in self._drawn:
            from .figuredata import describe

            svg = draw_svg(self.analysis, chart, theme)
            self._drawn[key] = Figure(self.numbers[key], chart, theme, self._labels.get(theme, "") if theme else "",
                                      base64.b64encode(svg).decode(), describe(self.analysis, chart, theme))
        return self._drawn[key]
