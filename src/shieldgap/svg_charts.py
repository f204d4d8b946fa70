"""The report's charts drawn as SVG from the templates in ``templates/charts/``: the balance per theme (figure 1),
the claims by theme (figure 2) and the claims per article and theme (figure 3) here; the events timeline
(figure 4, :mod:`shieldgap.svg_timeline`) and the argument maps (:mod:`shieldgap.svg_argument_map`) in modules of
their own. :func:`svg` draws any of them.

Python lays each chart out in plain values — placing text by :func:`text_width`, an upper bound of its width —
and the template holds the markup. The report and the explorer show the same drawings:
:class:`shieldgap.figures.Figures` takes them from here (with their numbers, captions, text alternatives and
data tables), and the explorer shows the bar charts of each report it makes, redrawn on every control change
fast enough to follow a slider (a few milliseconds).
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd

from .labels import STANCE_COLORS
from .labels import STANCES as STANCE_LABELS

CHARTS = ("balance", "claims_by_theme", "coverage", "timeline", "argument_map")
WIDTH, ROW, TOP, BOTTOM = 720, 26, 44, 46  # pixels: the chart, a bar's row, above and below the bars
LABEL, KEY = 12, 11  # font sizes (px) of the bars' labels and of the key
MARGIN = 0.05  # of the data's range, left beside the longest bar or whisker (matplotlib's default margin)


#: Advance widths of DejaVu Sans in em, rounded up per group of characters; any other character counts 1 em
#: (the widest: "m", "w", "M", "W", "%", "@", "…", and whatever is not listed).
EM = {c: em for em, chars in ((0.32, "'ijlIJ,. \u2019"), (0.42, "/:;\\|f-()[]t!r"),
                              (0.58, "\"*_`\u2013\u201c\u201dszc?LFk"), (0.64, "abdeghnopquvxyEPSTY0123456789$"),
                              (0.8, "ABCDGHKNOQRUVXZ&"))
      for c in chars}


def text_width(text: str, size: float) -> float:
    """The width in pixels of ``text`` at font size ``size``, an upper bound of DejaVu Sans' own."""
    return size * sum(EM.get(c, 1.0) for c in text)


def environment():
    """The Jinja2 environment of ``templates/`` (:func:`shieldgap.templating.environment`): the charts'
    ``charts/`` and the explorer's message in ``explore/``."""
    from .templating import environment as templates

    return templates("")


def balance_rows(a) -> pd.DataFrame:
    """The themes of the balance chart, bottom bar first: those with a reason, by weighted balance."""
    return a.balance[(a.balance["n_explains"] + a.balance["n_challenges"]) > 0].sort_values("balance")


def claims_rows(a) -> pd.DataFrame:
    """The counts of the claims chart, bottom bar first: claims per theme (rows) and stance."""
    n = Counter(zip(a.claims["theme"].tolist(), a.claims["stance"].tolist()))
    themes = sorted({theme for theme, _ in n})
    counts = pd.DataFrame([[n[t, s] for s in STANCE_COLORS] for t in themes], dtype="int64",
                          index=pd.Index(themes, name="theme"), columns=pd.Index(list(STANCE_COLORS), name="stance"))
    return counts.loc[counts.sum(axis=1).sort_values().index]


def _ticks(lo: float, hi: float, n: int = 8) -> list[float]:
    """Round tick values (steps of 1, 2, 2.5 or 5 times a power of ten, about ``n`` of them) within [lo, hi]."""
    raw = ((hi - lo) or 1.0) / n
    power = 10 ** math.floor(math.log10(raw))
    step = min(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [round(k * step, 10) for k in range(math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9) + 1)]


def _frame(labels: list[str], lo: float, hi: float, items: list[dict], *, margin_low: bool = True) -> dict:
    """Geometry shared by the charts: label column, plot area, x scale, ticks and the key (``items``). The
    axis spans the data's range [lo, hi] and a margin beyond it (below ``lo`` only when ``margin_low``)."""
    left = 12 + max((text_width(x, LABEL) for x in labels), default=0)
    pad = MARGIN * ((hi - lo) or 1.0)
    lo, hi = lo - (pad if margin_low else 0.0), hi + pad
    ticks = _ticks(lo, hi)
    width = WIDTH - left - 16

    def x(v: float) -> float:
        return round(left + (v - lo) / ((hi - lo) or 1.0) * width, 2)

    height = TOP + ROW * len(labels) + BOTTOM
    key, at = [], 8.0
    for it in items:  # the key to the colours, in one line above the bars
        key.append({**it, "x": at})
        at += 17 + text_width(it["label"], KEY) + 18
    return {"left": left, "right": left + width, "width": WIDTH, "height": height, "top": TOP,
            "bottom": TOP + ROW * len(labels), "x": x,
            "ticks": [{"x": x(t), "label": f"{t:g}"} for t in ticks], "key": key}


def balance_svg(a) -> str:
    labels = a.ledger.themes["label"].to_dict()
    b = balance_rows(a).iloc[::-1]  # top bar first
    v, p05, p95 = (b[c].to_numpy(dtype=float) for c in ("balance", "p05", "p95"))
    lo, hi = v - np.clip(v - p05, 0, None), v + np.clip(p95 - v, 0, None)  # the 5-95 % whiskers
    names = [str(labels.get(t, t)) for t in b.index]
    items = [{"color": STANCE_COLORS["explains_gap"], "label": "explanations outweigh", "line": False},
             {"color": STANCE_COLORS["challenges_gap"], "label": "challenges outweigh", "line": False},
             {"color": "black", "label": "5–95 % band, perturbed weights", "line": True}]
    f = _frame(names, min(0.0, *lo), max(0.0, *hi), items)
    x = f["x"]
    rows = []
    for i, (name, value, low, high) in enumerate(zip(names, v.tolist(), lo.tolist(), hi.tolist())):
        y = f["top"] + i * ROW
        rows.append({"label": name, "y": y, "mid": y + ROW / 2, "x0": min(x(0), x(value)),
                     "w": round(abs(x(value) - x(0)), 2), "lo": x(low), "hi": x(high), "value": f"{value:+.1f}",
                     "color": STANCE_COLORS["explains_gap" if value >= 0 else "challenges_gap"]})
    return environment().get_template("charts/balance.svg.j2").render(f=f, rows=rows, zero=x(0))


def claims_by_theme_svg(a) -> str:
    labels = a.ledger.themes["label"].to_dict()
    counts = claims_rows(a).iloc[::-1]
    names = [str(labels.get(t, t)) for t in counts.index]
    items = [{"color": color, "label": STANCE_LABELS[stance], "line": False} for stance, color in STANCE_COLORS.items()]
    f = _frame(names, 0.0, float(max(counts.sum(axis=1).max(), 1)), items, margin_low=False)
    x = f["x"]
    rows = []
    for i, (name, (_theme, r)) in enumerate(zip(names, counts.iterrows())):
        y, start, segments = f["top"] + i * ROW, 0, []
        for stance, color in STANCE_COLORS.items():
            v = int(r[stance])
            if v:
                segments.append({"x": x(start), "w": x(start + v) - x(start), "mid": x(start + v / 2), "value": v,
                                 "color": color, "ink": "black" if stance == "context" else "white"})
            start += v
        rows.append({"label": name, "y": y, "mid": y + ROW / 2, "segments": segments})
    return environment().get_template("charts/claims_by_theme.svg.j2").render(f=f, rows=rows)


#: matplotlib's "Blues" colour map (ColorBrewer's nine blues), light to dark: the coverage cells' shades.
BLUES = ("#f7fbff", "#deebf7", "#c6dbef", "#9dcae1", "#6aaed6", "#4191c6", "#2070b4", "#08509b", "#08306b")
COVERAGE_ROW, COVERAGE_FONT = 19, 10  # px per article; the labels' font size
COVERAGE_SLANT = 40  # degrees: the themes' labels slant up to the left from their columns, one line each


def _shade(value: float, top: float) -> str:
    """The colour of ``value`` on a scale from 0 to ``top``: BLUES interpolated linearly, as matplotlib does."""
    pos = min(max(value / (top or 1.0), 0.0), 1.0) * (len(BLUES) - 1)
    i = min(int(pos), len(BLUES) - 2)
    lo, hi = (tuple(int(c[k:k + 2], 16) for k in (1, 3, 5)) for c in BLUES[i:i + 2])
    return "#" + "".join(f"{round(x + (y - x) * (pos - i)):02x}" for x, y in zip(lo, hi))


def coverage_svg(a) -> str:
    """Articles (rows, in date order, each labelled with its outlet and date) by theme (columns): how many claims
    each article contributes to each theme, the count written in its shaded cell."""
    import textwrap

    labels, arts = a.ledger.themes["label"].to_dict(), a.ledger.articles
    n = Counter(zip(a.claims["article_id"].tolist(), a.claims["theme"].tolist()))
    rows = [i for i in a.articles.index if any(n[i, t] for t in a.themes.index)]
    cols = [t for t in a.themes.index if any(n[i, t] for i in rows)]
    names = [f"{textwrap.shorten(str(arts.at[i, 'outlet']), 34, placeholder='…')}, {arts.at[i, 'published'].date()}"
             for i in rows]
    heads = [str(labels.get(t, t)) for t in cols]
    top = max([n[i, t] for i in rows for t in cols], default=0)
    left = 10 + max((text_width(x, COVERAGE_FONT) for x in names), default=0)
    width = (WIDTH - left - 4) / max(len(cols), 1)
    longest = max((text_width(h, COVERAGE_FONT) for h in heads), default=0)
    head = round(12 + longest * math.sin(math.radians(COVERAGE_SLANT)))
    cells = [{"x": round(left + j * width, 2), "y": head + i * COVERAGE_ROW, "value": n[r, t],
              "fill": _shade(n[r, t], max(top, 1)), "ink": "white" if n[r, t] > top / 2 else "black"}
             for i, r in enumerate(rows) for j, t in enumerate(cols)]
    return environment().get_template("charts/coverage.svg.j2").render(
        width=WIDTH, height=head + COVERAGE_ROW * len(rows) + 4, left=left, cell_w=round(width, 2),
        row=COVERAGE_ROW, head=head, names=names, cells=cells, slant=COVERAGE_SLANT,
        heads=[{"x": round(left + (j + 0.5) * width, 2), "label": h} for j, h in enumerate(heads)])


def svg(a, chart: str, theme: str | None = None) -> str:
    """The SVG of ``chart`` (one of :data:`CHARTS`; ``theme`` for an argument map) for the analysis ``a``."""
    if chart == "argument_map":
        from . import svg_argument_map

        return svg_argument_map.svg(a, theme)
    if chart == "timeline":
        from . import svg_timeline

        return svg_timeline.svg(a)
    return {"balance": balance_svg, "claims_by_theme": claims_by_theme_svg, "coverage": coverage_svg}[chart](a)
