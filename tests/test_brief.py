"""The two-page brief (notebooks/brief.ipynb): rendered beside the report, at most two A4 pages, with the
comparison table and a link to the full report its claim links resolve against."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from shieldgap.cli import main

pytestmark = pytest.mark.slow


def test_brief_fits_two_pages_and_links_to_the_report(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    result = CliRunner().invoke(main, ["render", "--document", "brief", "--format", "html,pdf", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output + str(result.exception)
    html = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert '<base href="report.html"' in html and 'class="sg-report sg-brief"' in html
    assert "factor by factor" in html and 'href="#C436"' in html
    assert "<script" not in html
    assert len(pypdf.PdfReader(tmp_path / "brief.pdf").pages) <= 2
