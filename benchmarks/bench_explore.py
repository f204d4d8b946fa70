"""Benchmark: the explorer's update after a change of each kind of control, against a full rebuild measured in
the same run.

Each sample times one assignment to a control's ``value`` in process: the widget's observers run the
explorer's update, which returns once every view's HTML is set (summary, balance chart, claims-by-theme
chart). The baseline is what a change costs without what the explorer keeps: a fresh
:class:`shieldgap.report.Report` for the same overrides, its header and summary, and the report's two
charts (the same SVG templates the explorer draws).

A change that selects other claims (a theme, an outlet, a date, the minimum strength) is timed twice:
"new selection", with the explorer's kept selections emptied first, so everything is scored afresh; and
"kept selection", switching back and forth between two selections the explorer has seen. A weight change
never changes the selection. Last, weight changes with the claims tables tab open, which also rebuild the
theme-by-theme tables and argument maps. Run: `.venv/bin/python benchmarks/bench_explore.py`.
"""
from __future__ import annotations

import datetime as dt
import statistics
import time

from shieldgap.explore import TABLES_TAB, Explorer
from shieldgap.ledger import load_ledger
from shieldgap.report import Report

REPEAT = 11
TARGET_MS = 100.0


def timed(set_value) -> float:
    t = time.perf_counter()
    set_value()
    return (time.perf_counter() - t) * 1000


def main() -> None:
    ledger = load_ledger()
    x = Explorer(ledger=ledger)
    themes = list(x.weight)
    outlets = list(x.exclude_outlets.options)
    dates = [dt.date(2024, 1, 1) + dt.timedelta(days=30 * k) for k in range(REPEAT)]
    times: dict[str, list[float]] = {}

    def sample(name: str, setter) -> None:
        times.setdefault(name, []).append(timed(setter))
        assert x.error is None, x.error

    def selection(name: str, control, value) -> None:
        """One change to a selection never scored, then two between selections the explorer keeps."""
        back = control.value
        x.reports._kept.clear()  # not timed: the next change meets a selection never scored
        sample(f"{name}, new selection", lambda: setattr(control, "value", value))
        control.value = back  # not timed: scores the selection before the change again
        sample(f"{name}, kept selection", lambda: setattr(control, "value", value))
        sample(f"{name}, kept selection", lambda: setattr(control, "value", back))

    def baseline(overrides: dict) -> float:
        t = time.perf_counter()
        r = Report(overrides, ledger=ledger)
        r.header(), r.summary(), r.figure("balance"), r.figure("claims_by_theme")
        return (time.perf_counter() - t) * 1000

    stamp = time.time() % 1  # weights never used before by an earlier run
    for i in range(REPEAT):  # interleaved, so that drift affects every kind alike
        w = round(1.5 + i / 10 + stamp / 100, 3)
        times.setdefault("baseline: a fresh Report + its 2 charts", []).append(
            baseline({"theme_weights": {themes[1]: w}}))
        slider, value = x.weight[themes[i % len(themes)]], round(w + 1, 3)
        sample("weight slider", lambda s=slider, v=value: setattr(s, "value", v))
        x.reset()
        selection("theme toggle", x.theme_included[themes[i % len(themes)]], False)
        selection("outlet exclusion", x.exclude_outlets, (outlets[i % len(outlets)],))
        selection("date", x.date_from, dates[i])
        selection("min strength", x.min_strength, 2 + i % 3)

    # with the claims tables tab open, a weight change also rebuilds the theme-by-theme tables and their maps
    # (a map whose values the weights leave alone comes from the figure cache)
    x.reset()
    x.tabs.selected_index = TABLES_TAB
    for i in range(REPEAT):
        slider, value = x.weight[themes[i % len(themes)]], round(1.1 + i / 10, 1)  # each a change
        sample("weight slider, claims tables tab open", lambda s=slider, v=value: setattr(s, "value", v))
    x.tabs.selected_index = 0

    base = statistics.median(times["baseline: a fresh Report + its 2 charts"])
    print(f"Explorer.update after one control change, median of {REPEAT} in one run (ms); "
          f"ratio = baseline / this; target ≤ {TARGET_MS:.0f} ms")
    print(f"{'':42s} {'median':>8s} {'min':>8s} {'max':>8s} {'ratio':>7s}")
    for name, ts in times.items():
        med = statistics.median(ts)
        mark = "" if name.startswith("baseline") else ("  meets target" if med <= TARGET_MS else "  over target")
        print(f"{name:42s} {med:8.1f} {min(ts):8.1f} {max(ts):8.1f} {base / med:6.1f}x{mark}")


if __name__ == "__main__":
    main()
