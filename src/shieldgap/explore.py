"""Interactive exploration of the report's parameters with ipywidgets (notebooks/explore.ipynb).

:class:`Explorer` loads the ledger once and builds one control per report parameter from
:func:`shieldgap.params.spec` — the report notebook's parameters cell, the single definition of the
parameters and their defaults — and from the ledger (theme ids, outlet types, outlets, article dates).
On every change it shows, for the current overrides, the same sections the report shows: the header, the
executive summary, the balance and claims-by-theme charts and the theme-by-theme claims tables. The report
comes from :class:`shieldgap.explore_cache.LiveReports`, which scores a selection of the ledger once and
only re-weighs it when a weight changes; the two charts are that report's own figures
(:meth:`shieldgap.report.Report.figure`, SVG templates; the claims by theme only when the selection changes).
Nothing is scored, filtered or drawn here.

"Render this view" writes a report with the current settings through :func:`shieldgap.render.render`,
the path of ``shieldgap render``.

Only ipywidgets is needed (no JupyterLab): the widgets can be driven from plain Python, which is how
the tests use them (set ``.value``, call ``.click()``, read ``summary_html`` etc.).
"""
from __future__ import annotations

import datetime as _dt
import time
import traceback
from contextlib import contextmanager
from html import escape

import ipywidgets as w

from . import analysis, svg_charts
from .explore_cache import LiveReports, selection_key
from .explore_render import RenderView
from .fields import OUTLET_TYPES, STRENGTH_RUBRIC
from .labels import OUTLET_TYPES as OUTLET_TYPE_LABELS
from .params import DETAIL_LEVELS, ParameterError, spec

WEIGHT_MAX = 5.0
TABLES_TAB = 3  # index of the claims tables in the tabs of views
# Parameters with a dedicated control; every other parameter of spec() gets a generic one by type. data_dir has
# none: the explorer shows the ledger it was given.
_DEDICATED = ("themes", "theme_weights", "exclude_outlet_types", "exclude_outlets", "date_from", "date_to",
              "min_strength", "include_analyst_notes", "detail", "data_dir")


def _html_output(html: str, text: str = "") -> tuple:
    """The ``outputs`` of an Output widget showing ``html`` (works with or without a kernel)."""
    if not html:
        return ()
    return ({"output_type": "display_data", "data": {"text/html": html, "text/plain": text or "[HTML]"},
             "metadata": {}},)


def report_css(name: str = "shieldgap/report.css") -> str:
    """The stylesheet of the report's content, as it is: every rule is scoped under ``.sg-report``, the
    class of the explorer's views (the page-level rules of the rendered report are in page.css). With
    ``name="explore/explore.css"``, the explorer's own rules, scoped under ``.sg-explore``."""
    from .paths import templates_dir

    return (templates_dir() / name).read_text(encoding="utf-8")


class Explorer(RenderView):
    """Controls for the report's parameters and live views of the report's sections.

    ``ledger`` defaults to :func:`shieldgap.ledger.load_ledger` (loaded once, reused by every update).
    After each update the last HTML of each view is in ``header_html``, ``summary_html``,
    ``balance_html``, ``claims_by_theme_html`` and ``tables_html``; ``error`` holds the message of a
    failed update (and ``message_html`` its display), ``report`` the last :class:`Report`.
    """

    def __init__(self, ledger=None, *, live: bool = True):
        from .ledger import load_ledger

        self.ledger = ledger if ledger is not None else load_ledger(reuse_verified=True)
        self.reports = LiveReports(self.ledger)
        self._claims_key: str | None = None  # the selection the claims-by-theme chart shows
        self.spec = spec()
        self.defaults = {name: s["default"] for name, s in self.spec.items()}
        self.report = None
        self.error: str | None = None
        self.header_html = self.summary_html = self.balance_html = ""
        self.claims_by_theme_html = self._tables_html = self.message_html = ""
        self._tables_stale = False
        self.render_message = ""
        self.last_render: dict | None = None
        self.timings: dict[str, float] = {}
        self._hold = 0
        self._dirty = False
        self._build_controls()
        self._build_outputs()
        self._build_render()
        self.live.value = live
        self.ui = self._layout()
        self.update()

    # ------------------------------------------------------------------ controls
    def _help(self, name: str) -> str:
        return (self.spec.get(name) or {}).get("help", "") or ""

    def _build_controls(self) -> None:
        led, d = self.ledger, self.defaults
        style = {"description_width": "initial"}
        self._controls: list[w.Widget] = []

        # Themes: a checkbox (filter) and a weight per theme of the ledger: a slider to drag and, linked to it, a
        # number field named after the theme (a slider's handle gets no accessible name from ipywidgets).
        default_themes = set(d.get("themes") or led.themes.index)
        base = analysis.theme_weights(led.themes, d)  # unlisted themes weigh what the analysis says
        self._implicit_weight = analysis.theme_weights(led.themes, {})
        self.theme_included: dict[str, w.Checkbox] = {}
        self.weight: dict[str, w.FloatSlider] = {}
        self.weight_field: dict[str, w.BoundedFloatText] = {}
        for theme, t in led.themes.iterrows():
            label, top = str(t["label"]), max(WEIGHT_MAX, float(base[theme]))
            self.theme_included[theme] = w.Checkbox(value=theme in default_themes, description=label, indent=False,
                                                    tooltip=str(t["question"]), layout=w.Layout(width="250px"))
            self.weight[theme] = w.FloatSlider(value=float(base[theme]), min=0.0, max=top, step=0.1, readout=False,
                                               continuous_update=False, tooltip=self._help("theme_weights"),
                                               layout=w.Layout(width="170px"))
            self.weight_field[theme] = w.BoundedFloatText(
                value=float(base[theme]), min=0.0, max=top, step=0.1, description_allow_html=True,
                description=f'<span class="sg-visually-hidden">{escape(label)} </span>weight', style=style,
                tooltip=self._help("theme_weights"), layout=w.Layout(width="140px"))
            w.link((self.weight[theme], "value"), (self.weight_field[theme], "value"))
            self.weight[theme].disabled = self.weight_field[theme].disabled = not self.theme_included[theme].value
            self.theme_included[theme].observe(
                lambda change, pair=(self.weight[theme], self.weight_field[theme]):
                [setattr(x, "disabled", not change["new"]) for x in pair], names="value")
        self._controls += [*self.theme_included.values(), *self.weight.values()]

        # Outlet types and outlets present in the ledger.
        types = [t for t in OUTLET_TYPES if t in set(led.articles["outlet_type"])]
        types += [t for t in d.get("exclude_outlet_types") or [] if t not in types]
        self.exclude_outlet_types = w.SelectMultiple(
            options=[(OUTLET_TYPE_LABELS.get(t, t), t) for t in types],
            value=tuple(d.get("exclude_outlet_types") or ()), rows=min(len(types), 6) or 1,
            description="Leave out outlet types", tooltip=self._help("exclude_outlet_types"), style=style,
            layout=w.Layout(width="auto"))
        outlets = sorted(set(led.articles["outlet"]))
        self.exclude_outlets = w.SelectMultiple(
            options=outlets, value=tuple(o for o in d.get("exclude_outlets") or () if o in outlets),
            rows=min(len(outlets), 6) or 1, description="Leave out outlets", tooltip=self._help("exclude_outlets"),
            style=style, layout=w.Layout(width="auto"))
        self.min_strength = w.Dropdown(  # a select, which its description names (a slider's handle is unnamed)
            options=[(f"{k} and above" if k < max(STRENGTH_RUBRIC) else f"{k}", k) for k in sorted(STRENGTH_RUBRIC)],
            value=int(d.get("min_strength") or min(STRENGTH_RUBRIC)), description="Minimum strength",
            tooltip=self._help("min_strength"), style=style)
        self.include_analyst_notes = w.Checkbox(value=bool(d.get("include_analyst_notes", True)), indent=False,
                                                description="Count analyst counterarguments",
                                                tooltip=self._help("include_analyst_notes"))

        def date(value):
            return _dt.date.fromisoformat(value) if value else None

        self.date_from = w.DatePicker(value=date(d.get("date_from")), description="Published from",
                                      tooltip=self._help("date_from"), style=style)
        self.date_to = w.DatePicker(value=date(d.get("date_to")), description="to", tooltip=self._help("date_to"),
                                    style=style)
        pub = led.articles["published"]
        self.date_hint = w.HTML(f"<small>Articles in the ledger: {pub.min():%Y-%m-%d} – {pub.max():%Y-%m-%d}; "
                                "empty means no bound.</small>")
        self.detail = w.ToggleButtons(options=list(DETAIL_LEVELS), value=d.get("detail", DETAIL_LEVELS[-1]),
                                      description="Detail", tooltip=self._help("detail"), style=style)
        self._controls += [self.exclude_outlet_types, self.exclude_outlets, self.min_strength,
                           self.include_analyst_notes, self.date_from, self.date_to, self.detail]

        # Every other parameter: a generic control by its declared type.
        self.extra: dict[str, w.Widget] = {}
        for name, s in self.spec.items():
            if name in _DEDICATED:
                continue
            kind, value, label = s["type"], s["default"], name.replace("_", " ").capitalize()
            common = dict(description=label, tooltip=s["help"] or name, style=style)
            if kind == "bool":
                widget = w.Checkbox(value=bool(value), indent=False, **common)
            elif kind == "int":
                widget = w.IntText(value=int(value), continuous_update=False, **common)
            elif kind == "float":
                widget = w.FloatText(value=float(value), continuous_update=False, **common)
            elif kind == "str":
                widget = w.Text(value=str(value), continuous_update=False, layout=w.Layout(width="95%"), **common)
            else:  # a list or dict parameter without a dedicated control stays at its default
                continue
            self.extra[name] = widget
        self.seed = self.extra.get("seed")
        self._controls += list(self.extra.values())

        self.live = w.Checkbox(value=True, indent=False, description="Update live")
        self.update_button = w.Button(description="Update now", icon="refresh")
        self.reset_button = w.Button(description="Reset to defaults", icon="undo")
        self.live.observe(lambda change: change["new"] and self.update(), names="value")
        self.update_button.on_click(lambda _b: self.update())
        self.reset_button.on_click(lambda _b: self.reset())
        for widget in self._controls:
            widget.observe(self._changed, names="value")

    def _changed(self, _change=None) -> None:
        if getattr(self, "render_status", None) is not None:
            self.render_status.value = ""  # a message about another view's render would mislead
        if self._hold:
            self._dirty = True
        elif self.live.value:
            self.update()

    @contextmanager
    def hold(self):
        """Change several controls and update once at the end: ``with explorer.hold(): ...``."""
        self._hold += 1
        try:
            yield self
        finally:
            self._hold -= 1
            if not self._hold and self._dirty:
                self._dirty = False
                self._changed()

    def reset(self) -> None:
        """Every control back to the report's defaults (one update)."""
        d = self.defaults
        default_themes = set(d.get("themes") or self.ledger.themes.index)
        base = analysis.theme_weights(self.ledger.themes, d)
        with self.hold():
            for theme in self.theme_included:
                self.theme_included[theme].value = theme in default_themes
                self.weight[theme].value = float(base[theme])
            self.exclude_outlet_types.value = tuple(d.get("exclude_outlet_types") or ())
            self.exclude_outlets.value = tuple(d.get("exclude_outlets") or ())
            self.min_strength.value = int(d.get("min_strength") or min(STRENGTH_RUBRIC))
            self.include_analyst_notes.value = bool(d.get("include_analyst_notes", True))
            self.date_from.value = _dt.date.fromisoformat(d["date_from"]) if d.get("date_from") else None
            self.date_to.value = _dt.date.fromisoformat(d["date_to"]) if d.get("date_to") else None
            self.detail.value = d.get("detail", DETAIL_LEVELS[-1])
            for name, widget in self.extra.items():
                widget.value = d[name]

    # ------------------------------------------------------------------ parameters
    def values(self) -> dict:
        """The full parameter set the controls describe (unchecked; see :meth:`current_params`)."""
        d = self.defaults
        themes_all = list(self.theme_included)
        chosen = [t for t in themes_all if self.theme_included[t].value]
        if not chosen:
            raise ParameterError("no theme is selected: tick at least one theme")
        if "themes" in d and not d["themes"] and len(chosen) == len(themes_all):
            themes = []  # the default: an empty list means every theme
        else:
            themes = chosen
        weights = {t: round(float(s.value), 3) for t, s in self.weight.items()
                   if t in chosen and round(float(s.value), 3) != float(self._implicit_weight[t])}
        p = dict(d)
        p.update({
            "themes": themes,
            "theme_weights": weights,
            "exclude_outlet_types": list(self.exclude_outlet_types.value),
            "exclude_outlets": list(self.exclude_outlets.value),
            "min_strength": int(self.min_strength.value),
            "include_analyst_notes": bool(self.include_analyst_notes.value),
            "date_from": self.date_from.value.isoformat() if self.date_from.value else "",
            "date_to": self.date_to.value.isoformat() if self.date_to.value else "",
            "detail": self.detail.value,
        })
        for name, widget in self.extra.items():
            p[name] = widget.value
        return {k: v for k, v in p.items() if k in self.spec}

    def current_params(self) -> dict:
        """The overrides of this view: only the parameters whose value differs from the report's default.

        Raises :class:`ParameterError` when the controls describe no valid selection of themes.
        """
        return {k: v for k, v in self.values().items() if v != self.defaults.get(k)}

    @property
    def analysis(self):
        """The :class:`shieldgap.analysis.Analysis` behind the current view (None after an error)."""
        return self.report.a if self.report is not None else None

    # ------------------------------------------------------------------ outputs
    def _build_outputs(self) -> None:
        self.status = w.HTML()
        self.out_message = w.Output()
        self.out_summary = w.Output()
        self.out_balance = w.Output()
        self.out_claims_by_theme = w.Output()
        self.out_tables = w.Output()
        for view in (self.out_summary, self.out_balance, self.out_claims_by_theme, self.out_tables):
            view.add_class("sg-report")  # the report's own styles apply inside the views, and only there
        self.tabs = w.Tab(children=[self.out_summary, self.out_balance, self.out_claims_by_theme, self.out_tables])
        self.tabs.titles = ("Summary", "Balance and sensitivity", "Claims by theme", "Claims tables")
        self.tabs.observe(self._tab_changed, names="selected_index")

    def _set(self, attr: str, out: w.Output, html: str) -> None:
        setattr(self, attr, html)
        out.outputs = _html_output(html)

    def update(self) -> None:
        """Show the views for the current controls, recomputing only what their change affects."""
        t0 = time.perf_counter()
        self.status.value = "<i>Updating…</i>"
        try:
            params = self.current_params()
            report = self.reports.report(params)
            header = report.header().html
            summary = report.summary().html
            self._show_error(None)
            self.report = report
            self.header_html = header
            self.summary_html = summary
            self.out_summary.outputs = _html_output(header + summary)
            self._set("balance_html", self.out_balance, report.figure("balance").html)
            selection = selection_key(report.params)
            if selection != self._claims_key:  # weights do not change what the claims are
                self._set("claims_by_theme_html", self.out_claims_by_theme,
                          report.figure("claims_by_theme").html)
                self._claims_key = selection
            self._tables_stale = True
            self.timings = {"views": time.perf_counter() - t0}
            if self.tabs.selected_index == TABLES_TAB:  # otherwise built when the tab (or tables_html) is opened
                self._refresh_tables()
            self.timings["total"] = time.perf_counter() - t0
        except ParameterError as exc:
            self._show_error(str(exc))
        except Exception as exc:  # a bug, not a user error: say what failed, keep the details folded
            self._show_error(f"{type(exc).__name__}: {exc}", traceback.format_exc())
        if self.error is None:
            how = {"analysed": "scored afresh", "reweighed": "re-weighed", "kept": "kept"}.get(self.reports.last, "")
            self.status.value = (f"<small>Updated in {self.timings['total'] * 1000:.0f} ms ({how}) · overrides: "
                                 f"<code>{escape(repr(self.current_params()))}</code></small>")
        else:
            self.status.value = "<small><b>Not updated</b> — see the message below.</small>"

    @property
    def tables_html(self) -> str:
        """The theme-by-theme claims tables of the current view (built on first use: the argument maps
        in them take most of an update's time)."""
        self._refresh_tables()
        return self._tables_html

    def _refresh_tables(self) -> None:
        if not self._tables_stale or self.report is None:
            return
        t0 = time.perf_counter()
        self.out_tables.outputs = _html_output("<p><i>Building the claims tables and argument maps…</i></p>")
        try:
            html = self.report.themes_sections().html
        except Exception as exc:
            self._tables_stale = False
            self._show_error(f"{type(exc).__name__}: {exc}", traceback.format_exc())
            return
        self._tables_stale = False
        self._tables_html = html
        self.out_tables.outputs = _html_output(html)
        self.timings["tables"] = time.perf_counter() - t0

    def _tab_changed(self, change) -> None:
        if change["new"] == TABLES_TAB:
            self._refresh_tables()

    def _show_error(self, message: str | None, details: str | None = None) -> None:
        self.error = message
        if message is None:
            self._set("message_html", self.out_message, "")
            return
        self.report = None
        self._tables_stale = False
        self._claims_key = None
        for attr, out in (("header_html", None), ("summary_html", self.out_summary), ("balance_html", self.out_balance),
                          ("claims_by_theme_html", self.out_claims_by_theme), ("_tables_html", self.out_tables)):
            setattr(self, attr, "")
            if out is not None:
                out.outputs = ()
        html = svg_charts.environment().get_template("explore/error.html.j2").render(message=message, details=details)
        self._set("message_html", self.out_message, html)

    # ------------------------------------------------------------------ layout
    def _layout(self) -> w.Widget:
        rows = [w.HBox([self.theme_included[t], self.weight[t], self.weight_field[t]]) for t in self.theme_included]
        title = w.HTML("<b>Themes</b> — tick to include, slide or type to weigh (1 = as in the report)")
        themes_box = w.VBox([title, *rows])
        selection = w.VBox([self.exclude_outlet_types, self.exclude_outlets, self.min_strength,
                            self.include_analyst_notes, w.HBox([self.date_from, self.date_to]), self.date_hint,
                            self.detail])
        advanced = w.VBox(list(self.extra.values()))
        controls = w.Accordion(children=[themes_box, selection, advanced],
                               titles=("Themes and weights", "Sources and filters", "Report and sensitivity"))
        controls.selected_index = 0
        render_box = w.VBox([w.HTML("<b>Share this view</b>"), w.HBox([self.render_format, self.render_button]),
                             self.render_dir, self.render_status])
        left = w.VBox([controls, w.HBox([self.live, self.update_button, self.reset_button]), render_box],
                      layout=w.Layout(width="600px", max_width="100%", flex="0 0 auto"))
        # Beside the controls whenever 420 px are left for them (a basis of 0, not the content's width, which a
        # paragraph on one line makes wider than any screen), below them on a narrow screen.
        right = w.VBox([self.status, self.out_message, self.tabs], layout=w.Layout(flex="1 1 0%", min_width="420px"))
        box = w.VBox([w.HTML(f"<style>{report_css()}</style><style>{report_css('explore/explore.css')}</style>"),
                      w.HBox([left, right], layout=w.Layout(flex_flow="row wrap"))])
        box.add_class("sg-explore")
        return box

    def show(self):
        """Display the explorer in the notebook (and return it)."""
        from IPython.display import display

        display(self.ui)
        return self

    def _repr_mimebundle_(self, **kwargs):
        return self.ui._repr_mimebundle_(**kwargs)
