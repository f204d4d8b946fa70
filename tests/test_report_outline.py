"""The report's outline (report.Report.outline) against the notebooks that show it, and the brief's
parameters cell against the report's."""
from __future__ import annotations

import re

import nbformat

from shieldgap.paths import notebooks_dir, report_notebook
from shieldgap.report import OUTLINE, outline

CALL = re.compile(r"^R\.(\w+\(.*\))\s*$", re.M)


def _calls(path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [m.group(1) for c in nb.cells if c.cell_type == "code" for m in CALL.finditer(c.source)]


def test_notebook_shows_the_sections_in_outline_order():
    sections = {cell for cell, *_ in OUTLINE}
    shown = [call for call in _calls(report_notebook()) if call in sections]
    assert shown == [cell for cell, *_ in OUTLINE]


def test_outline_numbers_sections_and_themes():
    entries = outline([("geography", "Geography"), ("escalation_risk", "Escalation")])
    assert [e.number for e in entries if e.number.isdigit()] == [str(k) for k in range(1, 1 + sum(
        1 for *_, number, _ in OUTLINE if number is None))]
    themes = next(e for e in entries if e.anchor == "themes")
    assert [(c.number, c.anchor) for c in themes.children] == [(f"{themes.number}.1", "theme-geography"),
                                                               (f"{themes.number}.2", "theme-escalation_risk")]
    assert len({e.anchor for e in entries}) == len(entries)


def test_brief_has_the_reports_parameters_cell():
    def params(path):
        nb = nbformat.read(path, as_version=4)
        return next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))

    assert params(notebooks_dir() / "brief.ipynb") == params(report_notebook())


def test_notebooks_are_committed_without_outputs():
    for path in (report_notebook(), notebooks_dir() / "brief.ipynb"):
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells
                   if c.cell_type == "code"), path
