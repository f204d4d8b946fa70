"""The review queue of one article: its candidate claims in context, the suggestions, and the decisions.

Each :class:`Item` is one candidate sentence of the suggester with its context (the sentence
highlighted in its paragraph; the article's title, outlet and date) and the suggested speaker,
theme, stance, claim type and echo, each with a confidence. The curator accepts (with edits),
or rejects; an accept goes through :func:`shieldgap.accept.accept_rows` - the same validated,
atomic path as ``shieldgap accept`` - and can be undone (the previous bytes are restored). A new
speaker is created with :func:`shieldgap.curation.actors.add_actor`. A candidate already in the ledger
(the same quote of the same article) is shown accepted, as its claim; the candidates rejected are kept
in ``data/candidates/<article>.review.json`` (regenerable, never part of the ledger) so a re-run shows
them rejected. :meth:`ReviewQueue.finish` marks the article curated, through the same path as
``shieldgap accept <article> --mark-curated``, and appends its row to ``data/curation_log.csv``.
"""
from __future__ import annotations

import html
import json
import time
from dataclasses import dataclass, field

from .. import files
from ..accept import Accepted, accept_rows, article_file
from ..paths import DataPaths
from ..textmatch import normalize
from .actors import add_actor
from .writes import Snapshot, WriteError, appended_csv, read_table, undo

#: How the suggested speaker was found (shown instead of a made-up probability).
SPEAKER_BASIS = {"explicit": "named in the sentence", "carried": "carried from an earlier sentence",
                 "outlet": "no speaker named: the outlet's own voice", "none": "not in the registry"}
#: What each suggestion's number is: a probability (shown as a percentage), a raw score (not a
#: probability: the theme's keyword + similarity + learned head sum, can exceed 1) or a cosine similarity.
SCORE_KINDS = {"theme": "score", "stance": "probability", "claim_type": "probability", "echo_of": "similarity"}
#: Fields compared with the suggestion when the curator accepts (the curation log's corrected fields).
SUGGESTED = ("actor_id", "attribution", "theme", "stance", "claim_type", "echo_of")
#: Columns of data/curation_log.csv (one row per article curated).
LOG_COLUMNS = ["article_id", "outlet", "candidates", "accepted_unchanged", "corrected", "corrected_fields", "rejected",
               "added_unsuggested", "relations_added", "relations_suggested", "minutes", "notes"]
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
    corrected: list[str] = field(default_factory=list)  # suggested fields the curator changed
    ledger_row: dict = field(default_factory=dict)  # the claim as written, when accepted
    earlier: bool = False  # accepted before this queue was opened (found in the ledger)

    @property
    def suggestions(self) -> dict[str, tuple[str, float | None, str]]:
        """Field -> (suggested value, its number or None, what the number is: ``probability`` 0-1,
        ``score`` (raw, not a probability), ``similarity`` (cosine), or how the speaker was found)."""
        r = self.row
        explicit = bool(r.get("actor_name_in_text"))
        basis = SPEAKER_BASIS["explicit" if explicit and r.get("actor_id") else
                              "outlet" if r.get("actor_id") == "@outlet" else
                              "carried" if r.get("actor_id") else "none"]
        out = {"actor_id": (r.get("actor_id", ""), None, basis)}
        for f in ("theme", "stance", "claim_type", "echo_of"):
            key = "echo_score" if f == "echo_of" else f"{f}_score"
            out[f] = (r.get(f, ""), _num(r.get(key)), SCORE_KINDS[f])
        return out


def _num(v) -> float | None:
    """The number of a score column (None when there is none); never clamped: a raw score stays raw."""
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def shown_score(value: float | None, kind: str) -> str:
    """A suggestion's number as the curator should read it: a probability as a percentage, a raw score or a
    similarity as a plain number, and the speaker's basis as words."""
    if kind == "probability":
        return "—" if value is None else f"{100 * value:.0f} % probability"
    if kind in ("score", "similarity"):
        return "—" if value is None else f"{kind} {value:.2f}" + (" (not a probability)" if kind == "score" else "")
    return kind


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
        self.relations: list[tuple[Snapshot, bool]] = []  # relations written here (and whether as suggested)
        self.actors: list[str] = []
        self.new_reasons: list[str] = []
        self.started = time.monotonic()
        self._mark_decided()

    # -- decisions made before (a re-run): the ledger's claims of this article, the rejections recorded
    def _mark_decided(self) -> None:
        _raw, _header, claims = read_table(self.paths, self.paths.claims)
        in_ledger = {normalize(c.get("quote") or ""): c for c in claims if c.get("article_id") == self.article_id}
        rejected = set(self._review().get("rejected", []))
        for it in self.items:
            key = normalize(it.row.get("quote") or "")
            if key in in_ledger:
                c = in_ledger[key]
                it.decision, it.claim_id, it.ledger_row = "accepted", c.get("claim_id", ""), dict(c)
                it.earlier = True
            elif key in rejected:
                it.decision = "rejected"

    @property
    def _review_path(self):
        return self.paths.candidates / f"{self.article_id}.review.json"

    def _review(self) -> dict:
        path = self._review_path
        if not path.is_file() or path.is_symlink():
            return {}
        try:
            got = json.loads(files.read_text(path, files.MAX_TABLE_BYTES, self.paths.rel(path)))
        except (files.FileProblem, ValueError):
            return {}
        return got if isinstance(got, dict) else {}

    def _record_rejections(self) -> None:
        """The rejected quotes of this article to ``data/candidates/<article>.review.json`` (regenerable)."""
        from ..io_utils import atomic_write_text
        from ..suggest.runner import own_dir

        try:
            own_dir(self.paths, self.paths.candidates)
        except files.FileProblem:
            return  # a record for convenience only: never a reason to refuse a decision
        rejected = sorted({normalize(it.row.get("quote") or "") for it in self.items if it.decision == "rejected"})
        atomic_write_text(self._review_path, json.dumps({"rejected": rejected}, ensure_ascii=False, indent=1) + "\n")

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
        item.ledger_row = dict(result.rows[0]) if result.rows else {}
        item.corrected = [f for f in SUGGESTED if (item.row.get(f) or "").strip() != (row.get(f) or "").strip()]
        self.new_reasons += [r["reason_id"] for r in result.reasons]
        self.history.append(("accept", i, result.snapshot))
        return result

    def _next_reason_id(self) -> str:
        import re

        from .writes import read_table
        _raw, _header, rows = read_table(self.paths, self.paths.reasons)
        nums = [int(m.group(1)) for r in rows if (m := re.fullmatch(r"RS(\d+)", r.get("reason_id") or ""))]
        return f"RS{max(nums + [0]) + 1:02d}"

    def reject(self, i: int) -> None:
        if self.items[i].decision == "accepted":
            raise WriteError([f"candidate {i + 1} is in the ledger as {self.items[i].claim_id}; undo the accept "
                              "first"])
        self.items[i].decision = "rejected"
        self.history.append(("reject", i, Snapshot()))
        self._record_rejections()

    def new_actor(self, i: int | None, name: str, role: str, affiliation: str, **kw) -> str:
        """Create an actor (validated write); the candidate's suggestion itself is left as it was."""
        aid, snap = add_actor(self.paths, name, role, affiliation, **kw)
        self.history.append(("actor", i, snap))
        self.actors.append(aid)
        return aid

    def record_relation(self, snap: Snapshot, as_suggested: bool) -> None:
        """A relation written from the Counterarguments tab (for undo and the curation log)."""
        self.history.append(("relation", None, snap))
        self.relations.append((snap, as_suggested))

    def undo(self) -> str:
        """Undo the last decision: the files it wrote get their previous bytes back. What was undone."""
        if not self.history:
            return "nothing to undo"
        kind, i, snap = self.history[-1]
        undo(self.paths, snap)
        self.history.pop()
        if i is not None and kind in ("accept", "reject"):
            it = self.items[i]
            it.decision, it.claim_id, it.ledger_row, it.corrected = "pending", "", {}, []
            if kind == "reject":
                self._record_rejections()
        if kind == "relation":
            self.relations = [(s, a) for s, a in self.relations if s is not snap]
        if kind == "actor" and self.actors:
            self.actors.pop()
        return f"undid {kind}" + (f" of candidate {i + 1}" if i is not None else "")

    # -- the end of the article
    def log_row(self, minutes: float | None = None, notes: str = "") -> dict:
        """The article's row of data/curation_log.csv from the decisions made here (pending candidates
        count as rejected: they were not made claims)."""
        from collections import Counter

        accepted = [it for it in self.items if it.decision == "accepted"]
        here = [it for it in accepted if not it.earlier]
        earlier = len(accepted) - len(here)
        fields = Counter(f for it in accepted for f in it.corrected)
        minutes = (time.monotonic() - self.started) / 60 if minutes is None else minutes
        extra = [f"{earlier} claim(s) accepted in an earlier session" if earlier else "",
                 f"new actor {', '.join(self.actors)}" if self.actors else "",
                 f"new reason {', '.join(self.new_reasons)}" if self.new_reasons else ""]
        return {"article_id": self.article_id, "outlet": self.context["outlet"], "candidates": str(len(self.items)),
                "accepted_unchanged": str(sum(1 for it in here if not it.corrected)),
                "corrected": str(sum(1 for it in here if it.corrected)),
                "corrected_fields": ";".join(f"{f}:{n}" for f, n in sorted(fields.items())),
                "rejected": str(len(self.items) - len(accepted)), "added_unsuggested": "0",
                "relations_added": str(len(self.relations)),
                "relations_suggested": str(sum(1 for _s, as_suggested in self.relations if as_suggested)),
                "minutes": f"{minutes:.1f}",
                "notes": "; ".join(x for x in ["Curated in the workbench", *extra, notes.strip()] if x) + "."}

    def finish(self, minutes: float | None = None, notes: str = "") -> Accepted:
        """Mark the article curated - :func:`shieldgap.accept.accept_rows` with ``mark_curated``, the path of
        ``shieldgap accept <article> --mark-curated`` - and append its row to data/curation_log.csv, in one
        validated change (an article already in the log keeps its row)."""
        log = self.paths.data / "curation_log.csv"
        also = {}
        exists = log.exists() or log.is_symlink()
        raw, header, logged = read_table(self.paths, log) if exists else (None, [], [])
        if exists and header and "article_id" not in header:
            raise WriteError([f"{self.paths.rel(log)}: required column 'article_id' is missing"])
        header = header or LOG_COLUMNS
        if not any(r.get("article_id") == self.article_id for r in logged):
            start = raw if raw and raw.strip() else files.csv_text(header, []).encode("utf-8")
            also[log] = (raw, appended_csv(start, header, [self.log_row(minutes, notes)]))
        result = accept_rows(self.paths, self.article_id, [], source="the review queue", mark_curated=True,
                             also=also)
        self.history.append(("finish", None, result.snapshot))
        return result

    def reasons(self, theme: str = "", stance: str = "") -> list[tuple[str, str, str, str]]:
        """(reason id, statement, theme, stance) of reasons.csv, those of ``theme`` and ``stance`` first."""
        from .writes import read_table
        _raw, _header, rows = read_table(self.paths, self.paths.reasons)
        rows.sort(key=lambda r: (r.get("theme") != theme, r.get("stance") != stance, r.get("reason_id", "")))
        return [(r["reason_id"], r.get("statement", ""), r.get("theme", ""), r.get("stance", "")) for r in rows]

    def accepted_claim_ids(self) -> list[str]:
        return [it.claim_id for it in self.items if it.decision == "accepted" and it.claim_id]
