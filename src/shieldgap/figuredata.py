"""What each figure shows, in words and numbers: the points the charts of :mod:`shieldgap.svg_charts` draw
(:func:`timeline_points`, :func:`argument_chains`), and the text alternative stating each figure's finding
with the data table a reader can open under it, all computed from the same analysis.

:func:`describe` returns a :class:`FigureData` for one chart of :mod:`shieldgap.svg_charts`; the figure
template shows ``alt`` as the image's text alternative and ``headers``/``rows`` as a table.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .labels import STANCES as STANCE_LABELS


@dataclass(frozen=True)
class FigureData:
    alt: str
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]


def timeline_points(a) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The timeline's events (date, id, kind, title) and statements (date, speaker, stance, dated, ids):
    one statement per speaker, day, stance and dating; ``dated`` is False where only the article's date is
    known (drawn hollow, "reported on"). The outlets' own voice is left out."""
    ev = a.ledger.events.assign(date=lambda d: pd.to_datetime(d["date"]))[["date", "event_id", "kind", "title"]]
    c = a.claims[a.claims["actor_id"] != "@outlet"].copy()
    names = a.ledger.actors["name"].to_dict()
    c["speaker"] = [names.get(x, x) for x in c["actor_id"]]
    c["dated"] = c["said_on"].map(lambda v: isinstance(v, str) and bool(v.strip()) or hasattr(v, "year"))
    c["date"] = pd.to_datetime(c["date"]).dt.normalize()
    st = (c.groupby(["speaker", "date", "stance", "dated"], sort=False)["claim_id"].agg(lambda x: " ".join(sorted(x)))
          .reset_index().rename(columns={"claim_id": "ids"}).sort_values(["date", "speaker"]))
    return ev.sort_values(["date", "event_id"]).reset_index(drop=True), st.reset_index(drop=True)


def argument_nodes(a) -> dict[str, dict]:
    """The selected arguments the maps can show, by id: each claim and analyst note with its kind, stance,
    theme, standing (``e``), text and (a claim) the id of the claim shown, which may differ from the
    canonical one. The answers between them are the analysis' (``Analysis.answers``)."""
    nodes = {cid: {"kind": "claim", "stance": c["stance"], "theme": c["theme"], "e": float(c["e"]),
                   "text": c["summary"], "claim": c["claim_id"]} for cid, c in a.claims.to_dict("index").items()}
    nodes |= {nid: {"kind": "note", "stance": n["stance"], "theme": n["theme"], "e": float(n["e"]), "text": n["text"]}
              for nid, n in a.notes.to_dict("index").items()}
    return nodes


def argument_chains(a, theme: str) -> list[tuple]:
    """Per explaining reason of ``theme`` (strongest first): (its best claim, answer, edge, reply, edge) or Nones,
    and the nodes they name (:func:`argument_nodes`).

    The answer and the reply are the analysis' (``Analysis.answers``): the strongest attack on any statement
    of the reason, from any theme, and the strongest attack on that answer. Each edge names the statement it
    attacks (``target``): another statement of the reason than its best, or another report of the answer."""
    g = a.__dict__.get("_argument_nodes")
    if g is None:
        g = a.__dict__["_argument_nodes"] = argument_nodes(a)
    rs = a.reasons[(a.reasons["theme"] == theme) & (a.reasons["stance"] == "explains_gap")]
    chains = []
    for rid, r in rs.sort_values("score", ascending=False, kind="stable").iterrows():
        ans, rep = a.answers.get(rid, (None, None))
        edge = lambda x: {"relation": x["relation"], "impact": float(x["impact"]), "strength": int(x["strength"]),  # noqa: E731
                          "target": x["target_id"]}
        chains.append((r["best"], ans["source_id"] if ans is not None else None, edge(ans) if ans is not None else None,
                       rep["source_id"] if rep is not None else None, edge(rep) if rep is not None else None))
    return chains, g


def _labels(a) -> dict:
    return a.ledger.themes["label"].to_dict()


def balance(a) -> FigureData:
    names = _labels(a)
    b = a.balance.sort_values("balance", ascending=False)  # with its 5-95 % band (p05, p95)
    pos = b[b["balance"] > 0.05]
    top, low = b.iloc[0], b.iloc[-1]
    alt = (f"Explanations of the gap outweigh challenges in {len(pos)} of {len(b)} themes; the largest weighted "
           f"balance is {names[top['theme']]} ({top['balance']:+.1f}), the lowest {names[low['theme']]} "
           f"({low['balance']:+.1f}).")
    rows = tuple((names[r["theme"]], f"{r['balance']:+.1f}", f"{r['p05']:+.1f}", f"{r['p95']:+.1f}")
                 for _, r in b.iterrows())
    return FigureData(alt, ("theme", "weighted balance", "5 % bound", "95 % bound"), rows)


def claims_by_theme(a) -> FigureData:
    names = _labels(a)
    counts = a.claims.groupby(["theme", "stance"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(STANCE_LABELS), fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False).index]
    top = counts.index[0]
    alt = (f"{len(a.claims)} claims over {len(counts)} themes; {names[top]} has the most "
           f"({int(counts.loc[top].sum())}), and {int(counts['explains_gap'].sum())} claims explain the gap "
           f"against {int(counts['challenges_gap'].sum())} that challenge it.")
    rows = tuple((names[t], *(int(v) for v in r), int(r.sum())) for t, r in counts.iterrows())
    return FigureData(alt, ("theme", *STANCE_LABELS.values(), "total"), rows)


def coverage(a) -> FigureData:
    names = _labels(a)
    arts = a.ledger.articles
    table = a.claims.groupby(["theme", "article_id"]).size().unstack(fill_value=0)
    cols = [i for i in a.articles.index if i in table.columns]
    table = table.reindex(columns=cols, fill_value=0)
    per_article = (table > 0).sum()
    widest = per_article.idxmax()
    alt = (f"{len(cols)} articles contribute claims; the article of {arts.at[widest, 'outlet']} covers the most "
           f"themes ({int(per_article.max())} of {len(table)}).")
    headers = ("theme", *(f"{arts.at[i, 'outlet']} ({arts.at[i, 'published'].date()})" for i in cols))
    rows = tuple((names[t], *(int(v) for v in r)) for t, r in table.iterrows())
    return FigureData(alt, headers, rows)


def timeline(a) -> FigureData:
    ev, st = timeline_points(a)
    rows = [(f"{e.date:%Y-%m-%d}", "event", e.kind, f"{e.event_id} {e.title}") for e in ev.itertuples()]
    rows += [(f"{s.date:%Y-%m-%d}", s.speaker, STANCE_LABELS[s.stance] + ("" if s.dated else " (reported on)"),
              s.ids) for s in st.itertuples()]
    rows.sort(key=lambda r: (r[0], r[1] != "event"))
    busiest = st.groupby("date").size().idxmax()
    attacks = ev[ev["kind"] == "attack"]
    after = st[st["date"].isin([d + pd.Timedelta(days=k) for d in attacks["date"]
                                for k in range(0, 4)])]
    alt = (f"{len(ev)} events from {ev['date'].min():%b %Y} to {ev['date'].max():%b %Y} and statements by "
           f"{st['speaker'].nunique()} speakers on {st['date'].nunique()} days ({int(st['dated'].sum())} of "
           f"{len(st)} with the date they were said, the rest the article's); most statements fall on "
           f"{busiest:%d %b %Y}, and "
           f"{after['speaker'].nunique()} speakers spoke within three days of an Iranian attack on Israel.")
    return FigureData(alt, ("date", "event or speaker", "kind or stance", "what (ids)"), tuple(rows))


def argument_map(a, theme: str) -> FigureData:
    chains, g = argument_chains(a, theme)
    label = _labels(a).get(theme, theme)

    def shown(node):
        return g[node].get("claim", node) if node in g else node or ""

    def by(edge, node, shown_as):
        aside = f" (it answers {shown(edge['target'])})" if edge["target"] != shown_as else ""
        return f"{edge['relation']} by {shown(node)}{aside}"

    rows = tuple((shown(c), g[c]["text"], by(e1, ans, c) if ans else "unanswered",
                  by(e2, rep, ans) if rep else "") for c, ans, e1, rep, e2 in chains)
    answered = sum(1 for r in chains if r[1])
    alt = (f"Argument map of {label}: {len(chains)} explanation(s) of the gap, {answered} answered among the "
           f"selected sources, {sum(1 for r in chains if r[3])} of those answers replied to.")
    return FigureData(alt, ("explanation", "what it says", "strongest answer", "strongest reply"), rows)


def describe(a, chart: str, theme: str | None = None) -> FigureData:
    fn = globals()[chart]
    return fn(a, theme) if theme else fn(a)
