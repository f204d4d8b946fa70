"""The curation workbench of ``notebooks/curate.ipynb`` (ipywidgets; no JupyterLab needed).

One article at a time: each candidate sentence shown highlighted in its paragraph under the article's
title, outlet and date, with the suggested speaker, theme, stance, claim type and echo (and their
confidences) as controls to change; summary, support (strength), relevance and reason typed there.
Accept / Reject / Undo act on the :class:`~shieldgap.curation.queue.ReviewQueue` (so the same validated
write path as ``shieldgap accept``); a new speaker is created from the queue. The Counterarguments tab
ranks answers for the accepted claims (:mod:`.relations`), writes the confirmed relation with the
curator's own explanation, and lists the claims left unanswered so they can be marked deliberately.
*Finish article* marks the article curated (the path of ``shieldgap accept <id> --mark-curated``), writes
its row of ``data/curation_log.csv`` and opens the next uncurated article. Tests drive the widgets from
Python.
"""
from __future__ import annotations

from html import escape

import ipywidgets as w

from .. import files
from ..fields import ATTRIBUTIONS, CLAIM_TYPES, RELATION_TYPES, STANCES
from ..paths import data_paths
from .queue import ReviewQueue, shown_score
from .relations import accept_relations, answered, mark_unanswered, suggest_relations, unanswered_claims
from .writes import WriteError, read_table

NEW_REASON = "(new reason)"
NO_REASON = "(none: context)"
#: Width of the controls: the available width, up to MAX_WIDTH (labels DESCRIPTION_WIDTH wide).
MAX_WIDTH = "1000px"
DESCRIPTION_WIDTH = "130px"
#: Characters of a reason statement shown in the reason list (cut at a word, ending in "…").
REASON_CHARS = 90
#: The label of the unanswered note, and what it says when the claim's stance needs it.
UNANSWERED_LABEL, UNANSWERED_REQUIRED = "Unanswered", "Unanswered *"
UNANSWERED_HINT = ("* <b>Required for an explains_gap claim</b> until a counterargument is written (tab "
                   "<i>Counterarguments</i>): say why no answer is recorded yet; it is cleared when one is written.")


def short(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters, ending in "…" when cut."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    head = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return head.rstrip(" ,;:.-–—") + "…"


def uncurated(paths) -> list[str]:
    """Ids of the articles not yet curated (file name order)."""
    from ..suggest import scan_articles

    return [a.id for a in scan_articles(paths) if not a.curated]


def _controls(**layout) -> dict:
    """Keyword arguments of a control that fills the available width (up to MAX_WIDTH)."""
    return dict(style={"description_width": DESCRIPTION_WIDTH},
                layout=w.Layout(width="100%", max_width=MAX_WIDTH, **layout))


def _under_control() -> w.Layout:
    """The layout of a line of help under a control, aligned with the control (not its label)."""
    return w.Layout(max_width=MAX_WIDTH, margin=f"0 0 4px {DESCRIPTION_WIDTH}")


def _button(description: str, **kw) -> w.Button:
    """A button as wide as its label (never cut)."""
    return w.Button(description=description, layout=w.Layout(width="auto", min_width="110px"), **kw)


class Workbench:
    """Review queue widgets for one article of ``data_dir`` (default: the first uncurated article)."""

    def __init__(self, article_id: str = "", data_dir: str = "", *, model=None):
        self.paths = data_paths(data_dir or None)
        self._model = model
        ids = uncurated(self.paths)
        article_id = article_id or (ids[0] if ids else "")
        if not article_id:  # nothing to review: say so, as the notebook's output, instead of failing
            self.queue = None
            self._ui = w.HTML(f"<p><b>No uncurated article</b> in {escape(self.paths.rel(self.paths.articles))}: add "
                              "one with <code>shieldgap add</code>, then run this notebook again.</p>")
            return
        self.themes = files.read_yaml(self.paths.themes) or {}
        self._build()
        self.load(article_id)

    # -- data
    def _actors(self) -> list[tuple[str, str]]:
        actors = files.read_yaml(self.paths.actors) or {}
        return [("@outlet — the outlet's own voice", "@outlet")] + \
            [(f"{a.get('name', aid)} ({aid})", aid) for aid, a in actors.items() if isinstance(a, dict)]

    def _claims(self) -> dict[str, dict]:
        """claims.csv: claim id -> row."""
        try:
            _raw, _header, rows = read_table(self.paths, self.paths.claims)
        except WriteError:
            return {}
        return {r.get("claim_id"): r for r in rows}

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
        self._finish_armed = False
        self.finish_button.disabled = False
        self.rel_suggestions = []
        self.rel_choice.options = []
        self._refresh_claims()
        pending = self.queue.pending()
        self.show(pending[0] if pending else 0)

    # -- widgets
    def _build(self) -> None:
        dd = _controls
        self.header = w.HTML()
        self.position = w.HTML()
        self.context_html = w.HTML()
        self.suggest_html = w.HTML()
        self.prev_button, self.next_button = _button("◀ Previous"), _button("Next ▶")
        self.actor = w.Dropdown(description="Speaker", options=self._actors(), **dd())
        self.attribution = w.Dropdown(description="Attribution", options=list(ATTRIBUTIONS), **dd())
        self.theme = w.Dropdown(description="Theme", options=[(t.get("label", k), k) for k, t in self.themes.items()],
                                **dd())
        self.stance = w.Dropdown(description="Stance", options=list(STANCES), **dd())
        self.claim_type = w.Dropdown(description="Claim type", options=list(CLAIM_TYPES), **dd())
        self.echo = w.Text(description="Echo of", placeholder="claim id (theme, stance and reason follow its canonical "
                           "claim); empty for a new claim", **dd())
        self.summary = w.Textarea(description="Summary", placeholder="one neutral sentence in your words", **dd())
        self.strength = w.IntSlider(description="Support", min=1, max=5, value=3, **dd())
        self.relevance = w.IntSlider(description="Relevance", min=1, max=5, value=3, **dd())
        self.reason = w.Dropdown(description="Reason", options=[NO_REASON], **dd())
        self.new_reason = w.Textarea(description="New reason", placeholder="the reason in one checkable sentence",
                                     **dd())
        self.notes = w.Text(description="Notes", **dd())
        self.unanswered_note = w.Text(description=UNANSWERED_LABEL, placeholder="why no counterargument is recorded "
                                      "yet", **dd())
        self.unanswered_hint = w.HTML(layout=_under_control())
        self.accept_button = _button("Accept", button_style="success", icon="check")
        self.reject_button = _button("Reject", button_style="warning", icon="times")
        self.undo_button = _button("Undo last", icon="undo")
        self.finish_button = _button("Finish article", button_style="primary", icon="flag-checkered",
                                     tooltip="mark the article curated (as `shieldgap accept <id> --mark-curated`), "
                                             "write its curation log row, open the next uncurated article")
        self.status = w.HTML()
        self.actor_name, self.actor_role, self.actor_affiliation = (w.Text(description=d, **dd()) for d in
                                                                    ("Name", "Role", "Affiliation"))
        self.actor_kind = w.Dropdown(description="Kind", options=["person", "institution", "group"], **dd())
        self.actor_button = _button("Create speaker", icon="user-plus")
        self.prev_button.on_click(lambda _b: self.show(self.index - 1))
        self.next_button.on_click(lambda _b: self.show(self.index + 1))
        self.accept_button.on_click(self.on_accept)
        self.reject_button.on_click(self.on_reject)
        self.undo_button.on_click(self.on_undo)
        self.finish_button.on_click(self.on_finish)
        self.actor_button.on_click(self.on_new_actor)
        self.stance.observe(lambda _c: (self._fill_reasons(), self._unanswered_label()), names="value")
        self.theme.observe(lambda _c: self._fill_reasons(), names="value")
        self.echo.observe(self._echo_changed, names="value")
        self._build_relations(dd)
        review = w.VBox([w.HBox([self.prev_button, self.next_button, self.position]), self.context_html,
                         self.suggest_html, self.actor, self.attribution, self.theme, self.stance,
                         self.claim_type, self.echo, self.summary, self.strength, self.relevance, self.reason,
                         self.new_reason, self.unanswered_note, self.unanswered_hint, self.notes,
                         w.HBox([self.accept_button, self.reject_button, self.undo_button, self.finish_button],
                                layout=w.Layout(flex_flow="row wrap")), self.status,
                         w.HTML("<b>New speaker</b> (when the right one is not in the list)"),
                         self.actor_name, self.actor_role, self.actor_affiliation, self.actor_kind,
                         w.HBox([self.actor_button])])
        self.rel_claim.layout.width, self.rel_claim.layout.flex = "auto", "1 1 auto"
        self.rel_suggest_button.layout.flex = "0 0 auto"
        rel = w.VBox([w.HBox([self.rel_claim, self.rel_suggest_button], layout=w.Layout(max_width=MAX_WIDTH)),
                      self.rel_choice, self.rel_why, self.rel_type, self.rel_explanation, self.rel_strength,
                      w.HBox([self.rel_confirm]), self.unanswered, self.unanswered_why,
                      w.HBox([self.unanswered_button]), self.rel_status])
        self.tabs = w.Tab(children=[review, rel])
        self.tabs.titles = ("Review queue", "Counterarguments")
        self.tabs.observe(self._tab_changed, names="selected_index")
        self._ui = w.VBox([self.header, self.tabs])

    def _build_relations(self, dd) -> None:
        self.rel_claim = w.Dropdown(description="Claim", options=[], **dd())
        self.rel_suggest_button = _button("Suggest answers", icon="search")
        self.rel_choice = w.Select(description="Suggestions", options=[], rows=8, **dd())
        self.rel_why = w.HTML(layout=_under_control())
        self.rel_type = w.Dropdown(description="Relation", options=list(RELATION_TYPES), **dd())
        self.rel_explanation = w.Textarea(description="Explanation", placeholder="in your words: how the source bears "
                                          "on the target (one sentence; required)", **dd())
        self.rel_strength = w.IntSlider(description="Strength", min=1, max=5, value=3, **dd())
        self.rel_confirm = _button("Write relation", button_style="success", icon="link")
        self.unanswered = w.Select(description="Unanswered", options=[], rows=5, **dd())
        self.unanswered_why = w.Text(description="Why none", placeholder="why no counterargument is recorded yet",
                                     **dd())
        self.unanswered_button = _button("Mark unanswered", icon="flag")
        self.rel_status = w.HTML()
        self.rel_suggestions = []
        self._rel_stale = False
        self.rel_suggest_button.on_click(self.on_suggest_relations)
        self.rel_choice.observe(self._relation_chosen, names="value")
        self.rel_claim.observe(self._rel_claim_changed, names="value")
        self.rel_confirm.on_click(self.on_confirm_relation)
        self.unanswered_button.on_click(self.on_mark_unanswered)

    @property
    def ui(self) -> w.Widget:
        return self._ui

    def show(self, i: int) -> None:
        """Show candidate ``i`` (clamped): its suggestions in the controls, or what was decided on it."""
        items = self.queue.items
        self._finish_armed = False
        if not items:
            self.position.value, self.context_html.value = "no candidates", ""
            return
        self.index = i = max(0, min(i, len(items) - 1))
        it = items[i]
        done = it.decision == "accepted" and bool(it.ledger_row)
        r = {**it.row, **{k: v for k, v in it.ledger_row.items() if k != "quote"}} if done else it.row
        self.position.value = f"candidate {i + 1} of {len(items)} · <b>{it.decision}</b>" + \
            (f" as {it.claim_id}" if it.claim_id else "") + \
            (" (in the ledger)" if done else "") + \
            f" · {len(self.queue.pending())} pending"
        self.context_html.value = f"<blockquote>{it.paragraph_html}</blockquote>"
        rows = "".join(f"<tr><td>{k}</td><td>{escape(v or '—')}</td><td>{escape(shown_score(c, kind))}"
                       f"{' (best match, below the echo threshold)' if kind == 'similarity' and not v and c else ''}"
                       "</td></tr>" for k, (v, c, kind) in it.suggestions.items())
        echo = f"<p>Echo: “{escape(it.row.get('echo_quote', ''))}”</p>" if it.row.get("echo_of") else ""
        if not it.row.get("actor_id") and it.row.get("actor_name_in_text") and not done:
            echo += (f"<p><b>Speaker not in the registry:</b> “{escape(it.row['actor_name_in_text'])}” — create it "
                     "under <i>New speaker</i> (the speaker shown until then is the outlet).</p>")
        self.suggest_html.value = ("<table><tr><th>suggested</th><th></th><th>how sure</th></tr>"
                                   f"{rows}</table>{echo}")
        self.actor.options = self._actors()
        ids = [v for _l, v in self.actor.options]
        self.actor.value = r.get("actor_id") if r.get("actor_id") in ids else "@outlet"
        self.actor_name.value = it.row["actor_name_in_text"] if not it.row.get("actor_id") and \
            it.row.get("actor_name_in_text") and not done else ""
        self.attribution.value = r.get("attribution") if r.get("attribution") in ATTRIBUTIONS else "paraphrase"
        if r.get("theme") in self.themes:
            self.theme.value = r["theme"]
        self.stance.value = r.get("stance") if r.get("stance") in STANCES else "context"
        self.claim_type.value = r.get("claim_type") if r.get("claim_type") in CLAIM_TYPES else "fact"
        echo_of = (r.get("canonical_id") if r.get("canonical_id") != it.claim_id else "") if done else \
            r.get("echo_of", "")
        self._showing = True
        try:
            self.echo.value = echo_of or ""
        finally:
            self._showing = False
        self.summary.value, self.notes.value = r.get("summary", "") if done else "", r.get("notes", "") if done else ""
        self.new_reason.value = ""
        self.unanswered_note.value = r.get("unanswered", "") if done else ""
        self.strength.value, self.relevance.value = (self._level(r.get("strength")), self._level(r.get("relevance")))
        self._fill_reasons()
        if done and r.get("reason_id"):
            self.reason.value = r["reason_id"] if r["reason_id"] in [v for _l, v in self.reason.options] else \
                self.reason.value
        self._unanswered_label()
        self.accept_button.disabled = done
        self.reject_button.disabled = it.decision == "accepted"

    @staticmethod
    def _level(value, default: int = 3) -> int:
        """A 1-5 level from the suggestion (or the ledger), else ``default``."""
        try:
            v = int(str(value).strip())
        except (TypeError, ValueError):
            return default
        return v if 1 <= v <= 5 else default

    def _unanswered_label(self) -> None:
        """The unanswered note is required for an explains_gap claim until it is answered (for an echo: until its
        canonical claim is); the label and the line under it say so."""
        side = self.stance.value == "explains_gap"
        canon = self._echo_canonical() if side else None
        answered_by = ""
        if canon is not None:
            try:
                _r, _h, rels = read_table(self.paths, self.paths.relations)
            except WriteError:
                rels = []
            if canon.get("claim_id") in answered(list(self._claims().values()), rels):
                answered_by = canon["claim_id"]
        needed = side and not answered_by
        self.unanswered_note.description = UNANSWERED_REQUIRED if needed else UNANSWERED_LABEL
        self.unanswered_note.disabled = not side
        self.unanswered_hint.value = f"<small>{UNANSWERED_HINT}</small>" if needed else \
            f"<small>(not needed: {escape(answered_by)}, the claim this echoes, is answered)</small>" if side else \
            "<small>(only for explains_gap claims)</small>"

    def _echo_canonical(self) -> dict | None:
        """The canonical claim of the claim typed in *Echo of* (None when it is not a claim)."""
        echo = self.echo.value.strip()
        if not echo:
            return None
        claims = self._claims()
        c = claims.get(echo)
        if c is None:
            return None
        return claims.get(c.get("canonical_id") or echo, c)

    def _echo_changed(self, _c=None) -> None:
        """An echo makes the candidate an appearance of that claim: its theme, stance and reason follow it."""
        canon = None if getattr(self, "_showing", False) else self._echo_canonical()
        if canon is not None:
            if canon.get("theme") in self.themes:
                self.theme.value = canon["theme"]
            if canon.get("stance") in STANCES:
                self.stance.value = canon["stance"]
        self._fill_reasons()
        self._unanswered_label()

    def _fill_reasons(self) -> None:
        if not hasattr(self, "queue"):
            return
        theme, stance = self.theme.value or "", self.stance.value or ""
        reasons = self.queue.reasons(theme, stance)
        self.reason.options = [(NO_REASON, NO_REASON), (NEW_REASON, NEW_REASON)] + \
            [(f"{rid}: {short(st, REASON_CHARS)}", rid) for rid, st, _t, _s in reasons]
        canon = self._echo_canonical()
        known = {rid for rid, *_ in reasons}
        if canon is not None and (canon.get("reason_id") or "") in known:
            self.reason.value = canon["reason_id"]  # an appearance states its canonical claim's reason
            return
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

    @staticmethod
    def _explained(messages: list[str]) -> list[str]:
        """The ledger's messages, those about a field of this form saying which control and what to do."""
        out = []
        for m in messages:
            if "not marked 'unanswered'" in m:
                m = (f"{UNANSWERED_REQUIRED}: required for an explains_gap claim until a counterargument is written: "
                     "type why no answer is recorded yet in the Unanswered field (it is cleared when you write one "
                     f"in Counterarguments). [{m}]")
            out.append(m)
        return out

    def _report(self, target: w.HTML, ok: str | None = None, err: WriteError | None = None) -> None:
        if err is not None:
            target.value = "<div style='color:#a00'>" + "<br>".join(escape(m) for m in self._explained(err.messages)) \
                + "</div>"
        else:
            target.value = f"<div style='color:#060'>{escape(ok or '')}</div>"

    def _next_pending(self, after: int) -> int:
        pending = self.queue.pending()
        later = [k for k in pending if k > after]
        return later[0] if later else (pending[0] if pending else after)

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
        self.show(self._next_pending(self.index))

    def on_reject(self, _b=None) -> None:
        try:
            self.queue.reject(self.index)
        except WriteError as err:
            self._report(self.status, err=err)
            return
        self._report(self.status, f"rejected candidate {self.index + 1}")
        self.show(self._next_pending(self.index))

    def on_undo(self, _b=None) -> None:
        last = self.queue.history[-1][1] if self.queue.history else None
        try:
            msg = self.queue.undo()
        except WriteError as err:
            self._report(self.status, err=err)
            return
        self._report(self.status, msg)
        self._refresh_claims()
        self._refresh_unanswered()
        self._refresh_actors()
        self.show(last if last is not None else self.index)

    def _refresh_unanswered(self) -> None:
        try:
            self.unanswered.options = self._unanswered_options(self._ledger())
        except WriteError:
            pass

    def _refresh_actors(self, value: str = "") -> None:
        """The speaker list again (the candidate's other edits kept)."""
        current = value or self.actor.value
        self.actor.options = self._actors()
        ids = [v for _l, v in self.actor.options]
        self.actor.value = current if current in ids else "@outlet"

    def on_new_actor(self, _b=None) -> None:
        try:
            aid = self.queue.new_actor(self.index, self.actor_name.value, self.actor_role.value,
                                       self.actor_affiliation.value, kind=self.actor_kind.value)
        except WriteError as err:
            self._report(self.status, err=err)
            return
        self._refresh_actors(aid)  # only the speaker changes: the curator's other edits stay
        self.actor_name.value = self.actor_role.value = self.actor_affiliation.value = ""
        self._report(self.status, f"created speaker {aid}")

    def on_finish(self, _b=None) -> None:
        """Mark the article curated and write its curation log row (one validated change), then open the next
        uncurated article. With candidates still pending, the first click asks for a second."""
        pending = self.queue.pending()
        if pending and not self._finish_armed:
            self._finish_armed = True
            self.status.value = (f"<div style='color:#a60'>{len(pending)} candidate(s) still pending (candidate "
                                 f"{', '.join(str(k + 1) for k in pending[:8])}{'…' if len(pending) > 8 else ''}): "
                                 "they will not become claims. Click <b>Finish article</b> again to finish.</div>")
            return
        self._finish_armed = False
        aid = self.queue.article_id
        try:
            self.queue.finish()
        except WriteError as err:
            self._report(self.status, err=err)
            return
        done = (f"finished {aid}: marked curated, its row written to "
                f"{self.paths.rel(self.paths.data / 'curation_log.csv')}")
        remaining = [a for a in uncurated(self.paths) if a != aid]
        if not remaining:
            self.finish_button.disabled = self.accept_button.disabled = self.reject_button.disabled = True
            self._report(self.status, done + "; no uncurated article is left (add one with `shieldgap add`)")
            return
        self.load(remaining[0])
        self._report(self.status, done + f"; now {remaining[0]} ({len(remaining)} uncurated left)")

    # -- counterarguments
    def _ledger(self):
        from ..ledger import LedgerError, load_ledger

        try:
            return load_ledger(self.paths.data)
        except LedgerError as err:
            raise WriteError([str(i) for i in err.issues] + ["the ledger does not validate: run `shieldgap check`"]) \
                from None

    def _refresh_claims(self, latest: str = "") -> None:
        """The claims of this article that take a side (context claims are answered through others)."""
        options = []
        for it in self.queue.items:
            c = it.ledger_row
            if it.decision == "accepted" and it.claim_id and c.get("stance") != "context":
                options.append((f"{it.claim_id}: {short(c.get('summary') or c.get('quote'), 80)}", it.claim_id))
        ids = [v for _l, v in options]
        before = self.rel_claim.value
        self._quiet = True
        try:
            self.rel_claim.options = options
            if ids:
                self.rel_claim.value = latest if latest in ids else (before if before in ids else ids[-1])
        finally:
            self._quiet = False
        self._rel_claim_changed()  # the same claim or another: its lists may have changed

    def _rel_claim_changed(self, _c=None) -> None:
        """A new claim: its suggestions and the unanswered list again (now when the tab is shown, else when it is
        opened)."""
        if getattr(self, "_quiet", False):
            return
        self.rel_suggestions, self.rel_choice.options = [], []
        self.rel_why.value = self.rel_explanation.value = ""
        if self.tabs.selected_index == 1:
            self.on_suggest_relations()
        else:
            self._rel_stale = True
            self.rel_status.value = f"{self.rel_claim.value}: suggestions not computed yet" if self.rel_claim.value \
                else ""

    def _tab_changed(self, change) -> None:
        if change.get("new") == 1 and self._rel_stale:
            self.on_suggest_relations()

    def _unanswered_options(self, ledger) -> list[tuple[str, str]]:
        claims = {c["claim_id"]: c for c in ledger.claims.to_dict("records")}
        out = []
        for cid in unanswered_claims(ledger, self.queue.accepted_claim_ids()):
            c = claims.get(cid, {})
            mark = " (marked)" if str(c.get("unanswered") or "").strip() else ""
            out.append((f"{cid}{mark}: {short(c.get('summary') or c.get('quote'), 70)}", cid))
        return out

    def on_suggest_relations(self, _b=None) -> None:
        self._rel_stale = False
        try:
            ledger = self._ledger()
            self.unanswered.options = self._unanswered_options(ledger)
            if not self.rel_claim.value:
                self.rel_suggestions, self.rel_choice.options = [], []
                self.rel_status.value = "accept a claim that takes a side first"
                return
            self.rel_suggestions = suggest_relations(ledger, self.rel_claim.value)
        except WriteError as err:
            self._report(self.rel_status, err=err)
            return
        self.rel_choice.options = [(f"{s.source_id} {s.relation} {s.target_id} ({s.score:.2f}): {short(s.text, 80)}",
                                    k) for k, s in enumerate(self.rel_suggestions)]
        if self.rel_suggestions:
            self.rel_choice.value = 0
            self._relation_chosen()
        self.rel_status.value = f"{self.rel_claim.value}: {len(self.rel_suggestions)} suggestion(s)"

    def _relation_chosen(self, _c=None) -> None:
        if self.rel_choice.value is None or not self.rel_suggestions:
            return
        s = self.rel_suggestions[self.rel_choice.value]
        self.rel_type.value = s.relation
        self.rel_explanation.value = ""  # the curator's words, never the machine's reason
        self.rel_why.value = (f"<small>Proposed: {escape(s.reason)}<br>“{escape(s.text)}”</small>")

    def on_confirm_relation(self, _b=None) -> None:
        if self.rel_choice.value is None or not self.rel_suggestions:
            self.rel_status.value = "pick a suggestion first"
            return
        s = self.rel_suggestions[self.rel_choice.value]
        explanation = self.rel_explanation.value.strip()
        if not explanation:
            self._report(self.rel_status, err=WriteError([
                "Explanation is empty: write in one sentence of your own how "
                f"{s.source_id} {self.rel_type.value} {s.target_id}; nothing was written"]))
            return
        row = s.row(explanation, self.rel_strength.value)
        row["relation"] = self.rel_type.value
        try:
            new, snap = accept_relations(self.paths, [row])
        except WriteError as err:
            self._report(self.rel_status, err=err)
            return
        self.queue.record_relation(snap, as_suggested=self.rel_type.value == s.relation)
        msg = f"wrote {new[0]['relation_id']}: {new[0]['source_id']} {new[0]['relation']} {new[0]['target_id']}"
        self.on_suggest_relations()  # the written pair leaves the list; the unanswered list again
        self._report(self.rel_status, msg)

    def on_mark_unanswered(self, _b=None) -> None:
        cid = self.unanswered.value
        if not cid:
            self.rel_status.value = "pick a claim in the Unanswered list first"
            return
        try:
            snap = mark_unanswered(self.paths, cid, self.unanswered_why.value)
        except WriteError as err:
            self._report(self.rel_status, err=err)
            return
        self.queue.history.append(("unanswered", None, snap))
        self._refresh_unanswered()
        self._report(self.rel_status, f"marked {cid} unanswered")

    def display(self):
        from IPython.display import display

        display(self.ui)
        return self

    def _repr_mimebundle_(self, **kwargs):
        return self.ui._repr_mimebundle_(**kwargs)
