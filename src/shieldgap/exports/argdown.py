"""Argdown export: the ledger's argument map as Argdown text (argdown.org; VS Code preview, ``argdown map``).

- One ``# <theme label>`` section per theme; every item is tagged ``#(theme-id)`` as well.
- A statement per canonical claim, ``[C103]: <summary>``, with its appearances as YAML data:
  ``{appearances: [{claim, quote, speaker, attribution, source, article, date, start, end}], ...}``.
- A statement per analyst note, ``[N01]: <text>``, with its reference as data.
- Relations are dialectical, from the source statement to the *argument* the target claim makes:
  a claim that is answered is reconstructed as ``<C103>: (1) [C103] ---- (2) [<its stance>]`` (the
  stance statements head the file). ``supports`` is a support (``+>``), ``rebuts`` and ``qualifies``
  attacks (``->``), ``undercuts`` an undercut (``_>``) of that argument's inference. Statement-to-
  statement relations would be read by Argdown as strict entailment/contrariety (and merged when
  mutual), which the ledger's relations are not. Each source statement's data lists its relations
  with their ledger id, kind, strength and explanation, so ``qualifies`` stays distinguishable.

Text is escaped for Argdown's lexer: every character with a meaning in Argdown text
(``\\ @ # * _ [ ] < > { } /``) gets a backslash, and so do ``.`` and ``:`` before a non-space (``.x.``
and ``:x:`` are shortcodes); whitespace is collapsed, since a line break ends a statement. Data is
written as JSON (valid YAML) with braces inside strings written as ``\\u007b``/``\\u007d``.
"""
from __future__ import annotations

import json

from .. import __version__
from ..fields import STANCES
from ..ledger import Ledger
from .subset import Subset, present, select

RELATION_SYMBOL = {"supports": "+>", "rebuts": "->", "qualifies": "->", "undercuts": "_>"}
ARGDOWN_RELATION = {"supports": "support", "rebuts": "attack", "qualifies": "attack", "undercuts": "undercut"}
_ALWAYS = set("\\@#*_[]<>{}/")
_BEFORE_NONSPACE = set(".:")


def escape(text: str) -> str:
    """``text`` as Argdown statement or heading text that the parser reads back unchanged."""
    flat = " ".join(str(text).split())
    out = []
    for i, ch in enumerate(flat):
        nxt = flat[i + 1] if i + 1 < len(flat) else " "
        if ch in _ALWAYS or (ch in _BEFORE_NONSPACE and not nxt.isspace()):
            out.append("\\")
        out.append(ch)
    return "".join(out)


def data(value: dict) -> str:
    """Inline YAML data in JSON flow syntax, braces inside strings escaped so Argdown's data token
    cannot end early."""
    out, in_string, escaped = [], False, False
    for ch in json.dumps(value, ensure_ascii=False, separators=(", ", ": ")):
        if in_string and not escaped and ch in "{}":
            out.append("\\u007b" if ch == "{" else "\\u007d")
            continue
        out.append(ch)
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = in_string
        elif ch == '"':
            in_string = not in_string
    return "".join(out)


def _tag(theme: str) -> str:
    return f"#({theme})"


def _appearance(sub: Subset, c: dict) -> dict:
    article = sub.articles[c["article_id"]]
    return present({
        "claim": c["claim_id"], "quote": c["quote"], "speaker": sub.speaker(c), "attribution": c["attribution"],
        "source": article.get("outlet"), "article": c["article_id"], "title": article.get("title"),
        "url": article.get("url"), "date": sub.date_of(c), "start": c.get("start"), "end": c.get("end"),
    })


def _relation_data(r: dict, sub: Subset) -> dict:
    return present({"id": r["relation_id"], "relation": r["relation"], "target": sub.item_of(r["target_id"]),
                    "strength": r.get("strength"), "explanation": r.get("explanation")})


def _statement(title: str, text: str, theme: str, payload: dict, outgoing: list[dict], sub: Subset) -> list[str]:
    if outgoing:
        payload = {**payload, "relations": [_relation_data(r, sub) for r in outgoing]}
    lines = [f"[{title}]: {escape(text)} {_tag(theme)} {data(payload)}"]
    # Argdown's graph has one edge per (source, target, kind): two ledger relations between the same canonical
    # claims are one edge there; both stay in the statement's data with their ids.
    edges = dict.fromkeys(f"  {RELATION_SYMBOL[r['relation']]} <{sub.item_of(r['target_id'])}>" for r in outgoing)
    return lines + list(edges) + [""]


def _argument(title: str, stance: str) -> list[str]:
    return [f"<{title}>", "", f"(1) [{title}]", "----", f"(2) [{stance}]", ""]


def argdown_text(ledger: Ledger, params: dict | None = None) -> str:
    """The selected part of the ledger as an Argdown document."""
    sub = select(ledger, params)
    outgoing: dict[str, list[dict]] = {}
    for r in sub.relations.values():
        outgoing.setdefault(sub.item_of(r["source_id"]), []).append(r)
    targets = {sub.item_of(r["target_id"]) for r in sub.relations.values()}
    stance_of = {cid: row["stance"] for cid, row in sub.canonical_rows.items()}
    stance_of.update({nid: n["stance"] for nid, n in sub.notes.items()})
    stances = [s for s in STANCES if any(stance_of.get(t) == s for t in targets)]

    title = "Why allies shot down Iranian missiles over Israel but not over Ukraine: the shieldgap ledger"
    front = {"title": title, "subTitle": f"shieldgap {__version__}, data {ledger.fingerprint}",
             "shieldgap": {"version": __version__, "data_fingerprint": ledger.fingerprint, "selection": sub.params}}
    lines = ["===", *[f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items()], "===", ""]
    if stances:
        lines += ["# Stances", ""]
        lines += [f"[{s}]: {escape(STANCES[s])} {data({'stance': s})}\n" for s in stances]
    for theme_id, theme in sub.themes.items():
        claims = [cid for cid, row in sub.canonical_rows.items() if row["theme"] == theme_id]
        notes = [nid for nid, n in sub.notes.items() if n["theme"] == theme_id]
        if not claims and not notes:
            continue
        lines += [f"# {escape(theme.get('label') or theme_id)}", ""]
        for cid in claims:
            row = sub.canonical_rows[cid]
            payload = present({"kind": "claim", "theme": theme_id, "stance": row["stance"],
                               "claim_type": row.get("claim_type"), "strength": row.get("strength"),
                               "appearances": [_appearance(sub, c) for c in sub.canonical[cid]]})
            lines += _statement(cid, row["summary"], theme_id, payload, outgoing.get(cid, []), sub)
            if cid in targets:
                lines += _argument(cid, row["stance"])
        for nid in notes:
            n = sub.notes[nid]
            reference = present({k[len("reference_"):]: v for k, v in n.items() if k.startswith("reference_")})
            payload = present({"kind": "analyst_note", "theme": theme_id, "stance": n["stance"],
                               "strength": n.get("strength"), "reference": reference or None})
            lines += _statement(nid, n["text"], theme_id, payload, outgoing.get(nid, []), sub)
            if nid in targets:
                lines += _argument(nid, n["stance"])
    return "\n".join(lines).rstrip("\n") + "\n"
