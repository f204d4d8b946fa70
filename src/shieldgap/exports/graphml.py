"""GraphML export: claims, analyst notes and articles as a typed, weighted graph (Gephi, yEd, networkx).

Written by networkx's ``write_graphml`` from a ``MultiDiGraph``:

- nodes: every selected claim appearance (``kind=claim``: text, quote, theme, stance, claim_type,
  attribution, strength, canonical_id, actor_id, actor, article_id, date, start, end, ...), analyst
  note (``kind=analyst_note``: text, theme, stance, strength, reference_*) and article
  (``kind=article``: title, outlet, outlet_type, outlet_country, published, date_precision, url, ...),
  each with a ``label`` for display;
- edges: every relation between selected items, keyed by its relation id (``relation`` =
  rebuts|undercuts|qualifies|supports, ``weight`` = its strength as a float, ``strength``,
  ``explanation``), and an ``appears_in`` edge from each claim to its article (weight 1).

GraphML attributes are typed and have no null: an attribute the ledger leaves empty is absent from
that node; every attribute keeps one type across the graph (text, int, double or boolean).
"""
from __future__ import annotations

import io

import networkx as nx

from .. import __version__
from ..ledger import Ledger
from .subset import Subset, present, select

CLAIM_FIELDS = ("theme", "stance", "claim_type", "attribution", "quote", "strength", "canonical_id", "actor_id",
                "article_id", "said_on", "occurrence", "unanswered", "notes", "start", "end")
NOTE_FIELDS = ("theme", "stance", "strength", "reference_title", "reference_publisher", "reference_date",
               "reference_url")
ARTICLE_FIELDS = ("title", "outlet", "outlet_type", "outlet_country", "published", "date_precision", "date_basis",
                  "url", "language", "curated")


def _text(v):
    """Values as GraphML can type them: str, int, float or bool (lists become text)."""
    if isinstance(v, (list, tuple)):
        return "; ".join(map(str, v))
    return v


def _pick(row: dict, fields: tuple[str, ...]) -> dict:
    return present({f: _text(row.get(f)) for f in fields})


def build_graph(sub: Subset) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(name="shieldgap ledger", shieldgap_version=__version__)
    for aid, a in sub.articles.items():
        g.add_node(aid, kind="article", label=a.get("title") or aid, **_pick(a, ARTICLE_FIELDS))
    for cid, c in sub.claims.items():
        attrs = _pick(c, CLAIM_FIELDS)
        attrs.update(kind="claim", label=cid, text=" ".join(c["summary"].split()), actor=sub.speaker(c))
        if sub.date_of(c):
            attrs["date"] = sub.date_of(c)
        g.add_node(cid, **attrs)
        g.add_edge(cid, c["article_id"], key=f"appears_in:{cid}", relation="appears_in", weight=1.0)
    for nid, n in sub.notes.items():
        g.add_node(nid, kind="analyst_note", label=nid, text=" ".join(n["text"].split()), **_pick(n, NOTE_FIELDS))
    for rid, r in sub.relations.items():
        attrs = present({"relation": r["relation"], "relation_id": rid, "strength": r.get("strength"),
                         "explanation": r.get("explanation")})
        attrs["weight"] = float(r.get("strength") or 1)
        g.add_edge(r["source_id"], r["target_id"], key=rid, **attrs)
    return g


def ledger_graph(ledger: Ledger, params: dict | None = None) -> nx.MultiDiGraph:
    """The selected part of the ledger as a networkx graph, with the data fingerprint as a graph attribute."""
    g = build_graph(select(ledger, params))
    g.graph["data_fingerprint"] = ledger.fingerprint
    return g


def to_graphml(ledger: Ledger, params: dict | None = None) -> str:
    buf = io.BytesIO()
    nx.write_graphml(ledger_graph(ledger, params), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue().decode("utf-8")
