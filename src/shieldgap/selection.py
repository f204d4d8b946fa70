"""Which articles and claims a set of report parameters selects.

Plain-Python predicates over record dicts, shared by the parameter check that runs before a kernel
starts (no pandas) and by the analysis in the kernel: the selection is written once.
"""
from __future__ import annotations

#: The fields of a record each predicate reads.
ARTICLE_FIELDS = ("outlet", "outlet_type", "published")
CLAIM_FIELDS = ("article_id", "theme", "strength")
NOTE_FIELDS = ("theme", "strength")


def date_text(value) -> str:
    """A date as the predicates compare it: its first ten characters (``YYYY-MM-DD``), or "" if there is none."""
    return str(value)[:10] if value else ""


def article_selected(article: dict, p: dict) -> bool:
    if article.get("outlet") in (p.get("exclude_outlets") or []):
        return False
    if article.get("outlet_type") in (p.get("exclude_outlet_types") or []):
        return False
    published = date_text(article.get("published"))
    if p.get("date_from") and published < p["date_from"]:
        return False
    if p.get("date_to") and published > p["date_to"]:
        return False
    return True


def theme_selected(theme: str, p: dict) -> bool:
    return not p.get("themes") or theme in p["themes"]


def claim_selected(claim: dict, article: dict | None, p: dict) -> bool:
    if article is None or not article_selected(article, p):
        return False
    if not theme_selected(claim.get("theme"), p):
        return False
    try:
        strength = int(claim.get("strength"))
    except (TypeError, ValueError):
        return False
    return strength >= int(p.get("min_strength") or 1)


def note_selected(note: dict, p: dict) -> bool:
    """Analyst notes count only when asked to, and only for selected themes and strengths."""
    if not p.get("include_analyst_notes", True):
        return False
    return theme_selected(note.get("theme"), p) and int(note.get("strength") or 0) >= int(p.get("min_strength") or 1)
