"""Optional sentence embeddings for semantic similarity: WordLlama, whose weights ship inside its wheel.

``pip install wordllama`` (the ``embed`` extra) is all it takes: the model and tokenizer files are read
from the installed package with downloads disabled, so nothing is fetched at run time. Without the
package (or when ``SHIELDGAP_EMBED=0``) :func:`embedder` returns None and the suggester falls back to
the lexical similarity alone (measured in ``benchmarks/bench_suggest_quality.py``).

:func:`embed` computes WordLlama's embedding (the mean of the token vectors, L2-normalised) itself: the
texts are tokenized without padding and the token vectors summed through a sparse count matrix, which is
the same vector as ``WordLlama.embed`` (tests check it) several times faster on many sentences.
"""
from __future__ import annotations

import os
from functools import lru_cache

#: Name recorded with stored embeddings (a model fitted with another embedder is refitted).
EMBEDDER = "wordllama-l2_supercat-256"


@lru_cache(maxsize=1)
def _tokenizer():
    """A copy of the model's tokenizer without padding or truncation (the model's own pads every batch)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_str(_load().tokenizer.to_str())
    tok.no_padding()
    tok.no_truncation()
    return tok


@lru_cache(maxsize=1)
def _load():
    if os.environ.get("SHIELDGAP_EMBED", "1") == "0":
        return None
    try:
        import logging
        from pathlib import Path

        import wordllama
        from wordllama import WordLlama

        logging.getLogger("wordllama").setLevel(logging.ERROR)
        # the suggester runs in forked worker processes: no tokenizer threads (and their warning after a fork)
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    except Exception:  # noqa: BLE001 - not installed, or files missing: the lexical fallback
        return None


def embedder():
    """The loaded embedding model, or None (not installed, disabled, or its files missing)."""
    return _load()


def embed(texts: list[str]):
    """L2-normalised float32 embeddings (len(texts) x dim), or None without an embedder."""
    import numpy as np

    model = _load()
    if model is None:
        return None
    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    import scipy.sparse as sp

    table = model.embedding
    ids = [e.ids for e in _tokenizer().encode_batch(list(texts), add_special_tokens=False)]
    lens = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    flat = np.fromiter((t for row in ids for t in row), dtype=np.int32, count=int(lens.sum()))
    np.clip(flat, 0, table.shape[0] - 1, out=flat)
    counts = sp.csr_matrix((np.ones(len(flat), dtype=np.float32), flat, np.concatenate([[0], np.cumsum(lens)])),
                           shape=(len(ids), table.shape[0]))
    out = np.asarray(counts @ table, dtype=np.float32)  # the mean's direction: the sum of the token vectors
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1.0)
