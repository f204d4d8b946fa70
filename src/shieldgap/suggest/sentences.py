"""Sentence splitting: the character spans of an article body's sentences.

Lines are split on their own (a sentence never crosses a line break). A line whose only sentence
boundaries are ". Capital" after ordinary words is split by a regular expression; a line with
abbreviations, initials, decimals or ellipses goes to pysbd; a long multi-sentence quotation that
pysbd keeps whole is split into its sentences.
"""
from __future__ import annotations

import re

#: A quotation piece shorter than this is never split further.
MIN_INNER_SPLIT_CHARS = 120
#: pysbd builds a regular expression per abbreviation on every call; with Python's default cache of
#: 512 compiled patterns they are recompiled for every paragraph (most of its run time).
REGEX_CACHE_SIZE = 8192

BOUNDARY_RX = re.compile(r"[.!?;\u2026][\"'\u201d\u2019)\]]*\s+\S")
_AMBIGUOUS_ABBREVIATIONS = [
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sen", "rep", "gov", "prof", "no", "vs", "jr", "sr", "etc",
    "approx", "est", "dept", "univ", "inc", "ltd", "co", "corp", "maj", "capt", "sgt", "adm", "pres", "jan", "feb",
    "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "vol", "pp", "ed", "eds", "cf", "al",
]
# Periods pysbd is needed for: abbreviations (Mr., Gen., U.S.), initials, decimals, ellipses, a period
# followed by a lower-case word, or a sentence end followed by something other than a capital.
AMBIGUOUS_RX = re.compile(r"\b(?:[A-Za-z]\.){2,}|\b[A-Z]\.\s+[A-Z]|\d\.\d|\.\.|\u2026|"
                          r"[.!?][\"'\u201d\u2019)\]]*\s+[^A-Z\"\u201c\u2018'\s(\[]|\b(?:"
                          + "|".join(_AMBIGUOUS_ABBREVIATIONS) + r")\.", re.I)
_SIMPLE_SPLIT_RX = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019)\]]))\s+(?=[A-Z\"\u201c\u2018'(\[])")
_INNER_RX = re.compile(r"(?<=[.!?])\s+(?=[\"\u201c\u2018']?[A-Z])")
_ABBREV = {"mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sen", "rep", "gov", "prof", "no", "vs", "jr", "sr",
           "maj", "capt", "sgt", "adm", "pres", "inc", "co", "corp", "ltd", "jan", "feb", "mar", "apr", "aug", "sep",
           "sept", "oct", "nov", "dec"}

_SEGMENTER = None


def _segmenter():
    global _SEGMENTER
    if _SEGMENTER is None:
        import pysbd

        if getattr(re, "_MAXCACHE", 0) < REGEX_CACHE_SIZE:
            re._MAXCACHE = REGEX_CACHE_SIZE
        _SEGMENTER = pysbd.Segmenter(language="en", clean=False)
    return _SEGMENTER


def _split_inner(piece: str) -> list[str]:
    """pysbd keeps a multi-sentence quotation in one piece; split it into its sentences."""
    if len(piece) < MIN_INNER_SPLIT_CHARS:
        return [piece]
    out, start = [], 0
    for m in _INNER_RX.finditer(piece):
        before = piece[start:m.start()]
        last = re.search(r"(\S+)[.!?]$", before)
        word = last.group(1) if last else ""
        if not last or "." in word or word.lower() in _ABBREV or len(word) == 1:
            continue
        out.append(piece[start:m.start()])
        start = m.start()
    out.append(piece[start:])
    return [p for p in out if p.strip()]


def split_sentences(body: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the body's sentences; sentences never cross a line break."""
    spans = []
    pos = 0
    for line in body.split("\n"):
        start_line = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        if not BOUNDARY_RX.search(line.strip()):
            pieces = [line]
        elif AMBIGUOUS_RX.search(line):
            pieces = _segmenter().segment(line)
        else:  # every boundary is ". Capital" after an ordinary word: no abbreviation for pysbd to resolve
            pieces = _SIMPLE_SPLIT_RX.split(line)
        cursor = 0
        pieces = [sub for piece in pieces for sub in _split_inner(piece)]
        for piece in pieces:
            text = piece.strip()
            if not text:
                continue
            i = line.find(text, cursor)
            if i == -1:
                continue
            spans.append((start_line + i, start_line + i + len(text)))
            cursor = i + len(text)
    return spans
