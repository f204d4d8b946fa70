"""The argument map of one theme — each explanation of the gap, its strongest answer and the strongest reply to
that — drawn as SVG from ``templates/charts/argument_map.svg.j2``, without matplotlib.

Python lays the drawing out (boxes, their wrapped text, arrows) into plain dicts; the template holds the markup.
Text is wrapped at whole words with a per-character width estimate of DejaVu Sans
(:func:`shieldgap.svg_charts.text_width`) that rounds every character up, so no line overflows its box.
"""
from __future__ import annotations

import re

from .figuredata import argument_chains
from .labels import RELATION_COLORS, RELATION_STYLES, STANCE_COLORS, STANCE_FILLS
from .svg_charts import environment, text_width

WIDTH = 720  # pixels, the drawing's width
HEADERS = ("Explanation", "Strongest answer", "Strongest reply to the answer")
COLUMNS = (8, 256, 504)  # the left edge of each column's boxes
BOX_W, PAD = 208, 7  # a box's width and its inner padding
FONT, LINE = 11.0, 1.3  # a box's font size (px) and line height (times the font size)
TOP, GAP, BOTTOM = 30, 12, 6  # above the first row (the headers), between rows, below the last
HEAD = 8  # an arrowhead's length (its width is as much)
NOTE_FILL = "#fff6d5"
DASHES = {"-": None, "--": "5.5 2.5", ":": "1.5 2.5"}  # SVG stroke-dasharray of a matplotlib line style
EMPTY = "No explanation of the gap among the selected claims of this theme."



#: A word ending in a full stop that does not end a sentence: initials and dotted abbreviations ("U.S.", "U.S.C."),
#: titles and short forms ("Gen.", "No.", "approx.").
_ABBREVIATION_RX = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Z]\.|(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sen|Rep|Gov|St|No|Nos|vs|"
                              r"approx|e\.g|i\.e|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.")
_SENTENCE_END_RX = re.compile(r"[.!?][\"\u201d\u2019)]*\s+(?=[A-Z0-9\"\u201c(])")


NOTE_CHARS = 200  # an analyst note's first sentence longer than this shows its first clause


def _first_sentence(text: str) -> str:
    """An analyst note's first sentence (the box shows whole sentences, never a cut one; the note is in full
    in Appendix D). A full stop after an initial or abbreviation ("U.S.", "10 U.S.C.", "Gen.") ends none; a
    sentence longer than ``NOTE_CHARS`` shows its first clause (up to a semicolon or colon) and an ellipsis."""
    flat = " ".join(str(text).split())
    first = flat
    for m in _SENTENCE_END_RX.finditer(flat):
        word = flat[:m.start() + 1].rsplit(" ", 1)[-1]
        if not _ABBREVIATION_RX.fullmatch(word.lstrip("(\"\u201c")):
            first = flat[:m.end()].rstrip()
            break
    clause = re.match(r"(.+?[;:]) ", first)
    if len(first) > NOTE_CHARS and clause:  # a long sentence: its first clause, marked as cut there
        first = clause.group(1) + " \u2026"
    return first


def wrap(text: str, width: float = BOX_W - 2 * PAD, size: float = FONT) -> list[str]:
    """``text`` in lines at most ``width`` pixels wide, broken at whole words (a longer word has a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def label(node: str, g: dict, relation: str | None = None) -> str:
    """A box's text: the relation it answers with (and the statement it answers, when that is not the box it
    points at), the shown id, and a claim's summary or an analyst note's first sentence."""
    d = g[node]
    head = f"[{relation}] " if relation else ""
    note = d["kind"] == "note"
    return head + f"{d.get('claim', node)} " + ("ANALYST NOTE: " + _first_sentence(d["text"]) if note else d["text"])


def _box(x: float, node: str, g: dict, relation: str | None) -> dict:
    """A box of the column at ``x``: its wrapped lines and font size (smaller where a word is longer than a
    line), colours and height; ``y`` (its top) is set by the row."""
    d = g[node]
    lines = wrap(label(node, g, relation))
    size = round(FONT * min(1.0, (BOX_W - 2 * PAD) / max(text_width(line, FONT) for line in lines)), 2)
    note = d["kind"] == "note"
    return {"x": x, "w": BOX_W, "h": round(len(lines) * LINE * size + 2 * PAD, 2), "lines": lines, "size": size,
            "fill": NOTE_FILL if note else STANCE_FILLS[d["stance"]], "stroke": STANCE_COLORS[d["stance"]],
            "dash": "4 2.5" if note else None}


def _arrow(x_from: float, x_to: float, y: float, relation: str) -> dict:
    """An arrow from ``x_from`` leftwards to ``x_to`` at height ``y``, in the relation's colour and line style."""
    tip = x_to + 1
    return {"x1": x_from, "x2": tip + HEAD, "y": y, "color": RELATION_COLORS[relation],
            "dash": DASHES[RELATION_STYLES[relation]],
            "head": f"{tip},{y} {tip + HEAD},{y - HEAD / 2} {tip + HEAD},{y + HEAD / 2}"}


def _place(box: dict, middle: float) -> dict:
    """The box centred on the row's ``middle``, with its text's first baseline and line step."""
    top = round(middle - box["h"] / 2, 2)
    step = round(LINE * box["size"], 2)
    return {**box, "y": top, "tx": box["x"] + PAD, "ty": round(top + PAD + step / 2 + 0.35 * box["size"], 2),
            "step": step}


def layout(a, theme: str) -> dict:
    """The drawing of ``theme``'s argument map as plain values: its height, column headers, boxes, arrows and
    the "no answer" notes (each box with its text lines; see the template); or, without a chain, the sentence
    ``empty`` saying so."""
    chains, g = argument_chains(a, theme)
    if not chains:
        return {"width": WIDTH, "height": 28, "empty": EMPTY, "font": FONT}

    def head(edge, shown):  # the relation, and the statement it answers when that is not the box it points at
        t = edge["target"]
        return edge["relation"] + (f" {g[t].get('claim', t) if t in g else t}" if t != shown else "")

    boxes, arrows, unanswered, y = [], [], [], TOP
    for cid, ans, e1, rep, e2 in chains:
        row, relations = [_box(COLUMNS[0], cid, g, None)], []
        if ans:
            row.append(_box(COLUMNS[1], ans, g, head(e1, cid)))
            relations.append(e1["relation"])
            if rep:
                row.append(_box(COLUMNS[2], rep, g, head(e2, ans)))
                relations.append(e2["relation"])
        height = max(b["h"] for b in row)
        middle = round(y + height / 2, 2)
        boxes += [_place(b, middle) for b in row]
        arrows += [_arrow(COLUMNS[i], COLUMNS[i - 1] + BOX_W, middle, r) for i, r in enumerate(relations, 1)]
        if not ans:
            unanswered.append({"x": COLUMNS[1], "y": round(middle + 0.35 * FONT, 2)})
        y += height + GAP
    headers = [{"x": x, "text": text} for x, text in zip(COLUMNS, HEADERS)]
    return {"width": WIDTH, "height": round(y - GAP + BOTTOM, 2), "headers": headers, "boxes": boxes,
            "arrows": arrows, "unanswered": unanswered, "font": FONT, "empty": None}


def svg(a, theme: str) -> str:
    """The SVG of ``theme``'s argument map for the analysis ``a``: a short drawing saying so when the theme has
    no explanation of the gap among the selected claims."""
    return environment().get_template("charts/argument_map.svg.j2").render(m=layout(a, theme))
