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


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", normalize(text).lower())


def shared_run(a: list[str], b: list[str]) -> list[str]:
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return a[m.a:m.a + m.size]


def attribution_conflicts(ledger, min_words: int = MIN_WORDS) -> pd.DataFrame:
    claims = ledger.claims
    attributed = claims[claims["actor_id"] != OUTLET_ACTOR]
    tokens = {cid: words(q) for cid, q in zip(attributed["claim_id"], attributed["quote"])}
    rows = []
    for (ia, a), (ib, b) in combinations(attributed.iterrows(), 2):
        if a["article_id"] == b["article_id"] or a["actor_id"] == b["actor_id"]:
            continue
        run = shared_run(tokens[ia], tokens[ib])
        if len(run) >= min_words:
            rows.append({"claim_a": ia, "article_a": a["article_id"], "actor_a": a["actor_id"],
                         "claim_b": ib, "article_b": b["article_id"], "actor_b": b["actor_id"],
                         "shared_words": len(run), "shared_text": " ".join(run)})
    return pd.DataFrame(rows, columns=COLUMNS)
