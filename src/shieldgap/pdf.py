"""HTML to an A4 PDF: a headless Chromium driven over its DevTools protocol, or WeasyPrint.

The report carries no script and needs nothing from the network, so the printer runs with JavaScript
disabled and every request sent to a proxy that does not exist (loopback included; ``file:`` and ``data:``
need none): an escaping mistake cannot turn into a script or a request. Chromium is Debian's
``chromium-headless-shell`` (or ``SHIELDGAP_CHROMIUM``), driven through a pipe by :mod:`shieldgap.devtools`
(no driver process; no browser is downloaded). :class:`Printer` starts the browser as soon as it is created,
so its start-up overlaps the kernel's work. Its pages are laid out for print media as they load
(``mediaTypeOverride``), so that printing does not restyle the whole page again (the same PDF, page for page, in
about 0.12 s less for the report). The page's own stylesheet (page.css) sets the paper, the margins and the page
numbers, for either engine. The PDF gets a document outline (bookmarks) from the headings, and tags. Without
Chromium, WeasyPrint.
"""
from __future__ import annotations

import base64
import os
import shutil
import tempfile
from pathlib import Path

from .devtools import Browser, DevToolsError

ENGINES = ("auto", "chromium", "weasyprint")
CHROMIUM_NAMES = ("chromium-headless-shell", "chrome-headless-shell", "chromium", "chromium-browser",
                  "google-chrome", "google-chrome-stable")
CHROMIUM_PATHS = ("/usr/lib/chromium/chromium-headless-shell", "/usr/lib/chromium/headless_shell")
BROWSER_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                "--blink-settings=scriptEnabled=false,mediaTypeOverride=print", "--proxy-server=http://127.0.0.1:9",
                "--proxy-bypass-list=<-loopback>")
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
    """Prints HTML files to PDF with one engine; Chromium starts at once, in the background (its profile in a
    private folder under ``workdir``, removed on :meth:`close`). Use as a context manager."""

    def __init__(self, engine: str, workdir: Path | None = None):
        self.engine = engine
        self._browser = self._page = self._profile = None
        self._failure: str | None = None
        if engine == "chromium":
            self._profile = Path(tempfile.mkdtemp(prefix=".shieldgap-chromium-", dir=workdir))
            try:
                self._browser = Browser(find_chromium(), list(BROWSER_ARGS), self._profile)
            except DevToolsError as err:
                self._failure = str(err)

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def print(self, html: Path, pdf: Path) -> None:
        if self.engine == "chromium":
            try:
                self._print_chromium(Path(html), Path(pdf))
            except DevToolsError as err:
                raise PdfError(f"Chromium could not print the PDF: {err}") from None
        else:
            from weasyprint import HTML

            HTML(filename=str(html)).write_pdf(str(pdf))
        if not Path(pdf).is_file() or Path(pdf).stat().st_size == 0:
            raise PdfError(f"{self.engine} wrote no PDF")

    def _print_chromium(self, html: Path, pdf: Path) -> None:
        if self._browser is None:
            raise DevToolsError(self._failure or "no browser")
        b = self._browser
        if self._page is None:
            self._page = b.first_page()
            b.send("Emulation.setScriptExecutionDisabled", {"value": True}, session=self._page)
            b.send("Page.enable", session=self._page)
            b.send("Page.setLifecycleEventsEnabled", {"enabled": True}, session=self._page)
        nav = b.send("Page.navigate", {"url": html.resolve().as_uri()}, session=self._page, timeout=TIMEOUT)
        if nav.get("errorText"):
            raise DevToolsError(f"{html.name}: {nav['errorText']}")
        while True:  # the "load" of this navigation (not of an earlier page)
            ev = b.wait_for("Page.lifecycleEvent", session=self._page, timeout=TIMEOUT)
            if ev.get("name") == "load" and ev.get("loaderId") == nav.get("loaderId"):
                break
        options = {"preferCSSPageSize": True, "printBackground": True, "generateTaggedPDF": True,
                   "generateDocumentOutline": True}  # the page's size, margins and page numbers: page.css's @page
        data = b.send("Page.printToPDF", options, session=self._page, timeout=TIMEOUT)["data"]
        pdf.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None
