"""The events timeline drawn from its SVG template (shieldgap.svg_timeline): every event and speaker drawn,
one marker per statement (hollow exactly where only the article's date is known), no two texts overlapping
by the layout's own estimate of their extent (the April 2024 cluster of event labels in particular), every
marker inside its segment of the broken axis, the page's height respected, the output deterministic."""
from __future__ import annotations

import itertools
import textwrap
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from shieldgap import svg_timeline
from shieldgap.figuredata import timeline_points
from shieldgap.labels import STANCE_COLORS
from shieldgap.report import Report
from shieldgap.svg_charts import text_width

NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def analysis():
    return Report({}).a


@pytest.fixture(scope="module")
def points(analysis):
    return timeline_points(analysis)


@pytest.fixture(scope="module")
def doc(analysis):
    return svg_timeline.svg(analysis)


def _texts(root) -> list[dict]:
    """Every text of the drawing with its estimated box (x0, y0, x1, y1): font size and anchor inherited from
    its group, width by svg_charts.text_width, height from the font's ascent and descent."""
    out = []

    def walk(node, size, anchor):
        size = float(node.get("font-size", size))
        anchor = node.get("text-anchor", anchor)
        if node.tag == NS + "text":
            x, y, w = float(node.get("x")), float(node.get("y")), text_width(node.text, size)
            x0 = x - {"start": 0, "middle": w / 2, "end": w}[anchor]
            out.append({"text": node.text, "box": (x0, y - 0.8 * size, x0 + w, y + 0.2 * size)})
        for child in node:
            walk(child, size, anchor)

    walk(root, 16, "start")
    return out


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _group(root, cls):
    return next(g for g in root.iter(NS + "g") if g.get("class") == cls)


def _frames(events: list[tuple], statements: list[tuple]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tables shaped like timeline_points' output."""
    ev = pd.DataFrame(events, columns=["date", "event_id", "kind", "title"]).astype({"event_id": str, "kind": str,
                                                                                     "title": str})
    st = pd.DataFrame(statements, columns=["speaker", "date", "stance", "dated", "ids"]).astype(
        {"speaker": str, "stance": str, "dated": bool, "ids": str})
    return ev.assign(date=pd.to_datetime(ev["date"])), st.assign(date=pd.to_datetime(st["date"]))


def test_a_complete_svg_document_fitting_the_page(doc):
    assert doc.startswith('<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width=')
    root = ET.fromstring(doc)
    width, height = float(root.get("width")), float(root.get("height"))
    assert width == 720 and root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert height <= 1.35 * width  # 180 mm wide: fits an A4 page
    assert "matplotlib" not in doc


def test_every_event_and_speaker_is_drawn_as_text(doc, points):
    ev, st = points
    root = ET.fromstring(doc)
    labels = [t.text for t in _group(root, "event-labels").iter(NS + "text")]
    assert sorted(i for label in labels for i in label.split("/")) == sorted(ev["event_id"])
    key = [t.text for t in _group(root, "key").iter(NS + "text")]
    for e in ev.itertuples():
        assert e.event_id in key and f"{e.date:%d %b %Y}" in key
    names = [t.text for t in _group(root, "names").iter(NS + "text")]
    first = st.groupby("speaker")["date"].min()
    assert names[0] == "Events" and len(names) == 1 + st["speaker"].nunique()
    assert names[1:] == [textwrap.shorten(w, 34, placeholder="…") for w in first.sort_values(kind="stable").index]
    assert all(len(n) <= 34 for n in names)


def test_one_marker_per_statement_hollow_exactly_where_only_the_article_date_is_known(doc, points):
    ev, st = points
    root = ET.fromstring(doc)
    marks = [m for m in root.iter() if m.get("class") == "statement"]
    assert len(marks) == len(st)
    for m, s in zip(marks, st.itertuples()):  # drawn in the table's order
        assert m.get("stroke") == STANCE_COLORS[s.stance]
        assert (m.get("fill") == "white") == (not s.dated), s
    assert len([m for m in root.iter() if m.get("class") == "event"]) == len(ev)


def test_no_two_texts_overlap_and_none_leaves_the_drawing(doc):
    root = ET.fromstring(doc)
    texts = _texts(root)
    assert len(texts) > 100
    for a, b in itertools.combinations(texts, 2):
        assert not _overlap(a["box"], b["box"]), (a, b)
    width, height = float(root.get("width")), float(root.get("height"))
    for t in texts:
        x0, y0, x1, y1 = t["box"]
        assert 0 <= x0 and x1 <= width and 0 <= y0 and y1 <= height, t


def test_the_april_2024_event_labels_do_not_collide(points):
    ev, st = points
    t = svg_timeline.layout(ev, st)
    april = set(ev[(ev["date"] >= "2024-04-13") & (ev["date"] <= "2024-04-17")]["event_id"])
    cluster = [label for label in t["labels"] if set(label["text"].split("/")) & april]
    assert {i for label in cluster for i in label["text"].split("/")} == april and len(cluster) >= 4
    boxes = [(label["x"] - label["w"] / 2, label["y"] - 8, label["x"] + label["w"] / 2, label["y"] + 2)
             for label in t["labels"]]
    for a, b in itertools.combinations(boxes, 2):
        assert not _overlap(a, b)
    assert len({label["level"] for label in cluster}) == len(cluster)  # a few days apart: stacked


def test_every_marker_lies_in_its_segment(points):
    ev, st = points
    t = svg_timeline.layout(ev, st)
    assert len(t["axis"]) >= 2  # the real ledger's time axis is broken: where nothing happened for 45 days
    days = sorted(set(ev["date"]) | set(st["date"]))
    for a, b in zip(days, days[1:]):
        assert ((b - a).days > svg_timeline.TIMELINE_GAP) == any(s["start"] == b for s in t["axis"])
    for (date, mark) in [*zip(st["date"], t["marks"]), *zip(ev["date"], t["events"])]:
        seg = [s for s in t["axis"] if s["start"] <= date <= s["stop"]]
        assert len(seg) == 1 and seg[0]["x0"] <= mark["x"] <= seg[0]["x1"], (date, mark)
    assert t["top"] < min(m["y"] for m in t["marks"]) and max(m["y"] for m in t["marks"]) < t["bottom"]


def test_the_same_analysis_draws_the_same_bytes(analysis, doc):
    assert svg_timeline.svg(analysis) == doc
    assert svg_timeline.svg(Report({}).a) == doc


def test_a_single_event_and_a_single_statement():
    ev, st = _frames([("2024-04-13", "E01", "attack", "An attack & <its> aftermath")],
                     [("Some One", "2024-04-20", "challenges_gap", False, "C1")])
    t = svg_timeline.layout(ev, st)
    assert len(t["axis"]) == 1 and len(t["events"]) == 1 and len(t["marks"]) == 1
    assert [k["day"] for k in t["ticks"]] == ["13 Apr"]  # a week: its start only
    seg = t["axis"][0]
    assert seg["x0"] < t["events"][0]["x"] < t["marks"][0]["x"] < seg["x1"]
    assert t["marks"][0]["fill"] == "white" and t["row"] == 18  # room to spare: the largest rows
    root = ET.fromstring(svg_timeline.render(t))
    texts = [x["text"] for x in _texts(root)]
    assert "Some One" in texts and "E01" in texts and "An attack & <its> aftermath" in texts


def test_an_empty_selection_draws_a_message():
    ev, st = _frames([], [])
    root = ET.fromstring(svg_timeline.render(svg_timeline.layout(ev, st)))
    texts = [x["text"] for x in _texts(root)]
    assert "No events or statements in the selection." in texts
    assert not [m for m in root.iter() if m.get("class") in ("statement", "event")]
    assert float(root.get("height")) < 200
