"""The events timeline (figure 4) drawn as SVG from ``templates/charts/timeline.svg.j2``, without matplotlib.

Events (top row, shaped by kind, labelled with their ids) and each speaker's statements (a row per speaker,
shaped and coloured by stance; hollow where only the article's date is known) on one time axis, broken
wherever nothing happened for more than :data:`TIMELINE_GAP` days; a key below names every event.
:func:`layout` turns :func:`shieldgap.figuredata.timeline_points`' two tables into plain geometry, placing
every text by an upper bound of its width (:func:`shieldgap.svg_charts.text_width`) so that no two overlap;
:func:`render` draws it with the template, which holds all the markup; :func:`svg` does both for an analysis.
"""
from __future__ import annotations

import math
import textwrap

import pandas as pd

from .labels import STANCE_COLORS
from .labels import STANCES as STANCE_LABELS
from .svg_charts import environment, text_width

WIDTH = 720  # pixels: the drawing's width (about 180 mm of paper in print)
MAX_HEIGHT = round(1.25 * WIDTH)  # 225 mm at 180 mm wide: the print stylesheet's largest figure, at full width
TIMELINE_GAP = 45  # days without an event or statement that break the time axis
NAME, LABEL, TICK, LEGEND, KEY = 11, 10, 10, 10, 9  # font sizes (px): speakers, event ids, dates, legend, key
ROWS = (15.0, 18.0)  # smallest and largest height of a row (px): as large as the page allows
MARGIN = 6  # around the drawing
LEGEND_LINE = 16  # height of a line of the legend
LABELS_TOP = MARGIN + 2 * LEGEND_LINE + 6  # below the legend's two lines: the event labels
LEVEL = 13  # height of a level of event labels
SEGMENT_GAP = 12  # space between the segments of the broken axis
AXIS = 44  # height of the date axis below the rows, and the space before the key
KEY_LINE = 12  # height of a line of the key to the events

#: Marker of an event kind (shape carries the kind).
EVENT_SHAPES = {"invasion": "cross", "attack": "cross", "incursion": "cross", "briefing": "square",
                "statement": "diamond", "meeting": "pentagon", "agreement": "plus"}
#: Marker of a statement's stance (shape and colour both carry it), and its offset within the row.
STANCE_SHAPES = {"explains_gap": "up", "challenges_gap": "down", "context": "circle"}
STANCE_OFFSETS = {"explains_gap": -0.18, "challenges_gap": 0.18, "context": 0.0}
EVENT_INK, DATING_INK = "#333333", "#555555"


def _segments(dates: pd.Series) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The stretches of time (first and last day) separated by more than TIMELINE_GAP days without a date."""
    days = sorted(set(dates))
    out = [[days[0], days[0]]] if days else []
    for d in days[1:]:
        if (d - out[-1][1]).days > TIMELINE_GAP:
            out.append([d, d])
        else:
            out[-1][1] = d
    return [tuple(x) for x in out]


def _axis(dates: pd.Series, left: float, right: float) -> list[dict]:
    """The segments of the broken axis with their place: widths proportional to sqrt(span) + 2.5 days, each
    padded by 8 % of its span (at least 1.5 days) on either side."""
    segs = _segments(dates)
    weights = [math.sqrt(max((b - a).days, 1)) + 2.5 for a, b in segs]
    room = right - left - SEGMENT_GAP * (len(segs) - 1)
    out, x0 = [], left
    for (start, stop), weight in zip(segs, weights):
        pad = pd.Timedelta(days=max(1.5, 0.08 * (stop - start).days))
        w = room * weight / sum(weights)
        out.append({"start": start, "stop": stop, "lo": start - pad, "x0": round(x0, 2), "x1": round(x0 + w, 2),
                    "days": (stop - start + 2 * pad) / pd.Timedelta(days=1)})
        x0 += w + SEGMENT_GAP
    return out


def _x(axis: list[dict], date: pd.Timestamp) -> float:
    """The x of ``date`` on the broken axis."""
    s = next(s for s in axis if s["start"] <= date <= s["stop"])
    return round(s["x0"] + (date - s["lo"]) / pd.Timedelta(days=1) / s["days"] * (s["x1"] - s["x0"]), 2)


def _levels(labels: list[dict]) -> int:
    """Give each label (its ``x`` centre and ``w`` width) the lowest level where it overlaps no other label
    (with 4 px between them), in order of x; returns the number of levels used."""
    ends: list[float] = []  # per level, the right end of its last label
    for label in sorted(labels, key=lambda t: t["x"]):
        a = label["x"] - label["w"] / 2
        level = next((k for k, end in enumerate(ends) if a >= end + 4), len(ends))
        if level == len(ends):
            ends.append(0.0)
        ends[level] = label["x"] + label["w"] / 2
        label["level"] = level
    return len(ends)


def _event_labels(ev: pd.DataFrame, axis: list[dict]) -> list[dict]:
    """One label per event day, its ids joined with "/", centred on the day (kept inside the drawing)."""
    out = []
    for date, ids in ev.groupby("date", sort=True)["event_id"].agg(lambda x: "/".join(x)).items():
        w = text_width(ids, LABEL)
        x = min(max(_x(axis, date), MARGIN + w / 2), WIDTH - MARGIN - w / 2)
        out.append({"text": ids, "x": round(x, 2), "w": w})
    return out


def _ticks(axis: list[dict]) -> list[dict]:
    """Date ticks: each segment's start, and its end when it spans 20 days or more and its label has room."""
    def tick(date: pd.Timestamp) -> dict:
        day = f"{date:%d %b}"
        return {"x": _x(axis, date), "day": day, "year": f"{date:%Y}", "w": text_width(day, TICK)}

    kept = [tick(s["start"]) for s in axis]
    for t in [tick(s["stop"]) for s in axis if (s["stop"] - s["start"]).days >= 20]:
        if all(abs(t["x"] - k["x"]) >= (t["w"] + k["w"]) / 2 + 4 for k in kept):
            kept.append(t)
    return sorted(kept, key=lambda t: t["x"])


def _legend() -> list[dict]:
    """The key to the markers, in two lines: the statements' stances and dating, then the events' kinds."""
    lines = [[("Statements:", None, None)]
             + [(STANCE_LABELS[s], STANCE_SHAPES[s], c) for s, c in STANCE_COLORS.items()]
             + [("said on (dated)", "circle", DATING_INK), ("reported on (article's date)", "circle", "white")],
             [("Events:", None, None)] + [(kind, shape, EVENT_INK) for kind, shape in (
                 ("attack / invasion / incursion", "cross"), ("briefing", "square"), ("statement", "diamond"),
                 ("meeting", "pentagon"), ("agreement", "plus"))]]
    out = []
    for i, line in enumerate(lines):
        x, y = MARGIN, MARGIN + 12 + LEGEND_LINE * i
        for text, shape, fill in line:
            mark = {"shape": shape, "x": x + 5, "y": y - 4, "fill": fill,
                    "stroke": DATING_INK if fill == "white" else fill} if shape else None
            at = x + (14 if shape else 0)
            out.append({"text": text, "x": at, "y": y, "mark": mark})
            x = round(at + text_width(text, LEGEND) + (6 if shape is None else 16), 2)
    return out


def _shorten(text: str, chars: int, room: float, size: float) -> str:
    """``text`` shortened at whole words (ending in "…") to ``chars`` characters, or fewer until it fits ``room``."""
    short = textwrap.shorten(text, chars, placeholder="…")
    while text_width(short, size) > room and chars > 1:
        chars -= 1
        short = textwrap.shorten(text, chars, placeholder="…")
    return short


def _key(ev: pd.DataFrame, top: float) -> list[dict]:
    """The key to the event ids, in two columns: id, date and title (shortened to 50 characters, or to what
    fits its column)."""
    half = (len(ev) + 1) // 2
    col = (WIDTH - 2 * MARGIN) / 2
    ids = max((text_width(str(i), KEY) for i in ev["event_id"]), default=0) + 5
    dates = text_width("13 Apr 2024", KEY) + 8
    out = []
    for i, e in enumerate(ev.itertuples()):
        x, y = MARGIN + col * (i // half), top + KEY_LINE * (i % half)
        out.append({"x": round(x, 2), "x_date": round(x + ids, 2), "x_title": round(x + ids + dates, 2), "y": y,
                    "id": e.event_id, "date": f"{e.date:%d %b %Y}",
                    "title": _shorten(str(e.title), 50, col - ids - dates - 8, KEY)})
    return out


def _speakers(st: pd.DataFrame) -> list[str]:
    """The speakers in order of their first statement (ties by name)."""
    return st.groupby("speaker")["date"].min().sort_values(kind="stable").index.tolist()


def _row(room: float, rows: int) -> float:
    """A row's height: what ``room`` allows ``rows`` rows, within ROWS, in half pixels."""
    return min(max(room / rows, ROWS[0]), ROWS[1]) // 0.5 * 0.5


def layout(ev: pd.DataFrame, st: pd.DataFrame) -> dict:
    """The drawing's geometry from the events (date, event_id, kind, title) and the statements (date, speaker,
    stance, dated), shaped as :func:`shieldgap.figuredata.timeline_points` returns them: from the top, the
    legend, the event labels, the rows (events, then one per speaker), the date axis and the key."""
    speakers = _speakers(st)
    names = ["Events", *(textwrap.shorten(w, 34, placeholder="…") for w in speakers)]
    left = round(MARGIN + max(text_width(n, NAME) for n in names) + 8, 2)
    axis = _axis(pd.concat([ev["date"], st["date"]]), left, WIDTH - MARGIN - text_width("16 Oct", TICK) / 2)
    labels = _event_labels(ev, axis)
    top = LABELS_TOP + LEVEL * _levels(labels) + 4
    below = AXIS + KEY_LINE * ((len(ev) + 1) // 2) + MARGIN
    row = _row(MAX_HEIGHT - top - below - 4, len(names))
    bottom = top + row * len(names) + 4  # room below the last row's lowered markers
    centre = [top + row * (i + 0.5) for i in range(len(names))]
    line = {w: centre[i + 1] for i, w in enumerate(speakers)}
    for label in labels:
        label["y"] = top - 4 - LEVEL * label["level"]
    events = [{"x": _x(axis, e.date), "y": centre[0], "shape": EVENT_SHAPES[e.kind], "fill": EVENT_INK,
               "stroke": EVENT_INK} for e in ev.itertuples()]
    marks = [{"x": _x(axis, s.date), "y": round(line[s.speaker] + STANCE_OFFSETS[s.stance] * row, 2),
              "shape": STANCE_SHAPES[s.stance], "stroke": STANCE_COLORS[s.stance],
              "fill": STANCE_COLORS[s.stance] if s.dated else "white"} for s in st.itertuples()]
    return {"width": WIDTH, "height": math.ceil(bottom + below), "left": left, "top": top, "bottom": bottom,
            "row": row, "axis": axis, "labels": labels, "events": events, "marks": marks,
            "names": [{"text": n, "x": left - 8, "y": y + 4} for n, y in zip(names, centre)], "lines": centre,
            "guides": sorted({e["x"] for e in events}), "ticks": _ticks(axis), "legend": _legend(),
            "key": _key(ev, bottom + AXIS + KEY - 4)}


def render(t: dict) -> str:
    """The SVG document of a :func:`layout`."""
    return environment().get_template("charts/timeline.svg.j2").render(t=t)


def svg(a) -> str:
    """The SVG of the events timeline of the analysis ``a``."""
    from .figuredata import timeline_points

    return render(layout(*timeline_points(a)))
