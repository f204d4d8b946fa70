"""Speaker attribution: who a sentence attributes its words to, and whether it is a quotation.

Attribution verbs (said, told, according to, added, noted, participles such as "stressing", "made the same
point"...) in the quote-then-speaker and speaker-then-quote forms; speakers introducing quotes on the
following lines; pronouns resolved to the last person named; names resolved against the variants of
``data/actors.yml``. A name that is not in the registry is kept as written (no actor id).

Unnamed speakers follow the ledger's convention: officials are the registry's group for their
affiliation ("U.S. administration officials", "Two Biden administration officials" -> unnamed U.S.
officials), else their country's government ("Ukraine's foreign ministry", "the State Department"); an
official of no stated country in a paragraph quoting such a group is one of them ("..., said a senior
Senate aide"). Words reported by a noun ("Cameron's claims that ...", "his suggestion is to ...") are
the speaker's; a sentence between two of one speaker's, and what "This is how X explained it" points
back to, are X's.
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
#: Characters before the verb searched for a described speaker ("Two ... officials, speaking on condition ...").
DESCRIPTION_LOOKBACK_CHARS = 180
#: Characters at the end of a sentence searched for a quotation's introduction ("X said:").
INTRO_TAIL_CHARS = 60
#: Quoted words that make a sentence a quotation.
MIN_QUOTED_WORDS = 3
#: Words an unregistered name needs to be taken as a speaker ("John Smith", not "Smith").
MIN_UNKNOWN_NAME_WORDS = 2

# Quote characters mapped one-to-one (offsets are preserved).
QUOTE_TABLE = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"',
                              "\u00bb": '"', "\u2033": '"'})
_VERBS = (r"stressing|urging|saying|warning|arguing|noting|insisting|adding|emphasi[sz]ing|claiming|spoke|"
          r"said|says|say|told|tells|added|adds|noted|stressed|stresses|emphasi[sz]ed|emphasi[sz]es|"
          r"explained|explains|stated|continued|warned|warns|argued|argues|insisted|insists|claimed|"
          r"highlighted|highlights|urged|urges|wrote|writes|tweeted|remarked|underscored|reiterated|reiterates|"
          r"acknowledged|pointed out|points out|announced|confirmed|asserted|declared|suggested|replied|answered|"
          r"responded|indicated|maintained|observed|commented|cautioned|admitted|recalled|believes|believed|"
          r"thinks|hopes|hoped|described|expressed|ruled out|rejected|called for|called on|called|demanded|"
          r"accused|denied|denies|dismissed|promised|vowed|conceded|signaled|signalled|add|contended|contends|"
          r"questioned|commended|blamed|blames|concluded|concludes|recommended|recommends|objected|appealed|"
          r"proposed|reported|praised|praises")
#: Arabic attribution verbs (with the conjunction "wa-" attached or not): said, pointed out, stressed, added,
#: declared, announced, believes.
_ARABIC_VERBS = "\u0648?(?:\u0642\u0627\u0644|\u0623\u0634\u0627\u0631|\u0623\u0643\u062f|\u0623\u0636\u0627\u0641|" \
    "\u0635\u0631\u062d|\u0623\u0639\u0644\u0646|\u062a\u0639\u062a\u0642\u062f|\u064a\u0639\u062a\u0642\u062f)"
# Case-sensitive: "States" in "United States" is not a verb.
#: Headline forms ("Zelensky Says NATO Should..."); "States" is left out (as in "United States").
_TITLE_VERBS = r"Says|Said|Tells|Told|Warns|Urges|Insists|Argues|Claims|Admits|Denies|Rejects|Explains|Stresses"
#: Phrases that attribute a view by reference to one already reported ("Two officials made the same point").
_SAME_VIEW = r"gave a similar answer|made (?:the same|a similar) (?:point|argument|case)|echoed"
VERB_RX = re.compile(rf"\b(?:{_VERBS}|{_TITLE_VERBS}|{_ARABIC_VERBS})\b|\b[Aa]ccording to\b|\b(?:{_SAME_VIEW})\b")
#: "as Zelenskiy insists": a verb in an "as X says" clause reports someone else, not the sentence's speaker.
AS_CLAUSE_RX = re.compile(r"\b[Aa]s\s+(?:[\w.'\u2019-]+\s+){1,4}$")
PRONOUN_RX = re.compile(r"\b(he|she|they)(?:\s+(?:also|then|later|further|again|\w+ly))?\s*$", re.I)
UNKNOWN_NAME_RX = re.compile(r"((?:[A-Z][a-z'\u2019-]+\.?\s+){0,3}[A-Z][a-z'\u2019-]+)\s*,?\s*$")
#: Nouns of a described speaker: unnamed ones ("an expert", "a senior Senate aide") and titles ("the president").
_NOUNS = (r"expert|analyst|aide|official|spokesperson|spokesman|spokeswoman|source|diplomat|researcher|adviser|"
          r"advisor|officer|lawmaker|senator|commentator|observer|person|people|insider|president|minister|"
          r"secretary|chief|leader|head of state|commander|ambassador|envoy|fellow|representative")
#: An unnamed speaker described right after the verb: "said an expert", "said a senior Senate aide".
DESCRIPTOR_RX = re.compile(r"^\s*((?:an?|one|another|the|two|several|some)\s+(?:[A-Za-z][\w.'\u2019-]*\s+){0,4}?"
                           r"(?:" + _NOUNS + r")s?)\b")
#: Plural unnamed speakers named by their affiliation alone, without an article ("U.S. administration
#: officials", "Biden administration officials"): capitalised modifiers (and a few lower-case ones), a plural noun.
_BARE_GROUP = (r"(?<![\w.'\u2019-])(?!(?:On|In|At|But|And|For|After|When|While|As|Earlier|Later|Also|However|"
               r"Meanwhile|Then|Now|Yet|So|Some|Many|Most|Other|Several)\b)[A-Z][\w.'\u2019-]*\s+"
               r"(?:(?:[A-Z][\w.'\u2019-]*|senior|top|administration|government|military|defen[cs]e|security|"
               r"intelligence|foreign|ministry|air)\s+){0,3}(?:officials|aides|sources|diplomats|representatives)")
#: The same description right before the verb: "a Senate aide told reporters", "the Ukrainian president noted",
#: "NATO's chief said", "a senior aide who works on Ukraine policy told", "several representatives of the
#: administration also expressed", "Two officials, speaking on condition of anonymity, made the same point".
DESCRIPTOR_BEFORE_RX = re.compile(r"\b((?:(?:[Aa]n?|[Oo]ne|[Aa]nother|[Tt]he|[Tt]wo|[Tt]hree|[Ss]everal|[Ss]ome|"
                                  r"[A-Z][\w.]*['\u2019]s)\s+(?:[A-Za-z][\w.'\u2019-]*\s+){0,4}?"
                                  r"(?:" + _NOUNS + r")s?|" + _BARE_GROUP + r")"
                                  r"(?:\s+(?:of|from|at|in)\s+[^,.;:\"]{1,60}?)?)"
                                  r"(?:\s+(?:who|which)\s+[^,.;:\"]{0,60}?)?"
                                  r"(?:\s*,\s*(?:speaking|talking|asked|who|which)\b[^,;:\"]{0,80},)?"
                                  r"(?:\s+(?:also|then|later|further|again|has|have|had|\w+ly))*\s*,?\s*$")
#: A definite description: it refers to someone the article has named ("the president", "Ukraine's president").
DEFINITE_RX = re.compile(r"^(?:the|[A-Z][\w.]*['\u2019]s)\s", re.I)
#: A name right after an inverted verb ('..." said Jane Doe'), possibly with a title.
AFTER_NAME_RX = re.compile(r"^\s*((?:[A-Z][\w.'\u2019-]+\s+){0,4}[A-Z][\w'\u2019-]+)")
INVERTED_RX = re.compile(r"[,\"\u201d]\s*$")
INTRO_END_RX = re.compile(r"(?:\b(?:" + _VERBS + r"|adding|saying|that|why)\s*[,:]?|[:])\s*$", re.I)
QUOTE_MARKER_RX = re.compile(r"^\s*(?:quote|read more|advertisement)\s*:?\s*$", re.I)
#: An attribution that carries its content itself ("X said that...", "according to X, ..."), so announces nothing.
ANNOUNCES_NOT_RX = re.compile(r"\b(?:that|according to|whether|if)\b|[,:;]\s*$", re.I)
#: A sentence that continues the reported speech of the sentence before ("He also...", "The minister added").
CONTINUES_RX = re.compile(r"\s*(?:He|She|They|His|Her|Their|Instead|Moreover|Furthermore|In addition|Additionally)\b")
#: "Source: ..." lines (Ukrainska Pravda): who the report's statements come from.
SOURCE_LINE_RX = re.compile(r"^\s*Source\s*:\s*")
#: The labels of a press-agency paragraph: "Quote: ...", "Details: ...".
PRESS_LABEL_RX = re.compile(r"^\s*(?:Quote|Details)\s*:")
WORD_RX = re.compile(r"[A-Za-z][A-Za-z'-]+")


#: Words of a title or role naming the same function (normalised before titles are compared with roles).
TITLE_SYNONYMS = {"spokesman": "spokesperson", "spokeswoman": "spokesperson", "press secretary": "spokesperson",
                  "head of state": "president", "leader": "president", "secretary general": "chief",
                  "secretary-general": "chief", "head": "chief", "foreign secretary": "minister",
                  "secretary of state": "minister", "advisor": "adviser", "pentagon": "defense",
                  "defence": "defense", "organization": "alliance", "organisation": "alliance"}
#: Unnamed speakers of one kind: an aide, a source, a representative or an officer speaks as an official.
GROUP_SYNONYMS = {"aide": "official", "source": "official", "representative": "official", "officer": "official"}
#: The preposition after a described speaker's noun ("representatives of the Biden administration").
PREPOSITION_RX = re.compile(r"\s+(?:of|from|at|in|for|to|with)\s+")
#: Runs of capitalised words in a description ("State Department", "U.S.", "Ukraine's").
CAPITALISED_RUN_RX = re.compile(r"(?<![\w])(?:[A-Z][\w.'\u2019-]*)(?:\s+[A-Z][\w.'\u2019-]*)*")
#: Capitalised words that tie a description to no country on their own ("Senior", "Foreign Ministry").
GENERIC_CAPITALISED = set(re.sub(r"[^a-z|]", "", _NOUNS).split("|")) | {
    "the", "a", "an", "one", "another", "two", "three", "several", "some", "senior", "deputy", "former", "top",
    "foreign", "defense", "defence", "ministry", "department", "national", "security", "council", "affairs",
    "office", "minister", "secretary", "general", "prime", "press", "government", "administration",
    "authorities", "interior", "military", "air", "army", "forces", "chancellor"}
#: Countries that tie no actor to one state.
NO_COUNTRY = {"", "unknown", "INT"}
GROUP_SYNONYM_RX = re.compile(r"\b(?:aide|source|representative|officer)(?=s?\b)", re.I)
_SYNONYM_RX = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, TITLE_SYNONYMS), key=len, reverse=True)) + r")\b")
#: Words of a title that tie it to a country (compared with the actor's ``country``).
COUNTRY_WORDS = {"us": "US", "u.s.": "US", "american": "US", "ukrainian": "UA", "ukraine": "UA", "polish": "PL",
                 "poland": "PL", "russian": "RU", "russia": "RU", "british": "GB", "uk": "GB", "britain": "GB",
                 "israeli": "IL", "israel": "IL", "romanian": "RO", "romania": "RO", "lithuanian": "LT",
                 "french": "FR", "danish": "DK", "german": "DE"}
_TITLE_WORD_RX = re.compile(r"[a-z][\w.-]*")
_TITLE_STOP = {"the", "a", "an", "of", "and", "for", "s", "former", "top", "senior", "deputy", "its", "his", "her",
               "country", "country's"}
#: Similarity (difflib ratio, accents removed) a capitalised word needs to a registered surname to be read as it
#: ("Beleskov" for "Bielieskov", "Zelenskyi" for "Zelenskyy"); shorter surnames are matched exactly only.
FUZZY_NAME_RATIO = 0.85
MIN_FUZZY_NAME_CHARS = 5
_CAPITALISED_RX = re.compile(r"(?<![\w'\u2019-])[A-Z\u00c0-\u017d][a-z\u00e0-\u017e'\u2019-]{3,}(?![\w])")


def _fold(word: str) -> str:
    """Lower case without accents ("Geoană" -> "geoana")."""
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(ch))


def title_words(text: str) -> set[str]:
    """The content words of a title or role, synonyms normalised ("Deputy Pentagon Press Secretary" ->
    {"defense", "spokesperson"})."""
    low = _SYNONYM_RX.sub(lambda m: TITLE_SYNONYMS[m.group(0)], text.lower().replace("\u2019", "'"))
    words = set()
    for w in _TITLE_WORD_RX.findall(low):
        w = w.removesuffix("'s").rstrip(".") if w not in ("u.s.",) else w
        if w and w not in _TITLE_STOP:
            words.add(w[:-1] if w.endswith("s") and len(w) > 4 and not w.endswith("ss") else w)
    return words


def trie_pattern(words: list[str]) -> str:
    """A regular expression matching exactly ``words`` (their first character in either case), built as a trie:
    the same matches as the alternation of the words longest first (at a position, the words that match are
    prefixes of each other, and the trie tries the longer first), without trying every word at every position."""
    trie: dict = {}
    for w in words:
        node = trie
        for i, ch in enumerate(w):
            node = node.setdefault(ch.lower() if i == 0 else ch, {})
        node[""] = {}

    def build(node: dict, first: bool) -> str:
        alts = []
        for ch in sorted(k for k in node if k):
            both = first and ch.upper() != ch.lower() and len(ch.upper()) == 1
            alts.append((f"[{ch.upper()}{ch}]" if both else re.escape(ch)) + build(node[ch], False))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie, True)


class ActorMatcher:
    """Finds the registry's actor names (any variant) in text, surnames also in other spellings."""

    def __init__(self, actors: dict[str, dict]):
        variants = []
        for actor_id, a in actors.items():
            variants_of = a.get("variants") if isinstance(a.get("variants"), list) else []
            for v in [a.get("name"), *variants_of]:
                if isinstance(v, str) and v.strip():
                    v = v.strip()
                    variants.append((v, actor_id, a.get("kind")))
                    # "the US" is also written "US" and "U.S."
                    bare = v[4:] if v.lower().startswith("the ") and v[4:5].isupper() else v
                    for alt in {bare, bare.replace("U.S.", "US"), bare.replace("US", "U.S."),
                                bare.replace("'", "\u2019")} - {v}:
                        if len(alt) > 1:
                            variants.append((alt, actor_id, a.get("kind")))
        variants.sort(key=lambda t: -len(t[0]))
        self.by_variant = {}
        parts = []
        for v, actor_id, _kind in variants:
            # every spelling is matched ("POLITICO" and "Politico"); one actor per spelling ignoring case
            self.by_variant.setdefault(v.lower(), actor_id)
            parts.append(v)
        self.kind = {aid: a.get("kind") for aid, a in actors.items()}
        self.country = {aid: str(a.get("country") or "") for aid, a in actors.items()}
        self.texts = {aid: " | ".join(str(x) for x in [a.get("name"), a.get("role"), a.get("affiliation"),
                                                         *(a.get("variants") or [])] if isinstance(x, str))
                      for aid, a in actors.items()}
        self._phrase_country: dict[str, set[str]] = {}
        # what a title is compared with: the role, affiliation and variants of each actor
        self.title_of = {aid: title_words(" ".join(str(x) for x in [a.get("role") or "", a.get("affiliation") or "",
                                                                    *(a.get("variants") or [])] if isinstance(x, str)))
                         for aid, a in actors.items()}
        # "the spokesperson", "the official": the actor only when the article has named them before
        self.generic = {v.lower() for v, _aid, _kind in variants
                        if v.split()[0].lower() in ("the", "a", "an") and all(w.islower() for w in v.split()[1:])}
        self.names = list(dict.fromkeys(parts))  # every spelling matched, longest first
        self.rx = re.compile(r"(?<![\w])(?:" + trie_pattern(self.names) + r")(?![\w])") if parts else None
        # surnames of people (one-word variants), for spellings the registry does not list
        self.surnames = {}
        for v, actor_id, kind in variants:
            if kind == "person" and " " not in v and len(v) >= MIN_FUZZY_NAME_CHARS and v[:1].isupper():
                self.surnames.setdefault(_fold(v), actor_id)
        self._fuzzy: dict[str, str | None] = {}

    def fuzzy(self, word: str) -> str | None:
        """The person whose registered surname ``word`` is another spelling of, if any."""
        got = self._fuzzy.get(word, ...)
        if got is ...:
            from difflib import SequenceMatcher

            w = _fold(word.removesuffix("'s").removesuffix("\u2019s"))
            got, best = None, FUZZY_NAME_RATIO
            if len(w) >= MIN_FUZZY_NAME_CHARS:
                for name, actor_id in self.surnames.items():
                    if name[0] != w[0] or abs(len(name) - len(w)) > 3:
                        continue
                    r = SequenceMatcher(None, w, name).ratio()
                    if r >= best:
                        got, best = actor_id, r
            if len(self._fuzzy) > 100_000:
                self._fuzzy.clear()
            self._fuzzy[word] = got
        return got

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        if self.rx is None:
            return []
        found = [(m.start(), m.end(), self.by_variant[m.group(0).lower()]) for m in self.rx.finditer(text)]
        if self.surnames:
            taken = [(s, e) for s, e, _ in found]
            extra = []
            for m in _CAPITALISED_RX.finditer(text):
                if any(s <= m.start() < e for s, e in taken):
                    continue
                actor_id = self.fuzzy(m.group(0))
                if actor_id is not None:
                    extra.append((m.start(), m.end(), actor_id))
            if extra:
                found = sorted(found + extra)
        return found

    def group_parts(self, description: str) -> tuple[set[str], set[str]]:
        """The countries a described speaker is tied to (country words, registered actors named in it, phrases
        of the registry's roles and affiliations that belong to one country) and its head noun, synonyms
        normalised ("Two Biden administration officials" -> {"US"}, {"official"})."""
        core = PREPOSITION_RX.split(description, maxsplit=1)[0]  # "representatives of the administration"
        words = title_words(GROUP_SYNONYM_RX.sub(lambda m: GROUP_SYNONYMS[m.group(0).lower()], description))
        countries = {COUNTRY_WORDS[w] for w in words if w in COUNTRY_WORDS}
        countries |= {self.country[aid] for _s, _e, aid in self.mentions(description)
                      if self.kind.get(aid) != "outlet" and self.country.get(aid) not in NO_COUNTRY}
        for run in CAPITALISED_RUN_RX.findall(description):  # "State Department": American in the registry
            run_words = run.replace("\u2019", "'").removesuffix("'s").split()
            while run_words and run_words[0].lower() in GENERIC_CAPITALISED:
                run_words.pop(0)
            if run_words and not all(w.lower() in GENERIC_CAPITALISED for w in run_words):
                countries |= self.phrase_countries(" ".join(run_words))
        head = title_words(core.split()[-1] if core.split() else "")
        return countries, {GROUP_SYNONYMS.get(w, w) for w in head}

    def phrase_countries(self, phrase: str) -> set[str]:
        """The country of the actors whose name, role, affiliation or variants contain ``phrase`` ("State
        Department", "Pentagon"), when they all have the same one; else nothing."""
        got = self._phrase_country.get(phrase)
        if got is None:
            rx = re.compile(r"(?<![\w])" + re.escape(phrase) + r"(?![\w])")
            found = {self.country[aid] for aid, text in self.texts.items() if rx.search(text)}
            got = found if len(found) == 1 and not found & NO_COUNTRY else set()
            if len(self._phrase_country) > 10_000:
                self._phrase_country.clear()
            self._phrase_country[phrase] = got
        return got

    def by_government(self, description: str) -> str:
        """The government of the one country a described official body belongs to ("the State Department",
        "Ukraine's foreign ministry"): its registered institution whose role or affiliation says government."""
        countries, _head = self.group_parts(description)
        if len(countries) != 1:
            return ""
        fits = [aid for aid, kind in self.kind.items() if kind == "institution"
                and self.country.get(aid) in countries and "government" in self.title_of.get(aid, set())]
        return fits[0] if len(fits) == 1 else ""

    def by_group(self, description: str) -> str:
        """The registry's actor for an unnamed speaker ("a senior U.S. official" -> unnamed U.S. officials), by
        affiliation as the ledger records them: the group whose role or variants have the description's noun and
        whose country is the one the description names - by a country word or by a registered actor named in it
        ("Two Biden administration officials": the Biden administration is American) - else, for officials of a
        country the registry keeps no such group for, that country's government ("Ukrainian officials" ->
        the Ukrainian government). '' when the description names no country or nothing fits ("an expert",
        "a Senate aide" stay new speakers)."""
        countries, head = self.group_parts(description)
        if len(countries) != 1 or not head:
            return ""
        fits = [aid for aid, kind in self.kind.items() if kind == "group" and self.country.get(aid) in countries
                and head <= self.title_of.get(aid, set())]
        if not fits and head == {"official"}:
            fits = [aid for aid, kind in self.kind.items() if kind == "institution"
                    and self.country.get(aid) in countries and "government" in self.title_of.get(aid, set())]
        return fits[0] if len(fits) == 1 else ""

    def by_title(self, title: str, candidates: list[str]) -> str:
        """The actor among ``candidates`` (people the article names, most recent last) that a definite title
        ("the president", "the Ukrainian president", "the US Defense Department spokesperson") refers to:
        its head noun in the actor's role or variants, no country word of another country; '' if none."""
        words = title_words(title)
        # the head noun among the last words ("the head of state": president, as in TITLE_SYNONYMS)
        head_words = title_words(" ".join(title.split()[-3:])) & title_words(_NOUNS.replace("|", " "))
        if not head_words:
            return ""
        countries = {COUNTRY_WORDS[w] for w in words if w in COUNTRY_WORDS}
        best, best_score = "", 0
        for rank, actor_id in enumerate(candidates):
            if self.kind.get(actor_id) != "person":
                continue
            known = self.title_of.get(actor_id, set())
            if not head_words <= known:
                continue
            if countries and self.country.get(actor_id) not in countries:
                continue
            score = len(words & known) * 1000 + rank
            if score > best_score:
                best, best_score = actor_id, score
        return best


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


def _titled(title: str, matcher: ActorMatcher, named: list[str] | None) -> Speaker:
    """A described speaker: a definite title ("the president") is the person the article named with that
    role; anything else ("an expert", "a senior Senate aide") stays unnamed - a new actor to create."""
    title = title.strip()
    if named and DEFINITE_RX.match(title):
        actor_id = matcher.by_title(title, named)
        if actor_id:
            return Speaker(actor_id, title, True)
    return Speaker(matcher.by_group(title), title, True)


def _resolved(sentence: str, m, matcher: ActorMatcher, seen: set[str] | None,
              named: list[str] | None = None) -> Speaker:
    """The speaker of mention ``m``; a generic variant ("the spokesperson", "the president") is the person the
    article names with that title, else the variant's actor if the article names it, else kept as written
    without an actor id (a new actor to create)."""
    text = sentence[m[0]:m[1]]
    if seen is not None and text.lower() in matcher.generic:
        titled = _titled(text, matcher, named)
        if titled.actor_id or m[2] not in seen:
            return titled
    return Speaker(m[2], text, True)


#: After a country's possessive, the body speaking for it: "Poland's interior ministry said".
INSTITUTION_NOUN_RX = re.compile(r"(?:\s+[a-z]+){0,2}?\s+(?:ministry|government|authorities|officials|military|"
                                 r"army|office|administration|forces)\s*(?:\w+ly\s*)?$")
#: Between two names of one list ("The US, UK and France").
LIST_GAP_RX = re.compile(r"\s*(?:,|,?\s+and|,?\s+or)\s+")
#: Verbs after which a name is the speaker ('..." said Jane Doe'); after any other it is the object ("blamed X").
SPEAKER_AFTER_VERBS = {"said", "says", "added", "adds", "noted", "wrote", "writes", "explained", "stressed",
                       "continued", "according to"}
#: A mention right after one of these words is not the subject of a verb ("in Kyiv", "for stronger NATO support").
NOT_SUBJECT_BEFORE_RX = re.compile(r"\b(?:in|of|for|to|with|from|on|against|by|at|over|into|than|about|toward|"
                                   r"towards|between|and|or)\s+(?:[\w.-]+\s+)?$", re.I)
#: A mention followed by "who" is the subject of the relative clause's verb, whatever comes before it.
RELATIVE_RX = re.compile(r"\s*,?\s*who\b")
#: Between a subject and its verb: no new clause ("..., but NATO allies rejected").
CLAUSE_BREAK_RX = re.compile(r",\s*(?:but|and|while|although|though|because|after|when|since|so|yet)\b|"
                             r"\b(?:but|while|although|because)\b", re.I)


def _speaker_after(verb: str) -> bool:
    """Whether a name right after ``verb`` is its speaker (in Arabic the subject follows the verb)."""
    return verb in SPEAKER_AFTER_VERBS or not verb.isascii()


def _subject(outside: str, mentions: list, verb_start: int, matcher: ActorMatcher):
    """The mention most likely the subject of the verb at ``verb_start`` among those before it: not a
    possessive ("Zelenskyy's plea highlights"), not after a preposition ("in Kyiv") unless a relative clause
    follows it ("with President Zelensky who ... praised"), not in an earlier clause;
    the nearest person or group ("Kuleba, speaking to reporters in Kyiv, urged" is Kuleba), else the first
    ("The US, UK and France said" is the US). None when no mention can be the subject."""
    usable = []
    for m in mentions:
        relative = RELATIVE_RX.match(outside, m[1])  # "... starting with President Zelensky who, ..., praised"
        if NOT_SUBJECT_BEFORE_RX.search(outside[max(0, m[0] - 30):m[0]]) and not relative:
            continue
        if outside[m[1]:m[1] + 2] in ("'s", "\u2019s") and not (
                matcher.kind.get(m[2]) == "institution" and INSTITUTION_NOUN_RX.match(outside[m[1] + 2:verb_start])):
            continue  # "Zelenskyy's plea highlights" (but "Poland's interior ministry said" is Poland's)
        if CLAUSE_BREAK_RX.search(outside[m[1]:verb_start]):
            continue
        usable.append(m)
    if not usable:
        return None
    people = [m for m in usable if matcher.kind.get(m[2]) in ("person", "group", "outlet")]
    if people:
        return max(people, key=lambda m: m[1])
    ordered = sorted(usable)
    k = len(ordered) - 1
    while k and LIST_GAP_RX.fullmatch(outside[ordered[k - 1][1]:ordered[k][0]]):
        k -= 1  # "The US, UK and France said": the head of the list
    return ordered[k]


#: An official body right before the verb: "The State Department told", "Ukraine's foreign ministry said".
GOV_BODY_RX = re.compile(r"(?<![\w.'\u2019-])((?:[Tt]he\s+)?(?:[A-Z][\w.'\u2019-]*\s+){0,4}(?:[a-z]+\s+){0,2}"
                         r"(?:[Mm]inistry|[Dd]epartment|[Gg]overnment|[Aa]uthorities)"
                         r"(?:\s+of\s+(?:the\s+)?(?:[A-Z][\w.'\u2019-]*\s*){1,4})?)"
                         r"(?:\s+(?:also|then|later|further|again|has|have|had|\w+ly))*\s*,?\s*$")
#: A sentence pointing back to the words before it as someone's: "This is how X explained the situation.",
#: "X said this in an address to ...".
BACKREF_RX = re.compile(r"^\s*(?:This|That)\s+(?:is|was)\s+(?:how|what)\b|"
                        r"\b(?:said|explained|stated|wrote|noted)\s+(?:this|so)\b")
#: After a person's name, the body they lead: the name is the affiliation of a description ("Joe Biden
#: administration officials"), not the speaker.
AFFILIATION_AFTER_RX = re.compile(r"(?:['\u2019]s)?\s+(?:administration|government|cabinet|team|campaign|office)\b")


#: Between a name and a description of the same speaker ("Dara Massicot, a senior fellow at ...") or of the
#: speakers the name heads ("Zelensky and other Ukrainian officials have expressed").
APPOSITION_GAP_RX = re.compile(r"\s*(?:,|,?\s*and(?:\s+other)?)\s*")


def _names_speaker(outside: str, mentions: list, desc_start: int, matcher: ActorMatcher) -> bool:
    """Whether a described speaker starting at ``desc_start`` is a registered person or group: named in the
    description (not as its affiliation), or the description is an apposition to the name before it or
    joined to it ("Zelensky and other Ukrainian officials": Zelensky heads the subject)."""
    for m in mentions:
        if matcher.kind.get(m[2]) not in ("person", "group"):
            continue
        if m[0] >= desc_start and not AFFILIATION_AFTER_RX.match(outside, m[1]):
            return True
        if m[1] <= desc_start and APPOSITION_GAP_RX.fullmatch(outside[m[1]:desc_start]):
            return True
    return False


def _after_inverted_verb(sentence: str, outside: str, v, mentions, matcher, seen, named) -> Speaker | None:
    """'..., said an expert' / '..." said Jane Doe': the speaker named right after an inverted verb."""
    if not INVERTED_RX.search(sentence[:v.start()].rstrip()) or not _speaker_after(v.group(0).lower()):
        return None
    tail = outside[v.end():]
    desc = DESCRIPTOR_RX.match(tail)
    after = [m for m in mentions if 0 <= m[0] - v.end() <= AFTER_VERB_WINDOW]
    name = AFTER_NAME_RX.match(tail)
    if not after and name:  # a known name closing the capitalised words: "said President Volodymyr Zelenskyy"
        after = [m for m in mentions if v.end() <= m[0] and m[1] <= v.end() + name.end()]
    if after:
        return _resolved(sentence, after[0], matcher, seen, named)
    if desc:
        return _titled(desc.group(1), matcher, named)
    if name and len(name.group(1).split()) >= MIN_UNKNOWN_NAME_WORDS:
        return Speaker("", name.group(1).strip(), True)
    return None


#: Nouns of reported speech whose content follows: "Zelensky's appeal for the allies to intercept ...",
#: "David Cameron's claims that ...", "One of his most striking suggestions is to ...".
_SPEECH_NOUNS = (r"suggestions?|proposals?|appeals?|calls?|claims?|comments?|remarks?|statements?|words|arguments?|"
                 r"warnings?|demands?|pleas?|requests?|assertions?|insistence|position|view")
SPEECH_NOUN_RX = re.compile(r"\s+(?:[\w-]+\s+){0,3}?(?:" + _SPEECH_NOUNS + r")\s+"
                            r"(?:that|for|to|(?:is|was)\s+(?:to|that))\b")
POSSESSIVE_PRONOUN_RX = re.compile(r"\b(?:his|her)\b", re.I)


def _speech_owner(outside: str, mentions: list, matcher: ActorMatcher, last_person: Speaker | None):
    """A sentence without an attribution verb that reports someone's words by a noun: the person whose appeal,
    claims or suggestions it gives ("... in the wake of Zelensky's appeal for the allies to intercept ...")."""
    text = outside.translate(QUOTE_TABLE)
    for m in mentions:
        end = m[1] if text[m[1] - 2:m[1]] in ("'s", "\u2019s") else m[1] + 2  # a surname read with its "'s"
        if matcher.kind.get(m[2]) == "person" and text[end - 2:end] in ("'s", "\u2019s") \
                and SPEECH_NOUN_RX.match(text, end) and re.search(r"\b[a-z]", text[:m[0]]):
            # (not the sentence's subject: "Zelenskyy's plea ... highlights ..." comments on the plea)
            return Speaker(m[2], outside[m[0]:m[1]], True)
    if last_person is not None and last_person.actor_id:
        for p in POSSESSIVE_PRONOUN_RX.finditer(text):
            if SPEECH_NOUN_RX.match(text, p.end()):
                return Speaker(last_person.actor_id, p.group(0), True)
    return None


def find_speaker(sentence: str, matcher: ActorMatcher, last_person: Speaker | None,
                 seen: set[str] | None = None, named: list[str] | None = None) -> Speaker | None:
    """The speaker a sentence attributes its words to, if any (``seen``: actors the article names; ``named``:
    the people it has named so far, most recent last, for titles such as "the president")."""
    segs = quoted_segments(sentence)
    outside = _mask(sentence, segs)
    mentions = [m for m in matcher.mentions(outside)]
    named = named if named is not None else sorted(seen or ())
    best = None
    for v in VERB_RX.finditer(outside):
        verb = v.group(0).lower()
        if AS_CLAUSE_RX.search(outside[max(0, v.start() - LOOKBACK_CHARS):v.start()]):
            continue  # "as Zelenskiy insists": someone else's words, reported in passing
        inverted = _after_inverted_verb(sentence, outside, v, mentions, matcher, seen, named)
        if inverted is not None:
            return inverted
        window = ACCORDING_TO_WINDOW if verb == "according to" else AFTER_VERB_WINDOW
        after = [m for m in mentions if 0 <= m[0] - v.end() <= window]
        if verb == "according to":
            if after:
                return _resolved(sentence, after[0], matcher, seen, named)
            desc = DESCRIPTOR_RX.match(outside[v.end():])
            if desc:
                return _titled(desc.group(1), matcher, named)
            continue
        if not _speaker_after(verb):
            after = []  # "told POLITICO": the listener; "blamed the Biden administration": the object
        before = [m for m in mentions if 0 <= v.start() - m[1] <= BEFORE_VERB_WINDOW
                  and not re.search(r"[.;:!?]", outside[m[1]:v.start()])]
        # "X said" (nearest name before the verb), "said X" (name right after the verb)
        lo = max(0, v.start() - DESCRIPTION_LOOKBACK_CHARS)
        desc = DESCRIPTOR_BEFORE_RX.search(outside[lo:v.start()])
        # "a Senate aide told": the description nearest the verb, unless a known name is part of it or it
        # describes the name before it ("Dara Massicot, a senior fellow at ..., highlighted")
        named_in_desc = desc and _names_speaker(outside, before, lo + desc.start(), matcher)
        if desc and not named_in_desc:
            return _titled(desc.group(1), matcher, named)
        body = GOV_BODY_RX.search(outside[lo:v.start()])
        if body and not any(m[1] > lo + body.start() and matcher.kind.get(m[2]) in ("person", "group")
                            for m in before):  # "the State Department told reporters": the country's government
            gov = matcher.by_government(body.group(1))
            if gov:
                return Speaker(gov, body.group(1).strip(), True)
        head = outside[max(0, v.start() - LOOKBACK_CHARS):v.start()]  # $-anchored patterns: search only the tail
        pronoun = PRONOUN_RX.search(head)
        if pronoun and last_person and last_person.actor_id:  # "..., he said": the person last named as speaker
            return Speaker(last_person.actor_id, pronoun.group(1), True)
        subject = _subject(outside, before, v.start(), matcher) if before else None
        if subject is not None:
            found = _resolved(sentence, subject, matcher, seen, named)
            if matcher.kind.get(found.actor_id) in ("person", "group"):
                return found
            best = best or found  # an institution: a person attributed by a later verb comes first
            continue
        after = [m for m in after if outside[m[1]:m[1] + 2] not in ("'s", "\u2019s")]  # "said Russia's war"
        if after:
            return _resolved(sentence, after[0], matcher, seen, named)
        unknown = UNKNOWN_NAME_RX.search(head)
        if unknown and not best and len(unknown.group(1).split()) >= MIN_UNKNOWN_NAME_WORDS:
            best = Speaker("", unknown.group(1).strip(), True)
    if best is None:
        best = _speech_owner(outside, mentions, matcher, last_person)
    return best


#: The determiner of an unnamed (indefinite) speaker: "a senior Senate aide", "two officials".
INDEFINITE_RX = re.compile(r"(?:an?|one|another|two|three|several|some)\s", re.I)


def _unaffiliated_official(name: str, matcher: ActorMatcher) -> bool:
    """Whether a described speaker is an unnamed official whose description names no country ("a senior
    Senate aide", "a source"), not a title of a named person ("the president") nor an expert."""
    if not INDEFINITE_RX.match(name):
        return False
    countries, head = matcher.group_parts(name)
    return not countries and head == {"official"}


def attribute(body: str, spans: list[tuple[int, int]], matcher: ActorMatcher):
    """For each sentence: (speaker or None, is_quote, skip). Two passes: explicit attributions first,
    then carried to the sentences of the same quotation, to quotes introduced by "X said," on the
    lines before, to pronouns, and over the rest of a paragraph of reported speech."""
    n = len(spans)
    info = []
    last_person: Speaker | None = None
    body_mentions = [m for m in matcher.mentions(body) if body[m[0]:m[1]].lower() not in matcher.generic]
    seen = {m[2] for m in body_mentions}
    people = [m for m in body_mentions if matcher.kind.get(m[2]) == "person"]
    later = list(dict.fromkeys(m[2] for m in people))  # named further on (a title may come first)
    order: dict[str, int] = {}
    at = 0
    para_group: Speaker | None = None  # the last unnamed group quoted in the paragraph ("U.S. officials")
    for s, e in spans:
        text = body[s:e]
        while at < len(people) and people[at][0] < e:
            order.pop(people[at][2], None)
            order[people[at][2]] = at
            at += 1
        named = [a for a in later if a not in order] + list(order)
        if QUOTE_MARKER_RX.match(text):
            info.append(None)
            continue
        t = text.translate(QUOTE_TABLE)
        segs = quoted_segments(text)
        quoted_words = sum(len(WORD_RX.findall(text[a:b])) for a, b in segs)
        words = len(WORD_RX.findall(text))
        source = SOURCE_LINE_RX.match(text)
        spk = find_speaker(text, matcher, last_person, seen, named) if not source else None
        source_spk = _source_speaker(text[source.end():], matcher, named) if source else None
        if info and (info[-1] is None or "\n" in body[info[-1]["end"]:s]):
            para_group = None  # a new paragraph
        if spk is not None and spk.explicit:
            if spk.actor_id and matcher.kind.get(spk.actor_id) == "group":
                para_group = spk
            elif not spk.actor_id and para_group is not None and _unaffiliated_official(spk.name, matcher):
                # "U.S. officials explained ... , said a senior Senate aide": one of the officials just quoted
                spk = Speaker(para_group.actor_id, spk.name, True)
        for found in (spk, source_spk):
            if found is not None and found.actor_id and matcher.kind.get(found.actor_id) == "person":
                last_person = found
        info.append({"spk": spk, "marks": t.count('"'), "quoted_words": quoted_words, "words": words,
                     "starts": t.lstrip().startswith('"'), "text": text, "start": s, "end": e,
                     "source": source_spk})
    # paragraphs (sentences never cross a line break): index of each sentence's paragraph
    para, k, prev_end = [0] * n, -1, None
    for i, d in enumerate(info):
        if d is None:
            continue
        if prev_end is None or "\n" in body[prev_end:d["start"]]:
            k += 1
        para[i], prev_end = k, d["end"]
    members: dict[int, list[int]] = {}
    for i, d in enumerate(info):
        if d is not None:
            members.setdefault(para[i], []).append(i)
    explicit_in = {p for p, idx in members.items() if any(info[i]["spk"] is not None for i in idx)}
    # "Source: <speaker>" (Ukrainska Pravda): the lead paragraph before it, if it names no speaker, is theirs
    for p, idx in members.items():
        src = info[idx[0]]["source"]
        if src is not None and src.actor_id and p - 1 in members and p - 1 not in explicit_in:
            for i in members[p - 1]:
                info[i]["spk"] = Speaker(src.actor_id, src.name, False)
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
    # a paragraph that opens a quotation and attributes it ('"..." Zelenskyy went on to add.'): its speaker
    quote_para: dict[int, Speaker] = {}
    for p, idx in members.items():
        if info[idx[0]]["starts"]:
            said = [info[i]["spk"] for i in idx if info[i]["spk"] is not None
                    and (info[i]["spk"].actor_id or info[i]["spk"].name)]
            if said:
                quote_para[p] = said[0]
    carry: dict[int, Speaker] = {}
    out = []
    pending: Speaker | None = None
    para_speaker: Speaker | None = None
    announced = False  # the paragraph's speaker announced what follows ("X highlighted key differences.")
    prev_end = None
    last_spk: Speaker | None = None  # the speaker of the last sentence of the paragraph before (if any)
    last_quoted: Speaker | None = None  # the last speaker of a quotation or explicit attribution
    transcript: Speaker | None = None  # "Blinken responded:" at the end of a paragraph: the next one is theirs
    for i, d in enumerate(info):
        if d is None:
            out.append((None, False, True))
            continue
        in_run = run_of[i] is not None
        is_quote = (d["quoted_words"] >= MIN_QUOTED_WORDS or (d["starts"] and d["words"] >= MIN_QUOTED_WORDS)
                    or (in_run and d["words"] >= MIN_QUOTED_WORDS))
        spk = d["spk"]
        first = members[para[i]][0] == i
        if first and i:
            prev = members.get(para[i] - 1, [None])[-1]
            last_spk = out[prev][0] if prev is not None and prev < len(out) else None
            if last_spk is not None and not (out[prev][1] or last_spk.explicit):
                last_spk = None
        if spk is None and para[i] in quote_para:
            q = quote_para[para[i]]  # '"... . ... ," the president said.': the quotation's sentences are theirs
            spk = Speaker(q.actor_id, q.name, False)
        if spk is None and para[i] in carry:
            spk = Speaker(carry[para[i]].actor_id, carry[para[i]].name, False)
        if spk is None and para[i] not in explicit_in:
            carried = None
            if transcript is not None and members.get(para[i] - 1, [None])[-1] == transcript[1]:
                carried, is_quote = transcript[0], True  # a transcript: the paragraph after "X responded:"
            elif d["starts"] and last_spk is not None and (first or is_quote):
                carried = last_spk  # a quotation paragraph continuing the quotation of the paragraph before
            elif PRESS_LABEL_RX.match(d["text"]) and last_quoted is not None and d["text"].lstrip()[0] in "QD":
                carried = last_quoted  # "Quote: ..." / "Details: ..." (Ukrainska Pravda) after "Source: X"
            if carried is not None:
                spk = Speaker(carried.actor_id, carried.name, False)
                carry[para[i]] = carried  # and the rest of the paragraph
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
        if d["source"] is not None and (d["source"].actor_id or d["source"].name):
            last_quoted = d["source"]
        elif spk is not None and (spk.actor_id or spk.name) and (is_quote or spk.explicit):
            last_quoted = spk
        if spk is not None and spk.explicit and (spk.actor_id or spk.name) and not is_quote and \
                d["text"].rstrip().endswith(":") and members[para[i]][-1] == i:
            transcript = (spk, i)
        out.append((spk, is_quote, False))
    # a sentence between two of one speaker's in a paragraph ("The publication also noted that ... . However,
    # ... . Such measures ..., Politico concluded.") continues their report
    for i in range(1, n - 1):
        if out[i][2] or out[i][0] is not None or info[i - 1] is None or info[i + 1] is None:
            continue
        before_spk, after_spk = out[i - 1][0], out[i + 1][0]
        if (para[i - 1] == para[i] == para[i + 1] and before_spk is not None and after_spk is not None
                and before_spk.actor_id and before_spk.actor_id == after_spk.actor_id
                and (before_spk.explicit or after_spk.explicit)):
            out[i] = (Speaker(before_spk.actor_id, before_spk.name, False), out[i][1], False)
    # "This is how X explained the situation." / "X said this in an address to ...": what came before is X's
    for i in range(n):
        spk = out[i][0]
        if info[i] is None or spk is None or not spk.explicit or not spk.actor_id \
                or not BACKREF_RX.search(info[i]["text"]):
            continue
        earlier = [j for j in members[para[i]] if j < i]
        if not earlier and para[i] - 1 in members and para[i] - 1 not in explicit_in:
            earlier = members[para[i] - 1]
        for j in earlier:
            if out[j][0] is None and not out[j][2]:
                out[j] = (Speaker(spk.actor_id, spk.name, False), out[j][1], False)
    return out


def _source_speaker(text: str, matcher: ActorMatcher, named: list[str]) -> Speaker | None:
    """The speaker of a "Source: ..." line: the person (or group) it names, else its first name or title."""
    mentions = matcher.mentions(text)
    people = [m for m in mentions if matcher.kind.get(m[2]) in ("person", "group", "outlet")]
    if people or mentions:
        m = (people or mentions)[0]
        return _resolved(text, m, matcher, set(), named)
    return None


