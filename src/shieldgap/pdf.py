"""HTML to an A4 PDF: a headless Chromium driven by Playwright, or WeasyPrint.

The report carries no script and needs nothing from the network, so the printer runs with JavaScript
disabled and every request other than ``file:`` and ``data:`` blocked: an escaping mistake cannot turn
into a script or a request. Chromium is Debian's ``chromium-headless-shell`` (or ``SHIELDGAP_CHROMIUM``);
Playwright only drives it (no browser is downloaded). :class:`Printer` starts the browser in a thread
of its own as soon as it is created, so its start-up overlaps the kernel's work; the PDF gets page
numbers in the footer, a document outline (bookmarks) from the headings, and tags.
Without Playwright, the Chromium command line prints the PDF (scripts off, requests sent to a dead
proxy); without Chromium, WeasyPrint.
"""
from __future__ import annotations

import os
import queue
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path

ENGINES = ("auto", "chromium", "weasyprint")
CHROMIUM_NAMES = ("chromium-headless-shell", "chrome-headless-shell", "chromium", "chromium-browser",
                  "google-chrome", "google-chrome-stable")
CHROMIUM_PATHS = ("/usr/lib/chromium/chromium-headless-shell", "/usr/lib/chromium/headless_shell")
BROWSER_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-extensions")
CLI_ARGS = ("--headless", *BROWSER_ARGS, "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
            "--blink-settings=scriptEnabled=false", "--proxy-server=http://127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>")
MARGIN = {"top": "16mm", "right": "15mm", "bottom": "18mm", "left": "15mm"}  # as page.css's @page
FOOTER = ('<div style="font: 8px sans-serif; color: #555; width: 100%; text-align: center;">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
TIMEOUT = 120  # seconds for one PDF


class PdfError(RuntimeError):
    pass


def find_chromium() -> str | None:
    env = os.environ.get("SHIELDGAP_CHROMIUM")
    if env:
        return env if shutil.which(env) or Path(env).is_file() else None
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return next((p for p in CHROMIUM_PATHS if Path(p).is_file()), None)


def _available(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def choose_engine(requested: str = "auto") -> str:
    if requested == "chromium":
        if not find_chromium():
            raise PdfError("--pdf-engine chromium: no Chromium found (install Debian's chromium-headless-shell, "
                           "or set SHIELDGAP_CHROMIUM)")
        return "chromium"
    if requested == "weasyprint":
        if not _available("weasyprint"):
            raise PdfError("--pdf-engine weasyprint: WeasyPrint is not installed (pip install shieldgap[pdf])")
        return "weasyprint"
    if find_chromium():
        return "chromium"
    if _available("weasyprint"):
        return "weasyprint"
    raise PdfError("no PDF engine: install Debian's chromium-headless-shell or WeasyPrint (pip install weasyprint)")


class Printer:
    """Prints HTML files to PDF with one engine; for Chromium with Playwright, the browser starts at once
    in a background thread. Use as a context manager (or call :meth:`close`)."""

    def __init__(self, engine: str):
        self.engine = engine
        self._jobs: queue.Queue = queue.Queue()
        self._thread = None
        if engine == "chromium" and _available("playwright"):
            self._thread = threading.Thread(target=self._serve, args=(find_chromium(),), daemon=True,
                                            name="shieldgap-pdf")
            self._thread.start()

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def print(self, html: Path, pdf: Path) -> None:
        if self._thread is not None:
            done: Future = Future()
            self._jobs.put((Path(html), Path(pdf), done))
            try:
                done.result(timeout=TIMEOUT)
            except TimeoutError:
                raise PdfError(f"Chromium did not print the PDF within {TIMEOUT} s") from None
        elif self.engine == "chromium":
            _print_cli(Path(html), Path(pdf))
        else:
            from weasyprint import HTML

            HTML(filename=str(html)).write_pdf(str(pdf))
        if not Path(pdf).is_file() or Path(pdf).stat().st_size == 0:
            raise PdfError(f"{self.engine} wrote no PDF")

    def close(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def _serve(self, executable: str) -> None:
        """The printing thread: one browser, one context with scripts off and the network blocked."""
        failure: Exception | None = None
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=executable, args=list(BROWSER_ARGS))
                context = browser.new_context(java_script_enabled=False)
                context.route("**/*", lambda route: route.continue_()
                              if route.request.url.startswith(("file:", "data:")) else route.abort())
                page = context.new_page()
                while (job := self._jobs.get()) is not None:
                    html, pdf, done = job
                    try:
                        page.goto(html.resolve().as_uri(), wait_until="load", timeout=TIMEOUT * 1000)
                        page.pdf(path=str(pdf), format="A4", print_background=True, margin=MARGIN,
                                 display_header_footer=True, header_template="<div></div>", footer_template=FOOTER,
                                 outline=True, tagged=True)
                        done.set_result(None)
                    except Exception as exc:  # noqa: BLE001 - handed to the caller
                        done.set_exception(PdfError(f"Chromium could not print the PDF: {exc}"))
                browser.close()
                return
        except Exception as exc:  # noqa: BLE001 - browser could not start: every job gets the reason
            failure = PdfError(f"Chromium could not be started: {' '.join(str(exc).split())[:300]}")
        while True:
            job = self._jobs.get()
            if job is None:
                return
            job[2].set_exception(failure)


def _print_cli(html: Path, pdf: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="shieldgap-chromium-") as profile:
        cmd = [find_chromium(), *CLI_ARGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
               html.resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    if proc.returncode != 0:
        raise PdfError(f"Chromium could not print the PDF (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
