"""The report's charts: one matplotlib style, legible in print, each function returning a matplotlib Figure.

Colours and legend labels of coded values come from :mod:`shieldgap.labels`; which charts a report
shows, their numbers and captions are :mod:`shieldgap.figures`' and the templates' business.
"""
from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from .analysis import Analysis  # noqa: E402
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
def claims_by_theme(a: Analysis):
    labels = _theme_labels(a)
    counts = a.claims.groupby(["theme", "stance"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(STANCE_COLORS), fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values().index]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.38 * len(counts) + 1.1))
    left = np.zeros(len(counts))
    for stance, color in STANCE_COLORS.items():
        vals = counts[stance].to_numpy()
        ax.barh([labels.get(t, t) for t in counts.index], vals, left=left, color=color, label=STANCE_LABELS[stance],
                height=0.65)
        for y, (start, v) in enumerate(zip(left, vals)):
            if v:
                ax.text(start + v / 2, y, str(v), ha="center", va="center", fontsize=7,
                        color="white" if stance != "context" else "black")
        left += vals
    ax.set_xlabel("claims (appearances in articles)")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", ncols=3, bbox_to_anchor=(1, 1.0))
    return fig


@styled
def coverage(a: Analysis):
    """Themes (rows) by article (columns): how many claims each article contributes to each theme."""
    labels = _theme_labels(a)
    arts = a.ledger.articles
    table = a.claims.groupby(["theme", "article_id"]).size().unstack(fill_value=0)
    cols = [i for i in a.articles.index if i in table.columns]
    rows = [t for t in a.themes.index if t in table.index]
    table = table.reindex(index=rows, columns=cols, fill_value=0)
    names = [textwrap.fill(arts.at[i, "outlet"], 18) + f"\n{arts.at[i, 'published'].date()}\n"
             + textwrap.fill(arts.at[i, "outlet_type"].replace("_", " "), 14) for i in cols]
    vals = table.to_numpy()
    fig, ax = plt.subplots(figsize=(WIDTH, 0.36 * len(rows) + 1.6))
    ax.imshow(vals, cmap="Blues", aspect="auto", vmin=0, vmax=max(1, vals.max()))
    for (i, j), v in np.ndenumerate(vals):
        if v:
            ax.text(j, i, str(v), ha="center", va="center", fontsize=8,
                    color="white" if v > vals.max() / 2 else "black")
    ax.set_yticks(range(len(rows)), [labels.get(t, t) for t in rows])
    ax.set_xticks(range(len(cols)), names, fontsize=7)
    ax.xaxis.tick_top()
    ax.grid(False)
    for sp in ax.spines.values():
        sp.set_visible(False)
    return fig


WRAP = 27  # characters per line in an argument-map box


def argument_graph(a: Analysis):
    """networkx DiGraph of the selected arguments: nodes are canonical claims and analyst notes, an edge
    runs from an answer to the argument it answers, weighted by the attack's impact."""
    import networkx as nx

    canon = a.claims.set_index("claim_id")["canonical_id"].to_dict()
    g = nx.DiGraph()
    best = a.claims.sort_values("e", ascending=False).drop_duplicates("canonical_id").set_index("canonical_id")
    for cid, c in best.iterrows():
        g.add_node(cid, kind="claim", stance=c["stance"], theme=c["theme"], e=float(c["e"]), text=c["summary"])
    for nid, n in a.notes.iterrows():
        g.add_node(nid, kind="note", stance=n["stance"], theme=n["theme"], e=float(n["e"]), text=n["text"])
    for r in a.relations.itertuples():
        src, tgt = canon.get(r.source_id, r.source_id), canon.get(r.target_id, r.target_id)
        if src in g and tgt in g and src != tgt:
            old = g.get_edge_data(src, tgt)
            if old is None or r.impact > old["impact"]:
                g.add_edge(src, tgt, relation=r.relation, impact=float(r.impact), strength=int(r.strength))
    return g


def _strongest_answer(g, node, exclude=()):
    attacks = [(u, d) for u, _, d in g.in_edges(node, data=True) if d["relation"] != "supports" and u not in exclude]
    return max(attacks, key=lambda x: (x[1]["impact"], x[1]["strength"]), default=None)


def argument_chains(a: Analysis, theme: str) -> list[tuple]:
    """Per explanation of ``theme`` (strongest first): (explanation, answer, edge, reply, edge) or Nones."""
    g = a.__dict__.get("_graph")
    if g is None:
        g = a.__dict__["_graph"] = argument_graph(a)
    expl = a.arguments[(a.arguments["theme"] == theme) & (a.arguments["stance"] == "explains_gap")]
    chains = []
    for cid in expl.sort_values("score", ascending=False)["canonical_id"]:
        ans = _strongest_answer(g, cid)
        rep = _strongest_answer(g, ans[0], exclude=(cid,)) if ans else None
        chains.append((cid, ans[0] if ans else None, ans[1] if ans else None,
                       rep[0] if rep else None, rep[1] if rep else None))
    return chains, g


def _label(node, g, relation=None) -> str:
    d = g.nodes[node]
    head = f"[{relation}] " if relation else ""
    label = head + f"{node}  " + ("ANALYST NOTE: " if d["kind"] == "note" else "") + d["text"]
    return textwrap.fill(textwrap.shorten(label, 140, placeholder="…"), WRAP)


BOX_W = 0.92  # box width in data units (the axes span 3.1 units across the figure width)


def _box(ax, x, y, node, g, relation=None):
    """A fixed-width box with the node's wrapped label; returns its height in data units."""
    from matplotlib.patches import FancyBboxPatch

    d = g.nodes[node]
    label = _label(node, g, relation)
    h = 0.95 * (label.count("\n") + 1) + 1.5
    face = "#fff6d5" if d["kind"] == "note" else STANCE_FILLS[d["stance"]]
    ax.add_patch(FancyBboxPatch((x, y - h / 2), BOX_W, h, boxstyle="round,pad=0,rounding_size=0.25", fc=face,
                                ec=STANCE_COLORS[d["stance"]], lw=1.0, ls="--" if d["kind"] == "note" else "-",
                                mutation_aspect=4, zorder=2))
    ax.text(x + 0.03, y, label, ha="left", va="center", fontsize=6.6, zorder=3)
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
    lines = [max(0.95 * (_label(n, g, "undercuts").count("\n") + 1) + 1.5 for n in (r[0], r[1], r[3]) if n)
             for r in rows]
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
    for (cid, ans, e1, rep, e2), n in zip(rows, lines):
        yc = y - n / 2
        _box(ax, xs[0], yc, cid, g)
        if ans:
            _box(ax, xs[1], yc, ans, g, e1["relation"])
            _arrow(ax, xs[1], xs[0] + BOX_W, yc, e1["relation"])
            if rep:
                _box(ax, xs[2], yc, rep, g, e2["relation"])
                _arrow(ax, xs[2], xs[1] + BOX_W, yc, e2["relation"])
        else:
            ax.text(xs[1], yc, "no answer among the selected sources", fontsize=6.6, style="italic", va="center",
                    color="#666666")
        y -= n + gap
    return fig


@styled
def timeline(a: Analysis):
    c = a.claims.copy()
    names = a.ledger.actors["name"].to_dict()
    c["who"] = [names.get(x, "Outlet's own voice") if x != "@outlet" else "Outlet's own voice" for x in c["actor_id"]]
    c = c[c["who"] != "Outlet's own voice"]
    order = c.groupby("who")["date"].min().sort_values().index.tolist()
    fig, ax = plt.subplots(figsize=(WIDTH, 0.3 * len(order) + 1.2))
    ypos = {w: i for i, w in enumerate(order)}
    rng = np.random.default_rng(0)
    for stance, color in STANCE_COLORS.items():
        d = c[c["stance"] == stance]
        jitter = pd.to_timedelta(rng.uniform(-4, 4, len(d)), unit="D")
        ax.scatter(d["date"] + jitter, [ypos[w] + rng.uniform(-0.15, 0.15) for w in d["who"]], s=22, color=color,
                   edgecolor="white", linewidth=0.4, label=STANCE_LABELS[stance], zorder=3)
    ax.set_yticks(range(len(order)), [textwrap.shorten(w, 40, placeholder="…") for w in order])
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    ax.legend(loc="lower right", ncols=3, bbox_to_anchor=(1, 1.0))
    ax.set_xlabel("date of statement (or of the article reporting it)")
    return fig


@styled
def balance(a: Analysis):
    labels = _theme_labels(a)
    b = a.balance.join(a.sensitivity["band"][["p05", "p95"]], how="left").sort_values("balance")
    fig, ax = plt.subplots(figsize=(WIDTH, 0.38 * len(b) + 1.2))
    colors = [STANCE_COLORS["explains_gap"] if v >= 0 else STANCE_COLORS["challenges_gap"] for v in b["balance"]]
    y = np.arange(len(b))
    ax.barh(y, b["balance"], color=colors, height=0.6)
    ax.errorbar(b["balance"], y,
                xerr=[np.clip(b["balance"] - b["p05"], 0, None), np.clip(b["p95"] - b["balance"], 0, None)],
                fmt="none", ecolor="black", elinewidth=0.9, capsize=3)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [labels.get(t, t) for t in b.index])
    ax.set_xlabel("weighted balance  (← challenges the gap · explains the gap →)")
    ax.grid(axis="y", visible=False)
    handles = [Patch(color=STANCE_COLORS["explains_gap"], label="explanations outweigh"),
               Patch(color=STANCE_COLORS["challenges_gap"], label="challenges outweigh"),
               Line2D([0], [0], color="black", lw=0.9, label="5–95 % band, perturbed weights")]
    ax.legend(handles=handles, loc="lower right", ncols=3, bbox_to_anchor=(1, 1.0))
    return fig
