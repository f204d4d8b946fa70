"""``shieldgap suggest``: machine-suggested claims for articles not yet curated.

For each article the suggester

1. splits the body into sentences (:mod:`.sentences`: pysbd, line by line, with character offsets);
2. finds quotations and who said them (:mod:`.speakers`): attribution verbs in the quote-then-speaker
   and speaker-then-quote forms, speakers introducing quotes on the following lines, pronouns resolved
   to the last speaker; names resolved against the variants of ``data/actors.yml``;
3. vectorises sentences and the ledger's claims with TF-IDF over word and character n-grams
   (:mod:`.vectors`) - blended with sentence embeddings when the optional WordLlama embedder is
   installed (:mod:`.embed`) - and with the fitted :mod:`.model` tags each sentence with a theme, the
   claim it echoes (threshold calibrated on the curated ledger), a stance and a claim type (logistic
   regression learned from the curated claims);
4. writes ``data/candidates/<article_id>.csv`` (:mod:`.columns`, the one definition of its columns),
   running over the corpus with caches and a process pool (:mod:`.runner`). The fitted model is kept
   in ``data/derived/`` in a format that cannot execute code (:mod:`.store`); what it learns from is
   read by :mod:`.reference`.

The curated files are never touched; :mod:`shieldgap.accept` promotes reviewed candidates into the
ledger. Nothing is imported here until it is asked for; scikit-learn, numpy and pysbd load when first used.
"""
from __future__ import annotations

from importlib import import_module

#: What the package offers, by the module that defines it: each is imported when first asked for (PEP 562), so
#: that a module needing only the candidates' columns (the report's "New material") loads nothing else.
_EXPORTS = {
    "columns": ("ACCEPT_VALUES", "CANDIDATE_COLUMNS", "candidates_csv"),
    "model": ("Model",),
    "reference": ("VERSION", "ArticleFile", "Reference", "read_reference", "scan_articles", "valid_id"),
    "runner": ("CACHE_FILE", "SuggestResult", "load_model", "run_suggest"),
    "sentences": ("split_sentences",),
    "speakers": ("ActorMatcher", "Speaker", "attribute", "find_speaker"),
    "store": ("MODEL_FILE",),
    "vectors": ("FastTfidf",),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
