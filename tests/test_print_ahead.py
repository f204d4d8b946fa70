"""The PDF printed while the kernel runs (shieldgap.ahead): it is kept only when the kernel's page is the page it
printed, byte for byte; otherwise the render prints its own page, as without it. Also: what a notebook cell is
predicted to show, read from the prepared record alone."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shieldgap import ahead, report_cache
from shieldgap.pdf import find_chromium
from shieldgap.report_cache import UNKNOWN, shown

RECORD = {"cells": {report_cache._cell_key("header", (), {}): "<h1>H</h1>",
                    report_cache._cell_key("figure", ("timeline",), {}): "<figure>T</figure>"},
          "footer": None}


@pytest.mark.parametrize("source, expected", [
    ("R.header()", "<h1>H</h1>"),
    ('R.figure("timeline")', "<figure>T</figure>"),
    ("# a note\nx = 1\nR.header()", "<h1>H</h1>"),  # statements that show nothing may come first
    ('title: str = "T"  # Report title', None),  # the parameters cell
    ("from shieldgap.report_cache import build\n\nR = build(globals())", None),
    ("", None),
    ("R.summary()", UNKNOWN),  # not in the record: only the kernel can compute it
    ('R.figure("balance")', UNKNOWN),
    ("print('x')", UNKNOWN),  # any other output
    ("R.header()\nx = 1", UNKNOWN),  # conservative: an expression before the end might display something
    ("print(1)\nR.header()", UNKNOWN),
    ("R.figure(name)", UNKNOWN),  # not a literal argument
    ("R.header(", UNKNOWN),
])
def test_what_a_cell_shows_is_read_from_the_record(source, expected):
    got = shown(source, RECORD, datetime.now(UTC))
    assert got is expected if expected in (None, UNKNOWN) else got.html == expected


needs_chromium = pytest.mark.skipif(not find_chromium(), reason="no Chromium")


def _render(out: Path, *args: str):
    from click.testing import CliRunner

    from shieldgap.cli import main

    result = CliRunner().invoke(main, ["render", "--out", str(out), "--format", "html,pdf", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _pdf_text(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages]


@needs_chromium
def test_the_pdf_printed_ahead_is_the_print_of_the_published_page(tmp_path):
    from shieldgap.pdf import Printer

    output = _render(tmp_path / "out", "-p", "title", f"Ahead {tmp_path.name}")
    assert "the PDF was printed while the kernel ran, from this very page" in output
    assert re.search(r"pdf ahead [\d.]+s", output)
    published = tmp_path / "out" / "report.html"
    again = tmp_path / "again"
    again.mkdir()
    (again / "report.html").write_bytes(published.read_bytes())
    with Printer("chromium", again) as printer:
        printer.print(again / "report.html", again / "report.pdf")
    assert _pdf_text(tmp_path / "out" / "report.pdf") == _pdf_text(again / "report.pdf")
    assert not list((tmp_path / "out").glob(".shieldgap-render-*")), "the staging folder (and its ahead/) is gone"


@needs_chromium
def test_a_page_that_differs_from_the_prediction_is_printed_again(tmp_path, monkeypatch):
    """A minute turning between the predicted footer and the kernel's: the PDF printed ahead is not the published
    page's, so the render prints the page again, and the PDF shows the published page's render time."""
    real = datetime

    class Earlier(datetime):
        @classmethod
        def now(cls, tz=None):
            return real.now(tz) - timedelta(minutes=5)

    monkeypatch.setattr(ahead, "datetime", Earlier)
    output = _render(tmp_path, "-p", "title", f"Printed again {tmp_path.name}")
    assert "printing the PDF" in output and "printed while the kernel ran" not in output
    when = re.search(r'<time datetime="[^"]+">([^<]+)</time>', (tmp_path / "report.html").read_text()).group(1)
    assert when in " ".join(_pdf_text(tmp_path / "report.pdf"))


def test_a_notebook_with_a_cell_the_record_cannot_tell_is_not_predicted(tmp_path):
    import nbformat

    from shieldgap.paths import report_notebook

    nb = nbformat.read(report_notebook(), as_version=4)
    record = {"cells": {}, "footer": {"values": {}}}
    assert ahead.predicted_notebook(report_notebook(), {"title": "T"}, record, datetime.now(UTC)) is None
    nb.cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    path = tmp_path / "params-only.ipynb"
    nbformat.write(nb, path)
    predicted = ahead.predicted_notebook(path, {"title": "T"}, record, datetime.now(UTC))
    assert [c.id for c in predicted.cells][1] == "injected-parameters"  # as the render names papermill's cell
    assert all(c.outputs == [] for c in predicted.cells)


def test_the_record_prepared_for_a_killed_renderer_is_removed(monkeypatch, tmp_path, capsys):
    """With the cache off each renderer's record is its own (its key ends in its process id) and it removes it;
    one left by a renderer that was killed first is removed by the next render's prepare()."""
    import subprocess
    import sys

    from shieldgap.params import spec
    from shieldgap.paths import report_notebook

    monkeypatch.setenv("SHIELDGAP_CACHE", "off")
    monkeypatch.setattr(report_cache, "_folder", lambda: tmp_path)
    params = {**{name: entry["default"] for name, entry in spec().items()}, "detail": "brief", "n_samples": 60}
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = tmp_path / f"{'0' * 64}-{dead.stdout.strip()}.json"
    left.write_text("{}", encoding="utf-8")
    worker = report_cache.prepare(params, report_notebook())
    assert not left.exists()
    record = report_cache.prepared(params, worker)
    assert record is not None and record["footer"]["values"]
    assert report_cache.record_key(params).endswith(f"-{__import__('os').getpid()}")
    report_cache.discard(params)
    assert list(tmp_path.glob("*.json")) == []
    capsys.readouterr()
