"""Every figure carries a text alternative stating its finding and a data table (figuredata), and the
events timeline draws every event and every speaker's statements, hollow where only the article's date
is known."""
from __future__ import annotations

import pytest

from shieldgap.report import Report
from shieldgap.templating import present


@pytest.fixture(scope="module")
def report():
    return Report({})


@pytest.mark.slow
def test_every_figure_has_a_finding_and_a_table(report):
    for chart, theme in report.figures.numbers:
        fig = report.figures.get(chart, theme)
        assert fig.data is not None and fig.data.alt and fig.data.rows, (chart, theme)
        assert all(len(row) == len(fig.data.headers) for row in fig.data.rows), (chart, theme)
        html = str(present("figure", fig=fig))
        assert f'alt="{fig.data.alt}"'.replace("'", "&#39;") in html.replace("'", "&#39;")
        assert "<details" in html and '<th scope="col">' in html and '<th scope="row">' in html


def test_timeline_shows_every_event_and_marks_reported_dates(report):
    from shieldgap.figuredata import timeline_points

    ev, st = timeline_points(report.a)
    events = report.ledger.events
    assert list(ev["event_id"]) == list(events.sort_values(["date", "event_id"])["event_id"])
    assert st["dated"].any() and (~st["dated"]).any()
    spoken = report.a.claims[report.a.claims["actor_id"] != "@outlet"]
    assert sum(len(ids.split()) for ids in st["ids"]) == len(spoken)
