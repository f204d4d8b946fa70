"""data/comparison.csv: loaded, validated (cited ids exist, a statement cites something) and shown."""
from __future__ import annotations

import pandas as pd
import pytest

from shieldgap.ledger import LedgerError, load_ledger


def test_comparison_is_loaded_with_cited_ids(ledger):
    comp = ledger.comparison
    assert list(comp["order"]) == sorted(comp["order"])
    known = set(ledger.claims.index) | set(ledger.analyst_notes.index)
    for side in ("israel", "ukraine"):
        for text, cited in zip(comp[side], comp[f"{side}_sources"]):
            if text:
                assert cited and set(cited) <= known


def _edit(data_copy, **cells):
    path = data_copy / "comparison.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col, value in cells.items():
        df.loc[0, col] = value
    df.to_csv(path, index=False)


@pytest.mark.parametrize("cells, message", [
    ({"israel_sources": "C436 C999"}, "lists an id not defined"),
    ({"israel_sources": ""}, "must cite at least one"),
    ({"israel": ""}, "sources are cited for an empty cell"),
])
def test_bad_comparison_is_reported(data_copy, cells, message):
    _edit(data_copy, **cells)
    with pytest.raises(LedgerError) as err:
        load_ledger(data_copy)
    assert any(message in str(i) and "comparison.csv" in str(i) for i in err.value.issues), err.value.lines()


def test_empty_cell_stays_empty(data_copy):
    _edit(data_copy, israel="", israel_sources="")
    led = load_ledger(data_copy)
    from shieldgap.comparison import table

    first = table(led)["rows"][0]["cells"][0]
    assert first.text == "" and first.sources == ()
