"""Optional sentence embeddings for semantic similarity: WordLlama, whose weights ship inside its wheel.

``pip install wordllama`` (the ``embed`` extra) is all it takes: the model and tokenizer files are read
from the installed package with downloads disabled, so nothing is fetched at run time. Without the
package (or when ``SHIELDGAP_EMBED=0``) :func:`embedder` returns None and the suggester falls back to
the lexical similarity alone (measured in ``benchmarks/bench_suggest_quality.py``).
"""
from __future__ import annotations

import os
from functools import lru_cache

#: Name recorded with stored embeddings (a model fitted with another embedder is refitted).
EMBEDDER = "wordllama-l2_supercat-256"


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
    return np.asarray(model.embed(list(texts), norm=True), dtype=np.float32)
