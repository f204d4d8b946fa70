"""The render under stress: concurrent renders into one folder, a render killed mid-way, a hostile page
handed to the PDF printer, and a render repeated with the same inputs. A small notebook with the
report's own parameters cell keeps these fast; the determinism test renders the real report."""
from __future__ import annotations

import http.server
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from shieldgap.paths import report_notebook
from shieldgap.pdf import Printer, find_chromium

pytestmark = pytest.mark.slow

RUN = """
import sys
from shieldgap.render import render
render({{"title": sys.argv[1]}}, ("html", "pdf") if {pdf} else ("html",), sys.argv[2], notebook=sys.argv[3])
"""


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> Path:
    """The report's parameters cell, a pause, and the title as a heading."""
    nb = nbformat.read(report_notebook(), as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    mini = nbformat.v4.new_notebook(metadata=nb.metadata)
    mini.cells = [params, nbformat.v4.new_code_cell("import time; time.sleep(2)"),
                  nbformat.v4.new_code_cell("from IPython.display import HTML, display\n"
                                            "display(HTML(f'<h1>run {title}</h1>'))")]
    path = tmp_path_factory.mktemp("nb") / "mini.ipynb"
    nbformat.write(mini, path)
    return path


def _start(title: str, out: Path, notebook: Path, pdf: bool = True) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", RUN.format(pdf=pdf), title, str(out), str(notebook)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _run_of(out: Path) -> set[str]:
    """The run each output file comes from."""
    runs = {re.search(r"run (\w+)", (out / "report.html").read_text(encoding="utf-8")).group(1)}
    nb = nbformat.read(out / "report.ipynb", as_version=4)
    runs.add(nb.metadata.papermill.parameters["title"])
    if (out / "report.pdf").exists():
        from pypdf import PdfReader

        runs.add(re.search(r"run (\w+)", PdfReader(out / "report.pdf").pages[0].extract_text()).group(1))
    return runs


def test_three_concurrent_renders_leave_one_consistent_set(tmp_path, mini):
    if not find_chromium():
        pytest.skip("no Chromium to print the PDF")
    procs = [_start(title, tmp_path, mini) for title in ("alpha", "beta", "gamma")]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read()
    assert len(_run_of(tmp_path)) == 1
    assert not list(tmp_path.glob(".shieldgap-render-*"))


def test_a_killed_render_leaves_the_previous_set_and_the_next_render_cleans_up(tmp_path, mini):
    assert _start("first", tmp_path, mini, pdf=False).wait(timeout=120) == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if not p.name.startswith(".")}
    victim = _start("killed", tmp_path, mini, pdf=False)
    deadline = time.time() + 60
    while not list(tmp_path.glob(".shieldgap-render-*")) and time.time() < deadline:
        time.sleep(0.05)
    children: list[str] = []
    while not children and time.time() < deadline:  # wait for the kernel, then kill inside its pause
        time.sleep(0.1)
        children = subprocess.run(["pgrep", "-P", str(victim.pid)], capture_output=True, text=True).stdout.split()
    assert children, "the render had started its kernel"
    time.sleep(0.3)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if not p.name.startswith(".")} == before
    deadline = time.time() + 10  # orphans notice their parent is gone
    while time.time() < deadline and any(Path(f"/proc/{pid}").exists() for pid in children):
        time.sleep(0.2)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()], "a child of the killed render lives on"
    assert _start("second", tmp_path, mini, pdf=False).wait(timeout=120) == 0
    assert _run_of(tmp_path) == {"second"}
    assert not list(tmp_path.glob(".shieldgap-render-*"))
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_an_html_only_render_removes_the_pdf_of_an_earlier_run(tmp_path, mini):
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4 from an earlier run")
    assert _start("only", tmp_path, mini, pdf=False).wait(timeout=120) == 0
    assert not (tmp_path / "report.pdf").exists()


def test_the_pdf_printer_runs_no_script_and_sends_no_request(tmp_path):
    if not find_chromium():
        pytest.skip("no Chromium")
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    page = tmp_path / "probe.html"
    page.write_text(f"<html><body><p id='t'>static text</p><img src='http://127.0.0.1:{port}/img.png'>"
                    f"<link rel='stylesheet' href='http://127.0.0.1:{port}/s.css'>"
                    "<script>document.getElementById('t').textContent = 'SCRIPT RAN';"
                    f"fetch('http://127.0.0.1:{port}/fetch')</script></body></html>", encoding="utf-8")
    try:
        with Printer("chromium") as printer:
            printer.print(page, tmp_path / "probe.pdf")
    finally:
        server.shutdown()
    from pypdf import PdfReader

    text = PdfReader(tmp_path / "probe.pdf").pages[0].extract_text()
    assert "static text" in text and "SCRIPT RAN" not in text
    assert hits == []


def test_the_printer_leaves_no_browser_and_no_profile_behind(tmp_path):
    """Chromium and every process it started end with the printer, and its profile folder is removed."""
    if not find_chromium():
        pytest.skip("no Chromium")
    page = tmp_path / "page.html"
    page.write_text("<html><body><h1>Title</h1><p>text</p></body></html>", encoding="utf-8")
    with Printer("chromium", tmp_path) as printer:
        group = printer._browser.proc.pid
        printer.print(page, tmp_path / "page.pdf")
        printer.print(page, tmp_path / "again.pdf")  # one browser serves every document of a render
    assert (tmp_path / "page.pdf").read_bytes().startswith(b"%PDF") and (tmp_path / "again.pdf").stat().st_size
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):  # (a zombie is dead: only a container's init fails to reap it)
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            alive.append(stat.parent.name)
    assert alive == []
    assert not list(tmp_path.glob(".shieldgap-chromium-*"))


def test_a_browser_that_cannot_start_is_one_clear_error(tmp_path, monkeypatch):
    from shieldgap.pdf import PdfError

    monkeypatch.setenv("SHIELDGAP_CHROMIUM", "/bin/false")
    page = tmp_path / "page.html"
    page.write_text("<p>text</p>", encoding="utf-8")
    with Printer("chromium", tmp_path) as printer, pytest.raises(PdfError) as err:
        printer.print(page, tmp_path / "page.pdf")
    assert str(err.value).startswith("Chromium could not print the PDF: ") and "exit status 1" in str(err.value)
    assert not (tmp_path / "page.pdf").exists() and not list(tmp_path.glob(".shieldgap-chromium-*"))


def _strip_time(text: str) -> str:
    """The page without its render time: the HTML's ``sg-when`` span, or the PDF text's "Rendered … analysis"."""
    text = re.sub(r'<span class="sg-when">.*?</span>', "", text, flags=re.S)
    return re.sub(r"Rendered .*? of\s+analysis", "", text, flags=re.S)


def test_rendering_twice_gives_the_same_report(tmp_path):
    from click.testing import CliRunner
    from pypdf import PdfReader

    from shieldgap.cli import main

    outs = []
    for run in ("a", "b"):
        out = tmp_path / run
        result = CliRunner().invoke(main, ["render", "--out", str(out), "--format", "html,pdf", "-p", "detail",
                                           "brief"])
        assert result.exit_code == 0, result.output
        outs.append(out)
    a, b = (_strip_time((o / "report.html").read_text(encoding="utf-8")) for o in outs)
    assert a == b
    pdf_a, pdf_b = ("\n".join(p.extract_text() for p in PdfReader(o / "report.pdf").pages) for o in outs)
    assert _strip_time(pdf_a) == _strip_time(pdf_b)
