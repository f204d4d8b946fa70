"""The Israel–Ukraine comparison (data/comparison.csv): its rules beyond the field checks, and the plain
values of the report's comparison table.

Each row is a factor; each side's cell is a short statement with the ids of the ledger's claims or
analyst notes it rests on (the field checks in :mod:`shieldgap.schema` make sure every id exists). A
cell the sources say nothing about stays empty. The template ``templates/report/comparison.html.j2``
presents the values and links every cited id to its anchor in the report (``#C117``, ``#N01``).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: The two sides compared, as (column prefix, heading).
SIDES = (("israel", "Israel"), ("ukraine", "Ukraine"))


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v)) or (isinstance(v, str) and not v.strip())


def rules(df: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(message, row, column) for every cell with a statement and no source, or sources and no statement."""
    out = []
    if df is None or df.empty:
        return out
    for i, r in enumerate(df.to_dict("records")):
        row = f"row {i + 1} ({r.get('factor_id', '?')})"
        for side, _ in SIDES:
            text, cited = r.get(side), r.get(f"{side}_sources")
            if not _blank(text) and (not isinstance(cited, list) or not cited):
                out.append(("a statement must cite at least one claim or analyst note", row, f"{side}_sources"))
            if _blank(text) and isinstance(cited, list) and cited:
                out.append(("sources are cited for an empty cell: write the statement or remove them", row,
                            f"{side}_sources"))
    return out


@dataclass(frozen=True)
class Cell:
    """One side of one factor: the statement (empty when the sources say nothing), the ids it cites, and those of
    them the report does not show under its parameters (``excluded``)."""

    text: str
    sources: tuple[str, ...]
    excluded: tuple[str, ...] = ()

    @property
    def shown(self) -> tuple[str, ...]:
        return tuple(x for x in self.sources if x not in self.excluded)


def table(ledger, shown: set[str] | None = None) -> dict:
    """The comparison as {"sides": [...], "rows": [{"factor", "cells"}]} in the table's order. ``shown``: the
    claim and note ids the report shows; a cited id outside it is marked excluded (None: all are shown)."""
    rows = []
    for _, r in ledger.comparison.iterrows():
        cells = []
        for side, _ in SIDES:
            cited = tuple(r[f"{side}_sources"]) if isinstance(r[f"{side}_sources"], list) else ()
            cells.append(Cell("" if _blank(r[side]) else str(r[side]), cited,
                              () if shown is None else tuple(x for x in cited if x not in shown)))
        rows.append({"id": r["factor_id"], "factor": str(r["factor"]), "cells": cells})
    return {"sides": [heading for _, heading in SIDES], "rows": rows,
            "any_excluded": any(c.excluded for row in rows for c in row["cells"])}
