"""The interactive explorer: the notebook runs headlessly, and the widgets, driven from Python, show
what the report's own functions compute for the parameters they describe."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import nbformat
import pytest
from markupsafe import escape

from shieldgap import analysis
from shieldgap.explore import Explorer, report_css
from shieldgap.params import spec, validate
from shieldgap.paths import explore_notebook

pytestmark = pytest.mark.slow  # end-to-end: kernels, renders, browsers

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@pytest.fixture(scope="module")
def explorer(ledger):
    return Explorer(ledger=ledger)


@pytest.fixture
def x(explorer):
    """The module's explorer, back at the report's defaults."""
    explorer.reset()
    assert explorer.error is None and explorer.current_params() == {}
    return explorer


def _expected(ledger, overrides: dict):
    """What the analysis gives for these overrides, computed without the explorer."""
    return analysis.analyse(ledger, validate(overrides))


def _first_ranked(summary_html: str) -> str:
    ranked = summary_html.split("<ol class='sg-ranked'>", 1)[1]
    return ranked.split("</li>", 1)[0]


def test_notebook_is_committed_without_outputs():
    nb = nbformat.read(explore_notebook(), as_version=4)
    assert nb.cells[0].cell_type == "markdown" and "Render this view" in nb.cells[0].source
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    assert "Explorer()" in "".join(c.source for c in code)


def test_notebook_executes_headlessly_with_widget_outputs():
    from nbclient import NotebookClient

    path = explore_notebook()
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=600,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr"], [o.get("text") for o in outputs]
    assert any(WIDGET_VIEW in o.get("data", {}) for o in outputs), "the explorer was not displayed"
    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    shown = " ".join(o.get("data", {}).get("text/html", "") for m in state.values() if m["model_name"] == "OutputModel"
                     for o in m["state"].get("outputs", []))
    assert "Executive summary" in shown and 'id="fig-balance"' in shown and 'id="fig-claims_by_theme"' in shown
    assert "Cannot show this selection" not in shown and "Traceback" not in shown
    sliders = [m for m in state.values() if m["model_name"] == "FloatSliderModel"]
    assert len(sliders) >= 9  # one weight per theme


def test_module_needs_no_jupyterlab():
    code = ("import sys, shieldgap.explore; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('jupyterlab', 'jupyter_server', 'notebook')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_controls_come_from_the_parameter_spec(x, ledger):
    sp = spec()
    values = x.values()
    assert set(values) == set(sp)
    assert values == {k: s["default"] for k, s in sp.items()}
    assert set(x.weight) == set(ledger.themes.index) == set(x.theme_included)
    assert all((s.min, s.max) == (0, 5) for s in x.weight.values())
    assert x.seed.value == sp["seed"]["default"]
    assert x.min_strength.value == sp["min_strength"]["default"]
    assert x.include_analyst_notes.value is sp["include_analyst_notes"]["default"]
    assert x.summary_html and x.balance_html and x.claims_by_theme_html


def test_weight_changes_the_ranking(x, ledger):
    before = analysis.ranked_explanations(x.analysis)
    leader = before.iloc[0]
    theme = before[before["theme"] != leader["theme"]].iloc[0]["theme"]
    summary_before = x.summary_html

    x.weight[theme].value = 5.0

    assert x.error is None
    assert x.current_params() == {"theme_weights": {theme: 5.0}}
    expected = analysis.ranked_explanations(_expected(ledger, x.current_params()))
    got = analysis.ranked_explanations(x.analysis)
    assert got["reason_id"].tolist() == expected["reason_id"].tolist()
    assert got["score"].tolist() == pytest.approx(expected["score"].tolist())
    top = expected.iloc[0]
    assert top["theme"] == theme and top["reason_id"] != leader["reason_id"]
    assert x.summary_html != summary_before
    first = _first_ranked(x.summary_html)
    assert escape(top["reason_id"]) in first and escape(top["statement"]) in first
    assert escape(ledger.claims.at[top["best"], "quote"]) in first
    label = escape(ledger.themes.at[theme, "label"])
    assert f"({label};" in first
    assert f"{theme} × 5" in x.header_html  # the report's header states the weight


def test_unchecking_a_theme_removes_its_section(x, ledger):
    theme = "geography"
    assert f'id="theme-{theme}"' in x.tables_html
    x.theme_included[theme].value = False
    assert x.error is None
    assert theme not in x.current_params()["themes"]
    assert f'id="theme-{theme}"' not in x.tables_html
    assert 'id="theme-escalation_risk"' in x.tables_html
    assert theme not in set(x.analysis.claims["theme"])
    # the tables tab shows what tables_html holds
    x.tabs.selected_index = 3
    assert x.out_tables.outputs[0]["data"]["text/html"] == x.tables_html
    x.tabs.selected_index = 0


def test_analyst_notes_switch_changes_scores(x, ledger):
    scores_with = analysis.ranked_explanations(x.analysis).set_index("reason_id")["score"]
    summary_with = x.summary_html
    x.include_analyst_notes.value = False
    assert x.error is None and x.current_params() == {"include_analyst_notes": False}
    scores_without = analysis.ranked_explanations(x.analysis).set_index("reason_id")["score"]
    assert x.analysis.notes.empty
    common = scores_with.index.intersection(scores_without.index)
    assert (abs(scores_without[common] - scores_with[common]) > 1e-6).any()
    expected = analysis.ranked_explanations(_expected(ledger, {"include_analyst_notes": False}))
    assert scores_without.tolist() == pytest.approx(expected["score"].tolist())
    assert x.summary_html != summary_with


def test_impossible_selection_shows_a_message(x):
    x.date_from.value = dt.date(2100, 1, 1)
    assert x.error and "leaves no claims" in x.error
    assert "leaves no claims" in x.message_html and "Traceback" not in x.message_html
    assert x.out_message.outputs and "leaves no claims" in x.out_message.outputs[0]["data"]["text/html"]
    assert x.summary_html == "" and x.out_summary.outputs == () and x.report is None
    assert "Not updated" in x.status.value

    x.date_to.value = dt.date(2000, 1, 1)
    assert "is after date_to" in x.error

    with x.hold():
        for box in x.theme_included.values():
            box.value = False
    assert "no theme is selected" in x.error

    x.reset()  # and it recovers
    assert x.error is None and x.message_html == "" and "Executive summary" in x.summary_html


def test_render_this_view(x, tmp_path):
    with x.hold():
        x.weight["escalation_risk"].value = 2.5
        x.exclude_outlet_types.value = ("state_controlled_media",)
    assert x.error is None
    params = x.current_params()
    assert params == {"theme_weights": {"escalation_risk": 2.5}, "exclude_outlet_types": ["state_controlled_media"]}
    x.render_format.value = "html"
    x.render_dir.value = str(tmp_path / "view")

    x.render_button.click()

    out = x._render_dir()  # one sub-folder per view: another view never overwrites this one's files
    assert out.parent == tmp_path / "view" and out.name.startswith("view-")
    assert (out / "report.html").is_file() and not (out / "report.pdf").exists()
    assert x.last_render is not None and str(out / "report.html") in x.render_message
    assert str(out / "report.html") in x.render_status.value
    nb = nbformat.read(out / "report.ipynb", as_version=4)
    used = dict(nb.metadata.papermill.parameters)
    assert used == validate(params)  # render passes the full, checked parameter set to papermill
    defaults = {k: s["default"] for k, s in spec().items()}
    assert {k: v for k, v in used.items() if v != defaults[k]} == params
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "escalation_risk × 2.5" in html and "excluded: state_controlled_media" in html
    assert not x.render_button.disabled
    # another view: the last render's message goes, and its files would go to another folder
    x.weight["escalation_risk"].value = 3.0
    assert x.render_status.value == "" and x._render_dir() != out

    # a failure is reported, not raised
    x.date_from.value = dt.date(2100, 1, 1)
    x.render_button.click()
    assert x.last_render is None and "leaves no claims" in x.render_message
    assert re.search(r"Not rendered:.*leaves no claims", x.render_status.value)


def test_explorer_shows_the_report_stylesheet_as_it_is(x):
    from shieldgap.paths import templates_dir

    css = (templates_dir() / "shieldgap" / "report.css").read_text(encoding="utf-8")
    assert report_css() == css
    assert f"<style>{css}</style>" in x.ui.children[0].value
    for view in (x.out_summary, x.out_balance, x.out_claims_by_theme, x.out_tables):
        assert "sg-report" in view._dom_classes


def test_report_stylesheet_is_scoped_to_the_report():
    """Every rule of report.css applies under .sg-report only, so the explorer can include it unchanged."""
    from shieldgap.paths import templates_dir

    css = (templates_dir() / "shieldgap" / "report.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors = [s.strip() for group in re.findall(r"([^{}]+)\{", css) if not group.strip().startswith("@")
                 for s in group.split(",")]
    assert selectors and [s for s in selectors if not s.startswith(".sg-report")] == []


# ---------------------------------------------------------------------- live updates (explore_cache, svg_charts)
def _change_weight(x, ledger):
    x.weight["escalation_risk"].value = 2.7


def _toggle_theme(x, ledger):
    x.theme_included["geography"].value = False


def _exclude_outlet(x, ledger):
    x.exclude_outlets.value = (sorted(set(ledger.articles["outlet"]))[0],)


def _date(x, ledger):
    x.date_from.value = dt.date(2024, 4, 1)


def _min_strength(x, ledger):
    x.min_strength.value = 3


def _notes(x, ledger):
    x.include_analyst_notes.value = False


def _spread(x, ledger):
    x.extra["weight_spread"].value = 1.2


CHANGES = [_change_weight, _toggle_theme, _exclude_outlet, _date, _min_strength, _notes, _spread]


def _same_as_fresh_report(x, ledger):
    """The explorer's views and numbers are those of a fresh Report with the same overrides."""
    import pandas as pd

    from shieldgap.figuredata import describe
    from shieldgap.report import Report

    assert x.error is None
    fresh = Report(x.current_params(), ledger=ledger)
    assert x.header_html == fresh.header().html
    assert x.summary_html == fresh.summary().html
    for name in ("reasons", "balance", "themes"):
        pd.testing.assert_frame_equal(getattr(x.analysis, name), getattr(fresh.a, name), check_exact=True)
    got, want = x.analysis.robustness, fresh.a.robustness
    for field in ("leader", "top", "weights", "ratings", "leader_weights", "leader_ratings", "top_weights",
                  "top_ratings", "drop_article", "drop_outlet", "n_articles", "n_outlets", "samples"):
        assert getattr(got, field) == getattr(want, field), field
    for chart in ("balance", "claims_by_theme"):
        assert describe(x.analysis, chart) == describe(fresh.a, chart)
        data = describe(fresh.a, chart)
        html = getattr(x, f"{chart}_html")
        assert f'id="fig-{chart}"' in html and str(escape(data.alt)) in html  # the report's caption, alt and table
        assert all(str(escape(str(v))) in html for row in data.rows for v in row)


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_a_cached_update_equals_a_fresh_report(x, ledger, change):
    change(x, ledger)  # a selection the explorer may or may not have kept
    _same_as_fresh_report(x, ledger)
    x.reports._kept.clear()
    x.reset()
    change(x, ledger)  # scored afresh
    assert x.reports.last == "analysed" or change is _change_weight or change is _spread
    _same_as_fresh_report(x, ledger)
    x.reset()
    change(x, ledger)  # a kept selection: re-weighed or kept, never scored again
    assert x.reports.last in ("reweighed", "kept")
    _same_as_fresh_report(x, ledger)


def test_sections_of_a_new_selection_are_those_of_a_fresh_report(ledger):
    """The explorer reuses the lookups of the ledger's rows of its first Sections for each new selection
    (Sections(a, like=first)); every other attribute is the selection's, exactly as Sections(a) sets it."""
    from shieldgap.sections import Sections

    LEDGER_LOOKUPS = Sections.LEDGER_LOOKUPS

    first = Sections(_expected(ledger, {}))
    first.summary(), first.source_base()  # what it computes lazily for its own selection must not carry over
    for overrides in ({"min_strength": 3}, {"include_analyst_notes": False}, {"themes": ["geography"]},
                      {"exclude_outlet_types": ["state_controlled_media"], "date_from": "2024-04-20"}):
        a = _expected(ledger, overrides)
        got, want = Sections(a, like=first), Sections(a)
        assert sorted(vars(got)) == sorted(vars(want))
        assert got.a is a and all(getattr(got, k) is getattr(first, k) for k in LEDGER_LOOKUPS)
        assert {k: repr(v) for k, v in vars(got).items() if k != "a"} == \
            {k: repr(v) for k, v in vars(want).items() if k != "a"}
        assert got.summary() == want.summary() and vars(got).keys() == vars(want).keys()


def test_a_weight_change_only_reweighs(x):
    claims_chart = x.claims_by_theme_html
    x.weight["geography"].value = 3.3
    assert x.reports.last == "reweighed" and x.error is None
    assert x.claims_by_theme_html is claims_chart  # the claims did not change: neither does their chart
    assert "ms (re-weighed)" in x.status.value


def test_svg_charts_show_the_numbers_of_the_analysis_as_the_report_does(x, ledger):
    """The explorer's bar charts are the report's figures 1 and 2, drawn from the present analysis: each bar's
    value and label, in the order of the rows (top bar first)."""
    from shieldgap import svg_charts
    from shieldgap.figures import draw_svg

    x.weight["escalation_risk"].value = 0.4
    a = x.analysis
    labels = ledger.themes["label"].to_dict()

    rows = svg_charts.balance_rows(a)
    svg = svg_charts.balance_svg(a)
    assert draw_svg(a, "balance").decode() == svg
    titles = re.findall(r"<title>(.*?)</title>", svg)
    assert titles == [f"{escape(labels[t])}: {v:+.1f}" for t, v in rows["balance"].iloc[::-1].items()]
    assert rows["balance"].is_monotonic_increasing
    for theme in a.balance.index.difference(rows.index):  # a theme without a reason gets no bar
        assert f">{escape(labels[theme])}<" not in svg

    counts = svg_charts.claims_rows(a)
    svg = svg_charts.claims_by_theme_svg(a)
    assert draw_svg(a, "claims_by_theme").decode() == svg
    segments = re.findall(r'fill="(?:white|black)">(\d+)</text>', svg)
    top_first = counts.iloc[::-1]
    assert segments == [str(v) for _, r in top_first.iterrows() for v in r if v]
    assert counts.to_numpy().sum() == len(a.claims)
    assert [escape(labels[t]) for t in top_first.index] == re.findall(r'text-anchor="end" fill="#222">([^<]+)</text>',
                                                                      svg)


def test_every_control_has_an_accessible_name(x, ledger):
    """ipywidgets names an input, select or checkbox by its description, but not a slider's handle: each weight has
    a number field named after its theme, linked to its slider, and the minimum strength is a select."""
    import ipywidgets as w

    names = []
    for theme, slider in x.weight.items():
        field = x.weight_field[theme]
        label = ledger.themes.at[theme, "label"]
        assert isinstance(field, w.BoundedFloatText) and field.description_allow_html
        assert re.sub(r"<[^>]+>", "", field.description) == f"{label} weight"
        names.append(field.description)
        slider.value = 2.2
        assert field.value == 2.2 and x.current_params()["theme_weights"][theme] == 2.2
        field.value = 1.0  # typing a weight moves the slider and updates the views
        assert slider.value == 1.0 and x.error is None
        x.theme_included[theme].value = False
        assert slider.disabled and field.disabled
        x.theme_included[theme].value = True
    assert len(set(names)) == len(names)
    assert isinstance(x.min_strength, w.Dropdown) and x.min_strength.description
    for widget in x._controls:
        if not isinstance(widget, w.FloatSlider):
            assert widget.description, widget


def test_views_sit_beside_the_controls_on_a_wide_screen(x):
    """The results take the room left beside the 600 px of controls (a flex basis of 0, not their content's
    width, which a paragraph on one line makes wider than any screen) and wrap below them on a narrow one."""
    row = x.ui.children[1]
    left, right = row.children
    assert row.layout.flex_flow == "row wrap"
    assert left.layout.width == "600px" and left.layout.flex == "0 0 auto"
    assert right.layout.flex == "1 1 0%" and right.layout.min_width == "420px"
    assert x.tabs in right.children
