"""What the report's closing sections say, as plain values: new material, the appendices (sources,
problems in the sources, methodology) and the reproducibility footer.

Like :mod:`shieldgap.sections` (whose shared pieces these reuse), the functions return dicts, lists
and small dataclasses — never HTML; ``templates/report/*.html.j2`` present them.
"""
from __future__ import annotations

import platform
from datetime import UTC, datetime
from importlib import metadata

from . import analysis, labels
from .fields import RELATION_TYPES, STANCES, STRENGTH_RUBRIC
from .sections import Sections, day, reference, text

#: Packages whose versions the footer records.
VERSIONED = ("shieldgap", "pandas", "pandera", "matplotlib", "networkx", "papermill", "nbconvert", "numpy")
#: Parameters the footer's table leaves out: where the data was read, not what the report computed
#: (the data fingerprint identifies the data).
UNLISTED = ("data_dir",)


def new_material(s: Sections) -> dict:
    """Articles added but not yet curated, with machine-suggested candidates (never scored)."""
    from . import newmaterial as nm

    led = s.ledger
    cands = nm.load_candidates(led.paths)
    arts = nm.uncurated_articles(led)
    names = s.theme_labels
    articles = []
    if not arts.empty:
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
    """Appendix A: every article of the ledger, selected or not."""
    counts = s.ledger.claims["article_id"].value_counts()
    return {"articles": [
        {"id": aid, "title": text(r["title"]), "url": text(r.get("url")), "selected": aid in s.a.articles.index,
         "outlet": s.outlet(aid), "published": day(r["published"]), "date_precision": text(r["date_precision"]),
         "date_basis": text(r["date_basis"]), "date_evidence": text(r["date_evidence"]),
         "outlet_basis": text(r["outlet_basis"]), "claims": int(counts.get(aid, 0)), "curated": bool(r["curated"])}
        for aid, r in s.ledger.articles.iterrows()]}


def problems(s: Sections) -> dict:
    """Appendix B: fact-checks and attributions that differ between articles."""
    led = s.ledger
    outlet = led.articles["outlet"]
    return {
        "fact_checks": [
            {"id": fid, "quote": text(r["quote"]), "outlet": outlet[r["article_id"]],
             "claim_id": text(r.get("claim_id")), "verdict": labels.VERDICTS.get(r["verdict"], r["verdict"]),
             "explanation": text(r["explanation"]), "reference": reference(r)}
            for fid, r in led.fact_checks.iterrows()],
        "conflicts": [
            {"shared_text": text(r.shared_text), "shared_words": int(r.shared_words),
             "sides": [{"speaker": s.actor_name(actor), "claim_id": claim, "outlet": outlet[article]}
                       for actor, claim, article in ((r.actor_a, r.claim_a, r.article_a),
                                                     (r.actor_b, r.claim_b, r.article_b))]}
            for r in led.conflicts.itertuples()],
    }


def method() -> dict:
    """Appendix C: the vocabularies and the scoring, as defined in fields and analysis."""
    return {"stances": dict(STANCES), "relations": dict(RELATION_TYPES),
            "rubric": sorted(STRENGTH_RUBRIC.items(), reverse=True), "scoring": list(analysis.SCORING)}


def footer(s: Sections, elapsed: float) -> dict:
    """Reproducibility: when, how fast, from which data, with which software and parameters."""
    versions = []
    for package in VERSIONED:
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            pass
    return {"rendered": datetime.now(UTC), "elapsed": elapsed, "fingerprint": s.ledger.fingerprint[:16],
            "python": platform.python_version(), "versions": versions,
            "params": [(k, repr(v)) for k, v in s.params.items() if k not in UNLISTED]}
