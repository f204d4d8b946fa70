"""What each section of the report says, as plain values: the data the report's templates present.

:class:`Sections` turns the ledger and its analysis into dicts, lists and the small dataclasses
below — numbers stay numbers, dates are ``datetime.date``, text is text (never HTML). The wording,
the number formats and the markup are the templates' (``templates/report/*.html.j2``), and
:mod:`shieldgap.report` pairs each section with its template. The appendices are in
:mod:`shieldgap.appendices`.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import pandas as pd

from . import analysis, labels
from .fields import ATTACKS, STANCES


def text(value) -> str:
    """Curated text as a str: a missing value (None, NaN, NA) is the empty string."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def day(value) -> _dt.date:
    return pd.Timestamp(value).date()


@dataclass(frozen=True)
class Outlet:
    """An outlet and the badge of its type."""

    name: str
    type: str
    label: str

    @property
    def state(self) -> bool:
        return self.type == "state_controlled_media"


@dataclass(frozen=True)
class Source:
    """Who said a claim, when, and in which outlet."""

    speaker: str
    date: _dt.date
    approx: bool
    outlet: Outlet


@dataclass(frozen=True)
class Quote:
    """A claim shown as its verbatim words and where they come from."""

    id: str
    text: str
    source: Source
    kind: str = "quote"


@dataclass(frozen=True)
class Reference:
    title: str
    publisher: str
    date: str
    url: str


@dataclass(frozen=True)
class Note:
    """An analyst note shown as its text and the reference it rests on."""

    id: str
    text: str
    reference: Reference
    kind: str = "note"


def reference(row) -> Reference:
    return Reference(text(row["reference_title"]), text(row["reference_publisher"]),
                     text(row.get("reference_date")), text(row.get("reference_url")))


class Sections:
    """The values of every section before the appendices, for one analysis."""

    def __init__(self, a: analysis.Analysis):
        self.a = a
        self.ledger = a.ledger
        self.params = a.params
        self.brief = self.params.get("detail") == "brief"
        self.theme_labels = self.ledger.themes["label"].to_dict()
        # The themes whose section shows an argument map (those with an explanation), in document order.
        explained = set(a.claims.loc[a.claims["stance"] == "explains_gap", "theme"])
        self.map_themes = [t for t in a.themes.index if t in explained]

    # ------------------------------------------------------------------ shared pieces
    def actor_name(self, actor_id: str, article_id: str | None = None) -> str:
        if actor_id == "@outlet":
            outlet = self.ledger.articles.at[article_id, "outlet"] if article_id else "the outlet"
            return f"{outlet} (outlet's own voice)"
        actors = self.ledger.actors
        return actors.at[actor_id, "name"] if actor_id in actors.index else actor_id

    def outlet(self, article_id: str) -> Outlet:
        art = self.ledger.articles.loc[article_id]
        t = art["outlet_type"]
        return Outlet(text(art["outlet"]), t, labels.OUTLET_TYPES.get(t, t))

    def source(self, c) -> Source:
        """Speaker, date and outlet of a claim row (with ``date``: its statement date, or None)."""
        art = self.ledger.articles.loc[c["article_id"]]
        date = day(c["date"]) if pd.notna(c.get("date")) else day(art["published"])
        # As before: a missing said_on reads as NaN, which is truthy, so "(approx.)" shows only for an
        # empty said_on (see the report on this refactor).
        approx = not (c.get("said_on") or art["date_precision"] == "day")
        return Source(self.actor_name(c["actor_id"], c["article_id"]), date, approx, self.outlet(c["article_id"]))

    def item(self, item_id: str) -> Quote | Note:
        """A claim's quote, or an analyst note's text."""
        if item_id.startswith("N"):
            n = self.ledger.analyst_notes.loc[item_id]
            return Note(item_id, text(n["text"]), reference(n))
        c = self.ledger.claims.loc[item_id]
        said = pd.to_datetime(c["said_on"]) if text(c["said_on"]) else None
        return Quote(item_id, text(c["quote"]), self.source({**c.to_dict(), "date": said}))

    # ------------------------------------------------------------------ sections
    def header(self) -> dict:
        p, arts = self.params, self.a.articles
        return {"title": p["title"], "n_claims": len(self.a.claims), "n_articles": len(arts),
                "first": day(arts["published"].min()), "last": day(arts["published"].max()),
                "n_themes": len(self.a.themes), "min_strength": p["min_strength"],
                "notes_counted": bool(p["include_analyst_notes"]),
                "excluded": [str(x) for x in p["exclude_outlet_types"] + p["exclude_outlets"]],
                "theme_weights": dict(p["theme_weights"])}

    def summary(self) -> dict:
        a, names = self.a, self.theme_labels
        ranked = analysis.ranked_explanations(a)
        if ranked.empty:
            return {"ranked": []}
        top_themes = [names[t] for t in a.balance.sort_values("explains_weighted", ascending=False)["theme"]]
        return {
            "n_explains": int((a.arguments["stance"] == "explains_gap").sum()),
            "n_challenges": int((a.arguments["stance"] == "challenges_gap").sum()),
            "top_theme": top_themes[0], "next_themes": top_themes[1:3],
            "ranked": [self._ranked(r) for _, r in ranked.head(3 if self.brief else 5).iterrows()],
            "robustness": self._robustness(),
            "caveats": self._caveats(),
        }

    def _ranked(self, r) -> dict:
        best = self.a.claims.loc[r["best"]]
        counter = analysis.strongest_counter(self.a, r["canonical_id"])
        return {"summary": text(best["summary"]), "theme": self.theme_labels[r["theme"]], "score": float(r["score"]),
                "articles": int(r["articles"]), "canonical_id": r["canonical_id"], "item": self.item(r["best"]),
                "counter": None if counter is None else {
                    "relation": counter["relation"], "explanation": text(counter["explanation"]).rstrip("."),
                    "item": self.item(counter["source_id"])},
                "unanswered": text(best.get("unanswered")).rstrip(".")}

    def _robustness(self) -> dict | None:
        sens = self.a.sensitivity
        if sens.get("top_share") is None:
            return None
        best = self.a.arguments.set_index("canonical_id").at[sens["top"], "best"]
        return {"spread": sens["spread"], "n": sens["n"], "seed": sens["seed"],
                "lead": text(self.a.claims.loc[best, "summary"]), "top_share": sens["top_share"],
                "top3_share": sens["top3_share"], "theme": self.theme_labels[sens["theme_top"]],
                "theme_share": sens["theme_top_share"]}

    def _caveats(self) -> list[tuple[str, object]]:
        """("problems", n), ("conflicts", n) and ("state_media", [outlets]) where there are any."""
        a = self.a
        problems = int(a.ledger.fact_checks["article_id"].isin(a.articles.index).sum())
        conflicts = len(a.ledger.conflicts)
        state = a.articles.loc[a.articles["outlet_type"] == "state_controlled_media", "outlet"].tolist()
        return [(kind, value) for kind, value in (("problems", problems), ("conflicts", conflicts),
                                                  ("state_media", state)) if value]

    def themes(self) -> list[dict]:
        return [self.theme(theme, k) for k, theme in enumerate(self.a.themes.index, start=1)]

    def theme(self, theme: str, number: int) -> dict:
        a = self.a
        t = a.themes.loc[theme]
        c = a.claims[a.claims["theme"] == theme]
        bal = a.balance.loc[theme]
        band = a.sensitivity["band"].loc[theme]
        groups = []
        for stance in STANCES:
            rows = c[c["stance"] == stance].sort_values(["e", "strength"], ascending=False)
            if not rows.empty:
                shown = rows.head(3) if self.brief else rows
                groups.append({"stance": stance, "heading": labels.STANCE_HEADINGS[stance], "total": len(rows),
                               "claims": [self._claim_row(cid, r) for cid, r in shown.iterrows()]})
        answers = a.relations[a.relations["target_id"].isin(c["claim_id"])]
        counters = answers.sort_values(["relation", "impact", "strength"], ascending=[True, False, False])
        if self.brief:
            counters = counters[counters["relation"].isin(ATTACKS)].head(5)
        notes = counters.loc[counters["source_id"].str.startswith("N"), "source_id"].unique()
        return {
            "id": theme, "number": number, "label": text(t["label"]), "question": text(t["question"]),
            "description": text(t["description"]),
            "balance": {"balance": float(bal["balance"]), "n_explains": int(bal["n_explains"]),
                        "explains": float(bal["explains"]), "n_challenges": int(bal["n_challenges"]),
                        "challenges": float(bal["challenges"]), "weight": float(bal["weight"]),
                        "p05": float(band["p05"]), "p95": float(band["p95"])},
            "groups": groups,
            "has_map": theme in self.map_themes,
            # None: nothing answers the theme's claims; [] when brief leaves out every answer that is no attack
            "counters": None if answers.empty else [self._counter_row(r) for _, r in counters.iterrows()],
            "notes": [self.item(n) for n in notes],
        }

    def _claim_row(self, cid: str, c) -> dict:
        e, strength = float(c["e"]), int(c["strength"])
        return {"id": cid, "canonical_id": None if c["canonical_id"] == cid else c["canonical_id"],
                "summary": text(c["summary"]), "quote": text(c["quote"]), "source": self.source(c),
                "strength": strength, "effective": None if abs(e - strength) < 0.01 else e}

    def _counter_row(self, r) -> dict:
        src = r["source_id"]
        note = src.startswith("N")
        claims = self.ledger.claims
        speaker = "" if note else self.actor_name(claims.at[src, "actor_id"], claims.at[src, "article_id"])
        return {"source_id": src, "is_note": note, "speaker": speaker, "relation": r["relation"],
                "target_id": r["target_id"], "explanation": text(r["explanation"]), "strength": int(r["strength"])}
