"""A repeated render replays its cells (shieldgap.report_cache): what it shows must be exactly what a computed
render shows, and a record that is corrupt, foreign or planted is a miss, never trusted. Also: the HTML
exporter that skips nbconvert's BeautifulSoup pass gives nbconvert's page apart from the tab stops it adds."""
from __future__ import annotations

import json
import pickle
import re

import nbformat
import pytest

from shieldgap import report_cache
from shieldgap.params import spec

pytestmark = pytest.mark.slow

#: The notebook's cells, with the arguments the report notebook gives them.
CALLS = [("header", ()), ("summary", ()), ("source_base", ()), ("figure", ("balance",)), ("comparison", ()),
         ("intro", ("glance",)), ("figure", ("claims_by_theme",)), ("themes_sections", ()), ("appendix_sources", ()),
         ("appendix_problems", ()), ("appendix_method", ()), ("appendix_notes", ())]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """Records go to a private folder."""
    monkeypatch.setattr(report_cache, "_folder", lambda: tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def namespace():
    ns = {name: entry["default"] for name, entry in spec().items()}
    ns.update(detail="brief", n_samples=60)
    return ns


def _show(cells) -> list[str]:
    shown = [str(getattr(cells, name)(*args)) for name, args in CALLS]
    cells.footer()
    return shown


def test_a_replayed_render_shows_exactly_what_a_computed_one_shows(folder, namespace, monkeypatch, capsys):
    first = report_cache.build(dict(namespace))
    computed = _show(first)
    assert not first.replayed and len(list(folder.glob("*.json"))) == 1

    second = report_cache.build(dict(namespace))
    replayed = _show(second)
    assert second.replayed, "the second render with the same inputs must not load the ledger"
    assert replayed == computed

    monkeypatch.setenv("SHIELDGAP_CACHE", "off")
    third = report_cache.build(dict(namespace))
    assert third.key is None and _show(third) == computed and not third.replayed
    capsys.readouterr()


def test_another_parameter_or_changed_data_is_another_key(namespace, data_copy):
    base = report_cache.key(dict(namespace))
    assert report_cache.key({**namespace, "title": "Another title"}) != base
    copied = report_cache.key({**namespace, "data_dir": str(data_copy)})
    claims = data_copy / "claims.csv"
    claims.write_bytes(claims.read_bytes().replace(b"Israel", b"Israe1", 1))
    assert report_cache.key({**namespace, "data_dir": str(data_copy)}) != copied


@pytest.mark.parametrize("content", [
    b"",  # empty
    b"\x00\xff not json",  # binary
    b"[1, 2, 3]",  # JSON, not a record
    json.dumps({"format": "other", "key": "K", "cells": {}, "footer": {}}).encode(),  # another format
    json.dumps({"format": report_cache.FORMAT, "key": "not K", "cells": {}, "footer": {}}).encode(),  # foreign
    json.dumps({"format": report_cache.FORMAT, "key": "K", "cells": {"summary[[], {}]": 3},
                "footer": {}}).encode(),  # a cell that is no text
    pickle.dumps({"format": report_cache.FORMAT, "key": "K"}),  # a pickle is never unpickled
], ids=["empty", "binary", "json-list", "other-format", "foreign-key", "cell-not-text", "pickle"])
def test_a_corrupt_or_foreign_record_is_a_miss(folder, content):
    (folder / "K.json").write_bytes(content)
    assert report_cache.load("K") is None


def test_the_exporter_gives_nbconverts_page_without_the_extra_tab_stops(tmp_path):
    from click.testing import CliRunner
    from nbconvert import HTMLExporter

    from shieldgap.cli import main
    from shieldgap.paths import templates_dir
    from shieldgap.render import take_attachments, to_html

    out = tmp_path / "r"
    result = CliRunner().invoke(main, ["render", "--out", str(out), "--format", "html", "-p", "detail", "brief"])
    assert result.exit_code == 0, result.output
    nb = nbformat.read(out / "report.ipynb", as_version=4)
    take_attachments(nb)
    ours = to_html(nb, "T")
    nb.metadata["title"] = "T"
    theirs, _ = HTMLExporter(extra_template_basedirs=[str(templates_dir())], template_name="shieldgap",
                             exclude_input=True, exclude_input_prompt=True,
                             exclude_output_prompt=True).from_notebook_node(nb)

    def tags(html: str) -> str:
        # BeautifulSoup re-serialises the page: compare the text and each element's attributes, not the bytes
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(html, "html.parser")
        for el in soup.find_all(attrs={"tabindex": True}):
            if "jp-OutputArea-output" in (el.get("class") or []) or "jp-Cell-outputWrapper" in (el.get("class") or []):
                del el["tabindex"]
        return re.sub(r"\s+", " ", str(soup))

    assert tags(ours) == tags(theirs)


def test_the_notebooks_calls_are_read_from_their_code_cells():
    from shieldgap.paths import notebooks_dir

    report = report_cache.notebook_calls(notebooks_dir() / "report.ipynb")
    assert report[0] == ("header", (), {}) and ("figure", ("timeline",), {}) in report
    assert [c[0] for c in report][-1] == "appendix_notes" and "footer" not in [c[0] for c in report]
    brief = report_cache.notebook_calls(notebooks_dir() / "brief.ipynb")
    assert ("summary", (), {"brief": True}) in brief


def test_the_renderer_prepares_the_record_the_kernel_replays(folder, namespace, capsys):
    """prepare() computes, in a thread, every cell the notebook shows and the footer's values; the record equals
    what the cells compute themselves, and the pending mark is gone when it is written."""
    from shieldgap.paths import report_notebook

    params = {**namespace, "title": "Prepared"}
    thread = report_cache.prepare(params, report_notebook())
    assert thread is not None
    thread.join(120)
    k = report_cache.key(params)
    record = report_cache.load(k)
    assert record is not None and record["footer"]["values"] and not list(folder.glob("*.pending"))
    assert report_cache.prepare(params, report_notebook()) is None  # nothing left to do
    replayed = report_cache.build(dict(params))
    assert [str(getattr(replayed, n)(*a, **kw)) for n, a, kw in report_cache.notebook_calls(report_notebook())]
    assert replayed.replayed
    computed = report_cache.Cells(dict(params), None, None)
    for name, args, kwargs in report_cache.notebook_calls(report_notebook()):
        assert str(getattr(computed, name)(*args, **kwargs)) == record["cells"][report_cache._cell_key(name, args,
                                                                                                      kwargs)]
    capsys.readouterr()


def test_a_pending_mark_of_a_dead_renderer_is_not_waited_for(folder, namespace):
    import subprocess
    import sys
    import time

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    k = report_cache.key(dict(namespace))
    (folder / f"{k}.pending").write_text(dead.stdout.strip(), encoding="ascii")
    t = time.monotonic()
    assert report_cache._wait_for(k) is False and time.monotonic() - t < 1


def test_a_render_the_renderer_prepared_equals_one_computed_in_the_kernel(tmp_path, monkeypatch):
    """The same page whether the renderer prepared the cells (cache on, or off: then a record of its own, used
    once and removed) or the kernel computed them (nothing prepared)."""
    from click.testing import CliRunner

    from shieldgap.cli import main

    title = f"Prepared {tmp_path.name}"  # a key no earlier render had
    pages = []
    for run, cache, prepared in (("prepared", "on", True), ("prepared, cache off", "off", True),
                                 ("computed", "off", False)):
        monkeypatch.setenv("SHIELDGAP_CACHE", cache)
        if not prepared:
            monkeypatch.setattr(report_cache, "prepare", lambda *a: None)
        out = tmp_path / run
        before = set(report_cache._folder().glob("*.json"))
        result = CliRunner().invoke(main, ["render", "--out", str(out), "--format", "html", "-p", "title", title])
        assert result.exit_code == 0, result.output
        if cache == "off":
            assert set(report_cache._folder().glob("*.json")) <= before, "a render with the cache off leaves no record"
        pages.append(re.sub(r"<time .*?</time>", "", (out / "report.html").read_text(encoding="utf-8"), flags=re.S))
    assert pages[0] == pages[1] == pages[2]


def test_a_process_with_other_threads_prepares_in_a_thread_not_a_fork(folder, namespace, capsys):
    """A fork copies only the forking thread: from a process whose other threads may hold locks (a Jupyter kernel
    rendering the explorer's view) prepare() uses a thread, and its record is the same."""
    import multiprocessing
    import threading

    from shieldgap.paths import report_notebook

    params = {**namespace, "title": "Prepared in a thread"}
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        worker = report_cache.prepare(params, report_notebook())
    finally:
        stop.set()
        other.join()
    assert isinstance(worker, threading.Thread) and not isinstance(worker, multiprocessing.Process)
    worker.join(120)
    record = report_cache.load(report_cache.key(params))
    assert record is not None and record["footer"]["values"] and not list(folder.glob("*.pending"))
    capsys.readouterr()


def test_the_report_and_the_brief_share_a_record_without_displacing_each_other(folder, namespace, capsys):
    """Rendered with the same parameters, the report and the brief have one key: each adds its own cells to the
    record, and once both have been prepared neither needs anything computed again."""
    from shieldgap.paths import notebooks_dir

    params = {**namespace, "title": "Both documents"}
    report, brief = notebooks_dir() / "report.ipynb", notebooks_dir() / "brief.ipynb"
    for notebook in (report, brief):
        worker = report_cache.prepare(params, notebook)
        assert worker is not None, f"{notebook.name}: its cells are not in the record yet"
        worker.join(120)
    record = report_cache.load(report_cache.key(params))
    assert report_cache.holds(record, report_cache.notebook_calls(report))
    assert report_cache.holds(record, report_cache.notebook_calls(brief))
    assert report_cache.prepare(params, report) is None and report_cache.prepare(params, brief) is None
    replayed = report_cache.build(dict(params))
    for name, args, kwargs in report_cache.notebook_calls(brief) + report_cache.notebook_calls(report):
        getattr(replayed, name)(*args, **kwargs)
    assert replayed.replayed  # nothing was computed
    capsys.readouterr()
