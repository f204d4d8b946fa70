"""``shieldgap render``: papermill executes the report notebook, nbconvert turns it into a
self-contained HTML file, and a headless Chromium (or WeasyPrint) prints that to an A4 PDF — in one
process. Parameters are checked before any kernel starts. Every output is written to a temporary
file first and renamed into place only when all requested outputs succeeded.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .io_utils import default_mode
from .paths import report_notebook, templates_dir

FORMATS = ("html", "pdf")
PDF_ENGINES = ("auto", "chromium", "weasyprint")
CHROMIUM_NAMES = ("chromium-headless-shell", "chrome-headless-shell", "chromium", "chromium-browser",
                  "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                  "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw")


class RenderError(RuntimeError):
    pass


def find_chromium() -> str | None:
    env = os.environ.get("SHIELDGAP_CHROMIUM")
    if env:
        return env if shutil.which(env) or Path(env).is_file() else None
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    for path in ("/usr/lib/chromium/chromium-headless-shell", "/usr/lib/chromium/headless_shell"):
        if Path(path).is_file():
            return path
    return None


def weasyprint_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("weasyprint") is not None


def choose_pdf_engine(requested: str = "auto") -> str:
    if requested == "chromium":
        if not find_chromium():
            raise RenderError("--pdf-engine chromium: no Chromium found (install Debian's chromium-headless-shell, "
                              "or set SHIELDGAP_CHROMIUM)")
        return "chromium"
    if requested == "weasyprint":
        if not weasyprint_available():
            raise RenderError("--pdf-engine weasyprint: WeasyPrint is not installed (pip install shieldgap[pdf])")
        return "weasyprint"
    if find_chromium():
        return "chromium"
    if weasyprint_available():
        return "weasyprint"
    raise RenderError("no PDF engine: install Debian's chromium-headless-shell or WeasyPrint (pip install weasyprint)")


def execute(parameters: dict, notebook: Path | None = None, cwd: Path | None = None):
    """Run the notebook with papermill and return the executed notebook node."""
    import papermill as pm

    nb_path = Path(notebook or report_notebook())
    return pm.execute_notebook(str(nb_path), None, parameters=parameters, progress_bar=False, log_output=False,
                               cwd=str(cwd or nb_path.parent), kernel_name="python3",
                               extra_arguments=["--IPKernelApp.log_level=ERROR"])


def to_html(nb, title: str) -> str:
    from nbconvert import HTMLExporter

    nb.metadata["title"] = title
    exporter = HTMLExporter(extra_template_basedirs=[str(templates_dir())], template_name="shieldgap",
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    html, _ = exporter.from_notebook_node(nb)
    return html


def html_to_pdf(html_path: Path, pdf_path: Path, engine: str) -> None:
    if engine == "chromium":
        chromium = find_chromium()
        with tempfile.TemporaryDirectory(prefix="shieldgap-chromium-") as profile:
            cmd = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}",
                   html_path.resolve().as_uri()]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
            raise RenderError(f"Chromium could not print the PDF (exit {proc.returncode}): "
                              f"{proc.stderr.strip()[-500:]}")
    else:
        from weasyprint import HTML

        HTML(filename=str(html_path)).write_pdf(str(pdf_path))


def render(overrides: dict, formats=("html", "pdf"), out_dir: Path | None = None, pdf_engine: str = "auto",
           notebook: Path | None = None, log=print, data_dir=None) -> dict:
    """Render the report; returns the written paths and timings. Raises ParameterError or RenderError.

    ``data_dir`` (or the ``data_dir`` parameter) names the data directory; it reaches the kernel as
    that notebook parameter, resolved to an absolute path, and is recorded with the other parameters
    in the executed notebook's metadata. Nothing is passed through the environment.
    """
    from .params import validate
    from .paths import data_paths, reports_dir

    t0 = time.perf_counter()
    formats = tuple(formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise RenderError(f"unknown format(s) {', '.join(bad) or '(none)'}; choose from {', '.join(FORMATS)}")
    overrides = dict(overrides)
    if data_dir is not None:
        overrides["data_dir"] = str(data_dir)
    data = overrides.get("data_dir")
    data = data if isinstance(data, str) and data else None  # other types: validate says what is wrong
    if data:
        data = overrides["data_dir"] = str(Path(data).resolve())  # the kernel runs in another directory
    params = validate(overrides, notebook=notebook, paths=data_paths(data))
    engine = choose_pdf_engine(pdf_engine) if "pdf" in formats else None
    out = Path(out_dir or reports_dir())
    out.mkdir(parents=True, exist_ok=True)
    timings = {"validate": time.perf_counter() - t0}

    import nbformat
    from papermill.exceptions import PapermillExecutionError

    t = time.perf_counter()
    try:
        nb = execute(params, notebook)
    except PapermillExecutionError as err:
        raise RenderError(f"the report notebook failed in cell {err.exec_count}: {err.ename}: {err.evalue}") from None
    except Exception as err:  # kernel died or could not start
        raise RenderError(f"the report notebook could not be executed: {type(err).__name__}: {err}") from None
    timings["execute"] = time.perf_counter() - t

    t = time.perf_counter()
    html = to_html(nb, params.get("title", "shieldgap report"))
    timings["html"] = time.perf_counter() - t
    nb.metadata.setdefault("shieldgap", {})["timings"] = {k: round(v, 3) for k, v in timings.items()}

    staged: list[tuple[Path, Path]] = []
    try:
        def stage(name: str) -> Path:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp" + Path(name).suffix, dir=out)
            os.close(fd)
            staged.append((Path(tmp), out / name))
            return Path(tmp)

        nbformat.write(nb, stage("report.ipynb"))
        html_tmp = stage("report.html")
        html_tmp.write_text(html, encoding="utf-8")
        if "pdf" in formats:
            t = time.perf_counter()
            html_to_pdf(html_tmp, stage("report.pdf"), engine)
            timings["pdf"] = time.perf_counter() - t
        written = []
        for tmp, final in staged:
            if final.suffix == ".html" and "html" not in formats:
                continue
            os.chmod(tmp, default_mode())
            os.replace(tmp, final)
            written.append(final)
    finally:
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()
    timings["total"] = time.perf_counter() - t0
    for path in written:
        log(f"wrote {path}")
    return {"paths": written, "timings": timings, "pdf_engine": engine, "params": params}
