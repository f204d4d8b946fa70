"""End-to-end renders and the effect of each parameter."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from shieldgap.cli import main
from shieldgap.paths import report_notebook

pytestmark = pytest.mark.slow  # end-to-end: kernels, renders, browsers

SECTIONS = ["Executive summary", "The arguments at a glance", "The arguments theme by theme", "Geography",
            "Black Sea and Bosphorus access", "Escalation risk with Russia", "Alliance history and commitments",
            "Appendix A. Sources", "Appendix B. Problems in the sources", "Appendix C. Methodology", "Reproducibility"]


def _render(out: Path, *args: str):
    return CliRunner().invoke(main, ["render", "--out", str(out), *args])


@pytest.fixture(scope="module")
def default_render(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    result = _render(out, "--format", "html,pdf")
    assert result.exit_code == 0, result.output + str(result.exception)
    return out


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_html_has_sections_figures_and_no_errors(default_render, ledger):
    html = (default_render / "report.html").read_text(encoding="utf-8")
    text = _text(html)
    for s in SECTIONS:
        assert s in text, s
    themes_with_explanations = ledger.claims.loc[ledger.claims["stance"] == "explains_gap", "theme"].nunique()
    n_figures = 4 + themes_with_explanations  # four overview charts + one argument map per such theme
    assert len(re.findall(r'<img alt="[^"]+" src="data:image/svg\+xml;base64,', html)) == n_figures
    for n in range(1, n_figures + 1):
        assert f"Figure {n}." in text
    for theme in ("Geography", "Escalation risk with Russia", "Alliance history and commitments"):
        assert f"Argument map, {theme}" in text
    assert "<script" not in html.lower()
    assert not re.search(r'src="(https?:)?//', html), "external resource loaded"
    assert not re.search(r'<link[^>]+href="(https?:)?//', html), "external stylesheet or font"
    assert "@import" not in html and "url(http" not in html
    assert "Traceback" not in text
    nb = nbformat.read(default_render / "report.ipynb", as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error"
            assert out.get("name") != "stderr", out.get("text")
    assert "parameters" in nb.metadata.papermill
    assert nb.metadata.shieldgap["timings"]["execute"] > 0


def test_state_media_and_analyst_notes_are_labelled(default_render):
    html = (default_render / "report.html").read_text(encoding="utf-8")
    assert 'sg-badge sg-state">State-controlled media' in html
    assert 'sg-badge sg-analyst">Analyst note' in html
    assert "Disputed attributions" in html


def test_every_item_has_one_anchor_and_each_reason_its_best_quote(default_render, ledger):
    from html import unescape

    from shieldgap import analysis
    from shieldgap.params import validate

    html = (default_render / "report.html").read_text(encoding="utf-8")
    text = _text(unescape(html))
    ids = re.findall(r'\bid="([^"]+)"', html)
    for kind, table in (("claim", ledger.claims), ("note", ledger.analyst_notes), ("relation", ledger.relations),
                        ("fact-check", ledger.fact_checks), ("reason", ledger.reasons)):
        for item in table.index:
            assert ids.count(item) == 1, (kind, item, ids.count(item))
    for theme in ledger.themes.index:
        assert ids.count(f"theme-{theme}") == 1
    a = analysis.analyse(ledger, validate({}))
    for rid, r in a.reasons.iterrows():  # each reason once, with the words of its best statement
        assert " ".join(ledger.claims.at[r["best"], "quote"].split()) in text, rid
    for nid, n in ledger.analyst_notes.iterrows():  # each analyst note printed once
        assert text.count(" ".join(n["text"].split())) == 1, nid
    # every link inside the report points at an anchor that exists
    for target in re.findall(r'href="#([^"]+)"', html):
        assert target in ids, target


def test_the_claims_annex_holds_every_quote(ledger):
    import csv
    import io

    from shieldgap import analysis, appendices
    from shieldgap.params import validate
    from shieldgap.sections import text

    rows = list(csv.DictReader(io.StringIO(appendices.claims_csv(analysis.analyse(ledger, validate({}))))))
    assert [r["claim_id"] for r in rows] == list(ledger.claims.index)
    for r in rows:
        assert r["quote"] == ledger.claims.at[r["claim_id"], "quote"]
        assert r["in_words"] in ("strong", "moderate", "weak")
        assert (r["date_is"] == "said") == bool(text(ledger.claims.at[r["claim_id"], "said_on"]))


def test_presentation_slips_are_gone(default_render, ledger):
    html = (default_render / "report.html").read_text(encoding="utf-8")
    text = _text(re.sub(r"<style.*?</style>", "", html, flags=re.S))
    assert ", ." not in text and ",  ." not in text  # undated references
    params = html.split("sg-params", 1)[1]
    for literal in ("''", "[]", "{}", "&#39;&#39;"):
        assert literal not in params, literal
    assert "machine-suggested material" not in text  # no pipeline message when nothing is new
    assert "are balanced" not in text  # a theme with nothing is not called balanced
    assert "largely refuted" in text


def test_statement_dates_are_kept_apart_from_publication_dates(ledger):
    from shieldgap import analysis
    from shieldgap.params import validate
    from shieldgap.sections import Sections, text
    from shieldgap.templating import present

    s = Sections(analysis.analyse(ledger, validate({})))
    arts = ledger.articles
    for _, c in ledger.claims.iterrows():
        src = s.source(c)
        if text(c["said_on"]):
            assert src.said and str(src.date) == str(c["said_on"])[:10] and not src.approx
        else:
            art = arts.loc[c["article_id"]]
            assert not src.said and src.date == art["published"].date()
            assert src.approx == (art["date_precision"] != "day")
    undated = next(cid for cid, c in ledger.claims.iterrows() if not text(c["said_on"]))
    quote = s.item(undated)
    html = present("theme", theme={"id": "t", "number": "1", "label": "", "question": "", "description": "",
                                   "balance": {"empty": True}, "reasons": [], "has_map": False, "map": None,
                                   "context": [], "n_context": 0}).html
    from shieldgap.templating import environment

    when = environment().get_template("_macros.html.j2").module.when(quote.source)
    assert str(when).startswith("reported on") and "said" not in str(when)
    assert "only context" in html


def test_pdf_is_a4_and_contains_sections(default_render):
    from pypdf import PdfReader

    reader = PdfReader(default_render / "report.pdf")
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595) < 2 and abs(float(box.height) - 842) < 2
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    for s in SECTIONS:
        assert s in text, s
    assert len(reader.pages) >= 8
    n = len(reader.pages)  # page.css's page numbers, in every page's bottom margin
    assert all(f"{i} / {n}" in (page.extract_text() or "") for i, page in enumerate(reader.pages, 1))


def test_pdf_links_only_to_the_web_and_to_itself(default_render):
    """A file beside the report (the claims annex) is named, not linked, in print: Chromium would make the link
    an absolute file: address inside the render's staging folder, which is gone once the render ends."""
    from pypdf import PdfReader

    uris = [a.get_object()["/A"].get("/URI") for page in PdfReader(default_render / "report.pdf").pages
            for a in page.get("/Annots") or [] if "/A" in a.get_object()]
    uris = [str(u) for u in uris if u]
    assert uris and all(u.startswith(("https://", "http://")) for u in uris), [u for u in uris if "http" not in u]
    assert "ledger-claims.csv" in " ".join(p.extract_text() for p in PdfReader(default_render / "report.pdf").pages)


def test_html_opens_with_no_network_requests_and_no_console_errors(default_render):
    playwright = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.skip("Debian chromium not installed")
    requests, errors = [], []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run"])
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((default_render / "report.html").as_uri())
        page.wait_for_load_state("networkidle")
        assert page.locator("h2", has_text="Executive summary").count() == 1
        heights = page.eval_on_selector_all("img", "els => els.map(e => e.naturalHeight)")
        browser.close()
    external = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert external == []
    assert errors == []
    assert heights and min(heights) > 100


def test_dropped_theme_disappears(tmp_path):
    result = _render(tmp_path, "--format", "html", "-p", "themes", "[geography, escalation_risk, alliance_history]")
    assert result.exit_code == 0, result.output
    text = _text((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert "Escalation risk with Russia" in text and "Geography" in text
    assert "Black Sea and Bosphorus access" not in text
    assert not (tmp_path / "report.pdf").exists()


def test_papermill_directly(tmp_path):
    out = tmp_path / "out.ipynb"
    proc = subprocess.run([sys.executable, "-m", "papermill", str(report_notebook()), str(out), "-p", "detail", "brief",
                           "-p", "min_strength", "3", "--no-progress-bar"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    nb = nbformat.read(out, as_version=4)
    assert nb.metadata.papermill.parameters == {"detail": "brief", "min_strength": 3}
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    assert "minimum strength 3" in html


BAD = {
    "unknown name": (["-p", "colour", "red"], "unknown parameter(s): colour"),
    "wrong type": (["-p", "min_strength", "high"], "parameter 'min_strength' must be of type int"),
    "unknown theme": (["-p", "themes", "[geography, weather]"], "unknown theme id(s) in 'themes': weather"),
    "negative weight": (["-p", "theme_weights", "{geography: -1}"], "weight of theme 'geography' is negative"),
    "empty selection": (["-p", "date_from", "2030-01-01"], "the selection leaves no claims"),
    "bad date": (["-p", "date_to", "July 2024"], "must be a date YYYY-MM-DD"),
    "bad detail": (["-p", "detail", "medium"], "detail must be one of brief, full"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_parameters_exit_2_and_leave_previous_report(name, tmp_path):
    previous = tmp_path / "report.html"
    previous.write_text("previous report", encoding="utf-8")
    args, message = BAD[name]
    result = _render(tmp_path, "--format", "html,pdf", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert previous.read_text(encoding="utf-8") == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_params_file(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("detail: brief\nexclude_outlet_types: [state_controlled_media]\n", encoding="utf-8")
    result = _render(tmp_path / "out", "--format", "html", "--params", str(f))
    assert result.exit_code == 0, result.output
    nb = nbformat.read(tmp_path / "out" / "report.ipynb", as_version=4)
    assert nb.metadata.papermill.parameters["exclude_outlet_types"] == ["state_controlled_media"]
    text = _text((tmp_path / "out" / "report.html").read_text(encoding="utf-8"))
    assert "excluded by parameters" in text


def test_failed_pdf_leaves_previous_report_and_no_temporary_files(tmp_path, monkeypatch):
    for name in ("report.html", "report.pdf", "report.ipynb"):
        (tmp_path / name).write_text(f"previous {name}", encoding="utf-8")
    monkeypatch.setenv("SHIELDGAP_CHROMIUM", "/bin/false")
    result = _render(tmp_path, "--format", "html,pdf", "--pdf-engine", "chromium", "-p", "detail", "brief")
    assert result.exit_code == 1, result.output
    # pdf.py says which step failed: starting the browser (a persistent one) or printing (a subprocess)
    assert re.search(r"Chromium could not (print the PDF|be started)", result.stderr)
    for name in ("report.html", "report.pdf", "report.ipynb"):
        assert (tmp_path / name).read_text(encoding="utf-8") == f"previous {name}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.ipynb", "report.pdf"]


def test_invalid_ledger_stops_the_render_with_the_check_message(tmp_path, data_copy):
    claims = data_copy / "claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8").replace("entirely different", "entirely similar", 1),
                      encoding="utf-8")
    result = _render(tmp_path / "out", "--format", "html", "--data", str(data_copy))
    assert result.exit_code == 1
    assert "quote not found verbatim" in result.stderr
    assert not (tmp_path / "out" / "report.html").exists()


def test_weasyprint_engine(tmp_path):
    pytest.importorskip("weasyprint")
    result = _render(tmp_path, "--format", "pdf", "--pdf-engine", "weasyprint", "-p", "detail", "brief",
                     "-p", "themes", "[geography]")
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    pages = PdfReader(tmp_path / "report.pdf").pages
    text = " ".join(p.extract_text() or "" for p in pages)
    assert "Executive summary" in " ".join(text.split())
    assert all(f"{i} / {len(pages)}" in (page.extract_text() or "") for i, page in enumerate(pages, 1))  # page.css
    assert not (tmp_path / "report.html").exists()


def test_figures_are_numbered_in_document_order(default_render, ledger):
    html = (default_render / "report.html").read_text(encoding="utf-8")
    ids = re.findall(r'<figure class="sg-figure" id="fig-([^"]+)"', html)
    themes = [t for t in ledger.themes.index
              if ((ledger.claims["theme"] == t) & (ledger.claims["stance"] == "explains_gap")).any()]
    assert ids == ["balance", "claims_by_theme", "coverage", "timeline", *(f"map-{t}" for t in themes)]
    assert re.findall(r"<b>Figure (\d+)\.</b>", html) == [str(n) for n in range(1, len(ids) + 1)]


def test_every_vocabulary_value_has_a_label():
    from shieldgap import labels

    assert labels.missing() == {}, "label these values in shieldgap/labels.py"
    mappings = {name for name, value in vars(labels).items() if name.isupper() and isinstance(value, dict)}
    assert mappings - {"COVERAGE"} == set(labels.COVERAGE), "register every mapping of labels.py in COVERAGE"


def test_templates_escape_every_value():
    import datetime as dt

    from shieldgap.sections import Note, Outlet, Quote, Reference, Source
    from shieldgap.templating import present

    bad = '<script>alert("x")</script>'
    html = present("header", title=bad, n_claims=1, n_articles=1, first=dt.date(2024, 1, 1), last=dt.date(2024, 1, 2),
                   n_themes=1, min_strength=1, notes_counted=True, excluded=[bad], theme_weights={bad: 2},
                   outline=[]).html
    source = Source(bad, dt.date(2024, 1, 1), False, Outlet(bad, "state_controlled_media", bad))
    rating = {"support": 5, "relevance": 4, "force": 4.0, "e": 4.0, "words": bad, "refuted": False}
    answer = {"id": bad, "source_id": bad, "is_note": False, "relation": bad, "target_id": bad, "explanation": bad,
              "strength": 3, "words": bad, "item": Quote(bad, bad, source), "speaker": bad, "theme": bad,
              "other_theme": True}
    reason = {"id": bad, "statement": bad, "theme": bad, "theme_id": bad, "stance": "explains_gap", "words": bad,
              "e": 4.0, "score": 4.0, "rating": rating, "item": Quote(bad, bad, source), "summary": bad, "n_claims": 2,
              "n_articles": 2, "n_outlets": 2, "outlets": [bad], "single_source": False, "answer": answer,
              "reply": {**answer, "is_note": True, "item": Note(bad, bad, Reference(bad, bad, bad, bad))},
              "unanswered": "", "checks": []}
    caveats = {"state_media": [{"outlet": bad, "n": 2}], "errors": [], "other_checks": [], "conflicts": 0,
               "n_articles": 1, "n_outlets": 1, "n_shared": 0, "compilations": []}
    html += present("summary", n_explains=1, n_challenges=0, n_explain_claims=2, n_challenge_claims=0,
                    ranked=[reason], challenges=[], robustness=None, caveats=caveats).html
    assert "<script" not in html and html.count("&lt;script&gt;") == 34  # every value placed, each escaped


def test_data_dir_reaches_the_kernel_as_a_parameter(tmp_path, data_copy, monkeypatch):
    monkeypatch.delenv("SHIELDGAP_DATA", raising=False)
    themes = data_copy / "themes.yml"
    themes.write_text(themes.read_text(encoding="utf-8").replace("label: Geography\n", "label: Geography (copy)\n"),
                      encoding="utf-8")
    result = _render(tmp_path / "out", "--format", "html", "--data", str(data_copy), "-p", "themes", "[geography]",
                     "-p", "detail", "brief")
    assert result.exit_code == 0, result.output
    assert "Geography (copy)" in _text((tmp_path / "out" / "report.html").read_text(encoding="utf-8"))
    nb = nbformat.read(tmp_path / "out" / "report.ipynb", as_version=4)
    assert nb.metadata.papermill.parameters["data_dir"] == str(data_copy.resolve())
    import os

    assert "SHIELDGAP_DATA" not in os.environ


@pytest.fixture(scope="module")
def small_analysis(ledger):
    from shieldgap import analysis
    from shieldgap.params import validate
    from shieldgap.sections import Sections

    c = ledger.claims
    unexplained = [t for t in ledger.themes.index if not ((c["theme"] == t) & (c["stance"] == "explains_gap")).any()]
    assert unexplained, "the test needs a theme without an explanation of the gap"
    a = analysis.analyse(ledger, validate({"themes": ["geography", unexplained[0]]}))
    return a, Sections(a).map_themes, unexplained[0]


def test_figures_are_numbered_at_construction_and_drawn_once(small_analysis, monkeypatch):
    from shieldgap import figures as figures_module
    from shieldgap.figures import ARGUMENT_MAP, Figures

    a, maps, unexplained = small_analysis
    assert maps == ["geography"]  # the other theme has no explanation, so its section shows no map
    drawn = []
    draw = figures_module.draw_svg
    monkeypatch.setattr(figures_module, "draw_svg", lambda *args: drawn.append(args[1:]) or draw(*args))
    figures = Figures(a, maps)
    timeline = figures.get("timeline")
    assert timeline.number == 4 and figures.get("timeline") is timeline  # asked again: same figure, same number
    assert figures.get(ARGUMENT_MAP, "geography").number == 5
    assert drawn == [("timeline", None), (ARGUMENT_MAP, "geography")]  # each drawn once, only when shown
    with pytest.raises(KeyError):
        figures.get(ARGUMENT_MAP, unexplained)
