"""The TF-IDF transform of the suggester, without scikit-learn once fitted.

:class:`FastTfidf` is the ``transform`` of a fitted scikit-learn ``TfidfVectorizer`` (word 1-2 grams
with stop words, or ``char_wb`` n-grams; lower-cased, sublinear tf, smooth idf, l2 norm)
reimplemented with a per-word cache of n-gram indices: the same vectors (tests check it), several
times faster. Its state is plain data (vocabulary, stop words, n-gram range as JSON; idf as an
array), so a fitted model is stored without pickle (see :mod:`.store`).
"""
from __future__ import annotations

import re

#: Words whose n-gram indices are cached before the cache is emptied (bounds memory on huge corpora).
WORD_CACHE_LIMIT = 500_000

_TOKEN_RX = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


class FastTfidf:
    """``transform`` of a fitted ``TfidfVectorizer`` (see the module docstring)."""

    def __init__(self, vectorizer):
        import numpy as np

        stop = vectorizer.get_stop_words()
        self._setup(vectorizer.analyzer, tuple(vectorizer.ngram_range),
                    {str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
                    np.asarray(vectorizer.idf_, dtype=np.float64), frozenset(stop) if stop else frozenset())

    def _setup(self, analyzer: str, ngram_range: tuple[int, int], vocab: dict[str, int], idf, stop: frozenset):
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.vocab = vocab
        self.idf = idf
        self.stop = stop
        self._cache: dict = {}

    # -- persistence as plain data
    def state(self) -> dict:
        """JSON-serialisable parameters and vocabulary (terms in index order); the idf is :attr:`idf`."""
        terms = [""] * len(self.vocab)
        for term, i in self.vocab.items():
            terms[i] = term
        return {"analyzer": self.analyzer, "ngram_range": list(self.ngram_range), "stop_words": sorted(self.stop),
                "terms": terms}

    @classmethod
    def from_state(cls, state: dict, idf) -> FastTfidf:
        """The transform described by :meth:`state` and ``idf``; ValueError when they do not fit together."""
        import numpy as np

        analyzer, ngram, terms, stop = (state.get("analyzer"), state.get("ngram_range"), state.get("terms"),
                                        state.get("stop_words"))
        if analyzer not in ("word", "char_wb"):
            raise ValueError("unknown analyzer")
        if not (isinstance(ngram, list) and len(ngram) == 2 and all(type(n) is int and 0 < n < 20 for n in ngram)
                and ngram[0] <= ngram[1]):
            raise ValueError("bad n-gram range")
        if not (isinstance(terms, list) and isinstance(stop, list)):
            raise ValueError("bad vocabulary")
        # a term that is not a string is never looked up; one that cannot be a key raises TypeError
        vocab = dict(zip(terms, range(len(terms))))
        idf = np.asarray(idf)
        if len(vocab) != len(terms) or idf.shape != (len(terms),) or idf.dtype != np.float64 \
                or not np.isfinite(idf).all():
            raise ValueError("vocabulary and idf do not match")
        self = cls.__new__(cls)
        self._setup(analyzer, (ngram[0], ngram[1]), vocab, idf, frozenset(stop))
        return self

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
            if len(self._cache) > WORD_CACHE_LIMIT:
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
