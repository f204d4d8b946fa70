"""The curation workbench of ``notebooks/curate.ipynb`` (ipywidgets; no JupyterLab needed).

One article at a time: each candidate sentence shown highlighted in its paragraph under the article's
title, outlet and date, with the suggested speaker, theme, stance, claim type and echo (and their
confidences) as controls to change; summary, support (strength), relevance and reason typed there.
Accept / Reject / Undo act on the :class:`~shieldgap.curation.queue.ReviewQueue` (so the same validated
write path as ``shieldgap accept``); a new speaker is created from the queue. The Counterarguments tab
ranks answers for the accepted claims (:mod:`.relations`), writes the confirmed relation, and lists the
claims left unanswered so they can be marked deliberately. Tests drive the widgets from Python.
"""
from __future__ import annotations

from html import escape

import ipywidgets as w

from .. import files
from ..fields import ATTRIBUTIONS, CLAIM_TYPES, RELATION_TYPES, STANCES
from ..paths import data_paths
from .queue import ReviewQueue
from .relations import accept_relations, mark_unanswered, suggest_relations, unanswered_claims
from .writes import WriteError

NEW_REASON = "(new reason)"
NO_REASON = "(none: context)"


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def uncurated(paths) -> list[str]:
    """Ids of the articles not yet curated (file name order)."""
    from ..suggest import scan_articles

    return [a.id for a in scan_articles(paths) if not a.curated]


class Workbench:
    """Review queue widgets for one article of ``data_dir`` (default: the first uncurated article)."""

    def __init__(self, article_id: str = "", data_dir: str = "", *, model=None):
        self.paths = data_paths(data_dir or None)
        self._model = model
        ids = uncurated(self.paths)
        article_id = article_id or (ids[0] if ids else "")
        if not article_id:
            raise WriteError([f"{self.paths.rel(self.paths.articles)}: no uncurated article; add one with "
                              "`shieldgap add`"])
        self.themes = files.read_yaml(self.paths.themes) or {}
        self._build()
        self.load(article_id)

    # -- data
    def _actors(self) -> list[tuple[str, str]]:
        actors = files.read_yaml(self.paths.actors) or {}
        return [("@outlet — the outlet's own voice", "@outlet")] + \
            [(f"{a.get('name', aid)} ({aid})", aid) for aid, a in actors.items() if isinstance(a, dict)]

    def load(self, article_id: str) -> None:
        from .queue import fitted_model

        if self._model is None:
            self._model = fitted_model(self.paths)
        self.queue = ReviewQueue(self.paths, article_id, self._model)
        ctx = self.queue.context
        self.header.value = (f"<h3>{escape(ctx['title'])}</h3><p>{escape(ctx['outlet'])} · "
                             f"{escape(ctx['published'])} · <code>{escape(article_id)}</code> · "
                             f"{len(self.queue.items)} candidate(s)</p>")
        self.index = 0
        self.show(0)

    # -- widgets
    def _build(self) -> None:
        dd = dict(style={"description_width": "110px"}, layout=w.Layout(width="560px"))
        self.header = w.HTML()
        self.position = w.HTML()
        self.context_html = w.HTML()
        self.suggest_html = w.HTML()
        self.prev_button, self.next_button = w.Button(description="◀ Previous"), w.Button(description="Next ▶")
        self.actor = w.Dropdown(description="Speaker", options=self._actors(), **dd)
        self.attribution = w.Dropdown(description="Attribution", options=list(ATTRIBUTIONS), **dd)
        self.theme = w.Dropdown(description="Theme", options=[(t.get("label", k), k) for k, t in self.themes.items()],
                                **dd)
        self.stance = w.Dropdown(description="Stance", options=list(STANCES), **dd)
        self.claim_type = w.Dropdown(description="Claim type", options=list(CLAIM_TYPES), **dd)
        self.echo = w.Text(description="Echo of", placeholder="claim id, empty for a new claim", **dd)
        self.summary = w.Textarea(description="Summary", placeholder="one neutral sentence in your words", **dd)
        self.strength = w.IntSlider(description="Support", min=1, max=5, value=3, **dd)
        self.relevance = w.IntSlider(description="Relevance", min=1, max=5, value=3, **dd)
        self.reason = w.Dropdown(description="Reason", options=[NO_REASON], **dd)
        self.new_reason = w.Textarea(description="New reason", placeholder="the reason in one checkable sentence",
                                     **dd)
        self.notes = w.Text(description="Notes", **dd)
        self.unanswered_note = w.Text(description="Unanswered", placeholder="explains_gap: why no counterargument "
                                      "is recorded yet (cleared when one is written)", **dd)
        self.accept_button = w.Button(description="Accept", button_style="success", icon="check")
        self.reject_button = w.Button(description="Reject", button_style="warning", icon="times")
        self.undo_button = w.Button(description="Undo last", icon="undo")
        self.status = w.HTML()
        self.actor_name, self.actor_role, self.actor_affiliation = (w.Text(description=d, **dd) for d in
                                                                    ("Name", "Role", "Affiliation"))
        self.actor_kind = w.Dropdown(description="Kind", options=["person", "institution", "group"], **dd)
        self.actor_button = w.Button(description="Create speaker", icon="user-plus")
        self.prev_button.on_click(lambda _b: self.show(self.index - 1))
        self.next_button.on_click(lambda _b: self.show(self.index + 1))
        self.accept_button.on_click(self.on_accept)
        self.reject_button.on_click(self.on_reject)
        self.undo_button.on_click(self.on_undo)
        self.actor_button.on_click(self.on_new_actor)
        self.stance.observe(lambda _c: self._fill_reasons(), names="value")
        self.theme.observe(lambda _c: self._fill_reasons(), names="value")
        self._build_relations(dd)

    def _build_relations(self, dd) -> None:
        self.rel_claim = w.Dropdown(description="Claim", options=[], **dd)
        self.rel_suggest_button = w.Button(description="Suggest answers", icon="search")
        self.rel_choice = w.Select(description="Suggestions", options=[], rows=8, **dd)
        self.rel_type = w.Dropdown(description="Relation", options=list(RELATION_TYPES), **dd)
        self.rel_explanation = w.Textarea(description="Explanation", **dd)
        self.rel_strength = w.IntSlider(description="Strength", min=1, max=5, value=3, **dd)
        self.rel_confirm = w.Button(description="Write relation", button_style="success", icon="link")
        self.unanswered = w.Select(description="Unanswered", options=[], rows=5, **dd)
        self.unanswered_why = w.Text(description="Why none", **dd)
        self.unanswered_button = w.Button(description="Mark unanswered", icon="flag")
        self.rel_status = w.HTML()
        self.rel_suggestions = []
        self.rel_suggest_button.on_click(self.on_suggest_relations)
        self.rel_choice.observe(self._relation_chosen, names="value")
        self.rel_confirm.on_click(self.on_confirm_relation)
        self.unanswered_button.on_click(self.on_mark_unanswered)

    @property
    def ui(self) -> w.Widget:
        if getattr(self, "_ui", None) is None:
            review = w.VBox([w.HBox([self.prev_button, self.next_button, self.position]), self.context_html,
                             self.suggest_html, self.actor, self.attribution, self.theme, self.stance,
                             self.claim_type, self.echo, self.summary, self.strength, self.relevance, self.reason,
                             self.new_reason, self.unanswered_note, self.notes,
                             w.HBox([self.accept_button, self.reject_button, self.undo_button]), self.status,
                             w.HTML("<b>New speaker</b> (when the right one is not in the list)"),
                             self.actor_name, self.actor_role, self.actor_affiliation, self.actor_kind,
                             self.actor_button])
            rel = w.VBox([w.HBox([self.rel_claim, self.rel_suggest_button]), self.rel_choice, self.rel_type,
                          self.rel_explanation, self.rel_strength, self.rel_confirm, self.unanswered,
                          self.unanswered_why, self.unanswered_button, self.rel_status])
            tabs = w.Tab(children=[review, rel])
            tabs.titles = ("Review queue", "Counterarguments")
            self._ui = w.VBox([self.header, tabs])
        return self._ui

    def show(self, i: int) -> None:
        """Show candidate ``i`` (clamped) with its suggestions in the controls."""
        items = self.queue.items
        if not items:
            self.position.value, self.context_html.value = "no candidates", ""
            return
        self.index = i = max(0, min(i, len(items) - 1))
        it = items[i]
        r = it.row
        self.position.value = f"candidate {i + 1} of {len(items)} · <b>{it.decision}</b>" + \
            (f" as {it.claim_id}" if it.claim_id else "")
        self.context_html.value = f"<blockquote>{it.paragraph_html}</blockquote>"
        rows = "".join(f"<tr><td>{k}</td><td>{escape(v or '—')}</td><td>{_pct(c)}</td></tr>"
                       for k, (v, c) in it.suggestions.items())
        echo = f"<p>Echo: “{escape(r.get('echo_quote', ''))}”</p>" if r.get("echo_of") else ""
        if not r.get("actor_id") and r.get("actor_name_in_text"):
            echo += (f"<p><b>Speaker not in the registry:</b> “{escape(r['actor_name_in_text'])}” — create it "
                     "under <i>New speaker</i> (the speaker shown until then is the outlet).</p>")
        self.suggest_html.value = f"<table><tr><th>suggested</th><th></th><th>confidence</th></tr>{rows}</table>{echo}"
        self.actor.options = self._actors()
        ids = [v for _l, v in self.actor.options]
        self.actor.value = r.get("actor_id") if r.get("actor_id") in ids else "@outlet"
        if not r.get("actor_id") and r.get("actor_name_in_text"):
            self.actor_name.value = r["actor_name_in_text"]
        self.attribution.value = r.get("attribution") if r.get("attribution") in ATTRIBUTIONS else "paraphrase"
        if r.get("theme") in self.themes:
            self.theme.value = r["theme"]
        self.stance.value = r.get("stance") if r.get("stance") in STANCES else "context"
        self.claim_type.value = r.get("claim_type") if r.get("claim_type") in CLAIM_TYPES else "fact"
        self.echo.value = r.get("echo_of", "")
        self.summary.value, self.notes.value, self.new_reason.value, self.unanswered_note.value = "", "", "", ""
        self._fill_reasons()

    def _fill_reasons(self) -> None:
        if not hasattr(self, "queue"):
            return
        theme, stance = self.theme.value or "", self.stance.value or ""
        reasons = self.queue.reasons(theme, stance)
        self.reason.options = [(NO_REASON, NO_REASON), (NEW_REASON, NEW_REASON)] + \
            [(f"{rid}: {st[:90]}", rid) for rid, st, _t, _s in reasons]
        fitting = [rid for rid, _st, t, s in reasons if t == theme and s == stance]
        self.reason.value = NO_REASON if stance == "context" else (fitting[0] if fitting else NEW_REASON)

    # -- actions
    def edits(self) -> dict:
        reason = self.reason.value
        return {"actor_id": self.actor.value, "attribution": self.attribution.value, "theme": self.theme.value,
                "stance": self.stance.value, "claim_type": self.claim_type.value, "echo_of": self.echo.value.strip(),
                "summary": self.summary.value.strip(), "strength": self.strength.value,
                "relevance": self.relevance.value, "notes": self.notes.value.strip(),
                "reason_id": "" if reason in (NO_REASON, NEW_REASON) else reason,
                "unanswered": self.unanswered_note.value.strip() if self.stance.value == "explains_gap" else ""}

    def _report(self, target: w.HTML, ok: str | None = None, err: WriteError | None = None) -> None:
        if err is not None:
            target.value = "<div style='color:#a00'>" + "<br>".join(escape(m) for m in err.messages) + "</div>"
        else:
            target.value = f"<div style='color:#060'>{escape(ok or '')}</div>"

    def on_accept(self, _b=None) -> None:
        new_reason = {"statement": self.new_reason.value.strip()} if self.reason.value == NEW_REASON and \
            self.stance.value != "context" else None
        try:
            res = self.queue.accept(self.index, new_reason=new_reason, **self.edits())
        except WriteError as err:
            self._report(self.status, err=err)
            return
        self._report(self.status, f"accepted as {res.rows[0]['claim_id']}" +
                     (f" with new reason {res.reasons[0]['reason_id']}" if res.reasons else ""))
        self._refresh_claims(res.rows[0]["claim_id"] if res.rows else "")
        self.show(self.index + 1)

    def on_reject(self, _b=None) -> None:
        self.queue.reject(self.index)
        self._report(self.status, f"rejected candidate {self.index + 1}")
        self.show(self.index + 1)

    def on_undo(self, _b=None) -> None:
        last = self.queue.history[-1][1] if self.queue.history else None
        try:
            msg = self.queue.undo()
        except WriteError as err:
            self._report(self.status, err=err)
            return
        self._report(self.status, msg)
        self._refresh_claims()
        self.show(last if last is not None else self.index)

    def on_new_actor(self, _b=None) -> None:
        try:
            aid = self.queue.new_actor(self.index, self.actor_name.value, self.actor_role.value,
                                       self.actor_affiliation.value, kind=self.actor_kind.value)
        except WriteError as err:
            self._report(self.status, err=err)
            return
        self._report(self.status, f"created speaker {aid}")
        self.show(self.index)

    # -- counterarguments
    def _ledger(self):
        from ..ledger import load_ledger

        return load_ledger(self.paths.data)

    def _refresh_claims(self, latest: str = "") -> None:
        ids = self.queue.accepted_claim_ids()
        self.rel_claim.options = ids
        if ids:
            self.rel_claim.value = latest if latest in ids else ids[-1]

    def on_suggest_relations(self, _b=None) -> None:
        if not self.rel_claim.value:
            self.rel_status.value = "accept a claim first"
            return
        try:
            ledger = self._ledger()
            self.rel_suggestions = suggest_relations(ledger, self.rel_claim.value)
            self.unanswered.options = unanswered_claims(ledger, self.queue.accepted_claim_ids())
        except WriteError as err:
            self._report(self.rel_status, err=err)
            return
        self.rel_choice.options = [(f"{s.source_id} {s.relation} {s.target_id} ({s.score:.2f}): {s.text[:70]}", k)
                                   for k, s in enumerate(self.rel_suggestions)]
        if self.rel_suggestions:
            self.rel_choice.value = 0
            self._relation_chosen()
        self.rel_status.value = f"{len(self.rel_suggestions)} suggestion(s)"

    def _relation_chosen(self, _c=None) -> None:
        if self.rel_choice.value is None or not self.rel_suggestions:
            return
        s = self.rel_suggestions[self.rel_choice.value]
        self.rel_type.value, self.rel_explanation.value = s.relation, s.reason

    def on_confirm_relation(self, _b=None) -> None:
        if self.rel_choice.value is None:
            self.rel_status.value = "pick a suggestion first"
            return
        s = self.rel_suggestions[self.rel_choice.value]
        row = s.row(self.rel_explanation.value.strip(), self.rel_strength.value)
        row["relation"] = self.rel_type.value
        try:
            new, snap = accept_relations(self.paths, [row])
        except WriteError as err:
            self._report(self.rel_status, err=err)
            return
        self.queue.history.append(("relation", None, snap))
        self._report(self.rel_status, f"wrote {new[0]['relation_id']}: {new[0]['source_id']} {new[0]['relation']} "
                                      f"{new[0]['target_id']}")

    def on_mark_unanswered(self, _b=None) -> None:
        cid = self.unanswered.value
        try:
            snap = mark_unanswered(self.paths, cid or "", self.unanswered_why.value)
        except WriteError as err:
            self._report(self.rel_status, err=err)
            return
        self.queue.history.append(("unanswered", None, snap))
        self._report(self.rel_status, f"marked {cid} unanswered")

    def display(self):
        from IPython.display import display

        display(self.ui)
        return self

    def _repr_mimebundle_(self, **kwargs):
        return self.ui._repr_mimebundle_(**kwargs)
