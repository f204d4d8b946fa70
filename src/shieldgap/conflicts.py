"""Attribution conflicts: the same words attributed to different speakers in different articles.

Detected automatically by comparing the quotes of every pair of attributed claims across
articles: two quotes conflict when they share a run of at least ``MIN_WORDS`` consecutive words
(after normalising case, punctuation and typography) and the articles name different actors.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from itertools import combinations

import pandas as pd

from .fields import OUTLET_ACTOR
from .textmatch import normalize

MIN_WORDS = 5
COLUMNS = ["claim_a", "article_a", "actor_a", "claim_b", "article_b", "actor_b", "shared_words", "shared_text"]


_WORD = re.compile(r"[A-Za-z0-9']+")


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(normalize(text))]


def shared_run(a: list[str], b: list[str]) -> tuple[int, int]:
    """(start, length) in ``a`` of the longest run of words ``a`` and ``b`` share."""
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.a, m.size


def words_text(text: str, start: int, length: int) -> str:
    """The words ``start`` .. ``start + length`` of ``text`` as they are written there."""
    spans = [m.span() for m in _WORD.finditer(normalize(text))]
    return normalize(text)[spans[start][0]:spans[start + length - 1][1]]


def attribution_conflicts(ledger, min_words: int = MIN_WORDS) -> pd.DataFrame:
    claims = ledger.claims
    attributed = claims[claims["actor_id"] != OUTLET_ACTOR]
    tokens = {cid: words(q) for cid, q in zip(attributed["claim_id"], attributed["quote"])}
    rows = []
    for (ia, a), (ib, b) in combinations(attributed.iterrows(), 2):
        if a["article_id"] == b["article_id"] or a["actor_id"] == b["actor_id"]:
            continue
        start, length = shared_run(tokens[ia], tokens[ib])
        if length >= min_words:
            rows.append({"claim_a": ia, "article_a": a["article_id"], "actor_a": a["actor_id"],
                         "claim_b": ib, "article_b": b["article_id"], "actor_b": b["actor_id"],
                         "shared_words": length, "shared_text": words_text(a["quote"], start, length)})
    return pd.DataFrame(rows, columns=COLUMNS)
