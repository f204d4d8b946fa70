"""Counterargument suggestions, and writing the relations and ``unanswered`` marks the curator confirms.

For a claim with a side (explains_gap or challenges_gap), every other ledger claim (one per canonical
claim) and analyst note is scored: semantic closeness (TF-IDF cosine over words and character
n-grams of quote, summary and note text, blended with sentence embeddings when the optional embedder
is installed), the same theme, the opposite side, and whether it already answers (or is answered by)
another statement of the claim's canonical claim or reason - its kin. The proposed relation and its
direction are the one it uses on the kin, else the ones the curated relations most often use for that
pair of stances (learned from ``relations.csv``; a rule of thumb when it has none), each with a
one-line reason. Confirmed relations get the next R ids and go through the validated write path.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..fields import ATTACKS
from ..paths import DataPaths
from .writes import Snapshot, WriteError, appended_csv, edited_csv, read_table, validated_write

#: Score = SIMILARITY_WEIGHT * cosine + THEME_BONUS (same theme) + OPPOSITE_BONUS (opposite side).
#: Measured by leaving each curated relation out (benchmarks/bench_suggest_quality.py --relations): a larger
#: opposite-side bonus or theme bonus ranked the curated answers lower.
SIMILARITY_WEIGHT = 1.0
THEME_BONUS = 0.15
OPPOSITE_BONUS = 0.1
#: Added for an item that already answers (or is answered by) another statement of the claim's canonical claim
#: or reason (the claim's kin), whose relation and direction are then proposed. Measured leaving each relation
#: out: the real answer in the top 8 30.4 % of the time without it, 50.9 % at 0.15, 53.6 % at 0.3 and at 0.6.
KIN_BONUS = 0.3
#: Weight of the embedding cosine (optional embedder, :mod:`shieldgap.suggest.embed`) in the similarity.
EMBED_WEIGHT = 0.5
#: Suggestions listed per claim.
TOP = 8
#: Stances that take a side.
SIDES = ("explains_gap", "challenges_gap")
#: Strength proposed for a new relation (the curator sets it).
DEFAULT_STRENGTH = 3
RELATION_COLUMNS = ["relation_id", "source_id", "relation", "target_id", "explanation", "strength"]


@dataclass
class Suggestion:
    """A proposed relation ``source --relation--> target`` with its score and a one-line reason."""

    source_id: str
    relation: str
    target_id: str
    score: float
    reason: str  # why it is proposed (machine text, never saved as the explanation)
    text: str  # the other item's words, for the curator

    def row(self, explanation: str = "", strength: int = DEFAULT_STRENGTH) -> dict:
        """A relations.csv row; ``explanation`` is the curator's own sentence (empty until written)."""
        return {"relation_id": "", "source_id": self.source_id, "relation": self.relation,
                "target_id": self.target_id, "explanation": explanation, "strength": str(strength)}


def _items(ledger) -> dict[str, dict]:
    """Every claim and analyst note: id -> {text, theme, stance, kind}."""
    items = {}
    for c in ledger.claims.to_dict("records"):
        items[c["claim_id"]] = {"text": f"{c.get('quote', '')} {c.get('summary', '')}", "theme": c["theme"],
                                "stance": c["stance"], "kind": "claim", "canonical": c.get("canonical_id") or "",
                                "words": c.get("quote", "")}
    for n in ledger.analyst_notes.to_dict("records"):
        items[n["note_id"]] = {"text": n["text"], "theme": n["theme"], "stance": n["stance"], "kind": "note",
                               "canonical": n["note_id"], "words": n["text"]}
    return items


def learned_relations(ledger) -> dict[tuple[str, str], Counter]:
    """(source stance, target stance) -> counts of the relation used in the curated relations."""
    items = _items(ledger)
    out: dict[tuple[str, str], Counter] = {}
    for r in ledger.relations.to_dict("records"):
        s, t = items.get(r["source_id"]), items.get(r["target_id"])
        if s and t:
            out.setdefault((s["stance"], t["stance"]), Counter())[r["relation"]] += 1
    return out


def _proposal(mine: str, other: str, learned) -> tuple[bool, str]:
    """(the other item answers this claim, relation) for a claim of stance ``mine`` and an item of ``other``."""
    as_source = learned.get((other, mine), Counter())
    as_target = learned.get((mine, other), Counter())
    if sum(as_source.values()) >= sum(as_target.values()) and as_source:
        return True, as_source.most_common(1)[0][0]
    if as_target:
        return False, as_target.most_common(1)[0][0]
    if other == mine:
        return True, "supports"
    return (True, "qualifies") if other == "context" else (True, "rebuts")


def suggest_relations(ledger, claim_id: str, top: int = TOP) -> list[Suggestion]:
    """Ranked ledger claims and notes that may answer ``claim_id`` or be answered by it."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    items = _items(ledger)
    if claim_id not in items:
        raise WriteError([f"{claim_id}: not a claim in claims.csv"])
    me = items[claim_id]
    linked = {(r["source_id"], r["target_id"]) for r in ledger.relations.to_dict("records")}
    seen_canon = {me["canonical"]}
    ids = [i for i in items if i != claim_id]
    texts = [me["text"]] + [items[i]["text"] for i in ids]
    word = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), sublinear_tf=True).fit(texts)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(texts)
    sim = 0.5 * cosine_similarity(word.transform(texts[:1]), word.transform(texts[1:]))[0] + \
        0.5 * cosine_similarity(char.transform(texts[:1]), char.transform(texts[1:]))[0]
    from ..suggest.embed import embed

    E = embed(texts) if EMBED_WEIGHT > 0 else None
    if E is not None:
        sim = (1 - EMBED_WEIGHT) * sim + EMBED_WEIGHT * (E[1:] @ E[0])
    learned = learned_relations(ledger)
    kin = _kin_relations(ledger, items, claim_id)
    themes = ledger.themes
    scored = []
    for i, oid in enumerate(ids):
        o = items[oid]
        opposite = {me["stance"], o["stance"]} == set(SIDES)
        score = SIMILARITY_WEIGHT * float(sim[i]) + THEME_BONUS * (o["theme"] == me["theme"]) + \
            OPPOSITE_BONUS * opposite + KIN_BONUS * (_canon(items, oid) in kin)
        scored.append((score, oid, opposite))
    scored.sort(reverse=True)
    out = []
    for score, oid, opposite in scored:
        o = items[oid]
        if o["canonical"] in seen_canon:
            continue
        seen_canon.add(o["canonical"])
        answers, relation = kin.get(_canon(items, oid)) or _proposal(me["stance"], o["stance"], learned)
        source, target = (oid, claim_id) if answers else (claim_id, oid)
        if (source, target) in linked:
            continue
        label = _theme_label(themes, o["theme"])
        kin_of = kin.get(_canon(items, oid))
        why = ("" if kin_of is None else f"{relation} another statement of this reason, " if kin_of[0] else
               f"another statement of this reason {relation} it, ") + \
            ("opposite side" if opposite else f"{o['stance'].replace('_', ' ')}") + \
            (f", same theme ({label})" if o["theme"] == me["theme"] else f", theme {label}") + \
            f", score {score:.2f}"
        kind = "analyst note" if o["kind"] == "note" else "claim"
        out.append(Suggestion(source, relation, target, round(score, 3),
                              f"{source} {relation} {target} ({kind} {oid}: {why})", o["words"]))
        if len(out) >= top:
            break
    return out


def _canon(items: dict, item_id: str) -> str:
    return items[item_id]["canonical"] or item_id if item_id in items else item_id


def _kin_relations(ledger, items: dict, claim_id: str) -> dict[str, tuple[bool, str]]:
    """What the claim's kin - the other statements of its canonical claim or of its reason - already answer
    or are answered by, by canonical id: (the item answers the kin, the relation it most often uses). A
    counterargument to one statement of a reason meets the others too."""
    claims = ledger.claims
    reason = dict(zip(claims["claim_id"], claims["reason_id"])).get(claim_id)
    mine = _canon(items, claim_id)
    same_reason = isinstance(reason, str) and bool(reason)
    kin = {cid for cid, rid in zip(claims["claim_id"], claims["reason_id"])
           if cid != claim_id and (_canon(items, cid) == mine or (same_reason and rid == reason))}
    used: dict[str, Counter] = {}
    for r in ledger.relations.to_dict("records"):
        if r["target_id"] in kin and r["source_id"] in items:
            used.setdefault((_canon(items, r["source_id"]), True), Counter())[r["relation"]] += 1
        elif r["source_id"] in kin and r["target_id"] in items:
            used.setdefault((_canon(items, r["target_id"]), False), Counter())[r["relation"]] += 1
    out: dict[str, tuple[bool, str]] = {}
    for (cid, answers), counts in sorted(used.items(), key=lambda kv: -sum(kv[1].values())):
        out.setdefault(cid, (answers, counts.most_common(1)[0][0]))
    out.pop(mine, None)
    return out


def _theme_label(themes, tid: str) -> str:
    try:
        return str(themes.loc[tid, "label"]) if hasattr(themes, "loc") else str(themes[tid]["label"])
    except (KeyError, TypeError):
        return tid


def answered(claims: list[dict], relations: list[dict]) -> set[str]:
    """Canonical ids of the claims answered: the target (or one of its appearances) of an attack
    (``fields.ATTACKS``: rebuts, undercuts, qualifies; a ``supports`` relation is no answer)."""
    canon = {c["claim_id"]: c.get("canonical_id") or c["claim_id"] for c in claims}
    return {canon.get(r["target_id"], r["target_id"]) for r in relations if r.get("relation") in ATTACKS}


def answered_ids(ledger) -> set[str]:
    """:func:`answered` of a loaded ledger."""
    return answered(ledger.claims.to_dict("records"), ledger.relations.to_dict("records"))


def unanswered_claims(ledger, claim_ids: list[str] | None = None) -> list[str]:
    """explains_gap claims that no attack answers (through their canonical claim), marked ``unanswered`` or
    not (the ledger requires the mark on each of them; it is for explains_gap claims only)."""
    claims = ledger.claims.to_dict("records")
    answered = answered_ids(ledger)
    out = []
    for c in claims:
        if claim_ids is not None and c["claim_id"] not in claim_ids:
            continue
        if c["stance"] == "explains_gap" and (c.get("canonical_id") or c["claim_id"]) not in answered:
            out.append(c["claim_id"])
    return out


def _relation_number(rid: str) -> int:
    m = re.fullmatch(r"R(\d+)", rid or "")
    return int(m.group(1)) if m else 0


def accept_relations(paths: DataPaths, rows: list[dict], source: str = "the review queue") -> tuple[list[dict],
                                                                                                    Snapshot]:
    """Append relation rows (next R ids) to relations.csv through the validated write path; a target claim
    marked ``unanswered`` has the mark cleared in the same change (it is answered now)."""
    raw, header, existing = read_table(paths, paths.relations)
    missing = [c for c in RELATION_COLUMNS if c not in header]
    if missing:
        raise WriteError([f"{paths.rel(paths.relations)}: required column '{missing[0]}' is missing"])
    next_no = max([_relation_number(r.get("relation_id", "")) for r in existing] + [0]) + 1
    new, labels, problems = [], {}, []
    for i, r in enumerate(rows, 1):
        row = {c: str(r.get(c, "") or "").strip() for c in header}
        if not row.get("explanation"):
            problems.append(f"{source}: row {i} ({row.get('source_id')} {row.get('relation')} {row.get('target_id')}): "
                            "'explanation' is empty: say in one sentence of your own how the source bears on the "
                            "target")
        row["relation_id"] = f"R{next_no:03d}"
        next_no += 1
        new.append(row)
        labels[row["relation_id"]] = f"{source}: row {i}"
    if problems:
        raise WriteError(problems + ["nothing was written"])
    if not new:
        raise WriteError([f"{source}: no relation to write"])
    changes = {paths.relations: appended_csv(raw, header, new)}
    expected = {paths.relations: raw}
    claims_raw, claims_header, claims = read_table(paths, paths.claims)
    attacked = {r["target_id"] for r in new if r.get("relation") in ATTACKS}  # a supports answers nothing
    marked = {c["claim_id"]: {"unanswered": ""} for c in claims
              if c.get("claim_id") in attacked and (c.get("unanswered") or "").strip()}
    if marked:
        changes[paths.claims] = edited_csv(claims_raw, claims_header, "claim_id", marked, paths.rel(paths.claims))
        expected[paths.claims] = claims_raw
    snap = validated_write(paths, changes, labels=labels, expected=expected, description=f"{len(new)} relation(s)")
    return new, snap


def mark_unanswered(paths: DataPaths, claim_id: str, why: str) -> Snapshot:
    """Set the ``unanswered`` field of one claim (validated write; every other byte of claims.csv kept)."""
    raw, header, rows = read_table(paths, paths.claims)
    if not why.strip():
        raise WriteError([f"{paths.rel(paths.claims)}: {claim_id}: say why no counterargument is recorded"])
    if "unanswered" not in header or not any(r.get("claim_id") == claim_id for r in rows):
        raise WriteError([f"{paths.rel(paths.claims)}: no claim {claim_id} (or no 'unanswered' column)"])
    new = edited_csv(raw, header, "claim_id", {claim_id: {"unanswered": " ".join(why.split())}},
                     paths.rel(paths.claims))
    return validated_write(paths, {paths.claims: new}, expected={paths.claims: raw},
                           labels={claim_id: f"unanswered mark of {claim_id}"},
                           description=f"mark {claim_id} unanswered")
