"""Locating verbatim quotes in article bodies.

Matching tolerates only typographic variants: curly versus straight quotes, dash variants and
runs of whitespace. Offsets are character offsets into the original body.
"""
from __future__ import annotations

import re

_TRANSLATE = {
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u0060": "'", "\u00b4": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ",
}
_TABLE = str.maketrans(_TRANSLATE)


def normalize(text: str) -> str:
    """The normalized form used for matching (quotes and dashes unified, whitespace collapsed)."""
    return re.sub(r"\s+", " ", text.translate(_TABLE)).strip()


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Normalized text plus, for each of its characters, the offset of the original character."""
    out: list[str] = []
    where: list[int] = []
    in_space = False
    for i, ch in enumerate(text.translate(_TABLE)):
        if ch.isspace():
            if not in_space and out:
                out.append(" ")
                where.append(i)
            in_space = True
            continue
        in_space = False
        out.append(ch)
        where.append(i)
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


class QuoteIndex:
    """One article body, prepared once for locating many quotes."""

    def __init__(self, body: str):
        self.body = body
        self.norm, self.where = normalize_with_map(body)

    def find_all(self, quote: str) -> list[tuple[int, int]]:
        """All (start, end) spans of ``quote`` in the original body; end is exclusive."""
        q = normalize(quote)
        if not q:
            return []
        spans = []
        pos = self.norm.find(q)
        while pos != -1:
            start = self.where[pos]
            end = self.where[pos + len(q) - 1] + 1
            spans.append((start, end))
            pos = self.norm.find(q, pos + 1)
        return spans

    def locate(self, quote: str, occurrence=None) -> tuple[int, int] | None:
        """The span of ``quote``: its ``occurrence``-th match (1-based) when given, else its only match.
        None when it is not found, found fewer times than ``occurrence``, or ambiguous without it."""
        found = self.find_all(quote)
        occ = str(occurrence).strip() if occurrence is not None else ""
        if occ.isdigit():
            n = int(occ)
            return found[n - 1] if 1 <= n <= len(found) else None
        return found[0] if len(found) == 1 else None

    def nearest_occurrence(self, quote: str, near: int) -> int | None:
        """The 1-based occurrence of ``quote`` closest to offset ``near`` (None when found at most once)."""
        found = self.find_all(quote)
        if len(found) < 2:
            return None
        return min(range(len(found)), key=lambda k: abs(found[k][0] - near)) + 1
