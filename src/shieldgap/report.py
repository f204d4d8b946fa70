"""The report's content: each section as HTML for the notebook to display.

Every text that comes from an article or the curated data is escaped: markup in a source is shown
as text, never executed. The notebook only calls these functions.
"""
from __future__ import annotations

import base64
import io
import platform
import time
from datetime import datetime, timezone
from html import escape
from importlib import metadata

import pandas as pd

from . import analysis
from .fields import ATTACKS, RELATION_TYPES, STANCES, STRENGTH_RUBRIC
from .ledger import load_ledger
from .params import validate

QUESTION = ("Why did the United States and its allies shoot down Iranian missiles and drones over Israel, "
            "yet will not do the same over Ukraine?")
OUTLET_TYPE_LABEL = {"state_controlled_media": "State-controlled media", "independent_media": "Independent media",
                     "government": "Government", "think_tank": "Think tank", "aggregator": "News aggregator",
                     "unidentified_media": "Unidentified outlet"}
STANCE_HEADINGS = {"explains_gap": "Claims that explain the gap", "challenges_gap": "Claims that challenge the gap",
                   "context": "Context"}
VERDICT_LABEL = {"incorrect": "Incorrect", "inconsistent": "Inconsistent", "misleading": "Misleading",
                 "disputed": "Disputed", "unsupported": "Unsupported"}


class Html:
    """A displayable HTML fragment (Jupyter calls ``_repr_html_``)."""

    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def e(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return escape(str(value))


def _svg(fig) -> bytes:
    """SVG with text kept as text: crisp in print, searchable, and three times faster to write than a PNG."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "shieldgap"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.05, metadata={"Date": None})
    plt.close(fig)
    return buf.getvalue()


def _chart(name: str, a, *args) -> bytes:
    """Draw one chart to PNG. matplotlib is imported here, in the forked workers, so the kernel's
    critical path does not pay for it."""
    from . import charts

    return _svg(getattr(charts, name)(a, *args))


_FORK_ANALYSIS = None  # the analysis the forked workers draw from


def _render_in_child(name: str, *args) -> bytes:
    return _chart(name, _FORK_ANALYSIS, *args)


def _start_figures(a) -> dict:
    """Draw every figure in two forked worker processes while the kernel builds the tables.

    The workers inherit the analysis through fork (nothing is pickled) and import matplotlib
    themselves. Where fork is unavailable, figures are drawn on demand in the kernel instead.
    """
    global _FORK_ANALYSIS
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in mp.get_all_start_methods():
        return {}
    _FORK_ANALYSIS = a
    pool = ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("fork"))
    futures = {name: pool.submit(_render_in_child, Report.FIGURES[name][1]) for name in Report.FIGURES}
    futures.update({("map", t): pool.submit(_render_in_child, "argument_map", t) for t in a.themes.index})
    pool.shutdown(wait=False)
    return futures


def _reference(row) -> str:
    """Title, publisher and date of a cited reference, linked when its URL is known."""
    ref = e(row["reference_title"]) + ", " + e(row["reference_publisher"])
    if row.get("reference_date"):
        ref += f", {e(row['reference_date'])}"
    if row.get("reference_url"):
        ref = f'<a href="{e(row["reference_url"])}">{ref}</a>'
    return ref


def _fig_html(svg: bytes, caption: str, number: int, name: str) -> str:
    data = base64.b64encode(svg).decode()
    return (f'<figure class="sg-figure" id="fig-{name}"><img alt="{e(caption)}" src="data:image/svg+xml;base64,{data}"/>'
            f"<figcaption><b>Figure {number}.</b> {e(caption)}</figcaption></figure>")


class Report:
    """Everything the report shows, computed once from the ledger and the parameters."""

    FIGURES = {
        "claims_by_theme": ("Claims by theme and stance: each appearance of a claim in an article counts once.",
                            "claims_by_theme"),
        "coverage": ("Coverage: how many claims each article contributes to each theme (darker = more).",
                     "coverage"),
        "timeline": ("Timeline of statements by speaker, coloured by stance (outlets' own voice omitted; small random "
                     "offsets separate overlapping points).", "timeline"),
        "balance": ("Weighted balance per theme: explanations minus challenges after counterarguments, times the theme "
                    "weight; whiskers show the 5–95 % range when the theme weights are randomly perturbed.",
                    "balance"),
    }

    def __init__(self, params: dict, parallel_figures: bool = True, ledger=None):
        self.started = time.perf_counter()
        self.ledger = ledger if ledger is not None else load_ledger()
        self.params = validate(params, ledger={  # the loaded ledger, not a second read of the files
            "themes": dict.fromkeys(self.ledger.themes.index),
            "articles": {aid: a.to_dict() for aid, a in self.ledger.articles.iterrows()},
            "claims": self.ledger.claims.to_dict("records")})
        self.a = analysis.analyse(self.ledger, self.params)
        self._fig_no = 0
        self.brief = self.params.get("detail") == "brief"
        self._figures = _start_figures(self.a) if parallel_figures else {}

    # ------------------------------------------------------------------ helpers
    def actor_name(self, actor_id: str, article_id: str | None = None) -> str:
        if actor_id == "@outlet":
            outlet = self.ledger.articles.at[article_id, "outlet"] if article_id else "the outlet"
            return f"{outlet} (outlet's own voice)"
        return self.ledger.actors.at[actor_id, "name"] if actor_id in self.ledger.actors.index else actor_id

    def outlet_badge(self, article_id: str) -> str:
        t = self.ledger.articles.at[article_id, "outlet_type"]
        cls = "sg-badge sg-state" if t == "state_controlled_media" else "sg-badge"
        return f'<span class="{cls}">{e(OUTLET_TYPE_LABEL.get(t, t))}</span>'

    def source_line(self, c) -> str:
        art = self.ledger.articles.loc[c["article_id"]]
        date = pd.Timestamp(c["date"]).date() if pd.notna(c.get("date")) else art["published"].date()
        approx = "" if (c.get("said_on") or art["date_precision"] == "day") else " (approx.)"
        return (f'{e(self.actor_name(c["actor_id"], c["article_id"]))} · {date}{approx} · '
                f'<i>{e(art["outlet"])}</i> {self.outlet_badge(c["article_id"])}')

    def item_text(self, item_id: str) -> str:
        """Quote block of a claim, or the labelled text of an analyst note."""
        if item_id.startswith("N"):
            n = self.ledger.analyst_notes.loc[item_id]
            ref = _reference(n)
            return (f'<div class="sg-note"><span class="sg-badge sg-analyst">Analyst note {e(item_id)}</span> '
                    f'{e(n["text"])} <span class="sg-ref">Reference: {ref}.</span></div>')
        c = self.ledger.claims.loc[item_id]
        c = {**c.to_dict(), "date": pd.to_datetime(c["said_on"]) if c["said_on"] else None}
        return (f'<blockquote class="sg-quote">“{e(c["quote"])}”</blockquote>'
                f'<div class="sg-src">{e(item_id)} — {self.source_line(c)}</div>')

    def figure(self, name: str) -> Html:
        caption, fn = self.FIGURES[name]
        self._fig_no += 1
        future = self._figures.get(name)
        png = future.result() if future is not None else _chart(fn, self.a)
        return Html(_fig_html(png, caption, self._fig_no, name))

    def theme_map(self, theme: str) -> str:
        label = self.ledger.themes.at[theme, "label"]
        caption = (f"Argument map, {label}: each explanation of the gap (left), the strongest answer to it among the "
                   "selected sources (middle) and the strongest reply to that answer (right); arrows point at the claim "
                   "answered and are labelled with the relation. Blue: explains the gap; orange: challenges it; grey: "
                   "context; dashed yellow: analyst note.")
        future = self._figures.get(("map", theme))
        png = future.result() if future is not None else _chart("argument_map", self.a, theme)
        self._fig_no += 1
        return _fig_html(png, caption, self._fig_no, f"map-{theme}")

    # ------------------------------------------------------------------ sections
    def header(self) -> Html:
        p = self.params
        arts = self.a.articles
        scope = [f"{len(self.a.claims)} claims from {len(arts)} articles "
                 f"({arts['published'].min():%d %b %Y} – {arts['published'].max():%d %b %Y})",
                 f"{len(self.a.themes)} themes", f"minimum strength {p['min_strength']}",
                 "analyst notes counted" if p["include_analyst_notes"] else "analyst notes not counted"]
        if p["exclude_outlet_types"] or p["exclude_outlets"]:
            scope.append("excluded: " + ", ".join(map(str, p["exclude_outlet_types"] + p["exclude_outlets"])))
        if p["theme_weights"]:
            scope.append("theme weights: " + ", ".join(f"{k} × {v}" for k, v in p["theme_weights"].items()))
        return Html(f'<header class="sg-header"><h1>{e(p["title"])}</h1><p class="sg-question">{e(QUESTION)}</p>'
                    f'<p class="sg-scope">{e(" · ".join(scope))}.</p></header>')

    def summary(self) -> Html:
        a = self.a
        ranked = analysis.ranked_explanations(a)
        sens = a.sensitivity
        labels = a.ledger.themes["label"]
        out = ['<section class="sg-summary"><h2>Executive summary</h2>']
        if ranked.empty:
            out.append("<p>No explanation of the gap among the selected claims.</p></section>")
            return Html("".join(out))
        top_themes = a.balance.sort_values("explains_weighted", ascending=False)
        tt = top_themes.iloc[0]
        n_ch = int((a.arguments["stance"] == "challenges_gap").sum())
        n_ex = int((a.arguments["stance"] == "explains_gap").sum())
        out.append(
            f"<p>The selected sources advance <b>{n_ex}</b> distinct explanations of why allies defended Israel's skies "
            f"but not Ukraine's, and <b>{n_ch}</b> distinct challenges to them. After counterarguments and theme weights, "
            f"the explanations weigh most under <b>{e(labels[tt['theme']])}</b>"
            + (f", followed by {', '.join('<b>' + e(labels[t]) + '</b>' for t in top_themes['theme'][1:3])}" if len(top_themes) > 1 else "")
            + ".</p>")
        out.append("<h3>The explanations that weigh most, and the strongest answer to each</h3><ol class='sg-ranked'>")
        for _, r in ranked.head(3 if self.brief else 5).iterrows():
            best = a.claims.loc[r["best"]]
            counter = analysis.strongest_counter(a, r["canonical_id"])
            seen = f"{r['articles']} article{'s' if r['articles'] > 1 else ''}"
            out.append(
                f"<li><p><b>{e(best['summary'])}</b> <span class='sg-meta'>({e(labels[r['theme']])}; score "
                f"{r['score']:.2f}; in {seen}; {e(r['canonical_id'])})</span></p>" + self.item_text(r["best"]))
            if counter is not None:
                out.append(f"<p class='sg-counter'><b>Strongest counterargument</b> — {e(counter['relation'])}: "
                           f"{e(str(counter['explanation']).rstrip('.'))}.</p>" + self.item_text(counter["source_id"]))
            else:
                reason = best.get("unanswered") or "no counterargument among the selected sources"
                out.append(f"<p class='sg-counter'><b>Unanswered:</b> {e(str(reason).rstrip('.'))}.</p>")
            out.append("</li>")
        out.append("</ol>")
        if sens.get("top_share") is not None:
            top_args = a.arguments.set_index("canonical_id")
            lead = a.claims.loc[top_args.at[sens["top"], "best"], "summary"]
            out.append(
                f"<h3>How robust is this ranking?</h3><p>With every theme weight randomly multiplied by "
                f"e<sup>{sens['spread']}·z</sup> in {sens['n']} draws (seed {sens['seed']}), the leading explanation "
                f"(“{e(lead)}”) stays first in <b>{sens['top_share']:.0%}</b> of draws, the same three lead in "
                f"<b>{sens['top3_share']:.0%}</b>, and <b>{e(labels[sens['theme_top']])}</b> remains the theme whose "
                f"explanations weigh most in <b>{sens['theme_top_share']:.0%}</b>. "
                + self._robustness_word(sens["top_share"]) + "</p>")
        problems = len(a.ledger.fact_checks[a.ledger.fact_checks["article_id"].isin(a.articles.index)])
        conflicts = len(a.ledger.conflicts)
        state = a.articles[a.articles["outlet_type"] == "state_controlled_media"]
        notes = []
        if problems:
            notes.append(f"{problems} factual errors or inconsistencies in the selected articles are listed in Appendix B")
        if conflicts:
            notes.append(f"{conflicts} passages are attributed to different speakers by different articles (Appendix B)")
        if len(state):
            notes.append(f"{len(state)} article{'s come' if len(state) > 1 else ' comes'} from state-controlled media "
                         f"({', '.join(e(o) for o in state['outlet'])}), labelled wherever quoted")
        if notes:
            out.append("<p class='sg-caveat'><b>Read with care:</b> " + "; ".join(notes) + ".</p>")
        out.append("</section>")
        return Html("".join(out))

    @staticmethod
    def _robustness_word(share: float) -> str:
        if share >= 0.9:
            return "The ranking is robust to the choice of weights."
        if share >= 0.6:
            return "The ranking is fairly robust, but reasonable weights can change the leader."
        return "The ranking depends on the weights: treat the order of the leading explanations as a matter of judgement."

    def themes_sections(self) -> Html:
        out = []
        for k, (theme, t) in enumerate(self.a.themes.iterrows(), start=1):
            out.append(self._theme_section(theme, t, k))
        return Html("".join(out))

    def _theme_section(self, theme: str, t, k: int) -> str:
        a = self.a
        c = a.claims[a.claims["theme"] == theme]
        bal = a.balance.loc[theme]
        word = ("explanations outweigh challenges" if bal["balance"] > 0.05 else
                "challenges outweigh explanations" if bal["balance"] < -0.05 else "explanations and challenges are balanced")
        band = a.sensitivity["band"].loc[theme]
        out = [f'<section class="sg-theme" id="theme-{e(theme)}"><h2>{k}. {e(t["label"])}</h2>',
               f'<p class="sg-question">{e(t["question"])}</p><p class="sg-desc">{e(t["description"])}</p>',
               f'<p class="sg-balance"><b>Balance:</b> {e(word)} — {bal["n_explains"]} explanation(s) weighing '
               f'{bal["explains"]:.1f}, {bal["n_challenges"]} challenge(s) weighing {bal["challenges"]:.1f}, '
               f'weight {bal["weight"]:g}, weighted balance {bal["balance"]:+.1f} '
               f'(5–95 % under perturbed weights: {band["p05"]:+.1f} to {band["p95"]:+.1f}).</p>']
        for stance in ("explains_gap", "challenges_gap", "context"):
            rows = c[c["stance"] == stance].sort_values(["e", "strength"], ascending=False)
            if rows.empty:
                continue
            shown = rows.head(3) if self.brief else rows
            out.append(f'<h3>{STANCE_HEADINGS[stance]} <span class="sg-meta">({len(rows)} claim{"s" if len(rows) > 1 else ""}'
                       f'{", strongest " + str(len(shown)) + " shown" if len(shown) < len(rows) else ""})</span></h3>')
            out.append(self._claims_table(shown))
        if (c["stance"] == "explains_gap").any():
            out.append(self.theme_map(theme))
        counters = a.relations[a.relations["target_id"].isin(c["claim_id"])]
        if not counters.empty:
            out.append("<h3>Counterarguments and support</h3>")
            counters = counters.sort_values(["relation", "impact", "strength"], ascending=[True, False, False])
            if self.brief:
                counters = counters[counters["relation"].isin(ATTACKS)].head(5)
            out.append('<table class="sg-table sg-rel"><thead><tr><th>answer</th><th>relation</th><th>to claim</th>'
                       '<th>why</th><th>str.</th></tr></thead><tbody>')
            for _, r in counters.iterrows():
                src = r["source_id"]
                label = (f'<span class="sg-badge sg-analyst">Analyst</span> {e(src)}' if src.startswith("N") else e(src))
                if not src.startswith("N"):
                    label += f"<br><span class='sg-meta'>{e(self.actor_name(a.ledger.claims.at[src, 'actor_id'], a.ledger.claims.at[src, 'article_id']))}</span>"
                out.append(f"<tr><td>{label}</td><td>{e(r['relation'])}</td><td>{e(r['target_id'])}</td>"
                           f"<td>{e(r['explanation'])}</td><td>{r['strength']}</td></tr>")
            out.append("</tbody></table>")
            notes = counters[counters["source_id"].str.startswith("N")]["source_id"].unique()
            for n in notes:
                out.append(self.item_text(n))
        out.append("</section>")
        return "".join(out)

    def _claims_table(self, rows: pd.DataFrame) -> str:
        out = ['<table class="sg-table sg-claims"><thead><tr><th>id</th><th>claim and verbatim quote</th>'
               '<th>speaker · date · outlet</th><th>str.</th></tr></thead><tbody>']
        for cid, c in rows.iterrows():
            canon = "" if c["canonical_id"] == cid else f"<br><span class='sg-meta'>= {e(c['canonical_id'])}</span>"
            effective = "" if abs(c["e"] - c["strength"]) < 0.01 else f"<br><span class='sg-meta'>→ {c['e']:.1f}</span>"
            out.append(f"<tr><td>{e(cid)}{canon}</td><td><p class='sg-summary-line'>{e(c['summary'])}</p>"
                       f"<q class='sg-q'>{e(c['quote'])}</q></td><td>{self.source_line(c)}</td>"
                       f"<td>{c['strength']}{effective}</td></tr>")
        out.append("</tbody></table>")
        return "".join(out)

    def new_material(self) -> Html:
        """Articles added but not yet curated, with machine-suggested candidates (never scored)."""
        from . import newmaterial as nm

        led = self.ledger
        cands = nm.load_candidates(led.paths)
        arts = nm.uncurated_articles(led)
        labels = led.themes["label"].to_dict()
        out = ['<section class="sg-new"><h2>New material</h2>']
        if arts.empty:
            out.append("<p>Every article in the corpus is curated: there is no machine-suggested material.</p>")
        else:
            out.append(f'<p><span class="sg-badge sg-machine">Machine-suggested</span> {len(arts)} article(s) were added '
                       "but not yet curated. What follows was found by <code>shieldgap suggest</code> — sentences, "
                       "speakers, themes and echoes of ledger claims are suggestions for a curator, not part of the "
                       "ledger, and nothing here counts in the scores above.</p>")
            prof = nm.theme_profile(led, cands).set_index("article_id")
            echo = nm.echoes(led, cands)
            new = nm.new_claims(led, cands)
            for _, r in arts.iterrows():
                aid = r["id"]
                row = prof.loc[aid] if aid in prof.index else None
                themes = ", ".join(f"{e(t)} ({int(n)})" for t, n in row.drop("total").items() if n) if row is not None else ""
                inferred = f" · inferred: {e(r['inferred'])}" if r.get("inferred") else ""
                out.append(f"<h3>{e(r['title'])}</h3><p class='sg-meta'>{e(aid)} · {e(r['outlet'])} "
                           f"{self.outlet_badge(aid)} · {r['published'].date()} ({e(r['date_basis'])}){inferred} · "
                           f"{int(r['words'])} words</p><p><b>Theme profile</b> (candidate sentences): "
                           f"{themes or 'no theme detected'}.</p>")
                ech = echo[echo["article_id"] == aid].head(8 if self.brief else 20)
                if not ech.empty:
                    out.append('<table class="sg-table"><thead><tr><th>suggested sentence</th><th>echoes ledger claim</th>'
                               '<th>match</th></tr></thead><tbody>')
                    for _, c in ech.iterrows():
                        who = e(self.actor_name(c["actor_id"])) if c["actor_id"] else "speaker not detected"
                        out.append(f"<tr><td><q class='sg-q'>{e(c['quote'])}</q><br><span class='sg-meta'>{who} · "
                                   f"{e(labels.get(c['theme'], c['theme']))}</span></td><td>{e(c['echo_of'])}: "
                                   f"{e(c['echoed_summary'])}</td><td>{float(c['echo_score']):.2f}</td></tr>")
                    out.append("</tbody></table>")
                nw = new[new["article_id"] == aid].head(8 if self.brief else 20)
                if not nw.empty:
                    out.append("<p><b>Possibly new arguments</b> (no echo in the ledger):</p><ul>")
                    out += [f"<li><q class='sg-q'>{e(c['quote'])}</q> <span class='sg-meta'>"
                            f"{e(labels.get(c['theme'], c['theme']))}; suggested stance {e(c['stance'])}</span></li>"
                            for _, c in nw.iterrows()]
                    out.append("</ul>")
        rec = nm.recurrence(led, cands)
        rec = rec[rec["total_articles"] >= 2].head(10 if self.brief else 25)
        out.append("<h3>Arguments that recur across articles</h3>")
        if rec.empty:
            out.append("<p>No argument appears in more than one article.</p>")
        else:
            types = [c for c in rec.columns if ":" in c and rec[c].sum()]
            head = "".join(f"<th>{e(c.split(':')[1].replace('_', ' '))}{' (suggested)' if c.startswith('suggested') else ''}</th>"
                           for c in types)
            out.append('<table class="sg-table"><thead><tr><th>argument</th><th>articles</th>' + head +
                       "<th>first and last seen</th></tr></thead><tbody>")
            for _, r in rec.iterrows():
                sug = f" + {r['suggested_articles']} suggested" if r["suggested_articles"] else ""
                cells = "".join(f"<td>{int(r[c])}</td>" for c in types)
                out.append(f"<tr><td>{e(r['summary'])}<br><span class='sg-meta'>{e(r['canonical_id'])} · "
                           f"{e(labels.get(r['theme'], r['theme']))} · {e(r['stance'])}</span></td>"
                           f"<td>{r['curated_articles']}{sug}</td>{cells}<td class='sg-nowrap'>{r['first_seen']:%Y-%m-%d}"
                           f"<br>{r['last_seen']:%Y-%m-%d}</td></tr>")
            out.append("</tbody></table>")
        out.append("</section>")
        return Html("".join(out))

    # ------------------------------------------------------------------ appendices
    def appendix_sources(self) -> Html:
        arts = self.ledger.articles
        out = ['<section class="sg-appendix"><h2>Appendix A. Sources</h2>',
               '<table class="sg-table sg-sources"><thead><tr><th>article</th><th>outlet and type</th><th>published</th>'
               '<th>how the date and outlet are known</th><th>claims</th></tr></thead><tbody>']
        counts = self.ledger.claims["article_id"].value_counts()
        for aid, r in arts.iterrows():
            sel = "" if aid in self.a.articles.index else " <span class='sg-badge'>excluded by parameters</span>"
            url = f"<br><a href='{e(r['url'])}'>{e(r['url'])}</a>" if r.get("url") else "<br><span class='sg-meta'>URL not known</span>"
            out.append(f"<tr><td><b>{e(r['title'])}</b><br><span class='sg-meta'>{e(aid)}</span>{url}{sel}</td>"
                       f"<td>{e(r['outlet'])}<br>{self.outlet_badge(aid)}</td>"
                       f"<td>{r['published'].date()}<br><span class='sg-meta'>{e(r['date_precision'])}, {e(r['date_basis'])}</span></td>"
                       f"<td class='sg-small sg-wide'><b>Date:</b> {e(r['date_evidence'])}<br><b>Outlet:</b> {e(r['outlet_basis'])}</td>"
                       f"<td>{counts.get(aid, 0)}{'' if r['curated'] else ' (not curated)'}</td></tr>")
        out.append("</tbody></table></section>")
        return Html("".join(out))

    def appendix_problems(self) -> Html:
        fc = self.ledger.fact_checks
        out = ['<section class="sg-appendix"><h2>Appendix B. Problems in the sources</h2>',
               "<h3>Fact-checks</h3><p>Factual errors and inconsistencies in the articles, with the curator's verdict "
               "and the reference it rests on. Claims concerned keep their verbatim words in the ledger.</p>",
               '<table class="sg-table"><thead><tr><th>article and words</th><th>verdict</th><th>explanation</th>'
               '<th>reference</th></tr></thead><tbody>']
        for fid, r in fc.iterrows():
            ref = _reference(r)
            claim = f" ({e(r['claim_id'])})" if r.get("claim_id") else ""
            out.append(f"<tr><td><q class='sg-q'>{e(r['quote'])}</q><br><span class='sg-meta'>{e(fid)} · "
                       f"{e(self.ledger.articles.at[r['article_id'], 'outlet'])}{claim}</span></td>"
                       f"<td><span class='sg-badge sg-verdict'>{e(VERDICT_LABEL.get(r['verdict'], r['verdict']))}</span></td>"
                       f"<td>{e(r['explanation'])}</td><td class='sg-small'>{ref}</td></tr>")
        out.append("</tbody></table>")
        conf = self.ledger.conflicts
        out.append("<h3>Disputed attributions</h3><p>The same words attributed to different people in different "
                   "articles, found automatically by comparing the quotes across articles (a run of at least five "
                   "identical words). The ledger records each article's attribution as printed; which is right is not "
                   "decided here.</p>")
        if conf.empty:
            out.append("<p>None found.</p>")
        else:
            out.append('<table class="sg-table"><thead><tr><th>shared words</th><th>attributed to</th>'
                       '<th>and to</th></tr></thead><tbody>')
            for r in conf.itertuples():
                out.append(f"<tr><td><q class='sg-q'>{e(r.shared_text)}</q> <span class='sg-meta'>({r.shared_words} words)</span></td>"
                           f"<td>{e(self.actor_name(r.actor_a))}<br><span class='sg-meta'>{e(r.claim_a)} · "
                           f"{e(self.ledger.articles.at[r.article_a, 'outlet'])}</span></td>"
                           f"<td>{e(self.actor_name(r.actor_b))}<br><span class='sg-meta'>{e(r.claim_b)} · "
                           f"{e(self.ledger.articles.at[r.article_b, 'outlet'])}</span></td></tr>")
            out.append("</tbody></table>")
        out.append("</section>")
        return Html("".join(out))

    def appendix_method(self) -> Html:
        items = analysis.SCORING
        out = ['<section class="sg-appendix"><h2>Appendix C. Methodology</h2>',
               "<p>Every claim in this report is a row of a hand-curated ledger: its words are located verbatim in the "
               "article on every run, and who said it, on which theme and for which side were decided by a curator. "
               "Counterarguments come from the articles themselves or from analyst notes, which are labelled and cite a "
               "reference. Machine-suggested material, if any, is marked as such and never scored.</p>",
               "<h3>Stances</h3><ul>"]
        out += [f"<li><b>{e(k)}</b>: {e(v)}</li>" for k, v in STANCES.items()]
        out.append("</ul><h3>Relations</h3><ul>")
        out += [f"<li><b>{e(k)}</b>: {e(v)}</li>" for k, v in RELATION_TYPES.items()]
        out.append("</ul><h3>Strength rubric (1–5)</h3><ul>")
        out += [f"<li><b>{k}</b>: {e(v)}</li>" for k, v in sorted(STRENGTH_RUBRIC.items(), reverse=True)]
        out.append("</ul><h3>Scoring</h3><ul>")
        out += [f"<li>{e(x)}</li>" for x in items]
        out.append("</ul></section>")
        return Html("".join(out))

    def footer(self) -> Html:
        pkgs = ["shieldgap", "pandas", "pandera", "matplotlib", "networkx", "papermill", "nbconvert", "numpy"]
        versions = []
        for p in pkgs:
            try:
                versions.append(f"{p} {metadata.version(p)}")
            except metadata.PackageNotFoundError:
                pass
        params = "".join(f"<tr><td>{e(k)}</td><td><code>{e(repr(v))}</code></td></tr>" for k, v in self.params.items())
        now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        return Html(
            '<section class="sg-appendix sg-footer"><h2>Reproducibility</h2>'
            f"<p>Rendered {now} in {time.perf_counter() - self.started:.1f} s of analysis · data fingerprint "
            f"<code>{self.ledger.fingerprint[:16]}</code> (SHA-256 of the curated files) · Python "
            f"{platform.python_version()} · {e(', '.join(versions))}.</p>"
            f'<table class="sg-table sg-params"><thead><tr><th>parameter</th><th>value</th></tr></thead>'
            f"<tbody>{params}</tbody></table></section>")


def build(namespace: dict) -> Report:
    """The report for the parameters found in ``namespace`` (the notebook's globals)."""
    from .params import spec

    return Report({k: namespace[k] for k in spec() if k in namespace})
