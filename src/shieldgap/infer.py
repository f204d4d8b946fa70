"""What ``shieldgap add`` infers from a text it was not told about: a stated date, the language, a
title and the article id (slug). Pure functions on text; py3langid is imported only when a text is not
clearly English."""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata

MAX_ID_LEN = 60

_MONTHS = ("january february march april may june july august september october november december").split()
_MON = (r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
        r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATE_PATTERNS = [
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
    re.compile(r"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+" + _MON + r",?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b" + _MON + r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
]


def find_date(text: str) -> tuple[str, str] | None:
    """The first full date stated in ``text``: (YYYY-MM-DD, the words it was read from)."""
    found = []
    for rx in _DATE_PATTERNS:
        for m in rx.finditer(text):
            g = m.groupdict()
            month = int(g["m"]) if g.get("m") else next(i for i, n in enumerate(_MONTHS, 1)
                                                          if n.startswith(g["mon"].lower()[:3]))
            try:
                day = _dt.date(int(g["y"]), month, int(g["d"]))
            except ValueError:
                continue
            found.append((m.start(), day.isoformat(), m.group(0)))
    if not found:
        return None
    _, iso, words = min(found)
    return iso, words


def slugify(title: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for w in words:
        candidate = f"{slug}-{w}" if slug else w
        if len(candidate) > MAX_ID_LEN:
            break
        slug = candidate
    if len(slug) < 2:
        slug = "article"
    return slug


# English function words. A text of 20 words or more in which they make a quarter of the words and
# "the" alone 2% (once at least) is English for any language identifier; such texts skip loading py3langid's model
# (0.8 s) and its byte-by-byte scoring (2-3 ms an article). Anything else goes to py3langid.
_EN_MARKERS = frozenset("the and of to that is was for with on said it as by have has would not are be this "
                        "from they he she we which will were been their at an or but".split())
_ASCII_WORD_RX = re.compile(r"[a-z]+")


def _clearly_english(text: str) -> bool:
    words = _ASCII_WORD_RX.findall(text.lower())
    if len(words) < 20:
        return False
    markers = sum(1 for w in words if w in _EN_MARKERS)
    return markers >= 0.25 * len(words) and words.count("the") >= max(1.0, 0.02 * len(words)) \
        and sum(1 for ch in text if ord(ch) > 127 and ch.isalpha()) <= 0.01 * len(text)


def detect_language(text: str) -> str:
    sample = text[:5000]
    if _clearly_english(sample):
        return "en"
    import py3langid

    lang, _ = py3langid.classify(sample)
    return lang if re.fullmatch(r"[a-z]{2}", lang or "") else "en"


#: A first line of fewer words than this is a label above the headline ("-Analysis-", "Opinion"), not the headline.
MIN_TITLE_WORDS = 3


def title_from_text(body: str) -> tuple[str, str]:
    """(title, title_basis) from the first non-empty line of the body that is not a one- or two-word label."""
    lines = [x for x in (line.strip().lstrip("#").strip() for line in body.splitlines()) if x]
    labels = []
    for line in lines:
        if len(re.findall(r"\w+", line)) < MIN_TITLE_WORDS and line is not lines[-1]:
            labels.append(line)
            continue
        skipped = f" (after the label {', '.join(repr(x) for x in labels)})" if labels else ""
        if len(line) <= 200:
            return line, f"inferred: first line of the source text{skipped}"
        cut = line[:160].rsplit(" ", 1)[0].rstrip(",;:")
        return cut + "...", f"inferred: first words of the source text (it has no headline){skipped}"
    return "Untitled article", "inferred: the text has no headline"
