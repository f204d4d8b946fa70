"""The report as the notebook shows it: each section's values presented by its template.

notebooks/report.ipynb calls :func:`build` once and then one method of :class:`Report` per cell. A
method takes its section's plain values from :mod:`shieldgap.sections` or :mod:`shieldgap.appendices`
and renders them with the matching Jinja2 template in ``templates/report/``; autoescaping is on, so
text from an article or the curated data is shown as text, never executed. Figures come from a
:class:`shieldgap.figures.Figures`, which numbers them in document order and draws only those shown.
Likewise the numbered sections are known at construction: :attr:`Report.outline` lists them in the
order the notebook shows them (``OUTLINE``; tests/test_report_outline.py checks the notebook against
it), the header's contents list presents it, and each section is shown under its anchor and number.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import analysis, appendices, changes, comparison
from .figures import ARGUMENT_MAP, Figures
from .ledger import load_ledger
from .params import validate
from .sections import Sections
from .templating import Html, present  # noqa: F401 - Html: part of this module's interface


@dataclass(frozen=True)
class Entry:
    """One numbered section of the report (or a theme within one): what the contents list shows."""

    number: str  # "1", "4.2", or an appendix letter
    title: str
    anchor: str  # the id of its element in the document
    cell: str = ""  # the notebook cell's call that shows it (top-level sections only)
    children: tuple = ()


#: The report's sections in notebook order: (the notebook cell's call, anchor, number or None to count, title).
OUTLINE = (
    ('summary()', "summary", None, "Executive summary"),
    ('source_base()', "source-base", None, "The source base"),
    ('comparison()', "comparison", None, "Israel and Ukraine, factor by factor"),
    ('intro("glance")', "glance", None, "The arguments at a glance"),
    ('intro("themes")', "themes", None, "The arguments theme by theme"),
    ('new_material()', "new-material", None, "New material"),
    ('changes()', "changes", None, "What changed since the last render"),
    ('appendix_sources()', "appendix-a", "A", "Appendix A. Sources"),
    ('appendix_problems()', "appendix-b", "B", "Appendix B. Problems in the sources"),
    ('appendix_method()', "appendix-c", "C", "Appendix C. Methodology"),
    ('appendix_notes()', "appendix-d", "D", "Appendix D. Analyst notes"),
    ('footer()', "reproducibility", "", "Reproducibility"),
)


def outline(themes: list[tuple[str, str]], absent: tuple[str, ...] = ()) -> list[Entry]:
    """The numbered sections (``OUTLINE``) but those ``absent`` (anchors of sections with nothing to show),
    with the theme sections (id, label) under "themes"."""
    entries, n = [], 0
    for cell, anchor, number, title in OUTLINE:
        if anchor in absent:
            continue
        if number is None:
            n += 1
            number = str(n)
        children = tuple(Entry(f"{number}.{k}", label, f"theme-{tid}") for k, (tid, label) in
                         enumerate(themes, start=1)) if anchor == "themes" else ()
        entries.append(Entry(number, title, anchor, cell, children))
    return entries


class Report:
    """Everything the report shows, computed once from the ledger and the parameters.

    ``ledger`` defaults to the one in the ``data_dir`` parameter (empty: the project's data/).
    """

    def __init__(self, params: dict, ledger=None):
        self.ledger = ledger if ledger is not None else load_ledger(params.get("data_dir") or None, reuse_verified=True)
        self.params = validate(params, ledger={  # the loaded ledger, not a second read of the files
            "themes": dict.fromkeys(self.ledger.themes.index),
            "articles": {aid: a.to_dict() for aid, a in self.ledger.articles.iterrows()},
            "claims": self.ledger.claims.to_dict("records")})
        self.a = analysis.analyse(self.ledger, self.params)
        self.sections = Sections(self.a)
        self.figures = Figures(self.a, self.sections.map_themes)
        labels = self.ledger.themes["label"].to_dict()
        from .newmaterial import uncurated_articles

        absent = () if len(uncurated_articles(self.ledger)) else ("new-material",)  # the section shows nothing
        if not self.params.get("previous_manifest"):
            absent += ("changes",)
        self.outline = outline([(t, str(labels.get(t, t))) for t in self.a.themes.index], absent)
        self._entries = {e.anchor: e for e in self.outline}

    def _section(self, anchor: str, template: str, **values) -> Html:
        """A section under its anchor, its heading numbered as the outline says."""
        e = self._entries.get(anchor)
        if e is None:  # not in the outline: nothing to show
            return present(template, heading="", anchor=anchor, **values)
        heading = e.title if not e.number.isdigit() else f"{e.number}. {e.title}"
        body = present(template, heading=heading, anchor=anchor, **values)
        return present("anchored", anchor=anchor, body=body)

    # ------------------------------------------------------------------ sections, in document order
    def header(self, brief: bool = False) -> Html:
        """The title, the question, the scope and the contents list (``outline``); in the brief
        (notebooks/brief.ipynb) the link to the full report instead of the contents."""
        if brief:
            return present("brief_header", report="report.html", **self.sections.header())
        return present("header", outline=self.outline, **self.sections.header())

    def summary(self, brief: bool = False) -> Html:
        """The executive summary; in the brief, the same values under the brief's own heading."""
        if brief:
            return present("summary", heading="The answer", anchor="summary", brief=True, **self.sections.summary())
        return self._section("summary", "summary", **self.sections.summary())

    def source_base(self) -> Html:
        """What the articles cover: independent events, shared briefings, compilations (sections.source_base)."""
        return self._section("source-base", "source_base", **self.sections.source_base())

    def comparison(self, brief: bool = False) -> Html:
        """Israel and Ukraine side by side, factor by factor (data/comparison.csv)."""
        shown = set(self.a.claims.index) | set(appendices.shown_notes(self.sections))
        if brief:
            return present("comparison", heading=self._entries["comparison"].title, anchor="comparison",
                           brief=True, **comparison.table(self.ledger, shown))
        return self._section("comparison", "comparison", **comparison.table(self.ledger, shown))

    def intro(self, part: str) -> Html:
        """The heading and introduction of a part of the report ("glance" or "themes")."""
        return self._section(part, "intro", part=part)

    def figure(self, name: str) -> Html:
        """One of the overview figures (``figures.OVERVIEW``)."""
        return present("figure", fig=self.figures.get(name))

    def themes_sections(self) -> Html:
        numbers = {e.anchor: e.number for e in self._entries["themes"].children}
        themes = [{**t, "number": numbers[f"theme-{t['id']}"],
                   "map": self.figures.get(ARGUMENT_MAP, t["id"]) if t["has_map"] else None}
                  for t in self.sections.themes()]
        return present("themes", themes=themes)

    def new_material(self) -> Html:
        return self._section("new-material", "new_material", **appendices.new_material(self.sections))

    def appendix_sources(self) -> Html:
        return self._section("appendix-a", "sources", **appendices.sources(self.sections))

    def appendix_problems(self) -> Html:
        return self._section("appendix-b", "problems", **appendices.problems(self.sections))

    def appendix_method(self) -> Html:
        return self._section("appendix-c", "method", **appendices.method())

    def appendix_notes(self) -> Html:
        """Every analyst note, printed once (appendices.notes)."""
        return self._section("appendix-d", "notes", **appendices.notes(self.sections))

    def changes(self) -> Html:
        """What changed since the render whose manifest is ``previous_manifest`` (shieldgap.changes)."""
        since = self.params.get("previous_manifest")
        if not since:
            return Html("")
        values = {"since": Path(since).name, "fingerprint": self.ledger.fingerprint, "error": "", "same": False,
                  "kinds": [], "balance": [], "ranking": [], "linkable": set()}
        try:
            found = changes.compare(changes.read_manifest(since), changes.manifest(self.a))
        except ValueError as exc:
            values["error"] = str(exc)
        else:
            labels = self.ledger.themes["label"].to_dict()
            found["balance"] = [{**b, "label": labels.get(b["theme"], b["theme"])} for b in found["balance"]]
            values.update(found, linkable=set(self.a.claims.index) | set(self.a.relations.index)
                          | set(self.a.reasons["reason_id"]) | set(self.ledger.analyst_notes.index))
        return self._section("changes", "changes", **values)

    def attachments(self) -> dict:
        """The two files the render saves beside the report, as outputs no page shows: the manifest
        (shieldgap.changes) and the claims annex (appendices.claims_csv), by their MIME types."""
        from .render import ANNEX_MIME, MANIFEST_MIME

        return {MANIFEST_MIME: changes.manifest(self.a), ANNEX_MIME: appendices.claims_csv(self.a, self.sections)}

    def footer_values(self) -> dict:
        """The footer's values but the render time (appendices.footer)."""
        return {k: v for k, v in appendices.footer(self.sections).items() if k != "rendered"}

    def footer(self) -> Html:
        """The reproducibility footer. It also hands the render the :meth:`attachments` to save."""
        from IPython.display import display

        display(self.attachments(), raw=True)
        return present("footer", **appendices.footer(self.sections))


def build(namespace: dict):
    """The report for the parameters found in ``namespace`` (the notebook's globals), its cells replayed when a
    render with the same inputs recorded them (:func:`shieldgap.report_cache.build`)."""
    from .report_cache import build as cached

    return cached(namespace)
