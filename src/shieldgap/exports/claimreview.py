"""ClaimReview export: the ledger's fact-checks as schema.org ``ClaimReview`` JSON-LD (fact-check markup).

One ``ClaimReview`` per selected fact-check, in an ``@graph`` under the ``https://schema.org`` context:

- ``claimReviewed``: the article's words that were checked; ``reviewBody``: what is wrong and what
  the reference says; ``identifier``: the ledger's check id;
- ``itemReviewed``: a ``Claim`` whose ``author`` is the speaker of the ledger claim concerned
  (``Person`` or ``Organization``; the outlet for claims in its own voice), with ``datePublished``
  and an ``appearance``: the article (``headline``, ``publisher``, ``datePublished``, ``url`` only
  when the article's address is known — none is ever made up);
- ``reviewRating``: a ``Rating`` whose ``alternateName`` is the verdict's label, on the 1-5 scale of
  :data:`VERDICT_RATING` (``worstRating`` 1 = false, ``bestRating`` 5 = true; the label alone for a
  verdict the scale does not list);
- ``author``: shieldgap (an ``Organization``); ``citation``: the reference the verdict rests on.

:data:`OFFLINE_CONTEXT` is the subset of schema.org's own JSON-LD context that these documents use
(same IRIs, ``http://schema.org/`` vocabulary), for expanding them where the network is not reachable.
"""
from __future__ import annotations

import json

from ..ledger import Ledger
from .subset import Subset, present, select

CONTEXT_URL = "https://schema.org"
VERDICT_RATING = {  # verdict -> rating on 1 (false) .. 5 (true); a verdict not listed gets its label only
    "incorrect": 1,
    "inconsistent": 2,
    "misleading": 2,
    "disputed": 3,
    "unsupported": 3,
    "simplification": 4,
}
OFFLINE_CONTEXT = {
    "@context": {
        "type": "@type", "id": "@id", "@vocab": "http://schema.org/", "schema": "http://schema.org/",
        "url": {"@id": "schema:url", "@type": "@id"},
        "datePublished": {"@id": "schema:datePublished", "@type": "schema:Date"},
    }
}
PUBLISHER = {"@type": "Organization", "name": "shieldgap"}


def verdict_label(verdict: str) -> str:
    """The verdict as a rating label: ``incorrect`` -> ``Incorrect``."""
    return verdict.replace("_", " ").capitalize()


def _author(sub: Subset, check: dict) -> dict:
    claim = sub.claims.get(check.get("claim_id") or "")
    if claim is None or claim["actor_id"] == "@outlet":
        return {"@type": "Organization", "name": sub.articles[check["article_id"]]["outlet"]}
    actor = sub.actors.get(claim["actor_id"], {})
    if actor.get("kind") != "person":
        return {"@type": "Organization", "name": sub.speaker(claim)}
    affiliation = {"@type": "Organization", "name": actor["affiliation"]} if actor.get("affiliation") else None
    return present({"@type": "Person", "name": sub.speaker(claim), "jobTitle": actor.get("role"),
                    "affiliation": affiliation})


def _appearance(article: dict) -> dict:
    publisher = {"@type": "Organization", "name": article["outlet"]} if article.get("outlet") else None
    return present({"@type": "NewsArticle", "headline": article.get("title"), "url": article.get("url"),
                    "datePublished": article.get("published"), "publisher": publisher})


def _citation(check: dict) -> dict | None:
    cite = present({"@type": "CreativeWork", "name": check.get("reference_title"), "url": check.get("reference_url"),
                    "datePublished": check.get("reference_date"),
                    "publisher": {"@type": "Organization", "name": check["reference_publisher"]}
                    if check.get("reference_publisher") else None})
    return cite if len(cite) > 1 else None


def claim_review(sub: Subset, check: dict) -> dict:
    article = sub.articles[check["article_id"]]
    claim = sub.claims.get(check.get("claim_id") or "")
    rating = {"@type": "Rating", "alternateName": verdict_label(check["verdict"])}
    if check["verdict"] in VERDICT_RATING:
        rating.update(ratingValue=VERDICT_RATING[check["verdict"]], bestRating=5, worstRating=1)
    item = present({"@type": "Claim", "author": _author(sub, check), "appearance": _appearance(article),
                    "datePublished": sub.date_of(claim) if claim else article.get("published")})
    return present({
        "@type": "ClaimReview",
        "identifier": check["check_id"],
        "claimReviewed": " ".join(check["quote"].split()),
        "itemReviewed": item,
        "reviewRating": rating,
        "reviewBody": check.get("explanation"),
        "author": PUBLISHER,
        "citation": _citation(check),
    })


def claim_reviews(ledger: Ledger, params: dict | None = None) -> dict:
    """The selected fact-checks as one JSON-LD document (a JSON-ready dict)."""
    sub = select(ledger, params)
    return {"@context": CONTEXT_URL, "@graph": [claim_review(sub, f) for f in sub.fact_checks.values()]}


def to_claimreview(ledger: Ledger, params: dict | None = None) -> str:
    return json.dumps(claim_reviews(ledger, params), ensure_ascii=False, indent=2)
