"""Attribution conflicts: the same words attributed to different speakers in different articles.

Detected automatically by comparing the quotes of attributed claims across articles: two quotes
conflict when they share a run of at least ``MIN_WORDS`` consecutive words (after normalising case,
punctuation and typography), the articles name different actors, and the run is not a stock phrase of
the subject: a run of ``MIN_WORDS`` words found in the quotes of ``COMMON_ACTORS`` or more different
speakers ("shoot down Russian missiles over Ukraine", "a no-fly zone over Ukraine") is everybody's
words, not one speaker's; so is a shared run with fewer than ``RARE_WORDS`` words that at most
``RARE_ACTORS`` speakers use anywhere in their quotes ("the President of the United States has", "of
shooting down missiles and drones": the subject's vocabulary; "do not want World War III", "different
conflicts, different airspace, different threat": someone's words). Only pairs that share a run
that is no stock phrase are compared (an index of word runs), so the cost grows with the shared
phrases, not with the square of the ledger.
"""
from __future__ import annotations

import re
from collections import defaultdict
from difflib import SequenceMatcher
from itertools import combinations

import pandas as pd

from .fields import OUTLET_ACTOR
from .textmatch import normalize

MIN_WORDS = 6
COMMON_ACTORS = 3  # a run of MIN_WORDS words quoted from this many speakers is a stock phrase
RARE_ACTORS = 5  # a word used by at most this many speakers is rare in the ledger's quotes
RARE_WORDS = 2  # a shared run needs this many rare words to be one speaker's words
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


def _grams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def attribution_conflicts(ledger, min_words: int = MIN_WORDS) -> pd.DataFrame:
    claims = ledger.claims
    attributed = claims[claims["actor_id"] != OUTLET_ACTOR]
    info = {cid: (art, actor) for cid, art, actor in
            zip(attributed["claim_id"], attributed["article_id"], attributed["actor_id"])}
    quotes = dict(zip(attributed["claim_id"], attributed["quote"]))
    tokens = {cid: words(q) for cid, q in quotes.items()}
    by_gram: dict[tuple, list[str]] = defaultdict(list)
    for cid, toks in tokens.items():
        for g in _grams(toks, min_words):
            by_gram[g].append(cid)
    pairs = set()
    for cids in by_gram.values():
        if len({info[c][1] for c in cids}) >= COMMON_ACTORS:
            continue  # a stock phrase
        pairs.update((a, b) for a, b in combinations(sorted(cids), 2)
                     if info[a][0] != info[b][0] and info[a][1] != info[b][1])
    speakers_of: dict[str, set] = defaultdict(set)
    for cid, toks in tokens.items():
        for w in toks:
            speakers_of[w].add(info[cid][1])
    rows = []
    for ia, ib in sorted(pairs):
        start, length = shared_run(tokens[ia], tokens[ib])
        if sum(len(speakers_of[w]) <= RARE_ACTORS for w in tokens[ia][start:start + length]) < RARE_WORDS:
            continue  # the subject's vocabulary, not one speaker's words
        rows.append({"claim_a": ia, "article_a": info[ia][0], "actor_a": info[ia][1],
                     "claim_b": ib, "article_b": info[ib][0], "actor_b": info[ib][1],
                     "shared_words": length, "shared_text": words_text(quotes[ia], start, length)})
    return pd.DataFrame(rows, columns=COLUMNS)
