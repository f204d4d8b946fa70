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
