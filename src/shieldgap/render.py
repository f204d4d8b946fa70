"""``shieldgap render``: papermill executes the report (and the brief) notebook, nbconvert turns each into a
self-contained HTML file, and :mod:`shieldgap.pdf` prints that to an A4 PDF — in one process.

Parameters are checked before any kernel starts; the PDF printer starts while the kernel works, and prints the
page the kernel is about to produce as soon as it is known (:mod:`shieldgap.ahead`; kept only if the kernel's page
is the same, byte for byte). The render time every footer shows is chosen here and handed to the kernel. Every
output is staged in a private folder inside the output folder and published together: under an
exclusive lock on ``<out>/.shieldgap.lock`` each file is renamed into place, so concurrent renders into
one folder leave one complete set from a single run, never a mix, and a render that fails or is killed
leaves the previous set as it was (its staging folder is removed by the next render). Outputs of a
document that this render does not produce in a requested format (a PDF when only HTML was asked for)
are removed, so the folder never holds files from two runs. Each report render also writes
``manifest.json`` (fingerprint, claims with content hashes, standings, ranking) and the claims annex.
"""
from __future__ import annotations

import fcntl
import functools
import os
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from .io_utils import default_mode
from .paths import notebooks_dir, templates_dir
from .pdf import PdfError, Printer, choose_engine, find_chromium  # noqa: F401 - find_chromium for callers

FORMATS = ("html", "pdf")
DOCUMENTS = ("report", "brief")
PDF_ENGINES = ("auto", "chromium", "weasyprint")
MANIFEST = "manifest.json"
MANIFEST_MIME = "application/vnd.shieldgap.manifest+json"
ANNEX_MIME = "text/vnd.shieldgap.claims+csv"
ANNEX = "ledger-claims.csv"
LOCK = ".shieldgap.lock"
STAGING_PREFIX = ".shieldgap-render-"


class RenderError(RuntimeError):
    pass


def notebook_of(document: str) -> Path:
    return notebooks_dir() / f"{document}.ipynb"


def execute(parameters: dict, notebook: Path):
    """Run a notebook with papermill and return the executed notebook node. The kernel keeps no command
    history, and is stopped at once when the last cell is done (its work is in the notebook by then)."""
    import papermill as pm

    return pm.execute_notebook(str(notebook), None, parameters=parameters, progress_bar=False, log_output=False,
                               cwd=str(notebook.parent), kernel_name="python3",
                               extra_arguments=["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"],
                               shutdown_kernel="immediate", kernel_manager_class=_kernel_manager_class())


@functools.lru_cache(maxsize=1)
def _kernel_manager_class():
    """jupyter_client's kernel manager, except that after killing the kernel it waits for the process to end
    in steps of 5 ms instead of 100 ms (its own wait sleeps a tenth of a second before it looks again, while a
    killed kernel is gone in a few milliseconds)."""
    import asyncio

    from jupyter_client.manager import AsyncKernelManager

    class KernelManager(AsyncKernelManager):
        async def _async_kill_kernel(self, restart: bool = False) -> None:
            if self.has_kernel:
                await self.provisioner.kill(restart=restart)
                process = getattr(self.provisioner, "process", None)
                for _ in range(1000):  # at most 5 s, as jupyter_client's own wait
                    if process is None or process.poll() is not None:
                        break
                    await asyncio.sleep(0.005)
                await super()._async_kill_kernel(restart=restart)  # reaps the process (now without a wait)

    return KernelManager


def to_html(nb, title: str) -> str:
    """The page of an executed notebook (one conversion at a time: the exporter is shared, and not thread-safe)."""
    with _converting:
        nb.metadata["title"] = title
        html, _ = _exporter().from_notebook_node(nb)
    return html


_converting = threading.Lock()


def name_injected_cell(nb) -> None:
    """Give papermill's injected parameters cell a fixed id (papermill gives it a random one), so that the same
    inputs give the same page."""
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"


def warm_up_html() -> None:
    """Import nbconvert and compile the report's page template (about a quarter of a second), so that the HTML
    step that follows the kernel does not wait for it; :func:`render` runs this in a thread while the kernel
    starts, when this process only waits."""
    import nbformat

    to_html(nbformat.v4.new_notebook(), "")


@functools.lru_cache(maxsize=1)
def _exporter():
    return _exporter_class()(extra_template_basedirs=[str(templates_dir())], template_name="shieldgap",
                             exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)


@functools.lru_cache(maxsize=1)
def _exporter_class():
    """nbconvert's HTMLExporter without its last step, which parses the whole page again with BeautifulSoup
    (a third of the conversion's time for the report) only to give images without a text alternative a
    placeholder one and to make every cell's output a tab stop. The report's figures carry their own text
    alternative, and its scrollable regions are tab stops of their own (templates/report); a tab stop on every
    section would only lengthen a keyboard reader's way through the page. Everything else is nbconvert's."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            lang = nb.metadata.get("language_info", {})
            self.register_filter("highlight_code", self.filters.get("highlight_code", Highlight2HTML(
                pygments_lexer=lang.get("pygments_lexer", lang.get("name")), parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter


def take_attachments(nb) -> dict:
    """The files the report notebook hands over as display outputs that no page shows ({mimetype: data}),
    moved out of the cell outputs; the manifest is also kept in the notebook's metadata."""
    found = {}
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        for out in [o for o in outputs if {MANIFEST_MIME, ANNEX_MIME} & set(o.get("data", {}))]:
            found.update({k: v for k, v in out["data"].items() if k in (MANIFEST_MIME, ANNEX_MIME)})
            outputs.remove(out)
    if MANIFEST_MIME in found:
        found[MANIFEST_MIME] = dict(found[MANIFEST_MIME])
        nb.metadata.setdefault("shieldgap", {})["manifest"] = found[MANIFEST_MIME]
    return found


@contextmanager
def _locked(out: Path):
    """Exclusive lock on the output folder, held while files are published or stale staging is removed."""
    with open(out / LOCK, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_stale_staging(out: Path) -> None:
    """Remove staging folders of renders that no longer run (killed, or crashed before cleaning up)."""
    for d in out.glob(f"{STAGING_PREFIX}*"):
        try:
            pid = int(d.name[len(STAGING_PREFIX):].split("-")[0])
            if pid == os.getpid():
                continue
            os.kill(pid, 0)  # raises if no such process: then the folder is stale
            continue
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except (ValueError, PermissionError):
            continue


def render(overrides: dict, formats=("html", "pdf"), out_dir: Path | None = None, pdf_engine: str = "auto",
           notebook: Path | None = None, log=print, data_dir=None, documents=("report",),
           since: Path | None = None) -> dict:
    """Render ``documents`` in ``formats``; returns the written paths and timings.

    ``data_dir`` (or the ``data_dir`` parameter) names the data directory; it reaches the kernel as that
    notebook parameter, resolved to an absolute path, and is recorded with the other parameters in the
    executed notebook's metadata. ``since`` names a previous ``manifest.json`` to compare with (default:
    the one in the output folder). ``notebook`` replaces the report notebook (tests). Raises
    :class:`shieldgap.params.ParameterError` or :class:`RenderError`.
    """
    from .params import ParameterError, validate
    from .paths import data_paths, reports_dir

    t0 = time.perf_counter()
    formats, documents = tuple(formats), tuple(documents)
    for name, given, known in (("format", formats, FORMATS), ("document", documents, DOCUMENTS)):
        bad = [f for f in given if f not in known]
        if bad or not given:
            raise ParameterError(f"unknown {name}(s) {', '.join(bad) or '(none)'}; choose from {', '.join(known)}")
    out = Path(out_dir or reports_dir())
    notebooks = {d: Path(notebook) if notebook and d == "report" else notebook_of(d) for d in documents}
    overrides = dict(overrides)
    if data_dir is not None:
        overrides["data_dir"] = str(data_dir)
    data = overrides.get("data_dir")
    if isinstance(data, str) and data:
        overrides["data_dir"] = str(Path(data).resolve())  # the kernel runs in another directory
    previous = Path(since) if since else out / MANIFEST
    if since and not previous.is_file():
        raise ParameterError(f"--since {since}: no such manifest file")
    params = {}
    for doc, nb_path in notebooks.items():
        extra = {"previous_manifest": str(previous.resolve())} if previous.is_file() else {}
        declared = set(_declared(nb_path))
        params[doc] = validate({**overrides, **{k: v for k, v in extra.items() if k in declared}},
                               notebook=nb_path, paths=data_paths(params_data(overrides)))
    try:
        engine = choose_engine(pdf_engine) if "pdf" in formats else None
    except PdfError as err:
        raise RenderError(str(err)) from None
    out.mkdir(parents=True, exist_ok=True)
    timings = {"validate": time.perf_counter() - t0}

    # absolute: papermill changes the working directory while the kernel runs, and the print ahead works meanwhile
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out)).resolve()
    try:
        with Printer(engine, staging) if engine else _no_printer() as printer:
            staged = _produce(params, notebooks, formats, staging, printer, timings, log)
        with _locked(out):
            _remove_stale_staging(out)
            written = _publish(staged, out, documents, formats)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    timings["total"] = time.perf_counter() - t0
    for path in written:
        log(f"wrote {path}")
    return {"paths": written, "timings": timings, "pdf_engine": engine, "params": params.get("report") or
            next(iter(params.values()))}


def params_data(overrides: dict):
    data = overrides.get("data_dir")
    return data if isinstance(data, str) and data else None


def _declared(nb_path: Path) -> list[str]:
    from .params import spec

    return list(spec(nb_path))


@contextmanager
def _no_printer():
    yield None


@contextmanager
def _kernel_environment(values: dict[str, str]):
    """``values`` in the environment a kernel started now inherits, and only while it starts and runs."""
    before = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _produce(params: dict, notebooks: dict, formats, staging: Path, printer, timings: dict,
             log=print) -> dict[str, Path]:
    """Execute, convert and print every document into ``staging``; {final name: staged file}."""
    from .report_cache import RENDERED_AT, discard, prepare

    staged: dict[str, Path] = {}
    warming = None
    rendered = datetime.now(UTC)  # the render time every document's footer shows
    for doc, nb_path in notebooks.items():
        p = params[doc]
        title = p.get("title", "shieldgap report")
        log(f"{doc}: running {nb_path.name} ...")
        t = time.perf_counter()
        preparing = prepare(p, nb_path)  # the cells' work, in a forked process while the kernel starts
        import nbformat  # after the fork, which needs neither: it starts a quarter of a second sooner
        from papermill.exceptions import PapermillExecutionError

        if warming is None:  # after the fork (a process forked while a thread imports would deadlock) and after
            # papermill's import (the two imports would take turns with the interpreter lock)
            warming = threading.Thread(target=warm_up_html, name="shieldgap-warm-up-html", daemon=True)
            warming.start()
        ahead = None
        if printer is not None and printer.engine == "chromium":  # out of this process: it does not slow the kernel's
            from .ahead import PrintAhead

            ahead = PrintAhead(printer, staging / "ahead", nb_path, p, preparing,
                               functools.partial(to_html, title=title), rendered)
        nb = None
        try:
            with _kernel_environment({RENDERED_AT: rendered.isoformat()}):
                nb = execute(p, nb_path)
        except PapermillExecutionError as err:
            raise RenderError(f"the {doc} notebook failed in cell {err.exec_count}: {err.ename}: "
                              f"{' '.join(str(err.evalue).split())}") from None
        except Exception as err:  # noqa: BLE001 - the kernel died or could not start
            raise RenderError(f"the {doc} notebook could not be executed: {type(err).__name__}: {err}") from None
        finally:
            if preparing is not None:
                preparing.join(timeout=60)
            discard(p)
            if ahead is not None and nb is None:  # the kernel failed: no page to print
                ahead.give_up()
        timings[f"execute {doc}" if doc != "report" else "execute"] = time.perf_counter() - t
        name_injected_cell(nb)
        attached = take_attachments(nb)
        t = time.perf_counter()
        warming.join()
        html = to_html(nb, title)
        timings[f"html {doc}" if doc != "report" else "html"] = time.perf_counter() - t
        nb.metadata.setdefault("shieldgap", {})["timings"] = {k: round(v, 3) for k, v in timings.items()}
        nbformat.write(nb, staging / f"{doc}.ipynb")
        (staging / f"{doc}.html").write_text(html, encoding="utf-8")
        staged[f"{doc}.ipynb"] = staging / f"{doc}.ipynb"
        staged[f"{doc}.html"] = staging / f"{doc}.html"
        if MANIFEST_MIME in attached:
            import json

            (staging / MANIFEST).write_text(json.dumps(attached[MANIFEST_MIME], ensure_ascii=False, indent=1,
                                                       sort_keys=True), encoding="utf-8")
            staged[MANIFEST] = staging / MANIFEST
        if ANNEX_MIME in attached:
            (staging / ANNEX).write_text(attached[ANNEX_MIME], encoding="utf-8")
            staged[ANNEX] = staging / ANNEX
        if printer is not None:
            t = time.perf_counter()
            if ahead is not None and ahead.take(html, staging / f"{doc}.pdf"):
                log(f"{doc}: the PDF was printed while the kernel ran, from this very page")
                timings[f"pdf ahead {doc}" if doc != "report" else "pdf ahead"] = ahead.seconds
            else:
                log(f"{doc}: printing the PDF ...")
                try:
                    printer.print(staging / f"{doc}.html", staging / f"{doc}.pdf")
                except PdfError as err:
                    raise RenderError(str(err)) from None
            timings[f"pdf {doc}" if doc != "report" else "pdf"] = time.perf_counter() - t
            staged[f"{doc}.pdf"] = staging / f"{doc}.pdf"
    return staged


def _publish(staged: dict[str, Path], out: Path, documents, formats) -> list[Path]:
    """Rename the staged files into ``out`` (the caller holds the lock); remove a rendered document's
    outputs in formats not produced this time, so no file from an earlier run sits beside the new ones."""
    written = []
    for name, tmp in staged.items():
        if name.endswith(".html") and "html" not in formats:
            continue
        os.chmod(tmp, default_mode())
        os.replace(tmp, out / name)
        written.append(out / name)
    for doc in documents:
        for fmt in FORMATS:
            stale = out / f"{doc}.{fmt}"
            if fmt not in formats and stale.exists() and stale not in written:
                stale.unlink()
    return written
