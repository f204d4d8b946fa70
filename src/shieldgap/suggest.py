"""``shieldgap suggest`` and ``shieldgap accept``: machine-suggested claims for articles not yet curated.

For each article the suggester

1. splits the body into sentences (pysbd, paragraph by paragraph, with character offsets);
2. finds quotations and who said them: attribution verbs (said, told, according to, added,
   noted...) in the quote-then-speaker and speaker-then-quote forms, speakers introducing quotes on
   the following lines, pronouns resolved to the last speaker; names are resolved against the
   variants of ``data/actors.yml``;
3. tags each sentence with a theme: the keywords of ``data/themes.yml`` plus TF-IDF similarity to
   the curated claims of each theme;
4. matches each sentence to the ledger's claims with TF-IDF cosine over word and character
   n-grams (so reworded reports of the same statement still match) and reports the canonical claim
   it echoes when the score passes a threshold calibrated on the curated ledger itself;
5. suggests a stance from the nearest curated claims.

Results go to ``data/candidates/<article_id>.csv`` (written atomically); the curated files are
never touched. A cache in ``data/derived/suggest_cache.json``, keyed by the SHA-256 of each article
file and a fingerprint of the reference data (claims, themes, actors, curated articles), makes a
rerun process only new or changed articles.

``accept_candidates`` promotes the rows an analyst marked ``accept = y`` into ``data/claims.csv``
after validating the result with :func:`shieldgap.ledger.load_ledger` on a temporary copy.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .fields import CLAIMS, OUTLET_ACTOR
from .paths import DataPaths
from .textmatch import QuoteIndex, normalize

VERSION = "suggest-3"
CACHE_FILE = "suggest_cache.json"

CANDIDATE_COLUMNS = [
    "candidate_id", "article_id", "sentence_start", "sentence_end", "quote", "is_quote",
    "actor_id", "actor_name_in_text", "attribution", "theme", "theme_score", "stance", "stance_score",
    "echo_of", "echo_score", "echo_quote",
    "claim_type", "summary", "strength", "said_on", "occurrence", "unanswered", "notes", "accept",
]
ACCEPT_VALUES = {"y", "yes", "x", "true", "1"}

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

# Quote characters mapped one-to-one (offsets are preserved).
_QUOTE_TABLE = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"',
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
INTRO_END_RX = re.compile(r"(?:\b(?:" + _VERBS + r"|adding|saying|that|why)\s*[,:]?|[:])\s*$", re.I)
QUOTE_MARKER_RX = re.compile(r"^\s*(?:quote|read more|advertisement)\s*:?\s*$", re.I)
BOUNDARY_RX = re.compile(r"[.!?;\u2026][\"'\u201d\u2019)\]]*\s+\S")
WORD_RX = re.compile(r"[A-Za-z][A-Za-z'-]+")


# ----------------------------------------------------------------------------- reading the data
def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _split_front_matter(text: str) -> tuple[str, str] | None:
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4)
    return None if end == -1 else (text[4:end + 1], text[end + 5:])


def read_csv_rows(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return list(csv.DictReader(io.StringIO(_read_text(path))))


@dataclass
class ArticleFile:
    id: str
    path: Path
    file_sha: str
    body_sha: str
    curated: bool
    body: str | None = None
    size: int = -1
    mtime_ns: int = -1


def scan_articles(paths: DataPaths, cache: dict | None = None, *, want_bodies=None) -> list[ArticleFile]:
    """Every article file with its hash and curated flag; YAML is parsed only for files not in ``cache``.

    A file whose size and modification time (ns) are those recorded in ``cache`` is taken from the cache
    without being read; any other file is read and hashed, and parsed only when its hash changed.
    ``want_bodies``: None (keep every body), or a predicate on ArticleFile deciding whether to keep it.
    """
    files_cache = (cache or {}).get("files", {})
    out = []
    if not paths.articles.is_dir():
        return out
    for entry in sorted(os.scandir(paths.articles), key=lambda e: e.name):
        if not entry.name.endswith(".md") or entry.name.startswith("."):
            continue
        hit = files_cache.get(entry.name)
        try:
            st = entry.stat()
        except OSError:
            continue
        body = None
        raw = None
        if hit and hit.get("size") == st.st_size and hit.get("mtime_ns") == st.st_mtime_ns and "sha" in hit:
            sha = hit["sha"]
        else:
            raw = Path(entry.path).read_bytes()
            sha = hashlib.sha256(raw).hexdigest()
        if hit and hit.get("sha") == sha:
            art = ArticleFile(hit["id"], Path(entry.path), sha, hit["body_sha"], hit["curated"])
        else:
            try:
                parts = _split_front_matter(raw.decode("utf-8"))
                meta = yaml.load(parts[0], Loader=_Loader) if parts else None
            except (UnicodeDecodeError, yaml.YAMLError):
                parts, meta = None, None
            if not parts or not isinstance(meta, dict):
                continue  # reported by `shieldgap check`
            body = parts[1]
            curated = meta.get("curated")
            curated = curated if isinstance(curated, bool) else str(curated).lower() == "true"
            art = ArticleFile(str(meta.get("id") or entry.name[:-3]), Path(entry.path), sha,
                              hashlib.sha256(body.encode("utf-8")).hexdigest(), curated)
        art.size, art.mtime_ns = st.st_size, st.st_mtime_ns
        if want_bodies is None or want_bodies(art):
            if body is None:
                if raw is None:
                    raw = Path(entry.path).read_bytes()
                parts = _split_front_matter(raw.decode("utf-8"))
                body = parts[1] if parts else ""
            art.body = body
        out.append(art)
    return out


@dataclass
class Reference:
    """What suggestions are made from: the curated claims, themes, actors and curated article bodies."""

    claims: list[dict]
    themes: dict[str, dict]
    actors: dict[str, dict]
    bodies: dict[str, str]  # curated article id -> body
    fingerprint: str = ""

    def without_article(self, article_id: str) -> "Reference":
        """The reference with one article's curation hidden (leave-one-out)."""
        return Reference([c for c in self.claims if c.get("article_id") != article_id], self.themes, self.actors,
                         {k: v for k, v in self.bodies.items() if k != article_id},
                         hashlib.sha256(f"{self.fingerprint}-{article_id}".encode()).hexdigest())


def read_reference(paths: DataPaths, articles: list[ArticleFile] | None = None) -> Reference:
    articles = articles if articles is not None else scan_articles(paths, want_bodies=lambda a: a.curated)
    themes = yaml.load(_read_text(paths.themes), Loader=_Loader) if paths.themes.is_file() else {}
    actors = yaml.load(_read_text(paths.actors), Loader=_Loader) if paths.actors.is_file() else {}
    claims = [c for c in read_csv_rows(paths.claims) if c.get("claim_id") and c.get("quote")]
    h = hashlib.sha256(VERSION.encode())
    for p in (paths.claims, paths.themes, paths.actors):
        if p.is_file():
            h.update(p.read_bytes())
    bodies = {}
    for a in articles:
        if a.curated:
            h.update(f"{a.id}:{a.body_sha}".encode())
            bodies[a.id] = a.body
    return Reference(claims, themes or {}, actors or {}, bodies, h.hexdigest())


# ----------------------------------------------------------------------------- sentences
_SEGMENTER = None


def _segmenter():
    global _SEGMENTER
    if _SEGMENTER is None:
        import pysbd

        # pysbd builds a regular expression per abbreviation on every call; with Python's default cache
        # of 512 compiled patterns they are recompiled for every paragraph (most of its run time).
        if getattr(re, "_MAXCACHE", 0) < 8192:
            re._MAXCACHE = 8192
        _SEGMENTER = pysbd.Segmenter(language="en", clean=False)
    return _SEGMENTER


# Periods pysbd is needed for: abbreviations (Mr., Gen., U.S.), initials, decimals, ellipses, a period
# followed by a lower-case word, or a sentence end followed by something other than a capital.
AMBIGUOUS_RX = re.compile(r"\b(?:[A-Za-z]\.){2,}|\b[A-Z]\.\s+[A-Z]|\d\.\d|\.\.|\u2026|"
                          r"[.!?][\"'\u201d\u2019)\]]*\s+[^A-Z\"\u201c\u2018'\s(\[]|\b(?:" + "|".join(
                              ["mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sen", "rep", "gov", "prof", "no", "vs",
                               "jr", "sr", "etc", "approx", "est", "dept", "univ", "inc", "ltd", "co", "corp", "maj",
                               "capt", "sgt", "adm", "pres", "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct",
                               "nov", "dec", "fig", "vol", "pp", "ed", "eds", "cf", "al"]) +
                          r")\.", re.I)
_SIMPLE_SPLIT_RX = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019)\]]))\s+(?=[A-Z\"\u201c\u2018'(\[])")
_INNER_RX = re.compile(r"(?<=[.!?])\s+(?=[\"\u201c\u2018']?[A-Z])")
_ABBREV = {"mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sen", "rep", "gov", "prof", "no", "vs", "jr", "sr",
           "maj", "capt", "sgt", "adm", "pres", "inc", "co", "corp", "ltd", "jan", "feb", "mar", "apr", "aug", "sep",
           "sept", "oct", "nov", "dec"}


def _split_inner(piece: str) -> list[str]:
    """pysbd keeps a multi-sentence quotation in one piece; split it into its sentences."""
    if len(piece) < 120:
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


# ----------------------------------------------------------------------------- speakers
class ActorMatcher:
    """Finds the registry's actor names (any variant) in text."""

    def __init__(self, actors: dict[str, dict]):
        variants = []
        for actor_id, a in actors.items():
            for v in [a.get("name"), *(a.get("variants") or [])]:
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
        self.rx = re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])") if parts else None

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        if self.rx is None:
            return []
        return [(m.start(), m.end(), self.by_variant[m.group(0).lower()]) for m in self.rx.finditer(text)]


def quoted_segments(text: str) -> list[tuple[int, int]]:
    """Spans of text between double quotation marks (curly or straight)."""
    t = text.translate(_QUOTE_TABLE)
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


def find_speaker(sentence: str, matcher: ActorMatcher, last_person: Speaker | None) -> Speaker | None:
    """The speaker a sentence attributes its words to, if any."""
    segs = quoted_segments(sentence)
    outside = _mask(sentence, segs)
    mentions = [m for m in matcher.mentions(outside)]
    best = None
    for v in VERB_RX.finditer(outside):
        verb = v.group(0).lower()
        after = [m for m in mentions if 0 <= m[0] - v.end() <= (40 if verb == "according to" else 3)]
        if verb == "according to":
            if after:
                m = after[0]
                return Speaker(m[2], sentence[m[0]:m[1]], True)
            continue
        before = [m for m in mentions if 0 <= v.start() - m[1] <= 120
                  and not re.search(r"[.;:!?]", outside[m[1]:v.start()])]
        # "X said" (nearest name before the verb), "said X" (name right after the verb)
        if before:
            m = max(before, key=lambda m: m[1])
            return Speaker(m[2], sentence[m[0]:m[1]], True)
        if after:
            m = after[0]
            return Speaker(m[2], sentence[m[0]:m[1]], True)
        head = outside[max(0, v.start() - 80):v.start()]  # $-anchored patterns: search only the tail
        if PRONOUN_RX.search(head) and last_person and last_person.actor_id:
            return Speaker(last_person.actor_id, PRONOUN_RX.search(head).group(1), True)
        unknown = UNKNOWN_NAME_RX.search(head)
        if unknown and not best and len(unknown.group(1).split()) >= 2:
            best = Speaker("", unknown.group(1).strip(), True)
    return best


def attribute(body: str, spans: list[tuple[int, int]], matcher: ActorMatcher):
    """For each sentence: (speaker or None, is_quote, skip). Two passes: explicit attributions first,
    then carried to the sentences of the same quotation, to quotes introduced by "X said," on the
    lines before, to pronouns, and over the rest of a paragraph of reported speech."""
    n = len(spans)
    info = []
    last_person: Speaker | None = None
    for s, e in spans:
        text = body[s:e]
        if QUOTE_MARKER_RX.match(text):
            info.append(None)
            continue
        t = text.translate(_QUOTE_TABLE)
        segs = quoted_segments(text)
        quoted_words = sum(len(WORD_RX.findall(text[a:b])) for a, b in segs)
        words = len(WORD_RX.findall(text))
        spk = find_speaker(text, matcher, last_person)
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
    prev_end = None
    for i, d in enumerate(info):
        if d is None:
            out.append((None, False, True))
            continue
        in_run = run_of[i] is not None
        is_quote = d["quoted_words"] >= 3 or (d["starts"] and d["words"] >= 3) or (in_run and d["words"] >= 3)
        spk = d["spk"]
        if spk is None and in_run:
            run_spk = next((info[j]["spk"] for j in run_of[i] if info[j]["spk"] is not None), None)
            if run_spk is not None:
                spk = Speaker(run_spk.actor_id, run_spk.name, False)
        if spk is None and is_quote and pending is not None:
            spk = Speaker(pending.actor_id, pending.name, False)
        if prev_end is None or "\n" in body[prev_end:d["start"]]:
            para_speaker = None
        prev_end = d["end"]
        if spk is None and para_speaker is not None:
            spk = Speaker(para_speaker.actor_id, para_speaker.name, False)
        elif spk is not None and spk.explicit and spk.actor_id:
            para_speaker = spk
        # speaker-then-quote across lines: "X said," / "X continued adding," / "...when asked why:"
        if spk is not None and spk.explicit and INTRO_END_RX.search(d["text"][-60:]) and not is_quote:
            pending = spk
        elif not is_quote and (spk is None or spk.explicit):
            pending = None if not (spk is not None and INTRO_END_RX.search(d["text"][-60:])) else pending
        out.append((spk, is_quote, False))
    return out


# ----------------------------------------------------------------------------- the model
def _claim_text(c: dict) -> str:
    return c.get("quote", "")


_TOKEN_RX = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


class FastTfidf:
    """The ``transform`` of a fitted scikit-learn ``TfidfVectorizer`` (word 1-2 grams with stop words, or
    ``char_wb`` n-grams; lower-cased, sublinear tf, smooth idf, l2 norm), reimplemented with a per-word
    cache of n-gram indices. Same vectors as scikit-learn (tests check it), several times faster, and it
    needs neither scikit-learn nor its import time once fitted: a persisted model loads with numpy and
    scipy only."""

    def __init__(self, vectorizer):
        import numpy as np

        self.analyzer = vectorizer.analyzer
        self.ngram_range = tuple(vectorizer.ngram_range)
        self.vocab = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        stop = vectorizer.get_stop_words()
        self.stop = frozenset(stop) if stop else frozenset()
        self._cache: dict = {}

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_cache"] = {}
        return state

    @property
    def n_features(self) -> int:
        return len(self.idf)

    def _char_ids(self, word: str) -> list[int]:
        ids = self._cache.get(word)
        if ids is None:
            vocab = self.vocab
            w = " " + word + " "
            w_len = len(w)
            ids = []
            min_n, max_n = self.ngram_range
            for n in range(min_n, max_n + 1):  # as sklearn's _char_wb_ngrams
                offset = 0
                g = vocab.get(w[0:n])
                if g is not None:
                    ids.append(g)
                while offset + n < w_len:
                    offset += 1
                    g = vocab.get(w[offset:offset + n])
                    if g is not None:
                        ids.append(g)
                if offset == 0:
                    break
            if len(self._cache) > 500_000:
                self._cache.clear()
            self._cache[word] = ids
        return ids

    def _word_ids(self, doc: str) -> list[int]:
        vocab = self.vocab
        stop = self.stop
        tokens = [t for t in _TOKEN_RX.findall(doc) if t not in stop]
        ids = [g for g in map(vocab.get, tokens) if g is not None]
        if self.ngram_range[1] >= 2:
            for a, b in zip(tokens, tokens[1:]):
                g = vocab.get(a + " " + b)
                if g is not None:
                    ids.append(g)
        return ids

    def transform(self, docs: list[str]):
        import numpy as np
        import scipy.sparse as sp

        indptr = [0]
        indices: list[int] = []
        for doc in docs:
            doc = doc.lower()
            if self.analyzer == "word":
                indices += self._word_ids(doc)
            else:
                for word in doc.split():
                    indices += self._char_ids(word)
            indptr.append(len(indices))
        X = sp.csr_matrix((np.ones(len(indices), dtype=np.float64), np.asarray(indices, dtype=np.int32),
                           np.asarray(indptr, dtype=np.int64)), shape=(len(docs), self.n_features))
        X.sum_duplicates()
        np.log(X.data, X.data)
        X.data += 1.0
        X.data *= self.idf[X.indices]
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        X.data /= np.repeat(norms, np.diff(X.indptr))
        return X.astype(np.float32)


class Model:
    """Vectorizers fitted on the reference, the reference matrices, themes and a calibrated threshold."""

    def __init__(self, ref: Reference):
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.ref = ref
        self.claims = ref.claims
        self.matcher = ActorMatcher(ref.actors)
        self.theme_ids = list(ref.themes)
        # one pass over a sentence finds every theme keyword (a keyword may belong to several themes)
        self.keyword_themes: dict[str, list[str]] = {}
        for tid, t in ref.themes.items():
            for k in {str(k).lower() for k in (t.get("keywords") or [])}:
                self.keyword_themes.setdefault(k, []).append(tid)
        kws = sorted(self.keyword_themes, key=len, reverse=True)
        self.keyword_rx = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(k) for k in kws) + r")(?![\w-])") \
            if kws else None
        corpus = [_claim_text(c) for c in self.claims] + [c.get("summary", "") for c in self.claims]
        for body in ref.bodies.values():
            corpus += [body[s:e] for s, e in split_sentences(body)]
        corpus = [normalize(t) for t in corpus if t and t.strip()] or ["empty"]
        self.word = FastTfidf(TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                              stop_words="english", dtype=np.float32).fit(corpus))
        self.char = FastTfidf(TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                              dtype=np.float32).fit(corpus))
        qt = [normalize(_claim_text(c)) for c in self.claims]
        st = [normalize(c.get("summary", "")) for c in self.claims]
        self.n = len(self.claims)
        if self.n:
            self.Wq, self.Ws = self.word.transform(qt).T.tocsr(), self.word.transform(st).T.tocsr()
            self.Cq = self.char.transform(qt).T.tocsr()
        self.claim_article = [c.get("article_id", "") for c in self.claims]
        by_id = {c["claim_id"]: c for c in self.claims}
        self.canonical = []
        for c in self.claims:
            canon = c.get("canonical_id") or c["claim_id"]
            self.canonical.append(canon if canon in by_id else c["claim_id"])
        self.theme_of = [c.get("theme", "") for c in self.claims]
        self.stance_of = [c.get("stance", "") for c in self.claims]
        self.by_id = by_id
        # the stance each speaker takes in the curated claims (used when it has two or more)
        counts: dict[str, dict[str, int]] = {}
        for c in self.claims:
            d = counts.setdefault(c.get("actor_id", ""), {})
            d[c.get("stance", "")] = d.get(c.get("stance", ""), 0) + 1
        self.actor_prior = {a: {k: v / sum(d.values()) for k, v in d.items()} for a, d in counts.items()
                            if sum(d.values()) >= 2}
        self.threshold, self.calibration = self._calibrate()

    # -- similarities
    def similarity(self, sentences: list[str], prefilter: float = 0.08):
        """(n_sentences x n_claims) combined similarity: mean of word and character TF-IDF cosine."""
        import numpy as np

        if not self.n or not sentences:
            return np.zeros((len(sentences), self.n), dtype="float32")
        norm = [normalize(s) for s in sentences]
        W = self.word.transform(norm)
        word = np.maximum((W @ self.Wq).toarray(), (W @ self.Ws).toarray())
        keep = np.flatnonzero(word.max(axis=1) >= prefilter)
        char = np.zeros_like(word)
        if len(keep):
            C = self.char.transform([norm[i] for i in keep])
            char[keep] = (C @ self.Cq).toarray()
        return 0.5 * word + 0.5 * char

    def _calibrate(self):
        """Echo threshold maximising F1 on the curated articles: each sentence carrying a curated claim
        should match another appearance of the same canonical claim, and nothing else."""
        import numpy as np

        default = 0.45
        if not self.n:
            return default, {"positives": 0, "note": "no claims"}
        rows, aid_of = [], []
        for aid, body in self.ref.bodies.items():
            spans = split_sentences(body)
            idx = QuoteIndex(body)
            located = {}
            for j, c in enumerate(self.claims):
                if c.get("article_id") != aid:
                    continue
                found = idx.find_all(c["quote"])
                occ = int(c["occurrence"]) if str(c.get("occurrence") or "").isdigit() else 1
                if len(found) >= occ:
                    located[j] = found[occ - 1]
            for s, e in spans:
                inside = [j for j, (qs, qe) in located.items() if qs < e and qe > s]
                rows.append((body[s:e], inside))
                aid_of.append(aid)
        if not rows:
            return default, {"positives": 0, "note": "no curated articles"}
        sims = self.similarity([r[0] for r in rows])
        canon = np.array(self.canonical)
        cases = []
        for i, (_, inside) in enumerate(rows):
            # as in analyze(): the sentence's own article is never its reference, so only
            # appearances in other articles count as echoes
            mask = np.array([a == aid_of[i] for a in self.claim_article], dtype=bool)
            scores = np.where(mask, -1.0, sims[i])
            best = int(scores.argmax())
            wanted = {canon[j] for j in inside}
            available = wanted & set(canon[~mask])
            cases.append((float(scores[best]), canon[best] in available, bool(available)))
        positives = sum(1 for c in cases if c[2])
        if positives < 3:
            return default, {"positives": positives, "note": "too few repeated claims; default threshold"}
        best_t, best_f = default, -1.0
        for t in np.arange(0.25, 0.9, 0.01):
            tp = sum(1 for s, ok, _ in cases if s >= t and ok)
            fp = sum(1 for s, ok, _ in cases if s >= t and not ok)
            fn = positives - tp
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            if f1 > best_f + 1e-9:
                best_t, best_f = float(t), f1
        return round(best_t, 2), {"positives": positives, "f1": round(best_f, 3), "sentences": len(cases)}

    # -- one article
    def analyze(self, article_id: str, body: str) -> list[dict]:
        """Candidate rows for one article (claims of the article itself are never its reference)."""
        return self.analyze_many([(article_id, body)])[article_id]

    def analyze_many(self, items: list[tuple[str, str]]) -> dict[str, list[dict]]:
        import numpy as np

        per_article = []
        all_sentences = []
        for aid, body in items:
            spans = split_sentences(body)
            per_article.append((aid, body, spans, len(all_sentences)))
            all_sentences += [body[s:e] for s, e in spans]
        sims = self.similarity(all_sentences)
        out = {}
        canon = np.array(self.canonical) if self.n else np.array([])
        art_arr = np.array(self.claim_article) if self.n else np.array([])
        theme_idx = {t: np.array([j for j, th in enumerate(self.theme_of) if th == t], dtype=int) for t in self.theme_ids}
        if self.n:  # an article's own curated claims are never its reference
            for aid, _body, spans, offset in per_article:
                own = art_arr == aid
                if own.any() and spans:
                    sims[offset:offset + len(spans), np.flatnonzero(own)] = -1.0
        theme_sim = {t: (sims[:, idx].max(axis=1) if len(idx) else np.zeros(len(all_sentences)))
                     for t, idx in theme_idx.items()} if self.n and len(all_sentences) else {}
        for aid, body, spans, offset in per_article:
            own = art_arr == aid if self.n else np.zeros(0, dtype=bool)
            rows = []
            attributed = attribute(body, spans, self.matcher)
            k = 0
            for n, (s, e) in enumerate(spans):
                text = body[s:e]
                spk, is_quote, skip = attributed[n]
                if skip:
                    continue
                words = WORD_RX.findall(text)

                sim = sims[offset + n].copy() if self.n else np.zeros(0)
                if self.n:
                    sim[own] = -1.0
                # echo
                echo_of, echo_score, echo_quote = "", 0.0, ""
                if self.n:
                    j = int(sim.argmax())
                    echo_score = float(sim[j])
                    if echo_score >= self.threshold:
                        echo_of = str(canon[j])
                        echo_quote = self.by_id.get(echo_of, {}).get("quote", "")
                # theme: keywords + similarity to each theme's claims
                low = text.lower()
                kw: dict[str, int] = {}
                if self.keyword_rx is not None:
                    for m in self.keyword_rx.findall(low):
                        for tid in self.keyword_themes[m]:
                            kw[tid] = kw.get(tid, 0) + 1
                kw_max = max(kw.values()) if kw else 0
                scores = {}
                for tid in self.theme_ids:
                    st = float(theme_sim[tid][offset + n]) if tid in theme_sim else 0.0
                    kn = kw.get(tid, 0) / kw_max if kw_max else 0.0
                    scores[tid] = 0.35 * kn + 0.65 * max(st, 0.0)
                theme = max(scores, key=scores.get) if scores else ""
                theme_score = scores.get(theme, 0.0)
                if echo_of:
                    theme = self.by_id[echo_of].get("theme", theme)
                # stance: echoed claim's, else a vote of the nearest claims
                stance, stance_score = "context", 0.0
                if self.n:
                    order = np.argsort(-sim)[:5]
                    votes: dict[str, float] = {}
                    for j in order:
                        if sim[j] > 0.1:
                            votes[self.stance_of[j]] = votes.get(self.stance_of[j], 0.0) + float(sim[j])
                    total = sum(votes.values())
                    votes = {k: v / total for k, v in votes.items()} if total else {}
                    speaker_id = spk.actor_id if (spk is not None and spk.actor_id) else (
                        "" if is_quote else OUTLET_ACTOR)
                    for st_name, share in self.actor_prior.get(speaker_id, {}).items():
                        votes[st_name] = votes.get(st_name, 0.0) + share
                    if votes:
                        stance = max(votes, key=votes.get)
                        stance_score = votes[stance] / sum(votes.values())
                    if echo_of:
                        stance = self.by_id[echo_of].get("stance", stance)
                has_theme = kw_max > 0 or theme_score >= 0.2
                if not (is_quote or (spk and spk.explicit) or echo_of or has_theme) or len(words) < 5:
                    continue
                if spk is not None and (spk.actor_id or spk.name):
                    actor_id, name = spk.actor_id, spk.name
                    attribution = "direct_quote" if is_quote else "paraphrase"
                elif is_quote:
                    actor_id, name, attribution = "", "", "direct_quote"
                else:
                    actor_id, name, attribution = OUTLET_ACTOR, "", "outlet_voice"
                k += 1
                rows.append({
                    "candidate_id": f"K{k:03d}", "article_id": aid, "sentence_start": s, "sentence_end": e,
                    "quote": text, "is_quote": "true" if is_quote else "false",
                    "actor_id": actor_id, "actor_name_in_text": name, "attribution": attribution,
                    "theme": theme, "theme_score": f"{theme_score:.3f}", "stance": stance,
                    "stance_score": f"{stance_score:.2f}", "echo_of": echo_of, "echo_score": f"{echo_score:.3f}",
                    "echo_quote": echo_quote, "claim_type": "", "summary": "", "strength": "", "said_on": "",
                    "occurrence": "", "unanswered": "", "notes": "", "accept": "",
                })
            out[aid] = rows
        return out


def candidates_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CANDIDATE_COLUMNS, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def _write_replace(path: Path, text: str) -> None:
    """Atomic replace (temporary file + rename) without fsync: candidates are regenerable."""
    _write_replace_bytes(path, text.encode("utf-8"))


def _write_replace_bytes(path: Path, data: bytes) -> None:
    from .io_utils import atomic_write_bytes

    atomic_write_bytes(path, data, fsync=False)


# ----------------------------------------------------------------------------- running over a corpus
_WORKER_MODEL: Model | None = None
_WORKER_OUT: Path | None = None


def _work(chunk: list[tuple[str, str, str]]) -> list[tuple[str, str, int]]:
    results = _WORKER_MODEL.analyze_many([(aid, body) for aid, body, _ in chunk])
    done = []
    for aid, _body, body_sha in chunk:
        rows = results[aid]
        _write_replace(_WORKER_OUT / f"{aid}.csv", candidates_csv(rows))
        done.append((aid, body_sha, len(rows)))
    return done


@dataclass
class SuggestResult:
    processed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    candidates: int = 0
    unknown: list[str] = field(default_factory=list)
    threshold: float | None = None


def load_cache(paths: DataPaths) -> dict:
    p = paths.derived / CACHE_FILE
    try:
        cache = json.loads(p.read_text(encoding="utf-8"))
        if cache.get("version") == VERSION:
            return cache
    except (OSError, ValueError):
        pass
    return {"version": VERSION, "files": {}, "done": {}}


MODEL_FILE = "suggest_model.pkl"


def load_model(paths: DataPaths, arts: list[ArticleFile], fingerprint: str) -> "Model":
    """The fitted model for the reference data of ``fingerprint``: from ``data/derived/suggest_model.pkl``
    when it was fitted on the same reference data (same fingerprint), else fitted and saved there."""
    import pickle

    path = paths.derived / MODEL_FILE
    try:
        with open(path, "rb") as fh:
            saved = pickle.load(fh)
        if isinstance(saved, dict) and saved.get("version") == VERSION and saved.get("fingerprint") == fingerprint:
            return saved["model"]
    except Exception:  # missing, stale, truncated or from another version: refit
        pass
    for a in arts:
        if a.curated and a.body is None:
            parts = _split_front_matter(a.path.read_bytes().decode("utf-8"))
            a.body = parts[1] if parts else ""
    model = Model(read_reference(paths, arts))
    try:
        paths.derived.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps({"version": VERSION, "fingerprint": fingerprint, "model": model},
                            protocol=pickle.HIGHEST_PROTOCOL)
        _write_replace_bytes(path, data)
    except (OSError, pickle.PicklingError):
        pass
    return model


def run_suggest(paths: DataPaths, article_ids=None, *, workers: int | None = None, progress: bool = False,
                force: bool = False, chunk_size: int = 250) -> SuggestResult:
    """Write candidates for ``article_ids`` (default: every article not yet curated)."""
    cache = load_cache(paths)
    wanted = set(article_ids) if article_ids else None
    # curated bodies are read only if the model has to be fitted again (load_model)
    arts = scan_articles(paths, cache, want_bodies=lambda a: wanted is not None and a.id in wanted)
    by_id = {a.id: a for a in arts}
    result = SuggestResult()
    if wanted is not None:
        result.unknown = sorted(wanted - set(by_id))
        targets = [by_id[i] for i in sorted(wanted & set(by_id))]
    else:
        targets = [a for a in arts if not a.curated]
    # Reference fingerprint without building the model (no scikit-learn import when nothing changed).
    h = hashlib.sha256(VERSION.encode())
    for p in (paths.claims, paths.themes, paths.actors):
        if p.is_file():
            h.update(p.read_bytes())
    for a in arts:
        if a.curated:
            h.update(f"{a.id}:{a.body_sha}".encode())
    fingerprint = h.hexdigest()
    out_dir = paths.candidates
    done = cache.get("done", {})
    todo = []
    for a in targets:
        d = done.get(a.id)
        if (not force and d and d.get("body_sha") == a.body_sha and d.get("model") == fingerprint
                and (out_dir / f"{a.id}.csv").is_file()):
            result.unchanged.append(a.id)
            result.candidates += d.get("n", 0)
        else:
            todo.append(a)
    cache["files"] = {a.path.name: {"sha": a.file_sha, "id": a.id, "body_sha": a.body_sha, "curated": a.curated,
                                    "size": a.size, "mtime_ns": a.mtime_ns}
                      for a in arts}
    if todo:
        model = load_model(paths, arts, fingerprint)
        result.threshold = model.threshold
        out_dir.mkdir(parents=True, exist_ok=True)
        for a in todo:
            if a.body is None:
                parts = _split_front_matter(a.path.read_bytes().decode("utf-8"))
                a.body = parts[1] if parts else ""
        chunks = [[(a.id, a.body, a.body_sha) for a in todo[i:i + chunk_size]]
                  for i in range(0, len(todo), chunk_size)]
        global _WORKER_MODEL, _WORKER_OUT
        _WORKER_MODEL, _WORKER_OUT = model, out_dir
        workers = workers or min(os.cpu_count() or 1, 4)
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(todo), desc="suggest", unit="article", leave=False)
        try:
            if workers > 1 and len(todo) > chunk_size:
                import multiprocessing as mp

                ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
                with ctx.Pool(workers) as pool:
                    iterator = pool.imap_unordered(_work, chunks)
                    for finished in iterator:
                        _record(finished, done, fingerprint, result, bar)
            else:
                for chunk in chunks:
                    _record(_work(chunk), done, fingerprint, result, bar)
        finally:
            if bar is not None:
                bar.close()
            _WORKER_MODEL = None
    cache["done"] = {k: v for k, v in done.items() if k in by_id}
    cache["model"] = fingerprint
    paths.derived.mkdir(parents=True, exist_ok=True)
    _write_replace(paths.derived / CACHE_FILE, json.dumps(cache, separators=(",", ":")))
    return result


def _record(finished, done, fingerprint, result, bar):
    for aid, body_sha, n in finished:
        done[aid] = {"body_sha": body_sha, "model": fingerprint, "n": n}
        result.processed.append(aid)
        result.candidates += n
    if bar is not None:
        bar.update(len(finished))


# ----------------------------------------------------------------------------- accept
class AcceptError(Exception):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


REQUIRED_FROM_ANALYST = [f.name for f in CLAIMS.fields if f.required and f.name not in ("claim_id", "article_id",
                                                                                          "canonical_id")]


def _claim_number(cid: str) -> int:
    m = re.fullmatch(r"C(\d+)", cid or "")
    return int(m.group(1)) if m else 0


def accept_candidates(paths: DataPaths, article_id: str, *, mark_curated: bool = False) -> list[dict]:
    """Append the candidates marked accept=y to claims.csv, validated first on a temporary copy.

    Returns the new claim rows. Raises AcceptError (nothing written) on any problem.
    """
    from .io_utils import atomic_write_text
    from .ledger import LedgerError, load_ledger

    cand_path = paths.candidates / f"{article_id}.csv"
    rel = paths.rel(cand_path)
    if not cand_path.is_file():
        raise AcceptError([f"{rel}: no candidates for '{article_id}' (run `shieldgap suggest {article_id}` first)"])
    cands = read_csv_rows(cand_path)
    chosen = [(i, r) for i, r in enumerate(cands) if str(r.get("accept", "")).strip().lower() in ACCEPT_VALUES]
    if not chosen and not mark_curated:
        raise AcceptError([f"{rel}: no row is marked accept=y; mark the candidates to promote with 'y' in the "
                           "accept column"])
    claims_bytes = paths.claims.read_bytes()
    claims_text = claims_bytes.decode("utf-8")
    existing = list(csv.DictReader(io.StringIO(claims_text)))
    header = next(csv.reader(io.StringIO(claims_text)))
    by_id = {c["claim_id"]: c for c in existing}
    article_file = paths.articles / f"{article_id}.md"
    if not article_file.is_file():
        raise AcceptError([f"{paths.rel(article_file)}: no such article"])
    parts = _split_front_matter(article_file.read_bytes().decode("utf-8"))
    body = parts[1] if parts else ""
    qindex = QuoteIndex(body)
    in_ledger = {(c["article_id"], normalize(c["quote"])): c["claim_id"] for c in existing}

    errors = []
    new_rows = []
    next_no = max([_claim_number(c) for c in by_id] + [0]) + 1
    for i, r in chosen:
        label = f"{rel}: row {i + 2} ({r.get('candidate_id') or '?'})"
        missing = [c for c in REQUIRED_FROM_ANALYST if not str(r.get(c, "")).strip()]
        if missing:
            errors.append(f"{label}: fill {', '.join(repr(m) for m in missing)} before accepting "
                          f"(required in claims.csv)")
            continue
        key = (article_id, normalize(r["quote"]))
        if key in in_ledger:
            errors.append(f"{label}: already in the ledger as {in_ledger[key]}")
            continue
        cid = f"C{next_no:03d}"
        next_no += 1
        echo = str(r.get("echo_of", "")).strip()
        if echo:
            if echo not in by_id:
                errors.append(f"{label}: echo_of '{echo}' is not a claim in claims.csv (clear it to make this a "
                              "new canonical claim)")
                continue
            canonical = by_id[echo].get("canonical_id") or echo
        else:
            canonical = cid
        occurrence = str(r.get("occurrence", "")).strip()
        if not occurrence:
            found = qindex.find_all(r["quote"])
            if len(found) > 1:
                start = int(r.get("sentence_start") or 0)
                near = min(range(len(found)), key=lambda k: abs(found[k][0] - start))
                occurrence = str(near + 1)
        row = {col: "" for col in header}
        for col in header:
            if col in r and str(r[col]).strip():
                row[col] = str(r[col]).strip() if col != "quote" else r[col]
        row.update(claim_id=cid, article_id=article_id, canonical_id=canonical, occurrence=occurrence)
        new_rows.append(row)
        in_ledger[key] = cid
    if errors:
        raise AcceptError(errors + ["nothing was written"])

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writerows(new_rows)
    new_claims = claims_text + ("" if claims_text.endswith("\n") or not claims_text else "\n") + buf.getvalue()
    new_article = None
    if mark_curated:
        meta_text = parts[0] if parts else ""
        if re.search(r"(?m)^curated:\s*false\s*$", meta_text):
            new_meta = re.sub(r"(?m)^curated:\s*false\s*$", "curated: true", meta_text, count=1)
        elif re.search(r"(?m)^curated:\s*true\s*$", meta_text):
            new_meta = meta_text
        else:
            new_meta = meta_text + "curated: true\n"
        new_article = f"---\n{new_meta}---\n{body}"

    # Validate the whole ledger with the change, on a temporary copy.
    with tempfile.TemporaryDirectory(prefix="shieldgap-accept-") as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(paths.data, copy, ignore=shutil.ignore_patterns("derived", "candidates"))
        (copy / paths.claims.relative_to(paths.data)).write_text(new_claims, encoding="utf-8")
        if new_article is not None:
            (copy / "articles" / f"{article_id}.md").write_text(new_article, encoding="utf-8")
        try:
            load_ledger(copy)
        except LedgerError as err:
            msgs = [str(issue).replace(str(copy), str(paths.data)) for issue in err.issues]
            raise AcceptError(msgs + [f"{len(msgs)} problem(s) with the accepted rows; nothing was written"]) from None
    if paths.claims.read_bytes() != claims_bytes:
        raise AcceptError([f"{paths.rel(paths.claims)} changed while accepting; run the command again"])
    atomic_write_text(paths.claims, new_claims)
    if new_article is not None:
        atomic_write_text(article_file, new_article)
    return new_rows
