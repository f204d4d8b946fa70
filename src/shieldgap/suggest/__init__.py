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
ledger. Only light modules are imported here: scikit-learn, numpy and pysbd load when first used.
"""
from __future__ import annotations

from .columns import ACCEPT_VALUES, CANDIDATE_COLUMNS, candidates_csv
from .model import Model
from .reference import VERSION, ArticleFile, Reference, read_reference, scan_articles, valid_id
from .runner import CACHE_FILE, SuggestResult, load_model, run_suggest
from .sentences import split_sentences
from .speakers import ActorMatcher, Speaker, attribute, find_speaker
from .store import MODEL_FILE
from .vectors import FastTfidf

__all__ = [
    "ACCEPT_VALUES", "CANDIDATE_COLUMNS", "CACHE_FILE", "MODEL_FILE", "VERSION", "ActorMatcher", "ArticleFile",
    "FastTfidf", "Model", "Reference", "Speaker", "SuggestResult", "attribute", "candidates_csv", "find_speaker",
    "load_model", "read_reference", "run_suggest", "scan_articles", "split_sentences", "valid_id",
]
