"""What the report's closing sections say, as plain values: new material, the appendices (sources,
problems in the sources, methodology) and the reproducibility footer.

Like :mod:`shieldgap.sections` (whose shared pieces these reuse), the functions return dicts, lists
and small dataclasses — never HTML; ``templates/report/*.html.j2`` present them.
"""
from __future__ import annotations

import io
import platform
from datetime import UTC, datetime
from importlib import metadata
from urllib.parse import urlsplit

from . import analysis, conflicts, labels, scoring
from .fields import RELATION_TYPES, RELEVANCE_RUBRIC, STANCES, STRENGTH_RUBRIC
from .sections import ERROR_VERDICTS, Sections, day, reference, text

#: Packages whose versions the footer records.
VERSIONED = ("shieldgap", "pandas", "pandera", "papermill", "nbconvert", "numpy")
#: Parameters the footer's table leaves out: where the data was read, not what the report computed
#: (the data fingerprint identifies the data).
UNLISTED = ("data_dir",)


def new_material(s: Sections) -> dict:
    """Articles added but not yet curated, with machine-suggested candidates (never scored)."""
    from . import newmaterial as nm

    led = s.ledger
    arts = nm.uncurated_articles(led)
    if arts.empty:  # nothing new: the section is left out (restatements are listed under each reason)
        return {"articles": [], "columns": [], "recurrence": []}
    cands = nm.load_candidates(led.paths)
    names = s.theme_labels
    articles = []
    prof = nm.theme_profile(led, cands).set_index("article_id")
    echo = nm.echoes(led, cands)
    new = nm.new_claims(led, cands)
    limit = 8 if s.brief else 20
    for _, r in arts.iterrows():
        aid = r["id"]
        row = prof.loc[aid].drop("total") if aid in prof.index else None
        articles.append({
            "id": aid, "title": text(r["title"]), "outlet": s.outlet(aid), "published": day(r["published"]),
            "date_basis": text(r["date_basis"]), "inferred": text(r.get("inferred")), "words": int(r["words"]),
            "themes": [(t, int(n)) for t, n in row.items() if n] if row is not None else [],
            "echoes": [{"quote": text(c["quote"]), "speaker": s.actor_name(c["actor_id"]) if c["actor_id"] else "",
                        "theme": names.get(c["theme"], c["theme"]), "echo_of": c["echo_of"],
                        "echoed_summary": text(c["echoed_summary"]), "score": float(c["echo_score"])}
                       for _, c in echo[echo["article_id"] == aid].head(limit).iterrows()],
            "new": [{"quote": text(c["quote"]), "theme": names.get(c["theme"], c["theme"]), "stance": c["stance"]}
                    for _, c in new[new["article_id"] == aid].head(limit).iterrows()],
        })
    rec = nm.recurrence(led, cands)
    rec = rec[rec["total_articles"] >= 2].head(10 if s.brief else 25)
    columns = [c for c in rec.columns if ":" in c and rec[c].sum()]
    return {
        "articles": articles,
        "columns": [{"outlet_type": c.split(":")[1], "suggested": c.startswith("suggested")} for c in columns],
        "recurrence": [{"summary": text(r["summary"]), "canonical_id": r["canonical_id"],
                        "theme": names.get(r["theme"], r["theme"]), "stance": r["stance"],
                        "curated": int(r["curated_articles"]), "suggested": int(r["suggested_articles"]),
                        "counts": [int(r[c]) for c in columns],
                        "first_seen": day(r["first_seen"]), "last_seen": day(r["last_seen"])}
                       for _, r in rec.iterrows()],
    }


def sources(s: Sections) -> dict:
    """Appendix A: every article of the ledger, selected or not, and the events they report."""
    counts = s.ledger.claims["article_id"].value_counts()  # every curated claim, selected or not
    ev = s.ledger.events
    return {"events": [{"id": eid, "date": day(r["date"]), "approx": r["date_precision"] != "day",
                        "kind": r["kind"], "title": text(r["title"]), "reference": reference(r),
                        "background": r["kind"] in analysis.BACKGROUND_EVENTS}
                       for eid, r in ev.sort_values("date").iterrows()],
            "articles": [
        {**s.article_facts(aid, r),
         "id": aid, "title": text(r["title"]), "url": text(r.get("url")), "selected": aid in s.a.articles.index,
         "date_precision": text(r["date_precision"]), "host": urlsplit(text(r.get("url"))).hostname or "",
         "date_basis": text(r["date_basis"]), "date_evidence": text(r["date_evidence"]),
         "outlet_basis": text(r["outlet_basis"]), "claims": int(counts.get(aid, 0)), "curated": bool(r["curated"])}
        for aid, r in s.ledger.articles.to_dict("index").items()]}


def problems(s: Sections) -> dict:
    """Appendix B: fact-checks and attributions that differ between articles."""
    led = s.ledger
    outlet = s.outlet  # name and type of an article's outlet (state-controlled media are labelled)
    return {
        "min_words": conflicts.MIN_WORDS, "rare_words": conflicts.RARE_WORDS, "rare_actors": conflicts.RARE_ACTORS,
        "fact_checks": [
            {"id": fid, "error": r["verdict"] in ERROR_VERDICTS, "quote": text(r["quote"]),
             "outlet": outlet(r["article_id"]),
             "claim_id": text(r.get("claim_id")), "verdict": labels.VERDICTS.get(r["verdict"], r["verdict"]),
             "explanation": text(r["explanation"]), "reference": reference(r)}
            for fid, r in led.fact_checks.iterrows()],
        "conflicts": [
            {"shared_text": text(r.shared_text), "shared_words": int(r.shared_words),
             "sides": [{"speaker": s.actor_name(actor), "claim_id": claim, "outlet": outlet(article)}
                       for actor, claim, article in ((r.actor_a, r.claim_a, r.article_a),
                                                     (r.actor_b, r.claim_b, r.article_b))]}
            for r in led.conflicts.itertuples()],
    }


def shown_notes(s: Sections) -> list[str]:
    """The analyst notes Appendix D prints: those counted, or, when notes are not counted, those of the selected
    themes."""
    a, notes_ = s.a, s.ledger.analyst_notes
    return list(a.notes.index) if not a.notes.empty else list(notes_.index[notes_["theme"].isin(a.themes.index)])


def notes(s: Sections) -> dict:
    """Appendix: every analyst note, printed once (elsewhere the report links to it), with what it answers."""
    a = s.a
    rel = s.ledger.relations
    notes_ = s.ledger.analyst_notes
    shown = notes_.loc[shown_notes(s)]
    return {"counted": bool(s.params["include_analyst_notes"]), "notes": [
        {"item": s.item(nid), "theme": s.theme_labels.get(r["theme"], r["theme"]), "stance": r["stance"],
         "support": int(r["strength"]),
         "words": scoring.in_words(float(a.notes.at[nid, "e"])) if nid in a.notes.index else None,
         "answers": [{"id": x["relation_id"], "relation": x["relation"], "target_id": x["target_id"]}
                     for _, x in rel[rel["source_id"] == nid].iterrows()]}
        for nid, r in shown.iterrows()]}


def method() -> dict:
    """Appendix C: the vocabularies, both rubrics and the scoring, as defined in fields and scoring."""
    return {"stances": dict(STANCES), "relations": dict(RELATION_TYPES),
            "support": sorted(STRENGTH_RUBRIC.items(), reverse=True),
            "relevance": sorted(RELEVANCE_RUBRIC.items(), reverse=True), "scoring": list(scoring.SCORING),
            "refuted_below": scoring.REFUTED_BELOW}


#: Columns of the claims annex (the full ledger as CSV), in order.
CLAIMS_CSV = ("claim_id", "reason_id", "canonical_id", "theme", "stance", "speaker", "outlet", "article_id",
              "date", "date_is", "support", "relevance", "force", "standing", "in_words", "refuted", "quote", "summary")


def claims_csv(a: analysis.Analysis, s: Sections | None = None) -> str:
    """The full claims ledger of the selection with its scores, as CSV text (the report's annex); ``s``: the
    report's :class:`Sections` of ``a``, if it has them."""
    s = s or Sections(a)
    rows = []
    for cid, c in a.claims.to_dict("index").items():
        src = s.source(c)
        rows.append({"claim_id": cid, "reason_id": text(c["reason_id"]), "canonical_id": c["canonical_id"],
                     "theme": c["theme"], "stance": c["stance"], "speaker": src.speaker, "outlet": src.outlet.name,
                     "article_id": c["article_id"], "date": src.date.isoformat(),
                     "date_is": ("said" if src.said else "reported (month only)" if src.month_only
                                 else "reported (approx.)" if src.approx else "reported"),
                     "support": int(c["strength"]), "relevance": int(c["relevance"]),
                     "force": round(float(c["force"]), 3), "standing": round(float(c["e"]), 3),
                     "in_words": c["words"], "refuted": bool(c["refuted"]), "quote": text(c["quote"]),
                     "summary": text(c["summary"])})
    import pandas as pd

    buf = io.StringIO()
    pd.DataFrame(rows, columns=list(CLAIMS_CSV)).to_csv(buf, index=False)
    return buf.getvalue()


def _shown(name: str, value) -> str:
    """A parameter's value as a reader reads it: no Python literals."""
    if value in ("", None):
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else ("all" if name == "themes" else "none")
    if isinstance(value, dict):
        return ", ".join(f"{k} × {v}" for k, v in value.items()) if value else "all 1"
    return str(value)


def footer(s: Sections) -> dict:
    """Reproducibility: when, from which data, with which software and parameters (the render's step timings are
    in the executed notebook's metadata, ``shieldgap.timings``)."""
    versions = []
    for package in VERSIONED:
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            pass
    return {"rendered": datetime.now(UTC), "fingerprint": s.ledger.fingerprint[:16],
            "python": platform.python_version(), "versions": versions,
            "params": [(k, _shown(k, v)) for k, v in s.params.items() if k not in UNLISTED]}
