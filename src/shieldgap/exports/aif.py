"""AIF export: the ledger as an Argument Interchange Format graph in the JSON form AIFdb and OVA use.

``{"nodes": [...], "edges": [...], "locutions": [...], "participants": [...]}`` with numeric string ids:

- ``I`` nodes: one per canonical claim (text: its summary) and per analyst note (text: the note).
- ``L`` nodes: one per claim appearance, ``"<speaker>: <quote>"``, each anchored by a ``YA`` node
  (``Asserting``) to its claim's I node (edges L -> YA -> I). Its ``locutions`` entry gives the
  speaker (``personID``), the date (``timestamp``), the article (``source``: its URL when known,
  else its ledger id; ``article``), and the quote's character offsets in the article body
  (``start``, ``end``; AIFdb uses these two fields for a locution's position in its source).
- ``RA`` nodes (``Default Inference``) for ``supports`` and ``CA`` nodes (``Default Conflict``) for
  ``rebuts``, ``undercuts`` and ``qualifies``: edges source I -> RA/CA -> target I. The ledger's
  relation kind, id and strength are kept on the node (``relation``, ``ledgerID``, ``strength``).
- ``participants``: the actors (``firstname``/``surname`` split for persons) and, for claims in an
  outlet's own voice, the outlet.

Every I, L, RA and CA node carries its ledger id as ``ledgerID``. Timestamps use AIFdb's
``YYYY-MM-DD HH:MM:SS`` and are left out where the ledger has no date.
"""
from __future__ import annotations

import json

from ..ledger import Ledger
from .subset import Subset, select

SCHEME = {"supports": ("RA", "Default Inference"), "rebuts": ("CA", "Default Conflict"),
          "undercuts": ("CA", "Default Conflict"), "qualifies": ("CA", "Default Conflict")}


def _timestamp(date: str | None) -> str | None:
    return f"{date[:10]} 00:00:00" if date else None


class _Builder:
    def __init__(self, sub: Subset):
        self.sub = sub
        self.nodes: list[dict] = []
        self.edges: list[dict] = []
        self.locutions: list[dict] = []
        self.participants: dict[str, dict] = {}
        self._next = 0

    def _id(self) -> str:
        self._next += 1
        return str(self._next)

    def node(self, type_: str, text: str, timestamp: str | None = None, **extra) -> str:
        node_id = self._id()
        node = {"nodeID": node_id, "text": text, "type": type_}
        if timestamp:
            node["timestamp"] = timestamp
        self.nodes.append({**node, **{k: v for k, v in extra.items() if v is not None}})
        return node_id

    def edge(self, from_id: str, to_id: str) -> None:
        self.edges.append({"edgeID": str(len(self.edges) + 1), "fromID": from_id, "toID": to_id, "formEdgeID": None})

    def person(self, claim: dict) -> str:
        sub = self.sub
        key = f"@outlet:{sub.articles[claim['article_id']]['outlet']}" if claim["actor_id"] == "@outlet" \
            else claim["actor_id"]
        if key not in self.participants:
            name = sub.speaker(claim)
            actor = sub.actors.get(claim["actor_id"], {})
            first, _, last = name.partition(" ") if actor.get("kind") == "person" else (name, "", "")
            self.participants[key] = {"participantID": str(len(self.participants) + 1), "firstname": first,
                                      "surname": last, "actorID": claim["actor_id"]}
        return self.participants[key]["participantID"]


def aif_graph(ledger: Ledger, params: dict | None = None) -> dict:
    """The selected part of the ledger as an AIF graph (a JSON-ready dict)."""
    sub = select(ledger, params)
    b = _Builder(sub)
    inode: dict[str, str] = {}
    for cid, row in sub.canonical_rows.items():
        dates = sorted(d for d in (sub.date_of(c) for c in sub.canonical[cid]) if d)
        inode[cid] = b.node("I", " ".join(row["summary"].split()), _timestamp(dates[0] if dates else None),
                            ledgerID=cid)
    for nid, n in sub.notes.items():
        inode[nid] = b.node("I", " ".join(n["text"].split()), _timestamp(n.get("reference_date")), ledgerID=nid)
    for cid, appearances in sub.canonical.items():
        for c in appearances:
            when = _timestamp(sub.date_of(c))
            lnode = b.node("L", f"{sub.speaker(c)}: {c['quote']}", when, ledgerID=c["claim_id"])
            article = sub.articles[c["article_id"]]
            b.locutions.append({"nodeID": lnode, "personID": b.person(c), "timestamp": when,
                                "start": c.get("start"), "end": c.get("end"),
                                "source": article.get("url") or c["article_id"], "article": c["article_id"]})
            ya = b.node("YA", "Asserting", when)
            b.edge(lnode, ya)
            b.edge(ya, inode[cid])
    for rid, r in sub.relations.items():
        type_, text = SCHEME[r["relation"]]
        snode = b.node(type_, text, ledgerID=rid, relation=r["relation"], strength=r.get("strength"))
        b.edge(inode[sub.item_of(r["source_id"])], snode)
        b.edge(snode, inode[sub.item_of(r["target_id"])])
    return {"nodes": b.nodes, "edges": b.edges, "locutions": b.locutions, "participants": list(b.participants.values())}


def to_aif(ledger: Ledger, params: dict | None = None) -> str:
    return json.dumps(aif_graph(ledger, params), ensure_ascii=False, indent=1)
