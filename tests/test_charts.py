"""Every figure of the report is an SVG drawing from a template (shieldgap.svg_charts): drawn without matplotlib, the
same picture for the same analysis, and the coverage chart (figure 3) shows each article's claims per theme."""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from shieldgap import svg_charts
from shieldgap.figures import draw_svg
from shieldgap.report import Report

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def report(ledger):
    return Report({}, ledger=ledger)


def test_every_figure_is_drawn_without_matplotlib(report, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # importing it would fail
    assert len(report.figures.numbers) >= 6
    for chart, theme in report.figures.numbers:
        svg = draw_svg(report.a, chart, theme)
        assert svg.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), (chart, theme)
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg" and float(root.get("width")) == svg_charts.WIDTH, (chart, theme)


def test_the_same_analysis_draws_the_same_picture(report, ledger):
    again = Report({}, ledger=ledger)
    for chart, theme in report.figures.numbers:
        assert draw_svg(report.a, chart, theme) == draw_svg(again.a, chart, theme), (chart, theme)


def test_a_weight_change_redraws_only_the_balance(report, ledger):
    other = Report({"theme_weights": {"escalation_risk": 2.5, "geography": 0.5}}, ledger=ledger)
    changed = {chart for chart, theme in report.figures.numbers
               if draw_svg(report.a, chart, theme) != draw_svg(other.a, chart, theme)}
    assert changed == {"balance"}


def test_coverage_shows_every_article_and_each_count_in_its_cell(report):
    a = report.a
    root = ET.fromstring(svg_charts.svg(a, "coverage"))
    n = Counter(zip(a.claims["article_id"], a.claims["theme"]))
    articles = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text[-10:-6] in ("2022", "2023", "2024",
                                                                                          "2025", "2026")]
    assert len(articles) == len({i for i, _ in n}) == len(set(a.claims["article_id"]))
    counts = sorted(int(t.text) for g in root.iter(f"{SVG}g") if g.get("class") == "cells"
                    for t in g.iter(f"{SVG}text"))
    assert counts == sorted(v for v in n.values() if v)
    themes = [t.text for g in root.iter(f"{SVG}g") if g.get("class") == "themes" for t in g.iter(f"{SVG}text")]
    labels = a.ledger.themes["label"].to_dict()
    assert themes == [labels[t] for t in a.themes.index if any(th == t for _, th in n)]


def test_coverage_shades_darken_with_the_count():
    shades = [svg_charts._shade(v, 10) for v in range(11)]
    assert shades[0] == svg_charts.BLUES[0] and shades[-1] == svg_charts.BLUES[-1]
    lightness = [sum(int(s[k:k + 2], 16) for k in (1, 3, 5)) for s in shades]
    assert lightness == sorted(lightness, reverse=True) and len(set(shades)) == 11
