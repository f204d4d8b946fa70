"""What each section of the report says, as plain values: the data the report's templates present.

:class:`Sections` turns the ledger and its analysis into dicts, lists and the small dataclasses
below — numbers stay numbers, dates are ``datetime.date``, text is text (never HTML). The wording,
the number formats and the markup are the templates' (``templates/report/*.html.j2``), and
:mod:`shieldgap.report` pairs each section with its template. The appendices are in
:mod:`shieldgap.appendices`.
"""
from __future__ import annotations

import datetime as _dt
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from . import analysis, labels, scoring
from .fields import ATTACKS

#: Fact-check verdicts that mark an error (the others mark a simplification, a dispute or missing support).
ERROR_VERDICTS = ("incorrect", "inconsistent", "misleading")
#: A conclusion "survives" a random test when it holds in at least this share of draws.
SURVIVES = 0.9


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
    inferred: bool = False  # the curator inferred the outlet (no byline or masthead in the retrieved text)

    @property
    def state(self) -> bool:
        return self.type == "state_controlled_media"


@dataclass(frozen=True)
class Source:
    """Who said a claim, when, and in which outlet.

    ``said``: ``date`` is the day the words were said (the claim's ``said_on``); otherwise it is the
    date of the article that reports them, ``approx`` when that date is not known to the day."""

    speaker: str
    date: _dt.date
    approx: bool
    outlet: Outlet
    said: bool = False
    own_voice: bool = False  # the outlet asserts it (actor ``@outlet``): ``speaker`` then names the outlet
    paraphrase: bool = False  # the words are the outlet's account of what the speaker said
    month_only: bool = False  # only the month of the reporting article is known


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
    """An analyst note shown as its text and the reference it rests on (printed once, in its appendix)."""

    id: str
    text: str
    reference: Reference
    kind: str = "note"


def reference(row) -> Reference:
    return Reference(text(row["reference_title"]), text(row["reference_publisher"]),
                     text(row.get("reference_date")), text(row.get("reference_url")))


class Sections:
    """The values of every section before the appendices, for one analysis."""

    #: What ``__init__`` derives from the ledger alone (lookups of its rows, the same for every selection).
    LEDGER_LOOKUPS = ("ledger", "theme_labels", "_articles", "_claims", "_notes", "_actors", "checks")

    def __init__(self, a: analysis.Analysis, like: Sections | None = None):
        """``like``: sections of another selection of the same ledger, whose lookups of the ledger's rows are
        reused (the explorer makes one Sections per selection; turning the tables into dicts is most of it)."""
        self.a = a
        self.params = a.params
        self.brief = self.params.get("detail") == "brief"
        if like is not None and like.ledger is a.ledger:
            for name in self.LEDGER_LOOKUPS:
                setattr(self, name, getattr(like, name))
        else:
            self._look_up(a.ledger)
        # The themes whose section shows an argument map (those with an explaining reason), in document order.
        explained = set(a.reasons.loc[a.reasons["stance"] == "explains_gap", "theme"])
        self.map_themes = [t for t in a.themes.index if t in explained]
        self._e = {**a.claims["e"].to_dict(), **a.notes["e"].to_dict()}
        self._on: dict[str, list[dict]] = {}  # target id -> the relations on it, in the ledger's order
        for x in a.relations.to_dict("records"):
            self._on.setdefault(x["target_id"], []).append(x)

    def _look_up(self, led) -> None:
        """Row lookups as dicts: the sections read a few fields of hundreds of rows, which pandas' .loc makes
        slow (the attributes named in ``LEDGER_LOOKUPS``)."""
        self.ledger = led
        self.theme_labels = led.themes["label"].to_dict()
        self._articles = led.articles.to_dict("index")
        self._claims = led.claims.to_dict("index")
        self._notes = led.analyst_notes.to_dict("index")
        self._actors = led.actors["name"].to_dict()
        self.checks = {}
        for fid, r in led.fact_checks.iterrows():
            if text(r.get("claim_id")):
                self.checks.setdefault(r["claim_id"], []).append(fid)

    # ------------------------------------------------------------------ shared pieces
    def _rows(self) -> tuple[dict, dict, dict]:
        """The analysis' selected claims, reasons and theme balances as dicts by id (made once per analysis:
        the explorer's re-weighted copies of these sections get their own)."""
        if self.__dict__.get("_rows_of") is not self.a:
            a = self.a
            self._rows_of = a
            self._row_cache = (a.claims.to_dict("index"), a.reasons.to_dict("index"), a.balance.to_dict("index"))
        return self._row_cache

    def actor_name(self, actor_id: str, article_id: str | None = None) -> str:
        if actor_id == "@outlet":
            outlet = self._articles[article_id]["outlet"] if article_id else "the outlet"
            return f"{outlet} (outlet's own voice)"
        return self._actors.get(actor_id, actor_id)

    def outlet(self, article_id: str) -> Outlet:
        art = self._articles[article_id]
        t = art["outlet_type"]
        return Outlet(text(art["outlet"]), t, labels.OUTLET_TYPES.get(t, t),
                      inferred=text(art.get("outlet_basis")).startswith("inferred"))

    def source(self, c) -> Source:
        """Speaker, date and outlet of a claim row: said on its ``said_on``, else reported on the article's date."""
        art = self._articles[c["article_id"]]
        said = text(c.get("said_on"))
        speaker, outlet, own = (self.actor_name(c["actor_id"], c["article_id"]), self.outlet(c["article_id"]),
                                c["actor_id"] == "@outlet")
        paraphrase = c.get("attribution") == "paraphrase"
        if said:
            return Source(speaker, day(said), False, outlet, said=True, own_voice=own, paraphrase=paraphrase)
        return Source(speaker, day(art["published"]), art["date_precision"] != "day", outlet, said=False,
                      own_voice=own, paraphrase=paraphrase, month_only=art["date_precision"] == "month")

    def item(self, item_id: str) -> Quote | Note:
        """A claim's quote, or an analyst note (whose text the notes appendix prints)."""
        if item_id.startswith("N"):
            n = self._notes[item_id]
            return Note(item_id, text(n["text"]), reference(n))
        c = self._claims[item_id]
        return Quote(item_id, text(c["quote"]), self.source(c))

    def e_of(self, item_id: str) -> float:
        return float(self._e.get(item_id, 0.0))

    def theme_of(self, item_id: str) -> str:
        return (self._notes if item_id.startswith("N") else self._claims)[item_id]["theme"]

    def answer(self, r, theme: str | None = None) -> dict | None:
        """A relation row shown as an answer: who answers, how, why, and how well the answer stands."""
        if r is None:
            return None
        src = r["source_id"]
        src_theme = self.theme_of(src)
        e = self.e_of(src)
        return {"id": r["relation_id"], "source_id": src, "is_note": src.startswith("N"), "relation": r["relation"],
                "target_id": r["target_id"], "explanation": text(r["explanation"]).rstrip("."),
                "strength": int(r["strength"]), "words": scoring.in_words(e), "item": self.item(src),
                "speaker": "" if src.startswith("N") else self.actor_name(self._claims[src]["actor_id"],
                                                                          self._claims[src]["article_id"]),
                "theme": self.theme_labels.get(src_theme, src_theme),
                "other_theme": theme is not None and src_theme != theme}

    def rating(self, cid: str) -> dict:
        c = self._rows()[0][cid]
        return {"support": int(c["strength"]), "relevance": int(c["relevance"]), "force": float(c["force"]),
                "e": float(c["e"]), "words": c["words"], "refuted": bool(c["refuted"])}

    def reason(self, rid: str, theme: str | None = None) -> dict:
        """A reason: its statement, standing in words, best quote, the strongest answer and the reply."""
        a = self.a
        claims, reasons, _ = self._rows()
        r = reasons[rid]
        ans, reply = a.answers.get(rid, (None, None))
        best = r["best"]
        return {"id": rid, "statement": text(r["statement"]), "theme": self.theme_labels[r["theme"]],
                "theme_id": r["theme"], "stance": r["stance"], "words": r["words"], "e": float(r["e"]),
                "score": float(r["score"]), "rating": self.rating(best), "item": self.item(best),
                "summary": text(claims[best]["summary"]),
                "n_claims": int(r["n_claims"]), "n_articles": int(r["n_articles"]),
                "n_outlets": int(r["n_outlets"]), "outlets": list(r["outlets"]),
                "single_source": bool(r["single_source"]),
                "answer": self.answer(ans, theme), "reply": self.answer(reply, theme),
                "unanswered": text(claims[best]["unanswered"]).rstrip("."),
                "checks": sorted({f for m in r["members"] for f in self.checks.get(m, [])})}

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
        a = self.a
        ranked = analysis.ranked_explanations(a)
        if ranked.empty:
            return {"ranked": []}
        challenges = analysis.ranked_challenges(a)
        stance = a.claims["stance"]
        return {
            "n_explains": len(ranked), "n_challenges": len(challenges),
            "n_explain_claims": int((stance == "explains_gap").sum()),
            "n_challenge_claims": int((stance == "challenges_gap").sum()),
            "ranked": [self.reason(rid) for rid in ranked["reason_id"].head(2 if self.brief else 3)],
            "challenges": [self.reason(rid) for rid in challenges["reason_id"].head(1 if self.brief else 2)],
            "robustness": self._robustness(),
            "caveats": self._caveats(),
        }

    def _robustness(self) -> dict | None:
        res = self.a.robustness
        if res is None or res.leader is None:
            return None
        reasons = self.a.reasons
        articles = self.ledger.articles

        def name(rid):
            return {"id": rid, "statement": text(reasons.at[rid, "statement"])} if rid else None

        top = []
        for rid in res.top:
            single = bool(reasons.at[rid, "single_source"])
            top.append({**name(rid), "weights": res.weights.get(rid), "ratings": res.ratings.get(rid),
                        "single_source": single, "outlets": list(reasons.at[rid, "outlets"]),
                        "survives": (not single and (res.weights.get(rid) or 0) >= SURVIVES
                                     and (res.ratings.get(rid) or 0) >= SURVIVES)})
        return {
            "leader": name(res.leader), "top": top, "samples": res.samples,
            "spread": float(self.params["weight_spread"]), "seed": int(self.params["seed"]),
            "leader_weights": res.leader_weights, "leader_ratings": res.leader_ratings,
            "top_weights": res.top_weights, "top_ratings": res.top_ratings,
            "n_articles": res.n_articles, "n_outlets": res.n_outlets,
            "drop_article": [{"id": aid, "outlet": text(articles.at[aid, "outlet"]),
                              "published": day(articles.at[aid, "published"]), "leader": name(lead)}
                             for aid, lead in res.drop_article.items()],
            # an outlet with a single article repeats the drop-one-article test: left out
            "drop_outlet": [{"outlet": o, "leader": name(lead)} for o, lead in res.drop_outlet.items()
                            if (self.a.articles["outlet"] == o).sum() > 1],
            "stable": (res.leader_weights or 0) >= SURVIVES and (res.leader_ratings or 0) >= SURVIVES
            and not res.drop_article and not res.drop_outlet,
        }

    def _caveats(self) -> dict:
        a = self.a
        fc = a.ledger.fact_checks[a.ledger.fact_checks["article_id"].isin(a.articles.index)]
        base = self.source_base()
        state = a.articles.loc[a.articles["outlet_type"] == "state_controlled_media", "outlet"].value_counts()
        return {"state_media": [{"outlet": o, "n": int(n)} for o, n in sorted(state.items())],
                "errors": sorted(fc.index[fc["verdict"].isin(ERROR_VERDICTS)]),
                "other_checks": sorted(fc.index[~fc["verdict"].isin(ERROR_VERDICTS)]),
                "conflicts": len(a.ledger.conflicts),
                "n_articles": base["n_articles"], "n_outlets": base["n_outlets"],
                "n_shared": len(base["shared"]), "compilations": [c["id"] for c in base["compilations"]]}

    def source_base(self) -> dict:
        """What the selected articles report: independent events, shared briefings, compilations."""
        a, led = self.a, self.ledger
        ev = led.events
        arts = a.articles.sort_values("published")
        covered: dict[str, list[str]] = {}
        for aid, c in arts["covers"].items():
            for e in c if isinstance(c, list) else []:
                covered.setdefault(e, []).append(aid)
        reported = [e for e in covered if e in ev.index and ev.at[e, "kind"] not in analysis.BACKGROUND_EVENTS]
        background = [e for e in covered if e in ev.index and ev.at[e, "kind"] in analysis.BACKGROUND_EVENTS]

        def event(e):
            return {"id": e, "date": day(ev.at[e, "date"]), "approx": ev.at[e, "date_precision"] != "day",
                    "kind": ev.at[e, "kind"], "title": text(ev.at[e, "title"]),
                    "articles": [{"id": x, "outlet": text(arts.at[x, "outlet"])} for x in covered[e]]}

        shared = [event(e) for e in sorted(reported, key=lambda e: ev.at[e, "date"])
                  if ev.at[e, "kind"] in analysis.SHARED_EVENTS and len(covered[e]) >= 2]
        rows = [self.article_facts(aid, r) for aid, r in arts.to_dict("index").items()]
        return {"n_articles": len(arts), "n_outlets": arts["outlet"].nunique(), "n_events": len(reported),
                "n_briefings": sum(ev.at[e, "kind"] in analysis.SHARED_EVENTS for e in reported),
                "other_kinds": sorted(Counter(ev.at[e, "kind"] for e in reported
                                              if ev.at[e, "kind"] not in analysis.SHARED_EVENTS).items()),
                "background": [event(e) for e in sorted(background, key=lambda e: ev.at[e, "date"])],
                "shared": shared, "articles": rows, "compilations": [r for r in rows if r["compilation"]],
                "n_explains": int((a.reasons["stance"] == "explains_gap").sum()),
                "n_challenges": int((a.reasons["stance"] == "challenges_gap").sum()),
                "n_explain_claims": int((a.claims["stance"] == "explains_gap").sum()),
                "n_challenge_claims": int((a.claims["stance"] == "challenges_gap").sum())}

    def article_facts(self, aid: str, r: dict) -> dict:
        """One article (``r``: its ledger row) as the source base and Appendix A show it: outlet, date, the events
        it reports, whether it is a compilation and the earliest statement it quotes, its selected claims."""
        a, ev = self.a, self.ledger.events
        if not hasattr(self, "_said_first"):
            self._claim_counts = a.claims["article_id"].value_counts().to_dict()
            self._said_first = a.claims[a.claims["said"]].groupby("article_id")["date"].min().to_dict()
        covers = [e for e in (r["covers"] if isinstance(r["covers"], list) else []) if e in ev.index]
        earliest = self._said_first.get(aid)  # the earliest statement it quotes
        return {"id": aid, "outlet": self.outlet(aid), "published": day(r["published"]),
                "approx": r["date_precision"] != "day", "compilation": bool(r["compilation"]),
                "covers": covers, "claims": int(self._claim_counts.get(aid, 0)),
                "earliest": day(earliest) if earliest is not None else None}

    def themes(self) -> list[dict]:
        return [self.theme(theme, k) for k, theme in enumerate(self.a.themes.index, start=1)]

    def theme(self, theme: str, number: int) -> dict:
        a = self.a
        claims, all_reasons, balances = self._rows()
        t = a.themes.loc[theme]
        bal = balances[theme]
        rs = {rid: r for rid, r in all_reasons.items() if r["theme"] == theme}
        # explaining reasons first, each side by score, highest first (ties in the table's order)
        order = [rid for side in ("explains_gap", "challenges_gap")
                 for rid in sorted((rid for rid, r in rs.items() if r["stance"] == side),
                                   key=lambda rid: -rs[rid]["score"])]
        reasons = [self._reason_block(rid, theme) for rid in order]
        cross = sorted({x["source_id"] for r in reasons for x in r["answers"] if x["other_theme"]
                        and x["relation"] in ATTACKS}, key=_id_order)
        ctx = {cid: c for cid, c in claims.items() if c["theme"] == theme and c["stance"] == "context"}
        return {
            "id": theme, "number": number, "label": text(t["label"]), "question": text(t["question"]),
            "description": text(t["description"]),
            "balance": {"balance": float(bal["balance"]), "n_explains": int(bal["n_explains"]),
                        "explains": float(bal["explains"]), "n_challenges": int(bal["n_challenges"]),
                        "challenges": float(bal["challenges"]), "weight": float(bal["weight"]),
                        "p05": float(bal["p05"]), "p95": float(bal["p95"]), "empty": not rs,
                        "cross": cross},
            "reasons": reasons,
            "has_map": theme in self.map_themes,
            "context": [] if self.brief else [self._context_row(cid, r) for cid, r in ctx.items()],
            "n_context": len(ctx),
        }

    def _reason_block(self, rid: str, theme: str) -> dict:
        claims, reasons, _ = self._rows()
        r = reasons[rid]
        members = sorted(r["members"], key=lambda cid: (claims[cid]["date"], claims[cid]["claim_id"]))
        rest = [{"id": cid, "source": self.source(claims[cid]), "refuted": bool(claims[cid]["refuted"]),
                 "same_as": None if claims[cid]["canonical_id"] == cid else claims[cid]["canonical_id"],
                 "checks": self.checks.get(cid, [])}
                for cid in members if cid != r["best"]]
        rels = [x for m in r["members"] for x in self._on.get(m, [])]
        rels.sort(key=lambda x: (-x["impact"], -x["strength"], x["relation_id"]))
        answers = [self.answer(x, theme) for x in rels]
        if self.brief:
            answers = [x for x in answers if x["relation"] in ATTACKS][:3]
        block = self.reason(rid, theme)
        strongest = block["answer"]["id"] if block["answer"] else None
        return {**block, "restatements": _by_speaker(rest), "answers": answers,
                "others": _by_answer([x for x in answers if x["id"] != strongest]),
                "strongest_listed": strongest in {x["id"] for x in answers}}

    def _context_row(self, cid: str, c) -> dict:
        rels = self._on.get(cid, [])
        checks = self.checks.get(cid, [])
        return {"id": cid, "summary": text(c["summary"]), "source": self.source(c), "outlet": text(c["outlet"]),
                "checks": checks, "noted": bool(checks) or bool(rels),
                "answers": [{"id": x["relation_id"], "source_id": x["source_id"], "relation": x["relation"]}
                            for x in rels]}


def _by_speaker(rest: list[dict]) -> list[dict]:
    """Restatements (dicts with ``id`` and ``source``) grouped by speaker, first statement first: how often,
    in how many outlets, over which dates."""
    groups: dict[str, list[dict]] = {}
    for m in sorted(rest, key=lambda m: (m["source"].date, _id_order(m["id"]))):
        groups.setdefault(m["source"].speaker, []).append(m)
    return [{"speaker": speaker, "claims": ms, "n": len(ms), "n_outlets": len({m["source"].outlet.name for m in ms}),
             "first": ms[0]["source"].date, "last": ms[-1]["source"].date, "own_voice": ms[0]["source"].own_voice,
             "outlet": ms[0]["source"].outlet,
             "state_outlets": list({m["source"].outlet.name: m["source"].outlet for m in ms
                                    if m["source"].outlet.state}.values())}
            for speaker, ms in groups.items()]


def _by_answer(answers: list[dict]) -> list[dict]:
    """Answers (:meth:`Sections.answer` dicts, strongest first) grouped by who answers and how: one entry per
    source and relation, listing the statements it answers."""
    groups: dict[tuple, dict] = {}
    for x in answers:
        g = groups.setdefault((x["source_id"], x["relation"]), {**x, "targets": []})
        g["targets"].append({"id": x["id"], "target_id": x["target_id"], "explanation": x["explanation"]})
    return list(groups.values())


def _id_order(item_id: str) -> tuple:
    return (item_id[0], int("".join(ch for ch in item_id if ch.isdigit()) or 0))
