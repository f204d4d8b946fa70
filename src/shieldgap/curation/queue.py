"""The review queue of one article: its candidate claims in context, the suggestions, and the decisions.

Each :class:`Item` is one candidate sentence of the suggester with its context (the sentence
highlighted in its paragraph; the article's title, outlet and date) and the suggested speaker,
theme, stance, claim type and echo, each with a confidence. The curator accepts (with edits),
or rejects; an accept goes through :func:`shieldgap.accept.accept_rows` - the same validated,
atomic path as ``shieldgap accept`` - and can be undone (the previous bytes are restored). A new
speaker is created with :func:`shieldgap.curation.actors.add_actor`.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from .. import files
from ..accept import Accepted, accept_rows, article_file
from ..paths import DataPaths
from .actors import add_actor
from .writes import Snapshot, WriteError, undo

#: Confidence of a speaker named in the sentence itself, carried from a sentence before, or none.
SPEAKER_CONFIDENCE = {"explicit": 0.9, "carried": 0.6, "outlet": 0.5, "none": 0.0}
#: Words that suggest a claim type when the model has no learned claim type (first match wins).
CLAIM_TYPE_CUES = (("prediction", (" will ", " would ", " could ", "going to", " risk")),
                   ("normative", (" should ", " must ", " ought ", " need to ", " needs to ", "urge")),
                   ("causal", ("because", " due to ", " means ", " so that ", " since ", " reason")))
#: Fields of a candidate the curator may change before accepting.
EDITABLE = ("actor_id", "attribution", "theme", "stance", "claim_type", "summary", "strength", "relevance",
            "reason_id", "echo_of", "said_on", "notes", "quote", "unanswered")


@dataclass
class Item:
    """One candidate: the suggester's row, its context, and the curator's decision."""

    row: dict
    paragraph_html: str
    decision: str = "pending"  # pending | accepted | rejected
    claim_id: str = ""

    @property
    def suggestions(self) -> dict[str, tuple[str, float]]:
        """Field -> (suggested value, confidence 0-1)."""
        r = self.row
        explicit = bool(r.get("actor_name_in_text"))
        spk_conf = SPEAKER_CONFIDENCE["explicit" if explicit and r.get("actor_id") else
                                      "outlet" if r.get("actor_id") == "@outlet" else
                                      "carried" if r.get("actor_id") else "none"]
        return {"actor_id": (r.get("actor_id", ""), spk_conf),
                "theme": (r.get("theme", ""), _num(r.get("theme_score"))),
                "stance": (r.get("stance", ""), _num(r.get("stance_score"))),
                "claim_type": (r.get("claim_type", ""), _num(r.get("claim_type_score"), 0.4)),
                "echo_of": (r.get("echo_of", ""), _num(r.get("echo_score")))}


def _num(v, default: float = 0.0) -> float:
    try:
        return max(0.0, min(1.0, float(v)))
    except (TypeError, ValueError):
        return default


def guess_claim_type(text: str) -> str:
    low = f" {text.lower()} "
    return next((kind for kind, cues in CLAIM_TYPE_CUES if any(c in low for c in cues)), "fact")


def highlighted_paragraph(body: str, start: int, end: int) -> str:
    """HTML of the paragraph (line) holding body[start:end], the sentence in <mark>."""
    p0 = body.rfind("\n", 0, start) + 1
    p1 = body.find("\n", end)
    p1 = len(body) if p1 == -1 else p1
    return (html.escape(body[p0:start]) + "<mark>" + html.escape(body[start:end]) + "</mark>"
            + html.escape(body[end:p1]))


def fitted_model(paths: DataPaths):
    """The suggestion model fitted on the curated articles of ``paths`` (about a second)."""
    from ..suggest import Model, read_reference, scan_articles

    arts = scan_articles(paths, want_bodies=lambda a: a.curated)
    return Model(read_reference(paths, arts))


class ReviewQueue:
    """The candidates of one article and the curator's decisions on them."""

    def __init__(self, paths: DataPaths, article_id: str, model=None):
        self.paths, self.article_id = paths, article_id
        path = article_file(paths, article_id)
        art = files.read_article(path, f"{paths.rel(paths.articles)}/{path.name}")
        self.meta, self.body = art.meta, art.body
        self.model = model if model is not None else fitted_model(paths)
        rows = self.model.analyze(article_id, self.body)
        for r in rows:
            if not r.get("claim_type"):
                r["claim_type"] = guess_claim_type(r["quote"])
        self.items = [Item(r, highlighted_paragraph(self.body, int(r["sentence_start"]), int(r["sentence_end"])))
                      for r in rows]
        self.history: list[tuple[str, int | None, Snapshot]] = []

    # -- context
    @property
    def context(self) -> dict[str, str]:
        return {k: str(self.meta.get(k, "") or "") for k in ("title", "outlet", "published")}

    def pending(self) -> list[int]:
        return [i for i, it in enumerate(self.items) if it.decision == "pending"]

    # -- decisions
    def accept(self, i: int, *, new_reason: dict | None = None, mark_curated: bool = False, **edits) -> Accepted:
        """Accept candidate ``i`` with the curator's ``edits`` (summary, strength, relevance, reason_id...).

        ``new_reason``: {statement, notes} of a reason created for this claim (theme and stance those of
        the claim; the next RS id). Raises AcceptError (nothing written) when the ledger would not validate.
        """
        item = self.items[i]
        unknown = set(edits) - set(EDITABLE)
        if unknown:
            raise WriteError([f"cannot set {', '.join(sorted(unknown))} (editable: {', '.join(EDITABLE)})"])
        row = {k: v for k, v in item.row.items()}
        row.update({k: "" if v is None else str(v) for k, v in edits.items()})
        reasons = []
        if new_reason:
            reasons = [{"reason_id": "", "theme": row.get("theme", ""), "stance": row.get("stance", ""),
                        "statement": new_reason.get("statement", ""), "notes": new_reason.get("notes", "")}]
            row["reason_id"] = self._next_reason_id()
        result = accept_rows(self.paths, self.article_id, [(i + 1, row)], source="the review queue",
                             mark_curated=mark_curated, new_reasons=reasons)
        item.decision, item.claim_id = "accepted", result.rows[0]["claim_id"] if result.rows else ""
        self.history.append(("accept", i, result.snapshot))
        return result

    def _next_reason_id(self) -> str:
        import re

        from .writes import read_table
        _raw, _header, rows = read_table(self.paths, self.paths.reasons)
        nums = [int(m.group(1)) for r in rows if (m := re.fullmatch(r"RS(\d+)", r.get("reason_id") or ""))]
        return f"RS{max(nums + [0]) + 1:02d}"

    def reject(self, i: int) -> None:
        self.items[i].decision = "rejected"
        self.history.append(("reject", i, Snapshot()))

    def new_actor(self, i: int | None, name: str, role: str, affiliation: str, **kw) -> str:
        """Create an actor (validated write) and make it the speaker of candidate ``i``."""
        aid, snap = add_actor(self.paths, name, role, affiliation, **kw)
        self.history.append(("actor", i, snap))
        if i is not None:
            self.items[i].row.update(actor_id=aid, actor_name_in_text=name)
        return aid

    def undo(self) -> str:
        """Undo the last decision: the files it wrote get their previous bytes back. What was undone."""
        if not self.history:
            return "nothing to undo"
        kind, i, snap = self.history[-1]
        undo(self.paths, snap)
        self.history.pop()
        if i is not None and kind in ("accept", "reject"):
            self.items[i].decision, self.items[i].claim_id = "pending", ""
        return f"undid {kind}" + (f" of candidate {i + 1}" if i is not None else "")

    def reasons(self, theme: str = "", stance: str = "") -> list[tuple[str, str, str, str]]:
        """(reason id, statement, theme, stance) of reasons.csv, those of ``theme`` and ``stance`` first."""
        from .writes import read_table
        _raw, _header, rows = read_table(self.paths, self.paths.reasons)
        rows.sort(key=lambda r: (r.get("theme") != theme, r.get("stance") != stance, r.get("reason_id", "")))
        return [(r["reason_id"], r.get("statement", ""), r.get("theme", ""), r.get("stance", "")) for r in rows]

    def accepted_claim_ids(self) -> list[str]:
        return [it.claim_id for it in self.items if it.decision == "accepted" and it.claim_id]
