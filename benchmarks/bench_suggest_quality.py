"""Quality of `shieldgap suggest`, measured leave-one-article-out on the curated ledger.

For each curated article: hide its curation (its claims, and its body from the fitted vocabulary and
the threshold calibration), run the suggester on it, and compare with what the curator recorded:

- precision: share of suggested sentences that overlap a curated quote span of the article;
- recall: share of the article's curated claims whose quote overlaps a suggested sentence;
- theme / speaker / stance accuracy: for each recalled claim, the suggestion overlapping it most
  has the curated theme / actor_id (``@outlet`` included) / stance;
- claim type accuracy: the same for the learned claim type;
- echo recall: of the recalled claims whose canonical claim also appears in another article, the
  share whose suggestion names that canonical claim; echo precision: of the suggestions naming an
  echo on a curated claim, the share naming the right canonical claim.

Each measure is printed against its target (issue 10). Seconds per article are measured twice: fit +
suggest (the model fitted without the article), and suggest alone once the model is loaded (the target).

``--relations`` also measures the counterargument suggestions: each curated relation whose target is a
claim is hidden in turn, and counted as found when its source (or target, through canonical claims)
is among the 8 suggestions for the target, and right when the proposed relation and direction match.

``--misses FILE`` writes every theme, stance and echo miss (one CSV row each: curated and suggested
value, score, speakers, the sentence and the curated quote and summary) for error analysis.

Usage: python benchmarks/bench_suggest_quality.py [--data DIR] [--no-embed] [--relations] [--misses FILE]
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


#: Columns of the ``--misses`` file: one row per recalled curated claim whose theme, stance or echo was missed.
MISS_COLUMNS = ["article", "claim_id", "field", "curated", "suggested", "score", "actor_id", "suggested_actor",
                "sentence", "quote", "summary"]


def evaluate(data_dir=None, misses: list[dict] | None = None) -> tuple[list[dict], dict]:
    """Per-article rows and their means; ``misses``, when given, receives a row (MISS_COLUMNS) per miss."""
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
        t1 = time.perf_counter()
        cands = model.analyze(art.id, art.body)
        elapsed, suggest_only = time.perf_counter() - t0, time.perf_counter() - t1
        gold = curated_spans(art.body, own)
        cspans = [(int(k["sentence_start"]), int(k["sentence_end"])) for k in cands]
        hits = sum(1 for s in cspans if any(overlap(s, g) for _, g in gold))
        recalled = theme_ok = actor_ok = stance_ok = type_ok = 0
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
            type_ok += k.get("claim_type") == claim["claim_type"]
            true_canon = canon_of[claim["claim_id"]]
            is_linked = len(groups.get(true_canon, ())) > 1
            linked += is_linked
            named = k["echo_of"]
            right = bool(named) and canon_of.get(named, named) == true_canon
            echo_ok += is_linked and right
            echo_named += bool(named)
            echo_named_ok += right
            if misses is not None:
                wrong = [(f, claim[f], k[f], k[f"{f}_score"]) for f in ("theme", "stance") if k[f] != claim[f]]
                if (is_linked or named) and not right:
                    wrong.append(("echo", true_canon if is_linked else "", named, k["echo_score"]))
                misses += [{"article": art.id, "claim_id": claim["claim_id"], "field": f, "curated": gold_value,
                            "suggested": got, "score": score, "actor_id": claim["actor_id"],
                            "suggested_actor": k["actor_id"], "sentence": k["quote"], "quote": claim["quote"],
                            "summary": claim.get("summary", "")} for f, gold_value, got, score in wrong]
        rows.append({
            "article": art.id, "claims": len(gold), "suggested": len(cands),
            "precision": hits / len(cands) if cands else 0.0, "recall": recalled / len(gold) if gold else 0.0,
            "theme": theme_ok / recalled if recalled else None, "speaker": actor_ok / recalled if recalled else None,
            "stance": stance_ok / recalled if recalled else None,
            "claim_type": type_ok / recalled if recalled else None,
            "echo_recall": echo_ok / linked if linked else None, "linked": linked,
            "echo_precision": echo_named_ok / echo_named if echo_named else None, "echoes_named": echo_named,
            "threshold": model.threshold, "seconds": elapsed, "suggest_seconds": suggest_only,
        })
    def mean(key):
        vals = [r[key] for r in rows if r[key] is not None]
        return sum(vals) / len(vals) if vals else None
    means = {k: mean(k) for k in ("precision", "recall", "theme", "speaker", "stance", "claim_type", "echo_recall",
                                  "echo_precision", "seconds", "suggest_seconds")}
    means["linked"] = sum(r["linked"] for r in rows)
    means["echoes_named"] = sum(r["echoes_named"] for r in rows)
    means["claims"] = sum(r["claims"] for r in rows)
    return rows, means


#: Issue 10's targets: (label, key of the means, comparison, target, shown as a percentage).
TARGETS = [("theme accuracy", "theme", ">=", 0.85, True), ("stance accuracy", "stance", ">=", 0.80, True),
           ("speaker accuracy", "speaker", ">=", 0.90, True), ("echo recall", "echo_recall", ">=", 0.70, True),
           ("echo precision", "echo_precision", ">=", 0.70, True),
           ("seconds per article (model loaded)", "suggest_seconds", "<=", 1.0, False)]


def target_rows(means: dict) -> list[tuple]:
    return [(label, means.get(key), op, target, pct) for label, key, op, target, pct in TARGETS]


def evaluate_relations(data_dir=None, top: int = 8) -> dict:
    """Leave-one-relation-out: is the hidden relation's other end among the suggestions for its target?"""
    from shieldgap.curation.relations import suggest_relations
    from shieldgap.ledger import load_ledger

    ledger = load_ledger(data_paths(data_dir).data)
    canon = dict(zip(ledger.claims.claim_id, ledger.claims.canonical_id))
    cz = lambda x: canon.get(x) or x  # noqa: E731
    every = ledger.relations
    found = right = total = 0
    t0 = time.perf_counter()
    for r in every.to_dict("records"):
        if r["target_id"] not in canon:
            continue
        ledger.relations = every[every.relation_id != r["relation_id"]]
        try:
            sug = suggest_relations(ledger, r["target_id"], top=top)
        finally:
            ledger.relations = every
        total += 1
        hit = [s for s in sug if {cz(s.source_id), cz(s.target_id)} == {cz(r["source_id"]), cz(r["target_id"])}]
        found += bool(hit)
        right += bool(hit) and hit[0].relation == r["relation"] and cz(hit[0].source_id) == cz(r["source_id"])
    return {"relations": total, "found": found, "right": right,
            "seconds": (time.perf_counter() - t0) / total if total else 0.0}


def fmt(v, pct=True):
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{100 * v:5.1f}%" if pct else f"{v:.2f}"
    return str(v)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=None)
    ap.add_argument("--no-embed", action="store_true", help="the lexical fallback: no sentence embeddings")
    ap.add_argument("--relations", action="store_true", help="also measure the counterargument suggestions")
    ap.add_argument("--misses", metavar="CSV", default=None,
                    help="write each theme, stance and echo miss (curated vs suggested, the sentence) to this file")
    args = ap.parse_args(argv)
    if args.no_embed:
        from shieldgap.curation import relations as relations_module
        from shieldgap.suggest import model as model_module

        model_module.EMBED_WEIGHT = relations_module.EMBED_WEIGHT = 0.0
    from shieldgap.suggest.embed import embedder

    print("embeddings: " + ("off (lexical similarity only)" if args.no_embed or embedder() is None
                            else "WordLlama (weights from the installed wheel)"))
    misses: list[dict] | None = [] if args.misses else None
    rows, means = evaluate(args.data, misses)
    if args.misses:
        import csv

        with open(args.misses, "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=MISS_COLUMNS, lineterminator="\n")
            w.writeheader()
            w.writerows(misses)
        print(f"{len(misses)} misses written to {args.misses}")
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
    print(f"  claim type accuracy       {fmt(means['claim_type'])}")
    print(f"  echoes: {means['linked']} curated claims whose canonical claim appears in another article; "
          f"{means['echoes_named']} suggestions on curated claims naming an echo")
    print(f"  seconds per article, fit + suggest: {means['seconds']:.2f}")
    print()
    print(f"{'measure':<34}{'measured':>10}{'target':>10}   status")
    for label, value, op, target, pct in target_rows(means):
        ok = value is not None and (value >= target if op == ">=" else value <= target)
        shown = fmt(value) if pct else f"{value:.2f} s"
        goal = f"{op}{100 * target:.0f}%" if pct else f"{op}{target:g} s"
        gap = "" if ok or value is None else (f" (short by {100 * (target - value):.1f} points)" if pct
                                                else f" (over by {value - target:.2f} s)")
        print(f"{label:<34}{shown:>10}{goal:>10}   {'met' if ok else 'MISSED' + gap}")
    if args.relations:
        rel = evaluate_relations(args.data)
        n = rel["relations"] or 1
        print(f"\ncounterargument suggestions (each of {rel['relations']} curated relations hidden in turn): "
              f"answer among the top 8 {100 * rel['found'] / n:.1f}%, with the curated relation and direction "
              f"{100 * rel['right'] / n:.1f}%; {rel['seconds']:.2f} s per claim")
    return 0


if __name__ == "__main__":
    sys.exit(main())
