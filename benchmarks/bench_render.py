"""Benchmark: `shieldgap render` against a floor measured in the same run.

Floor: one Python process in which papermill executes a notebook holding only the report's
parameters cell, and nbconvert converts it to HTML. Each command is run REPEAT times (``BENCH_REPEAT``, 7) as a
whole process, the commands interleaved round by round; a ratio to the floor, and what the PDF adds, is the
median of each round's own comparison (so that a slow spell of the machine, which hits one round, cancels out).
Four kinds of render are timed:

- "cold": ``SHIELDGAP_CACHE=off``, so nothing an earlier render computed is reused: the ledger is verified
  and every cell computed and figure drawn afresh (by the renderer while papermill starts the kernel,
  shieldgap.report_cache.prepare), the worst case;
- "edited ledger": each run on a copy of the data in which one claim's summary was edited (as a curator
  fixing a word): the same work, but a verified-ledger record of other data is there to be missed;
- "new weights": each run with theme weights no render had before, caches on: the renderer prepares the
  cells while the kernel starts, on a ledger verified before, as when an explorer tries another weighting;
- "repeated": the same data and parameters as the run before, so the cells are replayed from the
  project's .cache/report (shieldgap.report_cache); one untimed render first fills the cache.

Run: `make bench` or `.venv/bin/python benchmarks/bench_render.py`.
"""
from __future__ import annotations

import csv
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from shieldgap.paths import project_root, report_notebook

REPEAT = int(os.environ.get("BENCH_REPEAT", 7))
FLOOR = r"""
import sys, papermill as pm
from nbconvert import HTMLExporter
nb = pm.execute_notebook(sys.argv[1], None, progress_bar=False, kernel_name="python3")
html, _ = HTMLExporter(exclude_input=True).from_notebook_node(nb)
open(sys.argv[2], "w").write(html)
"""


STEPS: dict[str, list[dict]] = {}


def timed(cmd: list[str], name: str = "", env: dict | None = None) -> float:
    t = time.perf_counter()
    proc = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t
    m = re.search(r"rendered in (.*?)(?: \(PDF|$)", proc.stdout, re.M)
    if m:  # shieldgap render prints its own step timings
        steps = (step.rsplit(" ", 1) for step in m.group(1).split(", "))  # "pdf ahead 0.81s"
        STEPS.setdefault(name, []).append({k: float(v[:-1]) for k, v in steps})
    return elapsed


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="shieldgap-bench-"))
    nb = nbformat.read(report_notebook(), as_version=4)
    nb.cells = nb.cells[:1]
    floor_nb = tmp / "floor.ipynb"
    nbformat.write(nb, floor_nb)
    shieldgap = str(Path(sys.executable).parent / "shieldgap")
    cold = {**os.environ, "SHIELDGAP_CACHE": "off"}
    floor = "floor (papermill params-only + nbconvert)"
    nonce = time.time_ns() % 10**6

    def weights(run: int) -> list[str]:  # weights no earlier render had
        return ["-p", "theme_weights", f"{{geography: 1.{nonce:06d}{run}}}"]

    def edited(run: int) -> list[str]:  # a copy of the data with one claim's summary edited as never before
        data = tmp / f"data-{run}"
        if not data.exists():
            shutil.copytree(project_root() / "data", data, ignore=shutil.ignore_patterns("derived", "candidates"))
            claims = data / "claims.csv"
            with claims.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh))
            rows[0]["summary"] += f" (edit {nonce}-{run})"
            with claims.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
        return ["--data", str(data)]

    cmds = {  # name: (command, or a function of the run number giving it; environment)
        floor: ([sys.executable, "-c", FLOOR, str(floor_nb), str(tmp / "floor.html")], None),
        "html, cold": ([shieldgap, "render", "--format", "html", "--out", str(tmp / "hc")], cold),
        "html,pdf, cold": ([shieldgap, "render", "--format", "html,pdf", "--out", str(tmp / "pc")], cold),
        "html, new weights": (lambda run: [shieldgap, "render", "--format", "html", "--out", str(tmp / "hw"),
                                           *weights(run)], None),
        "html,pdf, new weights": (lambda run: [shieldgap, "render", "--format", "html,pdf", "--out",
                                               str(tmp / "pw"), *weights(run + 50)], None),
        "html, edited ledger": (lambda run: [shieldgap, "render", "--format", "html", "--out", str(tmp / "he"),
                                             *edited(run)], None),
        "html,pdf, edited ledger": (lambda run: [shieldgap, "render", "--format", "html,pdf", "--out",
                                                 str(tmp / "pe"), *edited(run + 50)], None),
        "html, repeated": ([shieldgap, "render", "--format", "html", "--out", str(tmp / "h")], None),
        "html,pdf, repeated": ([shieldgap, "render", "--format", "html,pdf", "--out", str(tmp / "p")], None),
    }
    import compileall  # the package's bytecode, as an install leaves it (make install), for the code as it is now

    compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "src" / "shieldgap"), quiet=1)
    for cmd, env in cmds.values():  # untimed: fills the caches the repeated renders replay, warms the rest
        subprocess.run(cmd(99) if callable(cmd) else cmd, check=True, capture_output=True, env=env)
    times = {k: [] for k in cmds}
    for run in range(REPEAT):  # interleaved, so drift affects all alike
        for name, (cmd, env) in cmds.items():
            times[name].append(timed(cmd(run) if callable(cmd) else cmd, name, env))
    med = {k: statistics.median(v) for k, v in times.items()}

    def paired(a: str, b: str, op) -> float:  # the median of the rounds' own comparisons: drift cancels out
        return statistics.median(op(x, y) for x, y in zip(times[a], times[b]))

    print(f"{'command':45s} {'median s':>9s} {'ratio':>7s}   runs")
    for name, m in med.items():
        ratio = paired(name, floor, lambda x, y: x / y)
        print(f"{name:45s} {m:9.2f} {ratio:6.2f}x   {', '.join(f'{t:.2f}' for t in times[name])}")
    for kind in ("cold", "edited ledger", "new weights", "repeated"):
        html, both = f"html, {kind}", f"html,pdf, {kind}"
        print(f"\n{kind}: HTML / floor {paired(html, floor, lambda x, y: x / y):.2f}x (target <= 1.3x); PDF adds "
              f"{paired(both, html, lambda x, y: x - y):.2f} s (target <= 1 s)")
    for name, runs in STEPS.items():
        keys = list(dict.fromkeys(k for r in runs for k in r))
        steps = {k: statistics.median(r[k] for r in runs if k in r) for k in keys}
        print(f"  {name}: " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items())
              + (f" (printed ahead in {sum('pdf ahead' in r for r in runs)} of {len(runs)} runs)"
                 if "pdf" in keys else ""))
    print(f"(root {project_root()}, {REPEAT} runs each, interleaved; ratios and PDF costs are medians of each round's "
          "own comparison, the other figures medians of the runs)")


if __name__ == "__main__":
    main()
