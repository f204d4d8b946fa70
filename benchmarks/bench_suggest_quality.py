"""Quality of `shieldgap suggest`, measured leave-one-article-out on the curated ledger.

For each curated article: hide its curation (its claims, and its body from the fitted vocabulary and
the threshold calibration), run the suggester on it, and compare with what the curator recorded:

- precision: share of suggested sentences that overlap a curated quote span of the article;
- recall: share of the article's curated claims whose quote overlaps a suggested sentence;
- theme / speaker / stance accuracy: for each recalled claim, the suggestion overlapping it most
  has the curated theme / actor_id (``@outlet`` included) / stance;
- echo recall: of the recalled claims whose canonical claim also appears in another article, the
  share whose suggestion names that canonical claim; echo precision: of the suggestions naming an
  echo on a curated claim, the share naming the right canonical claim.

Usage: python benchmarks/bench_suggest_quality.py [--data DIR]
"""
from __future__ import annotations

import argparse
import sys
import time

from shieldgap.paths import data_paths
from shieldgap.suggest import Model, read_reference, scan_articles
from shieldgap.textmatch import QuoteIndex


def curated_spans(body: str, claims: list[dict]) -> list[tuple[dict, tuple[int, int]]]:
    idx = QuoteIndex(body)
    out = []
    for c in claims:
        span = idx.locate(c["quote"], c.get("occurrence"))
        if span is not None:
            out.append((c, span))
    return out


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def evaluate(data_dir=None) -> tuple[list[dict], dict]:
    paths = data_paths(data_dir)
    arts = scan_articles(paths, want_bodies=lambda a: a.curated)
    ref = read_reference(paths, arts)
    canon_of = {c["claim_id"]: (c.get("canonical_id") or c["claim_id"]) for c in ref.claims}
    article_of = {c["claim_id"]: c["article_id"] for c in ref.claims}
    groups: dict[str, set[str]] = {}
    for cid, canon in canon_of.items():
        groups.setdefault(canon, set()).add(article_of[cid])
    rows = []
    for art in arts:
        if not art.curated:
            continue
        own = [c for c in ref.claims if c["article_id"] == art.id]
        if not own:
            continue
        t0 = time.perf_counter()
        model = Model(ref.without_article(art.id))
        cands = model.analyze(art.id, art.body)
        elapsed = time.perf_counter() - t0
        gold = curated_spans(art.body, own)
        cspans = [(int(k["sentence_start"]), int(k["sentence_end"])) for k in cands]
        hits = sum(1 for s in cspans if any(overlap(s, g) for _, g in gold))
        recalled = theme_ok = actor_ok = stance_ok = 0
        linked = echo_ok = echo_named = echo_named_ok = 0
        for claim, g in gold:
            best = max(range(len(cands)), key=lambda i: overlap(cspans[i], g), default=None)
            if best is None or overlap(cspans[best], g) == 0:
                if len(groups.get(canon_of[claim["claim_id"]], ())) > 1:
                    linked += 1
                continue
            k = cands[best]
            recalled += 1
            theme_ok += k["theme"] == claim["theme"]
            actor_ok += k["actor_id"] == claim["actor_id"]
            stance_ok += k["stance"] == claim["stance"]
            true_canon = canon_of[claim["claim_id"]]
            is_linked = len(groups.get(true_canon, ())) > 1
            linked += is_linked
            named = k["echo_of"]
            right = bool(named) and canon_of.get(named, named) == true_canon
            echo_ok += is_linked and right
            echo_named += bool(named)
            echo_named_ok += right
        rows.append({
            "article": art.id, "claims": len(gold), "suggested": len(cands),
            "precision": hits / len(cands) if cands else 0.0, "recall": recalled / len(gold) if gold else 0.0,
            "theme": theme_ok / recalled if recalled else None, "speaker": actor_ok / recalled if recalled else None,
            "stance": stance_ok / recalled if recalled else None,
            "echo_recall": echo_ok / linked if linked else None, "linked": linked,
            "echo_precision": echo_named_ok / echo_named if echo_named else None, "echoes_named": echo_named,
            "threshold": model.threshold, "seconds": elapsed,
        })
    def mean(key):
        vals = [r[key] for r in rows if r[key] is not None]
        return sum(vals) / len(vals) if vals else None
    means = {k: mean(k) for k in ("precision", "recall", "theme", "speaker", "stance", "echo_recall",
                                  "echo_precision", "seconds")}
    means["linked"] = sum(r["linked"] for r in rows)
    means["echoes_named"] = sum(r["echoes_named"] for r in rows)
    means["claims"] = sum(r["claims"] for r in rows)
    return rows, means


def fmt(v, pct=True):
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{100 * v:5.1f}%" if pct else f"{v:.2f}"
    return str(v)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=None)
    args = ap.parse_args(argv)
    rows, means = evaluate(args.data)
    if not rows:
        print("no curated articles with claims: nothing to evaluate")
        return 1
    cols = ["claims", "suggested", "precision", "recall", "theme", "speaker", "stance", "echo_recall", "linked",
            "echo_precision", "threshold"]
    width = max(len(r["article"]) for r in rows)
    print("Leave-one-article-out quality of `shieldgap suggest` "
          "(each article's curation hidden, suggestions compared with it)\n")
    print(f"{'article':<{width}}  " + "  ".join(f"{c:>14}" for c in cols))
    for r in rows:
        vals = [fmt(r[c], pct=c not in ("claims", "suggested", "linked", "threshold")) for c in cols]
        print(f"{r['article']:<{width}}  " + "  ".join(f"{v:>14}" for v in vals))
    print()
    print(f"mean over {len(rows)} articles ({means['claims']} curated claims):")
    print(f"  claim-sentence precision  {fmt(means['precision'])}")
    print(f"  claim-sentence recall     {fmt(means['recall'])}")
    print(f"  theme accuracy            {fmt(means['theme'])}")
    print(f"  speaker accuracy          {fmt(means['speaker'])}")
    print(f"  stance accuracy           {fmt(means['stance'])}")
    print(f"  echo recall               {fmt(means['echo_recall'])}  "
          f"({means['linked']} curated claims whose canonical claim appears in another article)")
    print(f"  echo precision            {fmt(means['echo_precision'])}  "
          f"({means['echoes_named']} suggestions on curated claims naming an echo)")
    print(f"  seconds per article (fit + suggest)  {means['seconds']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
