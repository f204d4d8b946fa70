"""The report's figures: :class:`Figures` numbers them in document order and draws each one once, when
the document first shows it.

The document's figures are known before anything is drawn: the four overview charts, in the order
notebooks/report.ipynb shows them (``OVERVIEW``), then one argument map per theme section that shows
one (the caller passes those themes). Each gets its number at construction, so displaying a figure
again — re-running a notebook cell — returns the same figure with the same number, and a figure the
document does not show is never drawn.

Figures are drawn in the calling process. Drawing them in two forked worker processes while the
kernel built the tables (as the report did before) did not pay for itself: measured on the project's
2-core machine, the kernel's work took longer with the workers (median 4.9 s) than without (3.4 s).

The two bar charts are drawn from SVG templates (:mod:`shieldgap.svg_charts`, the explorer's drawing too) in
milliseconds; the others with matplotlib (:mod:`shieldgap.charts`). A matplotlib figure is kept in the
project's ``.cache/figures/`` (never in a data folder) under a key made of
what it is drawn from — the chart, its theme, the values it reads from the analysis
(:func:`shieldgap.figuredata.basis`) — and the code and library versions that draw it. A render whose change
leaves a figure's values alone reuses it (new theme weights draw nothing with matplotlib); any change to
them draws afresh. The cache is bounded (``CACHE_KEEP`` files, oldest
removed first) and a file that cannot be read or written only costs a drawing.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
from dataclasses import dataclass

#: The overview charts, in the order the report shows them (figures 1 to 4).
OVERVIEW = ("balance", "claims_by_theme", "coverage", "timeline")
ARGUMENT_MAP = "argument_map"
CACHE_KEEP = 300  # figure files kept in .cache/figures/


@dataclass(frozen=True)
class Figure:
    """One drawn figure: its number in the document, what it shows, and the SVG as base64."""

    number: int
    chart: str  # the function of shieldgap.charts that drew it
    theme: str | None  # the theme of an argument map
    label: str  # the theme's label (argument maps), for the caption
    svg_base64: str
    data: object = None  # figuredata.FigureData: the text alternative (its finding) and the data table

    @property
    def name(self) -> str:
        """The figure's id in the document (``fig-<name>``)."""
        return f"map-{self.theme}" if self.chart == ARGUMENT_MAP else self.chart


def draw_svg(analysis, chart: str, theme: str | None = None) -> bytes:
    """Draw one chart as SVG with text kept as text: crisp in print and searchable. The bar charts
    (:data:`shieldgap.svg_charts.CHARTS`) come from their templates; the others are :mod:`shieldgap.charts`'
    matplotlib drawings (matplotlib is imported on first use)."""
    from . import svg_charts

    if chart in svg_charts.CHARTS or chart == ARGUMENT_MAP:
        return svg_charts.svg(analysis, chart, theme).encode()
    import matplotlib.pyplot as plt

    from . import charts

    fig = getattr(charts, chart)(analysis, *([theme] if theme else []))
    buf = io.BytesIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "shieldgap"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.05, metadata={"Date": None})
    plt.close(fig)
    return buf.getvalue()


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
            svg = self._cached_svg(chart, theme)
            from .figuredata import describe

            self._drawn[key] = Figure(self.numbers[key], chart, theme, self._labels.get(theme, "") if theme else "",
                                      base64.b64encode(svg).decode(), describe(self.analysis, chart, theme))
        return self._drawn[key]

    def _cache_key(self, chart: str, theme: str | None) -> str:
        """What the figure is drawn from (:func:`shieldgap.figuredata.basis`) and the code that draws it."""
        from .figuredata import basis
        from .report_cache import code_fingerprint

        data = [chart, theme, basis(self.analysis, chart, theme), code_fingerprint()]
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()

    def _cached_svg(self, chart: str, theme: str | None) -> bytes:
        from . import svg_charts
        from .io_utils import atomic_write_bytes
        from .paths import cache_dir
        from .report_cache import enabled

        if not enabled() or chart in svg_charts.CHARTS or chart == ARGUMENT_MAP:  # those take milliseconds to draw
            return draw_svg(self.analysis, chart, theme)
        folder = cache_dir() / "figures"
        path = folder / f"{self._cache_key(chart, theme)}.svg"
        try:
            svg = path.read_bytes()
            if svg.startswith(b"<?xml"):
                return svg
        except OSError:
            pass
        svg = draw_svg(self.analysis, chart, theme)
        try:
            atomic_write_bytes(path, svg, fsync=False)
            old = sorted(folder.glob("*.svg"), key=lambda p: p.stat().st_mtime)[:-CACHE_KEEP]
            for stale in old:
                stale.unlink(missing_ok=True)
        except OSError:
            pass
        return svg
