"""The report's matplotlib charts (coverage, timeline, argument maps): one style, legible in print, each
function returning a matplotlib Figure. The two bar charts are SVG templates (:mod:`shieldgap.svg_charts`).

Colours and legend labels of coded values come from :mod:`shieldgap.labels`; which charts a report
shows, their numbers and captions are :mod:`shieldgap.figures`' and the templates' business.
"""
from __future__ import annotations

import re
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from .analysis import Analysis  # noqa: E402
from .figuredata import argument_chains, timeline_points  # noqa: E402
from .labels import RELATION_COLORS, RELATION_STYLES, STANCE_COLORS, STANCE_FILLS  # noqa: E402
from .labels import STANCES as STANCE_LABELS  # noqa: E402

WIDTH = 7.0  # inches: fits an A4 page with 15 mm margins

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e5e5e5",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
}


def styled(fn):
    def wrapper(*args, **kwargs):
        with plt.rc_context(STYLE):
            return fn(*args, **kwargs)
    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def _theme_labels(a: Analysis) -> dict:
    return a.ledger.themes["label"].to_dict()


@styled
def coverage(a: Analysis):
    """Articles (rows, in date order) by theme (columns): how many claims each article contributes to each
    theme. Articles are rows so that forty of them stay legible, each labelled with its outlet and date."""
    labels = _theme_labels(a)
    arts = a.ledger.articles
    table = a.claims.groupby(["article_id", "theme"]).size().unstack(fill_value=0)
    rows = [i for i in a.articles.index if i in table.index]
    cols = [t for t in a.themes.index if t in table.columns]
    table = table.reindex(index=rows, columns=cols, fill_value=0)
    names = [f"{textwrap.shorten(str(arts.at[i, 'outlet']), 34, placeholder='…')}, "
             f"{arts.at[i, 'published'].date()}" for i in rows]
    vals = table.to_numpy()
    fig, ax = plt.subplots(figsize=(WIDTH, 0.21 * len(rows) + 1.4))
    ax.imshow(vals, cmap="Blues", aspect="auto", vmin=0, vmax=max(1, vals.max()))
    for (i, j), v in np.ndenumerate(vals):
        if v:
            ax.text(j, i, str(v), ha="center", va="center", fontsize=7,
                    color="white" if v > vals.max() / 2 else "black")
    ax.set_yticks(range(len(rows)), names, fontsize=7)
    ax.set_xticks(range(len(cols)), [textwrap.fill(str(labels.get(t, t)), 11, break_long_words=False) for t in cols],
                  fontsize=6.5)
    ax.xaxis.tick_top()
    ax.grid(False)
    for sp in ax.spines.values():
        sp.set_visible(False)
    return fig


WRAP = 27  # characters per line in an argument-map box


#: A word ending in a full stop that does not end a sentence: initials and dotted abbreviations ("U.S.", "U.S.C."),
#: titles and short forms ("Gen.", "No.", "approx.").
_ABBREVIATION_RX = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Z]\.|(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sen|Rep|Gov|St|No|Nos|vs|"
                              r"approx|e\.g|i\.e|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.")
_SENTENCE_END_RX = re.compile(r"[.!?][\"\u201d\u2019)]*\s+(?=[A-Z0-9\"\u201c(])")


NOTE_CHARS = 200  # an analyst note's first sentence longer than this shows its first clause


def _first_sentence(text: str) -> str:
    """An analyst note's first sentence (the box shows whole sentences, never a cut one; the note is in full
    in Appendix D). A full stop after an initial or abbreviation ("U.S.", "10 U.S.C.", "Gen.") ends none; a
    sentence longer than ``NOTE_CHARS`` shows its first clause (up to a semicolon or colon) and an ellipsis."""
    flat = " ".join(str(text).split())
    first = flat
    for m in _SENTENCE_END_RX.finditer(flat):
        word = flat[:m.start() + 1].rsplit(" ", 1)[-1]
        if not _ABBREVIATION_RX.fullmatch(word.lstrip("(\"\u201c")):
            first = flat[:m.end()].rstrip()
            break
    clause = re.match(r"(.+?[;:]) ", first)
    if len(first) > NOTE_CHARS and clause:  # a long sentence: its first clause, marked as cut there
        first = clause.group(1) + " \u2026"
    return first


def _label(node, g, relation=None) -> str:
    """The node's text wrapped at whole words (a word longer than a line keeps its line; the box's font shrinks):
    a claim's one-sentence summary, or an analyst note's first sentence."""
    d = g[node]
    head = f"[{relation}] " if relation else ""
    text = _first_sentence(d["text"]) if d["kind"] == "note" else d["text"]
    label = head + f"{d.get('claim', node)}  " + ("ANALYST NOTE: " if d["kind"] == "note" else "") + text
    return textwrap.fill(label, WRAP, break_long_words=False, break_on_hyphens=False)


BOX_W = 0.92  # box width in data units (the axes span 3.1 units across the figure width)
LINE_H, BOX_PAD = 1.08, 1.6  # a wrapped line's height and a box's padding, in data units


def _box_height(label: str) -> float:
    return LINE_H * (label.count("\n") + 1) + BOX_PAD


def _box(ax, x, y, node, g, relation=None):
    """A fixed-width box with the node's wrapped label; returns its height in data units."""
    from matplotlib.patches import FancyBboxPatch

    d = g[node]
    label = _label(node, g, relation)
    h = _box_height(label)
    face = "#fff6d5" if d["kind"] == "note" else STANCE_FILLS[d["stance"]]
    ax.add_patch(FancyBboxPatch((x, y - h / 2), BOX_W, h, boxstyle="round,pad=0,rounding_size=0.25", fc=face,
                                ec=STANCE_COLORS[d["stance"]], lw=1.0, ls="--" if d["kind"] == "note" else "-",
                                mutation_aspect=4, zorder=2))
    longest = max(len(line) for line in label.splitlines())
    ax.text(x + 0.03, y, label, ha="left", va="center", fontsize=6.6 * min(1.0, WRAP / longest), zorder=3)
    return h


def _arrow(ax, x_from, x_to, y, relation):
    ax.annotate("", xy=(x_to, y), xytext=(x_from, y),
                arrowprops=dict(arrowstyle="-|>", color=RELATION_COLORS[relation], lw=1.5,
                                linestyle=RELATION_STYLES[relation], shrinkA=0, shrinkB=1))


@styled
def argument_map(a: Analysis, theme: str | None = None):
    """Argument chains of one theme: each explanation, its strongest answer, and the strongest reply to that."""
    themes = [theme] if theme else list(a.themes.index)
    rows = []
    g = None
    for t in themes:
        chains, g = argument_chains(a, t)
        rows += chains
    if not rows:
        fig, ax = plt.subplots(figsize=(WIDTH, 0.5))
        ax.axis("off")
        ax.text(0, 0.5, "No explanation of the gap among the selected claims of this theme.", fontsize=8)
        return fig
    def head(edge, shown):  # the relation, and the statement it answers when that is not the box it points at
        t = edge["target"]
        return edge["relation"] + (f" {g[t].get('claim', t) if t in g else t}" if t != shown else "")

    heads = [(None, head(e1, cid) if ans else None, head(e2, ans) if rep else None)
             for cid, ans, e1, rep, e2 in rows]
    lines = [max(_box_height(_label(n, g, h)) for n, h in zip((r[0], r[1], r[3]), hs) if n)
             for r, hs in zip(rows, heads)]
    gap = 1.0
    units = sum(lines) + gap * len(lines) + 2.0
    fig, ax = plt.subplots(figsize=(WIDTH, 0.125 * units + 0.2))
    xs = (0.0, 1.09, 2.18)
    ax.set_xlim(0, 3.1)
    ax.set_ylim(-units + 2.0, 2.0)
    ax.axis("off")
    for x, head in zip(xs, ("Explanation", "Strongest answer", "Strongest reply to the answer")):
        ax.text(x, 1.0, head, fontsize=8, fontweight="bold", va="center")
    y = 0.0
    for (cid, ans, e1, rep, e2), n, (_, h1, h2) in zip(rows, lines, heads):
        yc = y - n / 2
        _box(ax, xs[0], yc, cid, g)
        if ans:
            _box(ax, xs[1], yc, ans, g, h1)
            _arrow(ax, xs[1], xs[0] + BOX_W, yc, e1["relation"])
            if rep:
                _box(ax, xs[2], yc, rep, g, h2)
                _arrow(ax, xs[2], xs[1] + BOX_W, yc, e2["relation"])
        else:
            ax.text(xs[1], yc, "no answer among the selected sources", fontsize=6.6, style="italic", va="center",
                    color="#666666")
        y -= n + gap
    return fig


#: Marker of an event kind on the timeline (shape carries the kind; colour only repeats it).
EVENT_MARKERS = {"invasion": "X", "attack": "X", "incursion": "X", "briefing": "s", "statement": "D",
                 "meeting": "p", "agreement": "P"}
#: Marker of a statement's stance on the timeline (shape and colour both carry it).
STANCE_MARKERS = {"explains_gap": "^", "challenges_gap": "v", "context": "o"}
TIMELINE_GAP = 45  # days without an event or statement that break the time axis


def _segments(dates: pd.Series) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    days = sorted(set(dates))
    out = [[days[0], days[0]]]
    for d in days[1:]:
        if (d - out[-1][1]).days > TIMELINE_GAP:
            out.append([d, d])
        else:
            out[-1][1] = d
    return [tuple(x) for x in out]


TIMELINE_ROW = 0.2  # inches per speaker: 40 speakers fit an A4 page without shrinking the text
TIMELINE_LABEL_LEVELS = 3  # event labels staggered over this many heights


@styled
def timeline(a: Analysis):
    """Events (top row, by kind) and each speaker's statements (by stance; hollow: only the article's date is
    known) on one time axis, broken where nothing happened for more than TIMELINE_GAP days."""
    ev, st = timeline_points(a)
    order = ["Events"] + st.groupby("speaker")["date"].min().sort_values().index.tolist()
    ypos = {w: i for i, w in enumerate(order)}
    segs = _segments(pd.concat([ev["date"], st["date"]]))
    spans = [max((b - e0).days, 1) for e0, b in segs]
    legend_lines = (len(ev) + 1) // 2
    fig = plt.figure(figsize=(WIDTH, TIMELINE_ROW * len(order) + 1.5 + 0.14 * legend_lines))
    grid = fig.add_gridspec(2, len(segs), width_ratios=[np.sqrt(x) + 2.5 for x in spans], wspace=0.06,
                            height_ratios=[TIMELINE_ROW * len(order) + 1.1, 0.14 * legend_lines + 0.45], hspace=0.12,
                            top=0.93, bottom=0.01)
    for k, (start, stop) in enumerate(segs):
        ax = fig.add_subplot(grid[0, k])
        pad = pd.Timedelta(days=max(1.5, 0.08 * (stop - start).days))
        ax.set_xlim(start - pad, stop + pad)
        ax.set_ylim(len(order) - 0.4, -0.4 - 0.75 * TIMELINE_LABEL_LEVELS)
        here = ev[(ev["date"] >= start) & (ev["date"] <= stop)]
        for date in here["date"]:
            ax.axvline(date, color="#bbbbbb", lw=0.6, ls=":", zorder=1)
        for kind, group in here.groupby("kind"):  # one collection per marker shape, not one per point
            ax.scatter(group["date"], np.zeros(len(group)), marker=EVENT_MARKERS[kind], s=40, color="#333333",
                       zorder=3)
        labelled = ev[(ev["date"] >= start) & (ev["date"] <= stop)].groupby("date")["event_id"].agg(" ".join)
        for j, (date, ids) in enumerate(labelled.items()):  # staggered heights so that neighbours do not collide
            ax.text(date, -0.4 - 0.75 * (j % TIMELINE_LABEL_LEVELS), ids.replace(" ", "/"), ha="center", va="bottom",
                    fontsize=6.5)
        part = st[(st["date"] >= start) & (st["date"] <= stop)]
        for (stance, dated), group in part.groupby(["stance", "dated"]):  # one collection per marker style
            color = STANCE_COLORS[stance]
            offset = {"explains_gap": -0.18, "challenges_gap": 0.18, "context": 0.0}[stance]
            ax.scatter(group["date"], group["speaker"].map(ypos) + offset, marker=STANCE_MARKERS[stance], s=30,
                       facecolor=color if dated else "white", edgecolor=color, linewidth=1.1, zorder=4)
        ax.set_yticks(range(len(order)), [textwrap.shorten(w, 34, placeholder="…") for w in order] if k == 0 else [])
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", visible=False)
        ax.set_xticks([start] if (stop - start).days < 20 else [start, stop])
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y"))
        ax.tick_params(axis="x", labelsize=6.5)
        if k:
            ax.spines["left"].set_linestyle((0, (2, 2)))
    handles = [Line2D([0], [0], marker=STANCE_MARKERS[s], color=c, ls="", label=STANCE_LABELS[s])
               for s, c in STANCE_COLORS.items()]
    handles += [Line2D([0], [0], marker="o", color="#555555", ls="", label="said on (dated)"),
                Line2D([0], [0], marker="o", markerfacecolor="white", color="#555555", ls="",
                       label="reported on (article's date)")]
    handles += [Line2D([0], [0], marker=m, color="#333333", ls="", label=kind)
                for kind, m in (("attack / invasion", "X"), ("briefing", "s"), ("statement", "D"),
                                ("meeting", "p"), ("agreement", "P"))]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=5, fontsize=7)
    key = fig.add_subplot(grid[1, :])
    key.axis("off")
    names = [f"{e.event_id} {e.date:%d %b %Y}  {textwrap.shorten(e.title, 50, placeholder='…')}"
             for e in ev.itertuples()]
    for col, chunk in enumerate((names[:legend_lines], names[legend_lines:])):
        key.text(-0.28 + 0.66 * col, 0.9, "\n".join(chunk), va="top", ha="left", fontsize=6.5,
                 transform=key.transAxes, linespacing=1.35)
    return fig
