"""The columns of a candidate file, ``data/candidates/<article_id>.csv``: the one definition.

The suggester fills :data:`MACHINE_COLUMNS`; the analyst reviewing the file fills
:data:`ANALYST_COLUMNS` (``accept`` = y marks a row for ``shieldgap accept``). The report's
"New material" section and ``accept`` read the same columns.
"""
from __future__ import annotations

from ..fields import CLAIMS
from ..files import csv_text

#: Written by ``shieldgap suggest``.
MACHINE_COLUMNS = [
    "candidate_id", "article_id", "sentence_start", "sentence_end", "quote", "is_quote",
    "actor_id", "actor_name_in_text", "attribution", "theme", "theme_score", "stance", "stance_score",
    "claim_type", "claim_type_score",
    "echo_of", "echo_score", "echo_quote",
]
#: Claim fields that ``shieldgap accept`` sets itself.
DERIVED_BY_ACCEPT = ["claim_id", "article_id", "canonical_id"]
#: Left empty by the suggester, filled by the analyst before ``shieldgap accept``: the other fields of
#: ``claims.csv`` (in its order, from :data:`shieldgap.fields.CLAIMS`), then ``accept``.
ANALYST_COLUMNS = [c for c in CLAIMS.columns if c not in MACHINE_COLUMNS and c not in DERIVED_BY_ACCEPT] + ["accept"]
CANDIDATE_COLUMNS = MACHINE_COLUMNS + ANALYST_COLUMNS

#: Values of the ``accept`` column that mark a row for promotion (case-insensitive).
ACCEPT_VALUES = {"y", "yes", "x", "true", "1"}


def candidates_csv(rows: list[dict]) -> str:
    """The CSV text of a candidate file (columns in :data:`CANDIDATE_COLUMNS` order)."""
    return csv_text(CANDIDATE_COLUMNS, rows)
