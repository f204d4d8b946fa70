"""The curation workbench: from an article's candidate sentences to validated ledger rows.

- :mod:`.writes`: the one validated, atomic write path (a temporary copy of the whole ledger is
  validated with the change first) and undo of the last write (the previous bytes are kept);
- :mod:`.queue`: the review queue of one article (each candidate in its context, with suggestions
  and confidences) and the curator's decisions;
- :mod:`.relations`: counterargument suggestions for the accepted explains_gap / challenges_gap claims,
  and writing the confirmed relations or ``unanswered`` marks;
- :mod:`.actors`: a new actor (name, role, affiliation) added to ``actors.yml``;
- :mod:`.workbench`: the ipywidgets interface of ``notebooks/curate.ipynb``.

Only light modules load here: ipywidgets and scikit-learn load when the workbench is built.
"""
from __future__ import annotations

from .writes import Snapshot, WriteError, undo, validated_write

__all__ = ["Snapshot", "WriteError", "undo", "validated_write"]
