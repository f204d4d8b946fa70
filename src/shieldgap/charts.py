"""The report's figures: one matplotlib style, legible in print, each returned as a Figure."""
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

# Okabe-Ito colours: distinguishable with colour-blindness and in greyscale print by lightness.
STANCE_COLORS = {"explains_gap": "#0072B2", "challenges_gap": "#D55E00", "context": "#A0A0A0"}
STANCE_LABELS = {"explains_gap": "explains the gap", "challenges_gap": "challenges the gap", "context": "context"}
RELATION_COLORS = {"rebuts": "#D55E00", "undercuts": "#CC79A7", "qualifies": "#E69F00", "supports": "#009E73"}
RELATION_STYLES = {"rebuts": "-", "undercuts": "--", "qualifies": ":", "supports": "-"}
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
        for y, (l, v) in enumerate(zip(left, vals)):
            if v:
                ax.text(l + v / 2, y, str(v), ha="center", va="center", fontsize=7,
                        color="white" if stance != "context" else "black")
        left += vals
    ax.set_xlabel("claims (appearances in articles)")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", ncols=3, bbox_to_anchor=(1, 1.0))
    return fig


@styled
def coverage(a: Analysis):
    labels = _theme_labels(a)
    arts = a.ledger.articles
    names = {aid: f"{textwrap.shorten(arts.at[aid, 'outlet'], 34, placeholder='…')}\n"
                  f"{arts.at[aid, 'published'].date()} · {arts.at[aid, 'outlet_type'].replace('_', ' ')}" for aid in arts.index}
    table = a.claims.groupby(["article_id", "theme"]).size().unstack(fill_value=0)
    table = table.reindex(index=[i for i in a.articles.index if i in table.index])
    themes = [t for t in a.themes.index if t in table.columns]
    table = table[themes]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.55 * len(table) + 1.9))
    ax.imshow(table.to_numpy(), cmap="Blues", aspect="auto", vmin=0, vmax=max(1, table.to_numpy().max()))
    for (i, j), v in np.ndenumerate(table.to_numpy()):
        if v:
            ax.text(j, i, str(v), ha="center", va="center", fontsize=8,
                    color="white" if v > table.to_numpy().max() / 2 else "black")
    ax.set_xticks(range(len(themes)), [labels.get(t, t) for t in themes], rotation=35, ha="left", rotation_mode="anchor",
                  fontsize=7)
    ax.set_yticks(range(len(table)), [names[i] for i in table.index], fontsize=7)
    ax.xaxis.tick_top()
    ax.grid(False)
    for s in ax.spines.values():
        s.set_visible(False)
    return fig


def _map_nodes(a: Analysis, theme: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical nodes and edges of one theme's argument map."""
    canon = a.claims.set_index("claim_id")["canonical_id"].to_dict()
    node_of = lambda i: canon.get(i, i)  # noqa: E731
    rel = a.relations.assign(src=a.relations["source_id"].map(node_of), tgt=a.relations["target_id"].map(node_of))
    stance = {**a.claims.set_index("canonical_id")["stance"].to_dict(),
              **(a.notes.set_index("note_id")["stance"].to_dict() if not a.notes.empty else {})}
    theme_of = {**a.claims.set_index("canonical_id")["theme"].to_dict(),
                **(a.notes.set_index("note_id")["theme"].to_dict() if not a.notes.empty else {})}
    in_theme = {n for n, t in theme_of.items() if t == theme}
    edges = rel[rel["tgt"].isin(in_theme) | (rel["src"].isin(in_theme) & rel["relation"].ne("supports"))]
    edges = edges.drop_duplicates(["src", "tgt", "relation"])
    nodes = sorted(set(edges["src"]) | set(edges["tgt"]))
    e_of = {**a.claims.groupby("canonical_id")["e"].max().to_dict(),
            **(a.notes.set_index("note_id")["e"].to_dict() if not a.notes.empty else {})}
    nd = pd.DataFrame({"node": nodes, "stance": [stance.get(n, "context") for n in nodes],
                       "e": [e_of.get(n, 1.0) for n in nodes], "own": [n in in_theme for n in nodes],
                       "note": [n.startswith("N") for n in nodes]})
    return nd, edges


@styled
def argument_map(a: Analysis, themes: list[str] | None = None):
    """Small multiples: per theme, explanations left, challenges right, context and notes between."""
    labels = _theme_labels(a)
    themes = [t for t in (themes or a.themes.index) if not _map_nodes(a, t)[1].empty]
    if not themes:
        fig, ax = plt.subplots(figsize=(WIDTH, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "No counterarguments among the selected claims.", ha="center")
        return fig
    ncols = 2
    nrows = int(np.ceil(len(themes) / ncols))
    sizes = [max(len(_map_nodes(a, t)[0][lambda d: d.stance == s]) for s in STANCE_COLORS) for t in themes]
    row_h = [max(sizes[i:i + ncols]) for i in range(0, len(themes), ncols)]
    fig, axes = plt.subplots(nrows, ncols, figsize=(WIDTH, sum(0.32 * h + 0.9 for h in row_h) + 0.6),
                             gridspec_kw={"height_ratios": [0.32 * h + 0.9 for h in row_h]}, squeeze=False)
    xcol = {"explains_gap": 0.0, "context": 1.0, "challenges_gap": 2.0}
    for ax, theme in zip(axes.flat, themes):
        nd, edges = _map_nodes(a, theme)
        pos = {}
        for stance, x in xcol.items():
            col = nd[nd["stance"] == stance].sort_values(["own", "e"], ascending=False)
            n = len(col)
            for k, node in enumerate(col["node"]):
                pos[node] = (x, (n - 1) / 2 - k)
        for e in edges.itertuples():
            (x1, y1), (x2, y2) = pos[e.src], pos[e.tgt]
            ax.annotate("", xy=(x2, y2), xytext=(x1, y1),
                        arrowprops=dict(arrowstyle="-|>", color=RELATION_COLORS[e.relation], lw=0.5 + e.strength / 4,
                                        linestyle=RELATION_STYLES[e.relation], shrinkA=11, shrinkB=11,
                                        connectionstyle="arc3,rad=0.12", alpha=0.85))
        for r in nd.itertuples():
            x, y = pos[r.node]
            ax.scatter([x], [y], s=110 + 40 * r.e, marker="s" if r.note else "o", color=STANCE_COLORS[r.stance],
                       edgecolor="black" if r.own else "white", linewidth=0.8, alpha=1 if r.own else 0.55, zorder=3)
            ax.text(x, y - 0.38, r.node, ha="center", va="top", fontsize=6.5, zorder=4)
        ax.set_title(labels.get(theme, theme), fontsize=9)
        ax.set_xlim(-0.5, 2.5)
        ys = [p[1] for p in pos.values()] or [0]
        ax.set_ylim(min(ys) - 0.8, max(ys) + 0.5)
        ax.set_xticks([0, 1, 2], ["explains", "context /\nanalyst", "challenges"], fontsize=7)
        ax.set_yticks([])
        ax.grid(False)
        for s in ("left", "bottom"):
            ax.spines[s].set_visible(False)
    for ax in list(axes.flat)[len(themes):]:
        ax.axis("off")
    handles = [Line2D([0], [0], color=c, lw=1.5, linestyle=RELATION_STYLES[r], label=r) for r, c in RELATION_COLORS.items()]
    handles += [Line2D([0], [0], marker="o", lw=0, color=c, label=STANCE_LABELS[s]) for s, c in STANCE_COLORS.items()]
    handles += [Line2D([0], [0], marker="s", lw=0, color="#A0A0A0", label="analyst note")]
    fig.legend(handles=handles, loc="upper center", ncols=4, bbox_to_anchor=(0.5, 1.0), fontsize=7)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.5 / fig.get_figheight()))
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
    ax.errorbar(b["balance"], y, xerr=[np.clip(b["balance"] - b["p05"], 0, None), np.clip(b["p95"] - b["balance"], 0, None)],
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
