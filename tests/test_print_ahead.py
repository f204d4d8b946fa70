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
    """A predicted page that is not the kernel's (here: its footer's time five minutes off) is not published: the
    render prints its own page, and the PDF shows the published page's render time."""
    predict = ahead.predicted_notebook
    monkeypatch.setattr(ahead, "predicted_notebook",
                        lambda nb, params, record, when: predict(nb, params, record, when - timedelta(minutes=5)))
    output = _render(tmp_path, "-p", "title", f"Printed again {tmp_path.name}")
    assert "printing the PDF" in output and "printed while the kernel ran" not in output
    when = re.search(r'<time datetime="[^"]+">([^<]+)</time>', (tmp_path / "report.html").read_text()).group(1)
    assert when in " ".join(_pdf_text(tmp_path / "report.pdf"))


def test_the_kernel_shows_the_render_time_its_renderer_chose(monkeypatch):
    from shieldgap.report_cache import RENDERED_AT, render_time

    monkeypatch.setenv(RENDERED_AT, "2026-01-02T03:04:05+00:00")
    assert render_time() == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    for wrong in ("yesterday", "2026-01-02T03:04:05"):  # not a time, or no time zone: now
        monkeypatch.setenv(RENDERED_AT, wrong)
        assert abs(render_time() - datetime.now(UTC)) < timedelta(seconds=5)
    monkeypatch.delenv(RENDERED_AT)
    assert abs(render_time() - datetime.now(UTC)) < timedelta(seconds=5)


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


def test_a_print_not_yet_begun_is_given_up_not_waited_for(tmp_path, monkeypatch):
    """The render has its page and the cells' worker is still at work (or hangs): take() gives the print up at once,
    and the thread, when the worker ends, prints nothing."""
    import threading
    import time

    release = threading.Event()
    monkeypatch.setattr(report_cache, "prepared", lambda params, worker: worker.join() or {"cells": {}})
    monkeypatch.setattr(ahead, "predicted_notebook", lambda *a: "a notebook")
    converted = []

    class Hanging:  # a worker that ends only when released
        def join(self, timeout=None):
            release.wait(timeout)

    class NoPrinter:
        def print(self, html, pdf):
            raise AssertionError("a print given up must not start")

    ahead_print = ahead.PrintAhead(NoPrinter(), tmp_path / "ahead", Path("report.ipynb"), {"title": "T"}, Hanging(),
                                   convert=lambda nb: converted.append(nb) or "<html></html>", rendered=None)
    t = time.monotonic()
    assert ahead_print.take("<html></html>", tmp_path / "report.pdf") is False
    assert time.monotonic() - t < 0.5
    release.set()
    ahead_print._thread.join(5)
    assert not ahead_print._thread.is_alive() and not (tmp_path / "report.pdf").exists()
    assert converted == ["a notebook"]  # the page was predicted, and then not printed


@needs_chromium
def test_a_failed_kernel_leaves_no_print_behind(tmp_path, monkeypatch):
    """The kernel dies while the page is being printed ahead: the render fails with its own error, and neither the
    print nor its folder outlives it."""
    import threading
    import time

    from shieldgap import render as render_module

    def dying(params, notebook):
        time.sleep(1.5)  # long enough for the prepared cells to arrive and the print to begin
        raise RuntimeError("the kernel died")

    monkeypatch.setattr(render_module, "execute", dying)
    with pytest.raises(render_module.RenderError, match="could not be executed: RuntimeError: the kernel died"):
        render_module.render({"title": f"Dies {tmp_path.name}"}, ("html", "pdf"), tmp_path, log=lambda *a: None)
    deadline = time.monotonic() + 10
    while any(t.name == "shieldgap-print-ahead" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "shieldgap-print-ahead" for t in threading.enumerate())
    assert [p.name for p in tmp_path.iterdir()] in ([], [".shieldgap.lock"])


@needs_chromium
def test_a_relative_output_folder_and_the_brief_are_printed_ahead(tmp_path, monkeypatch):
    """papermill changes the working directory while the kernel runs: the print ahead must not depend on it; and the
    brief, whose cells share the report's record, is printed ahead too (here on the second render, once the record
    holds both documents' cells)."""
    monkeypatch.chdir(tmp_path)
    title = f"Relative {tmp_path.name}"
    _render(Path("out"), "--document", "report,brief", "-p", "title", title)
    output = _render(Path("out"), "--document", "report,brief", "-p", "title", title)
    assert "report: the PDF was printed while the kernel ran" in output, output
    assert "brief: the PDF was printed while the kernel ran" in output, output
    assert (tmp_path / "out" / "brief.pdf").is_file()
