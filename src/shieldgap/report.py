"""The report as the notebook shows it: each section's values presented by its template.

notebooks/report.ipynb calls :func:`build` once and then one method of :class:`Report` per cell. A
method takes its section's plain values from :mod:`shieldgap.sections` or :mod:`shieldgap.appendices`
and renders them with the matching Jinja2 template in ``templates/report/``; autoescaping is on, so
text from an article or the curated data is shown as text, never executed. Figures come from a
:class:`shieldgap.figures.Figures`, which numbers them in document order and draws only those shown.
"""
from __future__ import annotations

import time
from functools import lru_cache

from . import analysis, appendices
from .figures import ARGUMENT_MAP, Figures
from .ledger import load_ledger
from .params import validate
from .sections import Sections


class Html:
    """A displayable HTML fragment (Jupyter calls ``_repr_html_``)."""

    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment of the report's templates (escaping every value they show)."""
    import jinja2

    from .paths import templates_dir

    return jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir() / "report"),
                              autoescape=jinja2.select_autoescape(["html.j2", "html"], default=True),
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              finalize=lambda value: "" if value is None else value)


def present(section: str, **values) -> Html:
    """``values`` rendered by ``templates/report/<section>.html.j2``."""
    return Html(environment().get_template(f"{section}.html.j2").render(**values))


class Report:
    """Everything the report shows, computed once from the ledger and the parameters.

    ``ledger`` defaults to the one in the ``data_dir`` parameter (empty: the project's data/).
    """

    def __init__(self, params: dict, ledger=None):
        self.started = time.perf_counter()
        self.ledger = ledger if ledger is not None else load_ledger(params.get("data_dir") or None)
        self.params = validate(params, ledger={  # the loaded ledger, not a second read of the files
            "themes": dict.fromkeys(self.ledger.themes.index),
            "articles": {aid: a.to_dict() for aid, a in self.ledger.articles.iterrows()},
            "claims": self.ledger.claims.to_dict("records")})
        self.a = analysis.analyse(self.ledger, self.params)
        self.sections = Sections(self.a)
        self.figures = Figures(self.a, self.sections.map_themes)

    # ------------------------------------------------------------------ sections, in document order
    def header(self) -> Html:
        return present("header", **self.sections.header())

    def summary(self) -> Html:
        return present("summary", **self.sections.summary())

    def figure(self, name: str) -> Html:
        """One of the overview figures (``figures.OVERVIEW``)."""
        return present("figure", fig=self.figures.get(name))

    def themes_sections(self) -> Html:
        themes = [{**t, "map": self.figures.get(ARGUMENT_MAP, t["id"]) if t["has_map"] else None}
                  for t in self.sections.themes()]
        return present("themes", themes=themes)

    def new_material(self) -> Html:
        return present("new_material", **appendices.new_material(self.sections))

    def appendix_sources(self) -> Html:
        return present("sources", **appendices.sources(self.sections))

    def appendix_problems(self) -> Html:
        return present("problems", **appendices.problems(self.sections))

    def appendix_method(self) -> Html:
        return present("method", **appendices.method())

    def footer(self) -> Html:
        return present("footer", **appendices.footer(self.sections, time.perf_counter() - self.started))


def build(namespace: dict) -> Report:
    """The report for the parameters found in ``namespace`` (the notebook's globals)."""
    from .params import spec

    return Report({k: namespace[k] for k in spec() if k in namespace})
