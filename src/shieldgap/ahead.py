"""The PDF printed ahead: while the kernel runs, Chromium prints the page the render is about to produce, and the
render keeps that PDF only if the kernel's page is the same, byte for byte.

Each code cell of the report notebooks shows one fragment of the report, or nothing;
:func:`shieldgap.report_cache.prepare` computes every fragment while the kernel starts (or finds them recorded by an
earlier render), and the kernel only replays them. So the page is known before the kernel ends: the notebook as
papermill parameterises it, each cell's output the fragment it will show (:func:`shieldgap.report_cache.shown`),
converted by the render's own exporter. Printing takes Chromium most of a second, which would otherwise follow the
kernel; here it runs beside it, at Chromium's lower priority. The footer's render time is the one the renderer
hands its kernel (``report_cache.render_time``). When the kernel's page differs in any byte (a cell that is not a
report fragment, a prediction that failed) the render prints the kernel's page as before: the published PDF is
always the print of the published HTML.
"""
from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path


def predicted_notebook(notebook: Path, params: dict, record: dict, rendered: datetime):
    """The executed notebook of a render of ``notebook`` with ``params`` that replays ``record`` at ``rendered``, as
    far as its page shows it (outputs, cell ids and tags, metadata the template reads), or None where a cell's
    output cannot be told from the record."""
    import nbformat
    from papermill.parameterize import parameterize_notebook

    from .render import name_injected_cell
    from .report_cache import UNKNOWN, shown

    nb = nbformat.read(notebook, as_version=4)  # as papermill loads it (not with papermill's own reader: it changes
    nb.metadata["papermill"] = {}                # the process's working directory, under the kernel's feet)
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb = parameterize_notebook(nb, params)
    name_injected_cell(nb)
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        count += 1
        html = shown(cell.source, record, rendered)
        if html is UNKNOWN:
            return None
        cell.outputs = [] if html is None else [nbformat.v4.new_output(
            "execute_result", data={"text/html": html.html, "text/plain": repr(html)}, execution_count=count)]
    return nb


class PrintAhead:
    """Prints, in a thread, the page a render of ``notebook`` with ``params`` is predicted to produce, into
    ``folder`` (created; the caller removes it). ``worker`` is what ``report_cache.prepare`` returned; ``convert``
    turns an executed notebook into the page (the render's own conversion); ``rendered`` is the render time the
    renderer handed its kernel. :meth:`take` gives the PDF to the render if its page is the one printed."""

    def __init__(self, printer, folder: Path, notebook: Path, params: dict, worker, convert, rendered: datetime):
        self.folder, self.page, self.pdf = Path(folder), None, Path(folder) / f"{Path(notebook).stem}.pdf"
        self.seconds: float | None = None
        self._state, self._lock = "waiting", threading.Lock()  # waiting → printing → done, or waiting → given up
        self._thread = threading.Thread(target=self._run, args=(printer, notebook, params, worker, convert, rendered),
                                        name="shieldgap-print-ahead", daemon=True)
        self._thread.start()

    def _run(self, printer, notebook: Path, params: dict, worker, convert, rendered: datetime) -> None:
        import time

        from .report_cache import prepared

        try:
            record = prepared(params, worker)
            nb = record and predicted_notebook(notebook, params, record, rendered)
            if nb is None:
                return
            t = time.perf_counter()
            page = convert(nb)
            with self._lock:
                if self._state != "waiting":  # the render has its own page already, and prints it itself
                    return
                self._state = "printing"
            self.folder.mkdir(exist_ok=True)
            html = self.folder / f"{Path(notebook).stem}.html"
            html.write_text(page, encoding="utf-8")
            printer.print(html, self.pdf)
            self.page, self.seconds = page, time.perf_counter() - t
        except Exception:  # noqa: BLE001 - the render then prints its own page, and reports any error from there
            self.page = None
        finally:
            with self._lock:
                self._state = "done" if self._state == "printing" else "given up"

    def give_up(self) -> bool:
        """Give the print up unless it has begun; True if it was given up (or has ended) without a PDF to take."""
        with self._lock:
            if self._state == "waiting":
                self._state = "given up"
            return self._state == "given up"

    def take(self, page: str, pdf: Path) -> bool:
        """Wait for a print under way (a print not yet begun is given up); if it was of ``page``, move its PDF to
        ``pdf`` and return True."""
        if self.give_up():
            return False
        self._thread.join()
        if self.page is None or self.page != page:
            return False
        os.replace(self.pdf, pdf)
        return True
