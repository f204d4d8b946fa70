"""Scale of `shieldgap add` + `shieldgap suggest`: >= 10,000 generated articles, then one more.

Generates the articles itself in a temporary directory (sentence templates mixing the registry's
actor names, theme keywords and reworded versions of curated claims; 1 in 20 as an HTML page with
navigation and scripts), adds them to a copy of the data directory, suggests claims for all of
them, then adds one new article and reruns suggest (only it is processed, thanks to the
content-hash cache). Prints wall times, articles per second, and the peak resident memory of this
process and its worker processes (resource.getrusage). Targets: add + suggest <= 60 s on 2 cores
and < 2 GB; the incremental rerun <= 2 s.

Usage: python benchmarks/bench_scale.py [--n 10000] [--workers 2] [--keep]
"""
from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from shieldgap.files import read_csv_rows
from shieldgap.ingest import Options, add_articles
from shieldgap.paths import data_paths
from shieldgap.suggest import run_suggest

OPENERS = ["{actor} said on {day} that", "According to {actor},", "{actor} told reporters that",
           "Speaking in {city}, {actor} noted that", "{actor} argued that", "In an interview, {actor} stressed that"]
FILLERS = [
    "the debate over {kw} has intensified in {city} this week.",
    "officials in {city} are weighing the {kw} question again.",
    "analysts say {kw} will shape what allies decide next.",
    "the discussion of {kw} continued at a meeting of defence ministers.",
    "the report on {kw} was published as attacks on Ukrainian cities continued.",
]
SWAPS = [("the US", "Washington"), ("United States", "U.S."), ("Russia", "Moscow"), ("direct", "open"),
         ("decades", "many years"), ("not", "not at all"), ("Israel", "the Israelis"), ("different", "distinct")]
CITIES = ["Kyiv", "Washington", "Brussels", "Warsaw", "Jerusalem", "Bucharest", "London", "Paris"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def reword(quote: str, rng: random.Random) -> str:
    out = quote.strip().strip('"').rstrip(".,")
    for a, b in rng.sample(SWAPS, 3):
        out = out.replace(a, b, 1)
    return out


def generate(n: int, out_dir: Path, data: Path, seed: int = 7) -> int:
    rng = random.Random(seed)
    actors = yaml.safe_load((data / "actors.yml").read_text(encoding="utf-8"))
    themes = yaml.safe_load((data / "themes.yml").read_text(encoding="utf-8"))
    names = [v for a in actors.values() for v in (a.get("variants") or []) if v[:1].isupper() and len(v) > 5]
    keywords = [k for t in themes.values() for k in (t.get("keywords") or [])]
    quotes = [r["quote"] for r in read_csv_rows(data / "claims.csv") if len(r["quote"].split()) >= 6]
    out_dir.mkdir(parents=True, exist_ok=True)
    total_words = 0
    for i in range(n):
        title = f"{rng.choice(names)} on {rng.choice(keywords)} and {rng.choice(keywords)}, report {i}"
        paras = []
        for _ in range(rng.randint(3, 5)):
            sents = []
            for _ in range(rng.randint(2, 3)):
                kind = rng.random()
                actor = rng.choice(names)
                if kind < 0.35:
                    sents.append(f"\"{reword(rng.choice(quotes), rng)},\" {actor} said.")
                elif kind < 0.6:
                    opener = rng.choice(OPENERS).format(actor=actor, day=rng.choice(DAYS), city=rng.choice(CITIES))
                    sents.append(f"{opener} {reword(rng.choice(quotes), rng)}.")
                else:
                    sents.append(rng.choice(FILLERS).format(kw=rng.choice(keywords), city=rng.choice(CITIES))
                                 .capitalize())
            paras.append(" ".join(sents))
        body = title + "\n\n" + "\n\n".join(paras) + f"\n\nReport number {i} of the generated corpus.\n"
        total_words += len(body.split())
        if i % 20 == 0:
            html = ("<html><head><title>" + title + "</title><script>var secret='x';</script></head><body>"
                    "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>" + title + "</h1>"
                    + "".join(f"<p>{p}</p>" for p in paras) + f"<p>Report number {i} of the generated corpus.</p>"
                    "</article><footer>Copyright. Cookie settings</footer></body></html>")
            (out_dir / f"a{i:05d}.html").write_text(html, encoding="utf-8")
        else:
            (out_dir / f"a{i:05d}.txt").write_text(body, encoding="utf-8")
    return total_words


def peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args(argv)

    src_data = data_paths().data
    tmp = Path(tempfile.mkdtemp(prefix="shieldgap-scale-"))
    try:
        data = tmp / "data"
        shutil.copytree(src_data, data, ignore=shutil.ignore_patterns("derived", "candidates"))
        paths = data_paths(data)
        inbox = tmp / "inbox"
        t = time.perf_counter()
        words = generate(args.n, inbox, src_data)
        t_gen = time.perf_counter() - t
        print(f"generated {args.n} articles ({words / args.n:.0f} words on average, 1 in 20 as HTML) "
              f"in {t_gen:.1f} s (not counted)")

        t0 = time.perf_counter()
        res = add_articles([inbox], paths, Options(), workers=args.workers)
        t_add = time.perf_counter() - t0
        assert len(res.added) == args.n, (len(res.added), res.rejected[:3])
        t1 = time.perf_counter()
        sres = run_suggest(paths, workers=args.workers)
        t_suggest = time.perf_counter() - t1
        total = t_add + t_suggest
        own, children = peak_rss_mb()
        print(f"add:      {len(res.added):6d} articles in {t_add:6.1f} s  ({len(res.added) / t_add:6.0f} articles/s)")
        print(f"suggest:  {len(sres.processed):6d} articles in {t_suggest:6.1f} s  "
              f"({len(sres.processed) / t_suggest:6.0f} articles/s, {sres.candidates} candidates)")
        print(f"add + suggest: {total:.1f} s for {args.n} articles with {args.workers} workers "
              f"(target <= 60 s: {'OK' if total <= 60 else 'MISSED'}; {total / 60:.2f} of the budget)")
        print(f"peak RSS: main process {own:.0f} MB, largest worker {children:.0f} MB "
              f"(target < 2048 MB: {'OK' if max(own, children) < 2048 else 'MISSED'})")

        # one new article, rerun: only it is processed
        new = tmp / "one-more.txt"
        new.write_text("Kirby repeats: no direct conflict with Russia\n\n\"We are not going to be in direct armed "
                       "conflict with Russia,\" John Kirby told reporters on Monday, 22 April 2024. He said the "
                       "United States would keep sending Patriot systems instead.\n", encoding="utf-8")
        t2 = time.perf_counter()
        add_articles([new], paths, Options())
        t_add1 = time.perf_counter() - t2
        t3 = time.perf_counter()
        inc = run_suggest(paths, workers=args.workers)
        t_inc = time.perf_counter() - t3
        print(f"incremental, in process: add 1 article {t_add1:.2f} s + suggest {t_inc:.2f} s "
              f"({len(inc.processed)} processed, {len(inc.unchanged)} unchanged) = {t_add1 + t_inc:.2f} s "
              f"(target <= 2 s: {'OK' if t_add1 + t_inc <= 2 else 'MISSED'})")
        # the same as the analyst runs it: a fresh `shieldgap suggest` process after one more article
        new2 = tmp / "one-more-2.txt"
        new2.write_text("Zelenskyy renews appeal\n\nVolodymyr Zelenskyy said on Tuesday that allies who shot "
                        "down Iranian drones over Israel could do the same over Ukraine.\n", encoding="utf-8")
        add_articles([new2], paths, Options())
        exe = Path(sys.executable).parent / "shieldgap"
        cmd = [str(exe), "suggest", "--data", str(data), "--quiet"]
        t4 = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
        t_cli = time.perf_counter() - t4
        print(f"incremental, `shieldgap suggest` as a new process (interpreter start and imports included): "
              f"{t_cli:.2f} s -> {out.splitlines()[-1][:80]}")
        t5 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, text=True, check=True)
        print(f"rerun with nothing new, new process: {time.perf_counter() - t5:.2f} s")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
