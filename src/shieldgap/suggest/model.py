"""The suggestion model: fitted on the curated reference, it turns an article into candidate rows.

Each sentence is matched to the ledger's claims by TF-IDF cosine over word and character n-grams
(so reworded reports of the same statement still match); the best match is reported as the echoed
canonical claim when it passes a threshold calibrated on the curated ledger itself. When the optional
embedder is installed (:mod:`.embed`, WordLlama) the echo and stance similarity is blended with the
embedding cosine (on by default; SHIELDGAP_EMBED_WEIGHT=0 turns it off); a claim of the sentence's own
speaker gets a bonus. The theme comes from the themes' keywords, similarity to each theme's claims and a
learned head, plus a little of the article's context (its other sentences' theme scores); the stance from
the nearest curated claims, the
speaker's usual stance and a logistic regression learned from the curated claims (which also suggests
the claim type). The tuning numbers are the named constants below; each was measured with
``benchmarks/bench_suggest_quality.py``.
"""
from __future__ import annotations

import os
import re

from ..fields import OUTLET_ACTOR
from ..textmatch import QuoteIndex, normalize
from .columns import ANALYST_COLUMNS
from .reference import Reference
from .sentences import split_sentences
from .speakers import WORD_RX, ActorMatcher, attribute
from .vectors import FastTfidf

#: Word n-grams (with English stop words removed) and character n-grams (within words) of the vectors.
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 5)
#: Weight of the word cosine in the combined similarity (the character cosine gets the rest).
WORD_WEIGHT = 0.5
#: Weight of the embedding cosine (when an embedder is installed) in the similarity; the lexical one gets the rest.
#: Used for echoes and stance neighbours only (themes stay lexical: the blend made them worse). 0.5 measured
#: best; SHIELDGAP_EMBED_WEIGHT=0 turns it off (the lexical fallback, as without the embedder).
EMBED_WEIGHT = float(os.environ.get("SHIELDGAP_EMBED_WEIGHT", "0.5") or 0)
#: Added to the similarity of a sentence to the claims of its own speaker (echo and stance neighbours), with
#: embeddings only: lexical alone, 0.1 raised echo recall (51 -> 55 %) but cost echo precision (58 -> 51 %).
SAME_SPEAKER_BONUS = 0.1
#: Echoes only (with embeddings): added per natural log of the number of articles a claim's canonical group
#: appears in (a statement already reported by several outlets is more likely to be reported again). Off: measured
#: with CALIBRATE_WITH_SPEAKERS, 0 -> echo recall 58.9 %, precision 65.6 %; 0.01 -> 59.0 %, 70.2 %; 0.02 -> 60.1 %,
#: 64.5 %; but each of these lowered stance accuracy (74.7 -> ~73.8 %) and echo recall against the default below.
GROUP_BONUS = 0.0
#: Whether the echo threshold is calibrated with SAME_SPEAKER_BONUS applied (speakers attributed in the curated
#: bodies) as analyze() applies it. Off: consistent calibration raises the threshold (fewer, more precise
#: echoes) and lowered stance accuracy and echo recall (see GROUP_BONUS).
CALIBRATE_WITH_SPEAKERS = False
#: Sentences whose best word cosine is below this get no character similarity (it would not pass).
PREFILTER = 0.08
#: Echo threshold used when the ledger has too few repeated claims to calibrate one.
DEFAULT_THRESHOLD = 0.45
#: Thresholds tried in calibration: start, stop (exclusive), step.
THRESHOLD_GRID = (0.25, 0.9, 0.01)
#: Curated sentences with an echo elsewhere needed before the threshold is calibrated.
MIN_CALIBRATION_POSITIVES = 3
#: Theme score = KEYWORD_WEIGHT * keyword share + SIMILARITY_WEIGHT * similarity to the theme's claims.
KEYWORD_WEIGHT = 0.35
SIMILARITY_WEIGHT = 0.65
#: A sentence without a keyword is still a candidate when its theme score reaches this.
MIN_THEME_SCORE = 0.2
#: Nearest curated claims voting on a sentence's stance, and the similarity a vote needs.
STANCE_NEIGHBOURS = 5
MIN_STANCE_SIMILARITY = 0.1
#: Stance of a sentence that no curated claim is near.
DEFAULT_STANCE = "context"
#: Curated claims a speaker needs before their usual stance counts in the vote.
MIN_SPEAKER_CLAIMS = 2
#: Fields learned from the curated claims (logistic regression on the word TF-IDF), the claims needed first,
#: and the inverse regularisation strength.
LEARNED_FIELDS = ("theme", "stance", "claim_type")

MIN_LEARNED_CLAIMS = 20
LEARNED_C = 10.0
#: Weight of the learned stance probability in the stance vote, and of the learned theme probability added
#: to the keyword + similarity score of each theme.
#: (stance weight measured with embeddings: 1.0 -> stance accuracy 75.0 %, 1.5 -> 75.7 %, 2.0 -> 74.8 %, 3.0 -> 75.2 %;
#: the differences are of one or two claims)
LEARNED_STANCE_WEIGHT = 1.5
LEARNED_THEME_WEIGHT = 1.5
#: Weight of the article's context in a sentence's theme: the mean theme scores of its other sentences
#: (measured on the leave-one-article-out benchmark: 0 -> theme accuracy 73.0 %, 0.25 -> 73.3 %).
DOC_THEME_WEIGHT = 0.25
#: Sentences shorter than this (in words) are never candidates.
MIN_SENTENCE_WORDS = 5


def _claim_text(c: dict) -> str:
    return c.get("quote", "")


class Model:
    """Vectorizers fitted on the reference, the reference matrices, themes and a calibrated threshold."""

    def __init__(self, ref: Reference):
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.ref = ref
        self._prepare(ref.claims, ref.themes, ref.actors)
        corpus = [_claim_text(c) for c in self.claims] + [c.get("summary", "") for c in self.claims]
        for body in ref.bodies.values():
            corpus += [body[s:e] for s, e in split_sentences(body)]
        corpus = [normalize(t) for t in corpus if t and t.strip()] or ["empty"]
        self.word = FastTfidf(TfidfVectorizer(analyzer="word", ngram_range=WORD_NGRAMS, sublinear_tf=True,
                                              stop_words="english", dtype=np.float32).fit(corpus))
        self.char = FastTfidf(TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True,
                                              dtype=np.float32).fit(corpus))
        if self.n:
            qt = [normalize(_claim_text(c)) for c in self.claims]
            st = [normalize(c.get("summary", "")) for c in self.claims]
            self.Wq, self.Ws = self.word.transform(qt).T.tocsr(), self.word.transform(st).T.tocsr()
            self.Cq = self.char.transform(qt).T.tocsr()
        self._embed_claims()
        self.threshold, self.calibration = self._calibrate()
        self.heads = self._fit_heads()

    def _features(self, texts: list[str]):
        import scipy.sparse as sp

        norm = [normalize(t) for t in texts]
        return sp.csr_matrix(self.word.transform(norm))

    def _fit_heads(self) -> dict:
        """Linear classifiers (theme, stance, claim type) learned from the curated claims' quotes and summaries;
        the themes' keywords and descriptions are one more example of each theme (a prior for rare themes)."""
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        heads = {}
        if self.n < MIN_LEARNED_CLAIMS:
            return heads
        texts = [_claim_text(c) for c in self.claims] + [c.get("summary", "") for c in self.claims]
        for field in LEARNED_FIELDS:
            X, y = list(texts), [c.get(field, "") for c in self.claims] * 2
            if field == "theme":
                for tid, t in self.themes.items():
                    kws = t.get("keywords") if isinstance(t.get("keywords"), list) else []
                    X.append(" ".join(map(str, kws)) + ". " + str(t.get("description") or ""))
                    y.append(tid)
            keep = [i for i, v in enumerate(y) if v and X[i].strip()]
            if len({y[i] for i in keep}) < 2:
                continue
            clf = LogisticRegression(C=LEARNED_C, max_iter=2000).fit(self._features([X[i] for i in keep]),
                                                                    [y[i] for i in keep])
            heads[field] = ([str(c) for c in clf.classes_], clf.coef_.astype(np.float32),
                            clf.intercept_.astype(np.float32))
        return heads

    def learned(self, field: str, X) -> tuple[list[str], object] | None:
        """(classes, probabilities per row) of a learned head on feature rows ``X`` (None without the head)."""
        import numpy as np

        if field not in self.heads:
            return None
        classes, coef, intercept = self.heads[field]
        z = np.asarray(X @ coef.T) + intercept
        if len(classes) == 2:  # binary: one row of coefficients
            z = np.hstack([-z, z])
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return classes, z / z.sum(axis=1, keepdims=True)

    def _embed_claims(self) -> None:
        """Embeddings of the claims' quotes and summaries (None without an embedder)."""
        from .embed import EMBEDDER, embed

        self.Eq = self.Es = None
        self.embedder = ""
        if self.n and EMBED_WEIGHT > 0:
            eq = embed([_claim_text(c) for c in self.claims])
            if eq is not None:
                self.Eq, self.Es = eq, embed([c.get("summary", "") or _claim_text(c) for c in self.claims])
                self.embedder = EMBEDDER

    def _prepare(self, claims: list[dict], themes: dict[str, dict], actors: dict[str, dict]) -> None:
        """Everything derived from the reference tables without fitting (also run on a stored model)."""
        self.claims = claims
        self.themes, self.actors = themes, actors
        self.matcher = ActorMatcher(actors)
        self.theme_ids = list(themes)
        # one pass over a sentence finds every theme keyword (a keyword may belong to several themes)
        self.keyword_themes: dict[str, list[str]] = {}
        for tid, t in themes.items():
            keywords = t.get("keywords") if isinstance(t.get("keywords"), list) else []
            for k in {str(k).lower() for k in keywords}:
                self.keyword_themes.setdefault(k, []).append(tid)
        kws = sorted(self.keyword_themes, key=len, reverse=True)
        self.keyword_rx = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(k) for k in kws) + r")(?![\w-])") \
            if kws else None
        self.n = len(claims)
        self.claim_article = [c.get("article_id", "") for c in claims]
        by_id = {c["claim_id"]: c for c in claims}
        self.canonical = []
        for c in claims:
            canon = c.get("canonical_id") or c["claim_id"]
            self.canonical.append(canon if canon in by_id else c["claim_id"])
        self.theme_of = [c.get("theme", "") for c in claims]
        self.actor_arr = __import__("numpy").array([c.get("actor_id", "") for c in claims] or [""])[:len(claims)]
        self.stance_of = [c.get("stance", "") for c in claims]
        self.by_id = by_id
        # the stance each speaker takes in the curated claims (used when they have enough of them)
        counts: dict[str, dict[str, int]] = {}
        for c in claims:
            d = counts.setdefault(c.get("actor_id", ""), {})
            d[c.get("stance", "")] = d.get(c.get("stance", ""), 0) + 1
        self.actor_prior = {a: {k: v / sum(d.values()) for k, v in d.items()} for a, d in counts.items()
                            if sum(d.values()) >= MIN_SPEAKER_CLAIMS}
        # the articles each claim's canonical group (the curated canonical_id) appears in
        group_articles: dict[str, set[str]] = {}
        self.group_key = [c.get("canonical_id") or c["claim_id"] for c in claims]
        for key, c in zip(self.group_key, claims):
            group_articles.setdefault(key, set()).add(c.get("article_id", ""))
        self.group_articles = group_articles

    def group_bonus(self, article_id: str = ""):
        """Added to a sentence's similarities to the claims when its echo is chosen (with embeddings only):
        claims reported in more articles get more (``article_id``'s own appearances not counted)."""
        import numpy as np

        if getattr(self, "Eq", None) is None or not self.n or not GROUP_BONUS:
            return np.zeros(self.n, dtype="float32")
        base = getattr(self, "_group_base", None)
        if base is None:
            sizes = np.array([len(self.group_articles[k]) for k in self.group_key], dtype="float32")
            base = self._group_base = GROUP_BONUS * np.log(np.maximum(sizes, 1.0))
        if article_id not in self.claim_article:
            return base
        sizes = np.array([len(self.group_articles[k] - {article_id}) for k in self.group_key], dtype="float32")
        return GROUP_BONUS * np.log(np.maximum(sizes, 1.0))

    def speaker_bonus(self, speaker_id: str):
        """Added to a sentence's similarities to the claims of its own speaker (with embeddings only)."""
        import numpy as np

        if getattr(self, "Eq", None) is None or not self.n or not speaker_id or not SAME_SPEAKER_BONUS:
            return np.zeros(self.n, dtype="float32")
        return SAME_SPEAKER_BONUS * (self.actor_arr == speaker_id)

    # -- similarities
    def similarity(self, sentences: list[str], prefilter: float = PREFILTER, semantic: bool = False):
        """(n_sentences x n_claims) combined similarity: weighted mean of word and character TF-IDF cosine;
        ``semantic``: blended with the embedding cosine when an embedder is on (echoes and stances)."""
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
        lexical = WORD_WEIGHT * word + (1 - WORD_WEIGHT) * char
        return self.semantic(lexical, sentences) if semantic else lexical

    def semantic(self, lexical, sentences: list[str]):
        """The lexical similarity blended with the embedding cosine (the lexical one alone without embedder)."""
        import numpy as np

        from .embed import embed

        E = embed(sentences) if getattr(self, "Eq", None) is not None and len(sentences) else None
        if E is None:
            return lexical
        return (1 - EMBED_WEIGHT) * lexical + EMBED_WEIGHT * np.maximum(E @ self.Eq.T, E @ self.Es.T)

    def _calibrate(self):
        """Echo threshold maximising F1 on the curated articles: each sentence carrying a curated claim
        should match another appearance of the same canonical claim, and nothing else."""
        import numpy as np

        if not self.n:
            return DEFAULT_THRESHOLD, {"positives": 0, "note": "no claims"}
        rows, aid_of = [], []
        for aid, body in self.ref.bodies.items():
            idx = QuoteIndex(body)
            located = {}
            for j, c in enumerate(self.claims):
                if c.get("article_id") == aid:
                    span = idx.locate(c["quote"], c.get("occurrence"))
                    if span is not None:
                        located[j] = span
            spans = split_sentences(body)
            attributed = attribute(body, spans, self.matcher) if self.Eq is not None and CALIBRATE_WITH_SPEAKERS \
                else [None] * len(spans)
            for (s, e), att in zip(spans, attributed):
                inside = [j for j, (qs, qe) in located.items() if qs < e and qe > s]
                spk = att[0] if att is not None else None
                rows.append((body[s:e], inside, spk.actor_id if spk is not None else ""))
                aid_of.append(aid)
        if not rows:
            return DEFAULT_THRESHOLD, {"positives": 0, "note": "no curated articles"}
        sims = self.similarity([r[0] for r in rows], semantic=True)
        canon = np.array(self.canonical)
        cases = []
        group = {aid: self.group_bonus(aid) for aid in set(aid_of)}
        for i, (_, inside, speaker_id) in enumerate(rows):
            # as in analyze(): the sentence's own article is never its reference, so only
            # appearances in other articles count as echoes
            mask = np.array([a == aid_of[i] for a in self.claim_article], dtype=bool)
            scores = np.where(mask, -1.0, sims[i] + self.speaker_bonus(speaker_id) + group[aid_of[i]])
            best = int(scores.argmax())
            wanted = {canon[j] for j in inside}
            available = wanted & set(canon[~mask])
            cases.append((float(scores[best]), canon[best] in available, bool(available)))
        positives = sum(1 for c in cases if c[2])
        if positives < MIN_CALIBRATION_POSITIVES:
            return DEFAULT_THRESHOLD, {"positives": positives, "note": "too few repeated claims; default threshold"}
        best_t, best_f = DEFAULT_THRESHOLD, -1.0
        for t in np.arange(*THRESHOLD_GRID):
            tp = sum(1 for s, ok, _ in cases if s >= t and ok)
            fp = sum(1 for s, ok, _ in cases if s >= t and not ok)
            fn = positives - tp
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            if f1 > best_f + 1e-9:
                best_t, best_f = float(t), f1
        return round(best_t, 2), {"positives": positives, "f1": round(best_f, 3), "sentences": len(cases)}

    # -- articles
    def analyze(self, article_id: str, body: str) -> list[dict]:
        """Candidate rows for one article (claims of the article itself are never its reference)."""
        return self.analyze_many([(article_id, body)])[article_id]

    def analyze_many(self, items: list[tuple[str, str]]) -> dict[str, list[dict]]:
        """Candidate rows for each (article id, body), the sentences of all of them compared at once."""
        import numpy as np

        per_article = []
        all_sentences = []
        for aid, body in items:
            spans = split_sentences(body)
            per_article.append((aid, body, spans, len(all_sentences)))
            all_sentences += [body[s:e] for s, e in spans]
        sims = self.similarity(all_sentences)
        esims = self.semantic(sims, all_sentences) if self.n else sims
        art_arr = np.array(self.claim_article) if self.n else np.array([])
        theme_idx = {t: np.array([j for j, th in enumerate(self.theme_of) if th == t], dtype=int)
                     for t in self.theme_ids}
        if self.n:  # an article's own curated claims are never its reference
            for aid, _body, spans, offset in per_article:
                own = art_arr == aid
                if own.any() and spans:
                    sims[offset:offset + len(spans), np.flatnonzero(own)] = -1.0
                    esims[offset:offset + len(spans), np.flatnonzero(own)] = -1.0
        theme_sim = {t: (sims[:, idx].max(axis=1) if len(idx) else np.zeros(len(all_sentences)))
                     for t, idx in theme_idx.items()} if self.n and len(all_sentences) else {}
        self._probs = {}
        if self.heads and all_sentences:
            X = self._features(all_sentences)
            self._probs = {f: self.learned(f, X) for f in self.heads}
        out = {}
        for aid, body, spans, offset in per_article:
            own = art_arr == aid if self.n else np.zeros(0, dtype=bool)
            out[aid] = self._rows(aid, body, spans, esims, offset, own, theme_sim)
        return out

    def _rows(self, aid, body, spans, sims, offset, own, theme_sim) -> list[dict]:
        import numpy as np

        canon = np.array(self.canonical) if self.n else np.array([])
        rows = []
        attributed = attribute(body, spans, self.matcher)
        group = self.group_bonus(aid) if self.n else None
        # the article's theme context: the sum of its sentences' theme scores (each sentence's own removed below)
        doc_scores, doc_total, doc_n = {}, dict.fromkeys(self.theme_ids, 0.0), 0
        if DOC_THEME_WEIGHT:
            for n, (s, e) in enumerate(spans):
                if not attributed[n][2]:
                    doc_scores[n] = self._theme_scores(body[s:e], theme_sim, offset + n)
                    for t, v in doc_scores[n][0].items():
                        doc_total[t] += v
                    doc_n += 1
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
                if spk is not None and spk.actor_id:
                    # the same speaker saying something similar is most likely the same claim
                    sim = sim + self.speaker_bonus(spk.actor_id)
            echo_of, echo_score, echo_quote = "", 0.0, ""
            if self.n:
                echo_sim = sim + group
                j = int(echo_sim.argmax())
                echo_score = float(echo_sim[j])
                if echo_score >= self.threshold:
                    echo_of = str(canon[j])
                    echo_quote = self.by_id.get(echo_of, {}).get("quote", "")
            context = {t: DOC_THEME_WEIGHT * (v - doc_scores[n][0][t]) / (doc_n - 1) for t, v in doc_total.items()} \
                if n in doc_scores and doc_n > 1 else None
            theme, theme_score, kw_max = self._theme(text, theme_sim, offset + n, context, doc_scores.get(n))
            if echo_of:
                theme = self.by_id[echo_of].get("theme", theme)
            stance, stance_score = self._stance(sim, spk, is_quote, self._prob("stance", offset + n))
            types = self._prob("claim_type", offset + n)
            claim_type = max(types, key=types.get) if types else ""
            if echo_of:
                stance = self.by_id[echo_of].get("stance", stance)
            has_theme = kw_max > 0 or theme_score >= MIN_THEME_SCORE
            if not (is_quote or (spk and spk.explicit) or echo_of or has_theme) or len(words) < MIN_SENTENCE_WORDS:
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
                "stance_score": f"{stance_score:.2f}", "claim_type": claim_type,
                "claim_type_score": f"{types[claim_type]:.2f}" if claim_type else "", "echo_of": echo_of,
                "echo_score": f"{echo_score:.3f}", "echo_quote": echo_quote, **dict.fromkeys(ANALYST_COLUMNS, ""),
            })
        return rows

    def _prob(self, field: str, i: int) -> dict[str, float]:
        got = getattr(self, "_probs", {}).get(field)
        return dict(zip(got[0], map(float, got[1][i]))) if got else {}

    def _theme(self, text: str, theme_sim: dict, i: int, context: dict | None = None,
               scored: tuple[dict[str, float], int] | None = None) -> tuple[str, float, int]:
        """(theme, score, most keyword hits of one theme): keywords plus similarity to each theme's claims plus
        the learned head, and ``context`` (DOC_THEME_WEIGHT times the mean scores of the article's other
        sentences) added when choosing; ``scored``: the sentence's :meth:`_theme_scores` if already computed."""
        scores, kw_max = scored if scored is not None else self._theme_scores(text, theme_sim, i)
        total = {t: v + context.get(t, 0.0) for t, v in scores.items()} if context else scores
        theme = max(total, key=total.get) if total else ""
        return theme, scores.get(theme, 0.0), kw_max

    def _theme_scores(self, text: str, theme_sim: dict, i: int) -> tuple[dict[str, float], int]:
        """(score of each theme, most keyword hits of one theme) for one sentence, without context."""
        low = text.lower()
        kw: dict[str, int] = {}
        if self.keyword_rx is not None:
            for m in self.keyword_rx.findall(low):
                for tid in self.keyword_themes[m]:
                    kw[tid] = kw.get(tid, 0) + 1
        kw_max = max(kw.values()) if kw else 0
        learned = self._prob("theme", i)
        scores = {}
        for tid in self.theme_ids:
            st = float(theme_sim[tid][i]) if tid in theme_sim else 0.0
            kn = kw.get(tid, 0) / kw_max if kw_max else 0.0
            scores[tid] = KEYWORD_WEIGHT * kn + SIMILARITY_WEIGHT * max(st, 0.0) + \
                LEARNED_THEME_WEIGHT * learned.get(tid, 0.0)
        return scores, kw_max

    def _stance(self, sim, spk, is_quote: bool, learned: dict | None = None) -> tuple[str, float]:
        """A vote of the nearest curated claims, plus the speaker's usual stance."""
        import numpy as np

        stance, stance_score = DEFAULT_STANCE, 0.0
        if not self.n:
            return stance, stance_score
        votes: dict[str, float] = {}
        for j in np.argsort(-sim)[:STANCE_NEIGHBOURS]:
            if sim[j] > MIN_STANCE_SIMILARITY:
                votes[self.stance_of[j]] = votes.get(self.stance_of[j], 0.0) + float(sim[j])
        total = sum(votes.values())
        votes = {k: v / total for k, v in votes.items()} if total else {}
        speaker_id = spk.actor_id if (spk is not None and spk.actor_id) else ("" if is_quote else OUTLET_ACTOR)
        for st_name, share in self.actor_prior.get(speaker_id, {}).items():
            votes[st_name] = votes.get(st_name, 0.0) + share
        for st_name, p in (learned or {}).items():
            votes[st_name] = votes.get(st_name, 0.0) + LEARNED_STANCE_WEIGHT * p
        if votes:
            stance = max(votes, key=votes.get)
            stance_score = votes[stance] / sum(votes.values())
        return stance, stance_score
