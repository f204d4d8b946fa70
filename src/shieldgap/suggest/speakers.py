"""Speaker attribution: who a sentence attributes its words to, and whether it is a quotation.

Attribution verbs (said, told, according to, added, noted...) in the quote-then-speaker and
speaker-then-quote forms; speakers introducing quotes on the following lines; pronouns resolved to
the last person named; names resolved against the variants of ``data/actors.yml``. A name that is
not in the registry is kept as written (no actor id).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

#: Characters between "according to" and the name it introduces.
ACCORDING_TO_WINDOW = 40
#: Characters between an attribution verb and a name right after it ("said Kirby").
AFTER_VERB_WINDOW = 3
#: Characters between a name and the attribution verb after it ("Kirby, the spokesman, said").
BEFORE_VERB_WINDOW = 120
#: Characters before the verb searched for a pronoun or an unregistered name.
LOOKBACK_CHARS = 80
#: Characters at the end of a sentence searched for a quotation's introduction ("X said:").
INTRO_TAIL_CHARS = 60
#: Quoted words that make a sentence a quotation.
MIN_QUOTED_WORDS = 3
#: Words an unregistered name needs to be taken as a speaker ("John Smith", not "Smith").
MIN_UNKNOWN_NAME_WORDS = 2

# Quote characters mapped one-to-one (offsets are preserved).
QUOTE_TABLE = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"',
                              "\u00bb": '"', "\u2033": '"'})
_VERBS = (r"said|says|say|told|tells|added|adds|noted|stressed|stresses|emphasi[sz]ed|emphasi[sz]es|"
          r"explained|explains|stated|continued|warned|warns|argued|argues|insisted|insists|claimed|"
          r"highlighted|highlights|urged|urges|wrote|writes|tweeted|remarked|underscored|reiterated|reiterates|"
          r"acknowledged|pointed out|points out|announced|confirmed|asserted|declared|suggested|replied|answered|"
          r"responded|indicated|maintained|observed|commented|cautioned|admitted|recalled|believes|believed|"
          r"thinks|hopes|hoped|described|expressed|ruled out|rejected|called for|called on|demanded|"
          r"accused|denied|dismissed|promised|vowed|conceded|signaled|signalled")
# Case-sensitive: "States" in "United States" is not a verb.
VERB_RX = re.compile(rf"\b(?:{_VERBS})\b|\b[Aa]ccording to\b|\bgave a similar answer\b")
PRONOUN_RX = re.compile(r"\b(he|she|they)(?:\s+(?:also|then|later|further|again|\w+ly))?\s*$", re.I)
UNKNOWN_NAME_RX = re.compile(r"((?:[A-Z][a-z'\u2019-]+\.?\s+){0,3}[A-Z][a-z'\u2019-]+)\s*,?\s*$")
#: An unnamed speaker described right after the verb: "said an expert", "said a senior Senate aide".
DESCRIPTOR_RX = re.compile(r"^\s*((?:an?|one|another|the|two|several|some)\s+(?:[A-Za-z][\w.'\u2019-]*\s+){0,4}?"
                           r"(?:expert|analyst|aide|official|spokesperson|spokesman|spokeswoman|source|diplomat|"
                           r"researcher|adviser|advisor|officer|lawmaker|senator|commentator|observer|person|"
                           r"people|officials|experts|analysts|sources|diplomats|insider)s?)\b")
_NOUNS = DESCRIPTOR_RX.pattern.split("(?:expert", 1)[1].split(")s?)", 1)[0]
#: The same description right before the verb: "a Senate aide told reporters".
DESCRIPTOR_BEFORE_RX = re.compile(r"\b((?:[Aa]n?|[Oo]ne|[Aa]nother|[Tt]he|[Tt]wo|[Ss]everal|[Ss]ome)\s+"
                                  r"(?:[A-Za-z][\w.'\u2019-]*\s+){0,4}?(?:expert" + _NOUNS + r")s?)\s*,?\s*$")
#: A name right after an inverted verb ('..." said Jane Doe'), possibly with a title.
AFTER_NAME_RX = re.compile(r"^\s*((?:[A-Z][\w.'\u2019-]+\s+){0,4}[A-Z][\w'\u2019-]+)")
INVERTED_RX = re.compile(r"[,\"\u201d]\s*$")
INTRO_END_RX = re.compile(r"(?:\b(?:" + _VERBS + r"|adding|saying|that|why)\s*[,:]?|[:])\s*$", re.I)
QUOTE_MARKER_RX = re.compile(r"^\s*(?:quote|read more|advertisement)\s*:?\s*$", re.I)
#: An attribution that carries its content itself ("X said that...", "according to X, ..."), so announces nothing.
ANNOUNCES_NOT_RX = re.compile(r"\b(?:that|according to|whether|if)\b|[,:;]\s*$", re.I)
#: A sentence that continues the reported speech of the sentence before ("He also...", "The minister added").
CONTINUES_RX = re.compile(r"\s*(?:He|She|They|His|Her|Their)\b")
WORD_RX = re.compile(r"[A-Za-z][A-Za-z'-]+")


class ActorMatcher:
    """Finds the registry's actor names (any variant) in text."""

    def __init__(self, actors: dict[str, dict]):
        variants = []
        for actor_id, a in actors.items():
            variants_of = a.get("variants") if isinstance(a.get("variants"), list) else []
            for v in [a.get("name"), *variants_of]:
                if isinstance(v, str) and v.strip():
                    variants.append((v.strip(), actor_id, a.get("kind")))
        variants.sort(key=lambda t: -len(t[0]))
        self.by_variant = {}
        parts = []
        for v, actor_id, _kind in variants:
            key = v.lower()
            if key in self.by_variant:
                continue
            self.by_variant[key] = actor_id
            first = v[0]
            head = f"[{first.upper()}{first.lower()}]" if first.isalpha() else re.escape(first)
            parts.append(head + re.escape(v[1:]))
        self.kind = {aid: a.get("kind") for aid, a in actors.items()}
        # "the spokesperson", "the official": the actor only when the article has named them before
        self.generic = {v.lower() for v, _aid, _kind in variants
                        if v.split()[0].lower() in ("the", "a", "an") and all(w.islower() for w in v.split()[1:])}
        self.rx = re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])") if parts else None

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        if self.rx is None:
            return []
        return [(m.start(), m.end(), self.by_variant[m.group(0).lower()]) for m in self.rx.finditer(text)]


def quoted_segments(text: str) -> list[tuple[int, int]]:
    """Spans of text between double quotation marks (curly or straight)."""
    t = text.translate(QUOTE_TABLE)
    idx = [i for i, ch in enumerate(t) if ch == '"']
    return [(idx[i], idx[i + 1] + 1) for i in range(0, len(idx) - 1, 2)]


def _mask(text: str, spans) -> str:
    chars = list(text)
    for s, e in spans:
        for i in range(s, min(e, len(chars))):
            chars[i] = " "
    return "".join(chars)


@dataclass
class Speaker:
    actor_id: str = ""
    name: str = ""
    explicit: bool = False  # an attribution verb in the sentence itself


def _resolved(sentence: str, m, matcher: ActorMatcher, seen: set[str] | None) -> Speaker:
    """The speaker of mention ``m``; a generic variant ("the spokesperson") of an actor the article does
    not name is kept as written, without an actor id (a new actor to create)."""
    text = sentence[m[0]:m[1]]
    if seen is not None and text.lower() in matcher.generic and m[2] not in seen:
        return Speaker("", text, True)
    return Speaker(m[2], text, True)


def _after_inverted_verb(sentence: str, outside: str, v, mentions, matcher, seen) -> Speaker | None:
    """'..., said an expert' / '..." said Jane Doe': the speaker named right after an inverted verb."""
    if not INVERTED_RX.search(sentence[:v.start()].rstrip()):
        return None
    tail = outside[v.end():]
    desc = DESCRIPTOR_RX.match(tail)
    after = [m for m in mentions if 0 <= m[0] - v.end() <= AFTER_VERB_WINDOW]
    if after:
        return _resolved(sentence, after[0], matcher, seen)
    if desc:
        return Speaker("", desc.group(1).strip(), True)
    name = AFTER_NAME_RX.match(tail)
    if name and len(name.group(1).split()) >= MIN_UNKNOWN_NAME_WORDS:
        return Speaker("", name.group(1).strip(), True)
    return None


def find_speaker(sentence: str, matcher: ActorMatcher, last_person: Speaker | None,
                 seen: set[str] | None = None) -> Speaker | None:
    """The speaker a sentence attributes its words to, if any (``seen``: actors the article names)."""
    segs = quoted_segments(sentence)
    outside = _mask(sentence, segs)
    mentions = [m for m in matcher.mentions(outside)]
    best = None
    for v in VERB_RX.finditer(outside):
        verb = v.group(0).lower()
        inverted = _after_inverted_verb(sentence, outside, v, mentions, matcher, seen)
        if inverted is not None:
            return inverted
        window = ACCORDING_TO_WINDOW if verb == "according to" else AFTER_VERB_WINDOW
        after = [m for m in mentions if 0 <= m[0] - v.end() <= window]
        if verb == "according to":
            if after:
                return _resolved(sentence, after[0], matcher, seen)
            continue
        before = [m for m in mentions if 0 <= v.start() - m[1] <= BEFORE_VERB_WINDOW
                  and not re.search(r"[.;:!?]", outside[m[1]:v.start()])]
        # "X said" (nearest name before the verb), "said X" (name right after the verb)
        lo = max(0, v.start() - LOOKBACK_CHARS)
        desc = DESCRIPTOR_BEFORE_RX.search(outside[lo:v.start()])
        # "a Senate aide told": the description nearest the verb, unless a known name is part of it
        if desc and not any(m[0] >= lo + desc.start() for m in before):
            return Speaker("", desc.group(1).strip(), True)
        if before:
            return _resolved(sentence, max(before, key=lambda m: m[1]), matcher, seen)
        if after:
            return _resolved(sentence, after[0], matcher, seen)
        head = outside[max(0, v.start() - LOOKBACK_CHARS):v.start()]  # $-anchored patterns: search only the tail
        if PRONOUN_RX.search(head) and last_person and last_person.actor_id:
            return Speaker(last_person.actor_id, PRONOUN_RX.search(head).group(1), True)
        unknown = UNKNOWN_NAME_RX.search(head)
        if unknown and not best and len(unknown.group(1).split()) >= MIN_UNKNOWN_NAME_WORDS:
            best = Speaker("", unknown.group(1).strip(), True)
    return best


def attribute(body: str, spans: list[tuple[int, int]], matcher: ActorMatcher):
    """For each sentence: (speaker or None, is_quote, skip). Two passes: explicit attributions first,
    then carried to the sentences of the same quotation, to quotes introduced by "X said," on the
    lines before, to pronouns, and over the rest of a paragraph of reported speech."""
    n = len(spans)
    info = []
    last_person: Speaker | None = None
    seen = {m[2] for m in matcher.mentions(body) if body[m[0]:m[1]].lower() not in matcher.generic}
    for s, e in spans:
        text = body[s:e]
        if QUOTE_MARKER_RX.match(text):
            info.append(None)
            continue
        t = text.translate(QUOTE_TABLE)
        segs = quoted_segments(text)
        quoted_words = sum(len(WORD_RX.findall(text[a:b])) for a, b in segs)
        words = len(WORD_RX.findall(text))
        spk = find_speaker(text, matcher, last_person, seen)
        if spk is not None and spk.actor_id and matcher.kind.get(spk.actor_id) == "person":
            last_person = spk
        info.append({"spk": spk, "marks": t.count('"'), "quoted_words": quoted_words, "words": words,
                     "starts": t.lstrip().startswith('"'), "text": text, "start": s, "end": e})
    # quotation runs: from the sentence opening a quotation to the one closing it
    run_of = [None] * n
    inside, run, prev_end = False, [], None
    runs = []
    for i, d in enumerate(info):
        if d is None:
            continue
        if prev_end is not None and "\n" in body[prev_end:d["start"]]:
            if inside and run:
                runs.append(run)
            inside, run = False, []
        prev_end = d["end"]
        if inside:
            run.append(i)
        if d["marks"] % 2 == 1:
            if not inside:
                inside, run = True, [i]
            else:
                inside = False
                runs.append(run)
                run = []
    if inside and run:
        runs.append(run)
    for r in runs:
        for i in r:
            run_of[i] = r
    out = []
    pending: Speaker | None = None
    para_speaker: Speaker | None = None
    announced = False  # the paragraph's speaker announced what follows ("X highlighted key differences.")
    prev_end = None
    for i, d in enumerate(info):
        if d is None:
            out.append((None, False, True))
            continue
        in_run = run_of[i] is not None
        is_quote = (d["quoted_words"] >= MIN_QUOTED_WORDS or (d["starts"] and d["words"] >= MIN_QUOTED_WORDS)
                    or (in_run and d["words"] >= MIN_QUOTED_WORDS))
        spk = d["spk"]
        if spk is None and in_run:
            run_spk = next((info[j]["spk"] for j in run_of[i] if info[j]["spk"] is not None), None)
            if run_spk is not None:
                spk = Speaker(run_spk.actor_id, run_spk.name, False)
        if spk is None and is_quote and pending is not None:
            spk = Speaker(pending.actor_id, pending.name, False)
        if prev_end is None or "\n" in body[prev_end:d["start"]]:
            para_speaker, announced = None, False
        prev_end = d["end"]
        if spk is None and para_speaker is not None and (is_quote or announced or CONTINUES_RX.match(d["text"])):
            spk = Speaker(para_speaker.actor_id, para_speaker.name, False)
        elif spk is not None and spk.explicit and spk.actor_id:
            para_speaker = spk
            announced = not is_quote and d["marks"] == 0 and not ANNOUNCES_NOT_RX.search(d["text"]) and \
                matcher.kind.get(spk.actor_id) == "person"
        # speaker-then-quote across lines: "X said," / "X continued adding," / "...when asked why:"
        if spk is not None and spk.explicit and INTRO_END_RX.search(d["text"][-INTRO_TAIL_CHARS:]) and not is_quote:
            pending = spk
        elif not is_quote and (spk is None or spk.explicit):
            pending = None if not (spk is not None and INTRO_END_RX.search(d["text"][-INTRO_TAIL_CHARS:])) else pending
        out.append((spk, is_quote, False))
    return out


