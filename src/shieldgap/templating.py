"""The report's HTML fragments: the Jinja2 environment of ``templates/report/`` and :class:`Html`, what a
notebook cell displays.

Autoescaping is on, so text from an article or the curated data is shown as text, never executed. Compiled
templates are kept in the project's ``.cache/jinja`` (like Python's ``__pycache__``; never in a data
folder). This module imports only Jinja2, so a replayed render (:mod:`shieldgap.report_cache`) needs
neither pandas nor the ledger.
"""
from __future__ import annotations

from functools import cache


class Html:
    """A displayable HTML fragment (Jupyter calls ``_repr_html_``)."""

    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __html__(self) -> str:  # shown as it is inside another template
        return self.html

    def __str__(self) -> str:
        return self.html


def _bytecode_cache():
    """Jinja2's cache of compiled templates in ``.cache/jinja``; None where it cannot be written."""
    import jinja2

    from .paths import cache_dir

    folder = cache_dir() / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


@cache
def environment(folder: str = "report"):
    """The Jinja2 environment of the templates in ``templates/<folder>`` (the report's by default; ``""`` for
    all of ``templates/``, as the charts' ``charts/…`` and the explorer's ``explore/…``), escaping every value
    they show."""
    import jinja2

    from .paths import templates_dir

    return jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir() / folder),
                              bytecode_cache=_bytecode_cache(),
                              autoescape=jinja2.select_autoescape(["html.j2", "html"], default=True),
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              finalize=lambda value: "" if value is None else value)


def present(section: str, **values) -> Html:
    """``values`` rendered by ``templates/report/<section>.html.j2``."""
    return Html(environment().get_template(f"{section}.html.j2").render(**values))
