"""The rendered report in a real browser: an axe-core audit (no serious or critical violation) and no
horizontal page scroll at phone width. Needs Chromium, Python playwright and node_modules/axe-core
(``make npm-deps``); skips with the reason when one is missing."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from shieldgap.cli import main
from shieldgap.render import find_chromium

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("a11y")
    result = CliRunner().invoke(main, ["render", "--out", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output + str(result.exception)
    return out / "report.html"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
    chromium = find_chromium()
    if not chromium:
        pytest.skip("no Chromium found (install Debian's chromium or set SHIELDGAP_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.mark.parametrize("width, scheme", [(1366, "light"), (1366, "dark"), (390, "light")])
def test_axe_finds_no_serious_or_critical_violation(rendered, browser, width, scheme):
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: run `make npm-deps` (npm ci) to get node_modules/axe-core")
    page = browser.new_page(viewport={"width": width, "height": 844}, color_scheme=scheme)
    page.goto(rendered.as_uri())
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    page.close()
    bad = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"]) for v in result["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == []


@pytest.mark.parametrize("width", [390, 1366])
def test_no_horizontal_page_scroll(rendered, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(rendered.as_uri())
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    scripts = page.evaluate("document.querySelectorAll('script').length")
    page.close()
    assert scroll_width <= width
    assert scripts == 0  # the report carries no JavaScript
