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


def test_a_cited_source_the_parameters_exclude_is_marked_and_never_linked(ledger):
    """Leaving out state-controlled media leaves their claims out of the report: the comparison no longer links
    to them, marks them, and does not print a statement all of whose sources are gone."""
    import re

    from shieldgap.report import Report

    state = set(ledger.claims.index[ledger.claims["article_id"].map(ledger.articles["outlet_type"])
                                    == "state_controlled_media"])
    cited = {x for col in ("israel_sources", "ukraine_sources") for ids in ledger.comparison[col]
             if isinstance(ids, list) for x in ids}
    assert state & cited, "the test needs a comparison cell citing state media"
    full = Report({}, ledger=ledger).comparison().html
    without = Report({"exclude_outlet_types": ["state_controlled_media"]}, ledger=ledger).comparison().html
    linked = set(re.findall(r'href="#([CN]\d+)"', without))
    assert linked and not linked & state
    assert {x for x in state & cited if f'href="#{x}"' in full} == state & cited
    for x in state & cited:
        assert f"{x}*" in without or re.search(rf"Not shown: the sources of this statement \([^)]*\b{x}\b", without)
    assert "rests on a source these parameters exclude" in without and "rests on a source" not in full


def test_a_statement_whose_sources_are_all_excluded_is_not_printed(ledger):
    from shieldgap.comparison import table

    t = table(ledger, shown=set())
    cells = [c for row in t["rows"] for c in row["cells"] if c.text]
    assert cells and all(c.shown == () and c.excluded == c.sources for c in cells) and t["any_excluded"]
    assert table(ledger)["any_excluded"] is False
