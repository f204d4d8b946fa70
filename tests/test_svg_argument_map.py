"""The argument maps drawn from their SVG template (shieldgap.svg_argument_map), on the real ledger: every
statement of every chain is drawn with its id, relation and text; one arrow per answer and reply, in the
relation's colour and style; no line wider than its box; no boxes overlapping; deterministic output."""
import xml.etree.ElementTree as ET
from collections import defaultdict

import pytest

from shieldgap import svg_argument_map as sam
from shieldgap.figuredata import argument_chains
from shieldgap.labels import RELATION_COLORS, RELATION_STYLES, STANCE_COLORS, STANCE_FILLS
from shieldgap.report import Report

NS = "{http://www.w3.org/2000/svg}"
INNER = sam.BOX_W - 2 * sam.PAD


@pytest.fixture(scope="module")
def report():
    return Report({})


def _themes(report):
    return [theme for chart, theme in report.figures.numbers if chart == "argument_map"]


def _group(root, name):
    return next(g for g in root.iter(f"{NS}g") if g.get("class") == name)


def _boxes(root):
    """(rect, text) of each box, in document order."""
    items = list(_group(root, "boxes"))
    return list(zip(items[::2], items[1::2]))


def _lines(text):
    return [t.text for t in text.iter(f"{NS}tspan")]


def _shown(g, node):
    """The id a box shows for ``node`` (a claim's shown id may differ from its canonical one)."""
    return g[node].get("claim", node) if node in g else node


def test_the_report_shows_argument_maps(report):
    assert len(_themes(report)) >= 5


def test_document_parses_with_its_size(report):
    for theme in _themes(report):
        svg = sam.svg(report.a, theme)
        assert svg.startswith('<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" ')
        root = ET.fromstring(svg)
        assert root.get("width") == "720"
        assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
        bottom = max(float(r.get("y")) + float(r.get("height")) for r, _ in _boxes(root))
        assert bottom <= float(root.get("height"))
        assert [t.text for t in _group(root, "headers")] == list(sam.HEADERS)


def test_every_statement_is_drawn_with_its_relation_and_text(report):
    a = report.a
    for theme in _themes(report):
        chains, g = argument_chains(a, theme)
        expected = []
        for cid, ans, e1, rep, e2 in chains:
            expected.append(sam.label(cid, g))
            for node, edge, points_at in ((ans, e1, cid), (rep, e2, ans)):
                if node:
                    answered = "" if edge["target"] == points_at else f" {_shown(g, edge['target'])}"
                    expected.append(sam.label(node, g, edge["relation"] + answered))
                    assert expected[-1].startswith(f"[{edge['relation']}{answered}] {_shown(g, node)} ")
        root = ET.fromstring(sam.svg(a, theme))
        drawn = [" ".join(_lines(text)) for _, text in _boxes(root)]
        assert drawn == [" ".join(x.split()) for x in expected], theme
        everything = " ".join(root.itertext())
        for cid, ans, e1, rep, e2 in chains:
            for node in (cid, ans, rep):
                if node:
                    assert _shown(g, node) in everything
            for edge in (e1, e2):
                if edge:
                    assert _shown(g, edge["target"]) in everything


def test_box_colours_follow_stance_and_kind(report):
    a = report.a
    for theme in _themes(report):
        chains, g = argument_chains(a, theme)
        nodes = [n for chain in chains for n in (chain[0], chain[1], chain[3]) if n]
        root = ET.fromstring(sam.svg(a, theme))
        for node, (rect, _) in zip(nodes, _boxes(root), strict=True):
            d = g[node]
            assert rect.get("stroke") == STANCE_COLORS[d["stance"]]
            note = d["kind"] == "note"
            assert rect.get("fill") == (sam.NOTE_FILL if note else STANCE_FILLS[d["stance"]])
            assert (rect.get("stroke-dasharray") is not None) == note
            assert float(rect.get("rx")) > 0


def test_one_arrow_per_answer_and_reply_in_the_relations_style(report):
    a = report.a
    for theme in _themes(report):
        chains, _ = argument_chains(a, theme)
        relations = [e["relation"] for _, ans, e1, rep, e2 in chains for e in (e1 if ans else None, e2 if rep else None)
                     if e]
        root = ET.fromstring(sam.svg(a, theme))
        lines = list(_group(root, "arrows").iter(f"{NS}line"))
        heads = list(_group(root, "arrows").iter(f"{NS}polygon"))
        assert len(lines) == len(heads) == sum(1 for c in chains if c[1]) + sum(1 for c in chains if c[3])
        assert [x.get("stroke") for x in lines] == [RELATION_COLORS[r] for r in relations]
        assert [x.get("fill") for x in heads] == [RELATION_COLORS[r] for r in relations]
        assert [x.get("stroke-dasharray") for x in lines] == [sam.DASHES[RELATION_STYLES[r]] for r in relations]
        for r, line in zip(relations, lines):  # solid, dashed ("--") or dotted (":")
            assert (line.get("stroke-dasharray") is None) == (RELATION_STYLES[r] == "-")
        for line in lines:  # each arrow runs leftwards in a gap between two columns
            x1, x2 = float(line.get("x1")), float(line.get("x2"))
            assert x1 in sam.COLUMNS[1:] and x1 - sam.COLUMNS[sam.COLUMNS.index(x1) - 1] - sam.BOX_W > sam.HEAD
            assert x2 < x1


def test_no_line_wider_than_its_box_and_text_inside_it(report):
    a = report.a
    for theme in _themes(report):
        for rect, text in _boxes(ET.fromstring(sam.svg(a, theme))):
            size, step = float(text.get("font-size")), None
            assert size >= 9
            tspans = list(text.iter(f"{NS}tspan"))
            for t in tspans:
                assert sam.text_width(t.text, size) <= float(rect.get("width")) - 2 * sam.PAD, t.text
                assert float(t.get("x")) == float(rect.get("x")) + sam.PAD
                step = float(t.get("dy")) or step
            first = float(text.get("y"))
            last = first + (len(tspans) - 1) * (step or 0)
            assert first - size >= float(rect.get("y"))  # ascent within the box
            assert last + 0.3 * size <= float(rect.get("y")) + float(rect.get("height"))  # descent within it


def test_boxes_of_a_column_do_not_overlap(report):
    a = report.a
    for theme in _themes(report):
        columns = defaultdict(list)
        for rect, _ in _boxes(ET.fromstring(sam.svg(a, theme))):
            columns[float(rect.get("x"))].append((float(rect.get("y")), float(rect.get("height"))))
        assert set(columns) <= set(sam.COLUMNS)
        for spans in columns.values():
            spans.sort()
            assert spans[0][0] >= sam.TOP - 1  # below the headers
            for (y0, h0), (y1, _) in zip(spans, spans[1:]):
                assert y0 + h0 < y1


def test_columns_do_not_overlap():
    assert all(x0 + sam.BOX_W < x1 for x0, x1 in zip(sam.COLUMNS, sam.COLUMNS[1:]))
    assert sam.COLUMNS[0] >= 0 and sam.COLUMNS[-1] + sam.BOX_W <= sam.WIDTH


def test_deterministic(report):
    theme = _themes(report)[0]
    first = sam.svg(report.a, theme)
    assert sam.svg(report.a, theme) == first
    assert sam.svg(Report({}).a, theme) == first


def test_an_unanswered_explanation_says_so():
    a = Report({"include_analyst_notes": False}).a  # without the notes, some explanation stands unanswered
    found = 0
    for theme in a.themes.index:
        chains, _ = argument_chains(a, theme)
        missing = sum(1 for c in chains if not c[1])
        if chains:
            root = ET.fromstring(sam.svg(a, theme))
            texts = [t.text for t in _group(root, "unanswered")]
            assert texts == ["no answer among the selected sources"] * missing
            found += missing
    assert found


def test_theme_without_explanation_gives_a_short_drawing(report):
    theme = next(t for t in report.a.themes.index if not argument_chains(report.a, t)[0])
    svg = sam.svg(report.a, theme)
    root = ET.fromstring(svg)
    assert svg.startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert float(root.get("height")) < 60 and root.get("width") == "720"
    assert [t.text for t in root.iter(f"{NS}text")] == [sam.EMPTY]
    assert not list(root.iter(f"{NS}rect"))


def test_wrap_breaks_at_whole_words_within_the_width():
    text = "Zelenskyy says Ukraine must work on neighbouring, above all NATO, countries' combat aircraft."
    lines = sam.wrap(text)
    assert len(lines) > 1 and " ".join(lines) == text
    assert all(sam.text_width(line, sam.FONT) <= INNER for line in lines)
    assert all(sam.text_width(f"{line} {nxt.split()[0]}", sam.FONT) > INNER for line, nxt in zip(lines, lines[1:]))


def test_a_word_longer_than_a_line_shrinks_its_box_font():
    g = {"X1": {"kind": "claim", "stance": "context", "text": "see https://example.org/" + "a" * 40, "claim": "X1"}}
    box = sam._box(sam.COLUMNS[0], "X1", g, None)
    assert box["size"] < sam.FONT
    assert all(sam.text_width(line, box["size"]) <= INNER + 0.01 for line in box["lines"])


def test_first_sentence_of_real_notes(report):
    notes = report.a.notes["text"]
    # "22 U.S.C. 2321k" ends no sentence; the long first sentence shows its first clause and an ellipsis
    assert sam._first_sentence(notes["N01"]) == ("Israel has been a Major Non-NATO Ally of the United States since "
                                                 "the status was created in 1987 (designations now under 22 U.S.C. "
                                                 "2321k); \u2026")
    assert sam._first_sentence(notes["N08"]) == ("Russia is a nuclear-weapon state with the largest nuclear arsenal "
                                                 "(about 5,580 warheads in early 2024 by FAS estimates); Iran has no "
                                                 "nuclear weapons.")


def test_first_sentence_skips_abbreviations():
    assert sam._first_sentence("The U.S. Navy fired. Then it left.") == "The U.S. Navy fired."
    assert sam._first_sentence("Gen. Cavoli said  so.\nThen more.") == "Gen. Cavoli said so."
    assert sam._first_sentence("No full stop at all") == "No full stop at all"
