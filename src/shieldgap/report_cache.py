"""A render repeated with the same inputs replays the report's cells instead of computing them again.

Each cell of notebooks/report.ipynb (and brief.ipynb) shows one HTML fragment of
:class:`shieldgap.report.Report`; with the same inputs it shows the same fragment. :func:`build`, the
notebooks' first call, keys the render by everything the cells read:

- every file of the data directory, by content (the curated ledger, the articles, suggested candidates);
- the parameters as given, and the content of the previous manifest (the "what changed" section);
- shieldgap's own code and templates, and the versions of the libraries that compute and draw.

It looks the key up in the project's ``.cache/report/`` (never in a data folder, which may come from
someone else). On a hit, :class:`Cells` replays each cell's fragment from that JSON record without
importing pandas or loading the ledger; on a miss it computes the :class:`~shieldgap.report.Report` as
before, records each fragment it shows, and writes the record (atomically) when the footer - the last
cell - is shown. The footer's render time is always the present run's (:func:`render_time`). A record that
cannot be read, or that is not one this program wrote for this key, is a miss; ``SHIELDGAP_CACHE=off``
turns the cache off: nothing an earlier render computed is reused (but see :func:`prepare`).

On a miss the work need not wait for the kernel: ``shieldgap render`` calls :func:`prepare`, which computes
the record in a process forked from the renderer while papermill starts the kernel (a second core's worth
of work that would otherwise follow the start-up). It marks the key as pending; :func:`build` in the kernel
waits for that mark to go and then replays the record, or computes the cells itself if the record did not
come (an error, a killed renderer: a mark whose process is gone is ignored).
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from .templating import Html, present

FORMAT = "shieldgap-report-cells/1"
KEEP = 40  # records kept in .cache/report/, newest first
#: The Report methods a notebook cell shows (each returns an Html fragment); the footer is :meth:`Cells.footer`.
CELLS = ("header", "summary", "source_base", "comparison", "intro", "figure", "themes_sections", "new_material",
         "changes", "appendix_sources", "appendix_problems", "appendix_method", "appendix_notes")
#: Libraries whose version can change what a cell shows.
LIBRARIES = ("pandas", "numpy", "jinja2", "pandera")
MAX_FILE = 64 * 1024 * 1024  # a data file larger than this is keyed by size and time, not content


def enabled() -> bool:
    """False when ``SHIELDGAP_CACHE`` is ``off`` (or ``0``/``no``): every render then computes everything."""
    return os.environ.get("SHIELDGAP_CACHE", "").strip().lower() not in ("off", "0", "no", "false")


def _tree(h, root: Path, skip=("__pycache__",)) -> None:
    """Feed every regular file under ``root`` (path and content) to ``h``, in a stable order."""
    if not root.is_dir():
        h.update(b"<missing>" + str(root).encode())
        return
    for path in sorted(root.rglob("*")):
        if any(part in skip for part in path.parts) or path.is_symlink() or not path.is_file():
            continue
        st = path.stat()
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(path.read_bytes() if st.st_size <= MAX_FILE else f"{st.st_size}:{st.st_mtime_ns}".encode())
        h.update(b"\0")


@functools.cache
def code_fingerprint() -> str:
    """A hash of the package's code and templates and of the versions of the libraries that compute and draw
    (once per process): a cached result made by other code is never reused."""
    from importlib import metadata

    from . import __version__

    h = hashlib.sha256()
    _tree(h, Path(__file__).resolve().parent)
    for lib in LIBRARIES:
        try:
            h.update(f"{lib} {metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(lib.encode())
    h.update(__version__.encode())
    return h.hexdigest()


def key(params: dict) -> str:
    """The key of a render with ``params`` (as given to the notebook): see the module docstring."""
    from .paths import data_paths

    h = hashlib.sha256(FORMAT.encode())
    h.update(json.dumps(params, sort_keys=True, default=repr).encode())
    _tree(h, data_paths(params.get("data_dir") or None).data)
    previous = params.get("previous_manifest")
    if previous and Path(previous).is_file():
        h.update(Path(previous).read_bytes())
    h.update(code_fingerprint().encode())
    return h.hexdigest()


def _folder() -> Path:
    from .paths import cache_dir

    return cache_dir() / "report"


def load(k: str) -> dict | None:
    """The record written for key ``k``, or None (absent, unreadable, or not this program's)."""
    from .io_utils import load_record

    rec = load_record(_folder() / f"{k}.json", FORMAT)
    ok = (rec is not None and rec.get("key") == k and isinstance(rec.get("cells"), dict)
          and all(isinstance(v, str) for v in rec["cells"].values()) and isinstance(rec.get("footer"), dict))
    return rec if ok else None


def save(k: str, cells: dict, footer: dict) -> None:
    """Write the record for ``k`` (atomically; a failure only costs the next render its replay), keeping the cells
    an earlier record for ``k`` holds: the report and the brief, rendered with the same parameters, share a key
    and each shows its own cells."""
    from .io_utils import save_record

    earlier = load(k)
    cells = {**(earlier["cells"] if earlier else {}), **cells}
    save_record(_folder() / f"{k}.json", {"format": FORMAT, "key": k, "cells": cells, "footer": footer}, KEEP)


def holds(record: dict | None, calls) -> bool:
    """Whether ``record`` holds every cell of ``calls`` (:func:`notebook_calls`)."""
    return record is not None and all(_cell_key(*call) in record["cells"] for call in calls)


def _cell_key(name: str, args: tuple, kwargs: dict) -> str:
    return f"{name}{json.dumps([list(args), kwargs], sort_keys=True, default=repr)}"


class Cells:
    """What the notebook's cells call (``R.summary()``, ``R.figure("balance")``, ``R.footer()``…): each fragment
    replayed from ``record`` when it holds it, else computed by the :class:`~shieldgap.report.Report` (made on
    first need) and recorded. Any other attribute is the Report's."""

    def __init__(self, params: dict, k: str | None, record: dict | None):
        self.params, self.key = params, k
        self._record = record or {"cells": {}, "footer": None}
        self._shown: dict[str, str] = {}
        self._report = None

    @property
    def report(self):
        """The computed report (loads the ledger and runs the analysis on first use)."""
        if self._report is None:
            from .report import Report

            self._report = Report(self.params)
        return self._report

    @property
    def replayed(self) -> bool:
        return self._report is None

    def __getattr__(self, name: str):
        if name not in CELLS:
            return getattr(self.report, name)

        def cell(*args, **kwargs) -> Html:
            ck = _cell_key(name, args, kwargs)
            html = self._record["cells"].get(ck)
            if html is None:
                html = getattr(self.report, name)(*args, **kwargs).html
            self._shown[ck] = html
            return Html(html)

        cell.__name__ = name
        return cell

    def save_record(self) -> None:
        """Write the record of the cells shown so far and the footer's values (what :func:`prepare` computes)."""
        stored = {"attachments": self.report.attachments(), "values": self.report.footer_values()}
        save(self.key, self._shown, stored)

    def footer(self) -> Html:
        """The reproducibility footer (its render time this run's), after handing the render the
        manifest and the claims annex (see :meth:`shieldgap.report.Report.footer`)."""
        from IPython.display import display

        stored = self._record.get("footer")
        if stored is None:
            stored = {"attachments": self.report.attachments(), "values": self.report.footer_values()}
        display(stored["attachments"], raw=True)
        html = footer_html(stored, render_time())
        if self._report is not None and self.key:
            save(self.key, self._shown, stored)
        return html


RENDERED_AT = "SHIELDGAP_RENDERED_AT"  #: the environment variable that hands the kernel its renderer's render time


def render_time() -> datetime:
    """When this render happens, as its footer says: the time ``shieldgap render`` chose and handed the kernel
    (:data:`RENDERED_AT`), so that the page it predicts (:mod:`shieldgap.ahead`) and the kernel's say the same;
    otherwise (papermill run by hand, a value that is not a time) now."""
    try:
        given = datetime.fromisoformat(os.environ[RENDERED_AT])
    except (KeyError, ValueError):
        return datetime.now(UTC)
    return given if given.tzinfo else datetime.now(UTC)


def footer_html(stored: dict, rendered: datetime) -> Html:
    """The footer of a render at ``rendered`` from its recorded values (a record's ``footer``)."""
    return present("footer", **stored["values"], rendered=rendered)


def build(namespace: dict) -> Cells:
    """The report for the parameters found in ``namespace`` (the notebook's globals)."""
    from .params import spec

    params = {k: namespace[k] for k in spec() if k in namespace}
    k = record_key(params, renderer=os.getppid())  # with the cache off: the record its renderer prepared for it
    _wait_for(k)  # while the renderer prepares it (perhaps adding this notebook's cells to a record of the other's)
    return Cells(params, k if enabled() else None, load(k))


# ---------------------------------------------------------------------------------------------- prepare
WAIT_SECONDS = 300  # the longest a kernel waits for the renderer's record


def notebook_calls(notebook: Path) -> list[tuple[str, tuple, dict]]:
    """The cells a notebook shows, in order: each ``R.<cell>(<literal arguments>)`` of its code cells."""
    import ast

    calls = []
    for cell in json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        calls += [call for node in ast.walk(tree) if (call := _call(node)) and call[0] != "footer"]
    return calls


def _call(node) -> tuple[str, tuple, dict] | None:
    """``R.<cell>(<literal arguments>)`` as (name, args, kwargs), or None if ``node`` is not such a call."""
    import ast

    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "R"
            and node.func.attr in (*CELLS, "footer")):
        return None
    try:
        return (node.func.attr, tuple(ast.literal_eval(a) for a in node.args),
                {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords})
    except ValueError:
        return None


UNKNOWN = object()  #: what :func:`shown` returns for a cell whose output it cannot tell


def shown(source: str, record: dict, rendered: datetime):
    """What a code cell of the report notebooks shows when its render replays ``record`` at ``rendered``: the
    fragment (an :class:`Html`) when the cell ends in ``R.<cell>(<literal arguments>)``, None when it ends in a
    statement that shows nothing (an assignment, an import), :data:`UNKNOWN` otherwise (any other expression, or a
    fragment the record does not hold). Nothing is computed: this only reads the record."""
    import ast

    quiet = (ast.Assign, ast.AnnAssign, ast.Import, ast.ImportFrom)  # statements that show nothing
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return UNKNOWN
    if any(not isinstance(statement, quiet) for statement in body[:-1]):
        return UNKNOWN
    if not body or isinstance(body[-1], quiet):
        return None
    call = _call(body[-1].value) if isinstance(body[-1], ast.Expr) else None
    if call is None:
        return UNKNOWN
    if call[0] == "footer":
        return footer_html(record["footer"], rendered) if not call[1] and not call[2] else UNKNOWN
    html = record["cells"].get(_cell_key(*call))
    return UNKNOWN if html is None else Html(html)


def _pending(k: str) -> Path:
    return _folder() / f"{k}.pending"


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, dead but not yet reaped by its parent, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def record_key(params: dict, renderer: int | None = None) -> str:
    """The key of the record a render with ``params`` uses: its cache key, or, with the cache off, the key of the
    record prepared for one renderer alone (see :func:`prepare`): this process, or the process ``renderer`` (a
    kernel names its parent)."""
    return key(params) if enabled() else f"{key(params)}-{renderer or os.getpid()}"


def prepared(params: dict, worker=None, timeout: float = WAIT_SECONDS) -> dict | None:
    """The record a render with ``params`` will replay, once ``worker`` (what :func:`prepare` returned) is done (or
    after ``timeout`` seconds); None if there is none. A record is written whole or not at all, so one that loads is
    complete."""
    if worker is not None:
        worker.join(timeout)
    return load(record_key(params))


def discard(params: dict) -> None:
    """Remove the record prepared for this renderer alone (cache off), once its kernel has replayed it."""
    if not enabled():
        (_folder() / f"{record_key(params)}.json").unlink(missing_ok=True)


def _wait_for(k: str) -> bool:
    """Wait while another process of this machine prepares the record of ``k``; True if it was prepared."""
    mark, waited, t0 = _pending(k), False, time.monotonic()
    while time.monotonic() - t0 < WAIT_SECONDS:
        try:
            pid = int(mark.read_text(encoding="ascii").strip() or 0)
        except (OSError, ValueError):
            return waited
        if not _alive(pid):
            return waited
        waited = True
        time.sleep(0.02)
    return False


def _end_with(parent: int) -> None:
    """In a forked worker: be killed when the renderer ends, even by SIGKILL (Linux), and end now if it has."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(0)


def prepare(params: dict, notebook: Path):
    """Start computing the record of a render of ``notebook`` with ``params`` (the full parameter set papermill
    injects) in a process forked from this one (a thread where fork is not available, or where this process has
    other threads); returns it (``join()`` waits for it), or None when a record holds all the notebook's cells.
    A process of its own, not a thread, where it can: its work would otherwise hold the interpreter lock that
    papermill needs to start the kernel. With the cache off, nothing earlier is reused, but the work is still done
    while the kernel starts: the record is this renderer's alone (its key ends in the renderer's process id, the
    parent process of the kernel it starts), and the renderer removes it (:func:`discard`) when its kernel is
    done."""
    import multiprocessing
    import threading

    k = record_key(params)
    calls = notebook_calls(notebook)
    if enabled() and holds(load(k), calls):
        return None
    mark = _pending(k)
    try:
        mark.parent.mkdir(parents=True, exist_ok=True)
        for stale in mark.parent.glob("*.pending"):  # left by a renderer that was killed
            try:
                if not _alive(int(stale.read_text(encoding="ascii").strip() or 0)):
                    stale.unlink(missing_ok=True)
            except (OSError, ValueError):
                stale.unlink(missing_ok=True)
        for own in mark.parent.glob("*-*.json"):  # a record prepared for a renderer that was killed before discard()
            pid = own.stem.rpartition("-")[2]
            if pid.isdigit() and not _alive(int(pid)):
                own.unlink(missing_ok=True)
    except OSError:
        return None

    parent = os.getpid()

    def fill():
        try:
            if os.getpid() != parent:
                _end_with(parent)
            cells = Cells(params, k, None)
            for name, args, kwargs in calls:
                getattr(cells, name)(*args, **kwargs)
            cells.save_record()
        except Exception:  # noqa: BLE001 - the kernel computes the cells itself and reports the error there
            pass
        finally:
            mark.unlink(missing_ok=True)

    # a fork only from a process with no other thread: a process forked while another thread holds a lock (a Jupyter
    # kernel's output threads, when the explorer renders its view) could wait for it forever
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        worker = multiprocessing.get_context("fork").Process(target=fill, name="shieldgap-prepare", daemon=True)
    else:
        worker = threading.Thread(target=fill, name="shieldgap-prepare", daemon=True)
    worker.start()
    try:  # names the process the kernel waits for (a mark naming a process that ended is ignored)
        mark.write_text(str(getattr(worker, "pid", None) or os.getpid()), encoding="ascii")
    except OSError:
        pass
    return worker
