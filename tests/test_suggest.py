"""`shieldgap suggest` and `shieldgap accept` on private copies of the data."""
from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from shieldgap.cli import main
from shieldgap.ledger import load_ledger
from shieldgap.newmaterial import echoes, load_candidates, recurrence, theme_profile, uncurated_articles
from shieldgap.paths import data_paths

pytestmark = pytest.mark.slow  # each test fits or loads a suggestion model (seconds)

MILLER = "miller-entirely-different-relationship"
STATE = "state-dept-entirely-different-relationship"

NEW_ARTICLE = """Washington rules out shooting down Russian missiles over Ukraine

The White House on Monday again refused to let American jets intercept Russian missiles over Ukraine.
"We are not going to be in direct armed conflict with Russia," John Kirby told reporters, adding that the president had made that very clear.
Kirby said Washington would keep supplying Ukraine with Patriot air defense systems instead.
Ukrainian President Volodymyr Zelenskyy said allies had shown over Israel that they could shoot down Iranian missiles and drones.
"""  # noqa: E501 - an article's lines are as long as they are


def curated_tree(path: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        if p.is_file() and not {"derived", "candidates"} & set(p.relative_to(path).parts):
            h.update(str(p.relative_to(path)).encode() + p.read_bytes())
    return h.hexdigest()


def invoke(*args):
    return CliRunner().invoke(main, [*map(str, args)])


def hide_curation(data: Path, article_id: str) -> None:
    """Leave-one-out: the article's claims removed from the copy's claims.csv."""
    text = (data / "claims.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=rows[0].keys(), lineterminator="\n")
    w.writeheader()
    w.writerows(r for r in rows if r["article_id"] != article_id)
    (data / "claims.csv").write_text(buf.getvalue(), encoding="utf-8")


def candidates(data: Path, article_id: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((data / "candidates" / f"{article_id}.csv").read_text(encoding="utf-8"))))


def find(rows: list[dict], words: str) -> dict:
    hits = [r for r in rows if words in r["quote"]]
    assert hits, f"no candidate sentence contains {words!r}"
    return hits[0]


def add_new_article(data: Path, tmp_path: Path, text: str = NEW_ARTICLE, name: str = "new.txt") -> str:
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    before = {p.stem for p in (data / "articles").glob("*.md")}
    result = invoke("add", "--data", data, src, "--date", "2024-04-20")
    assert result.exit_code == 0, result.output
    (aid,) = {p.stem for p in (data / "articles").glob("*.md")} - before
    return aid


def test_held_out_miller_article_quotes_and_speakers(data_copy):
    hide_curation(data_copy, MILLER)
    before = curated_tree(data_copy)
    result = invoke("suggest", "--data", data_copy, MILLER)
    assert result.exit_code == 0, result.output
    rows = candidates(data_copy, MILLER)
    assert set(rows[0]) >= {"candidate_id", "article_id", "sentence_start", "sentence_end", "quote", "actor_id",
                            "actor_name_in_text", "theme", "theme_score", "stance", "echo_of", "echo_score",
                            "is_quote", "accept", "claim_type", "summary"}
    quotes = {
        "decades-long security partnership with Israel": ("matthew-miller", "true"),  # quote-then-speaker
        "We are not in armed military conflict with Russia": ("matthew-miller", "true"),
        "The spokesperson said it is in the interests of the American people": ("matthew-miller", "true"),
        "We did not have that kind of agreement": ("matthew-miller", "true"),  # "... ," the spokesperson said
        "He said, \"The president of any country": ("matthew-miller", "true"),  # pronoun, speaker-then-quote
        "Miller said the US is providing Ukraine with the equipment": ("matthew-miller", "false"),
    }
    for words, (actor, is_quote) in quotes.items():
        row = find(rows, words)
        assert row["actor_id"] == actor, (words, row)
        assert row["is_quote"] == is_quote, (words, row)
        assert row["accept"] == ""
    for r in rows:  # offsets point at the sentence in the body
        assert int(r["sentence_start"]) < int(r["sentence_end"])
    # the same words reported by the other State Department article are found as echoes of it
    echo = find(rows, "decades-long security partnership with Israel")
    assert echo["echo_of"].startswith("C2")  # an appearance in the other State Department article
    assert float(echo["echo_score"]) > 0.5
    assert curated_tree(data_copy) == before  # curated files untouched


def test_held_out_state_dept_article_kirby_miller_singh(data_copy):
    hide_curation(data_copy, STATE)
    result = invoke("suggest", "--data", data_copy, STATE)
    assert result.exit_code == 0, result.output
    rows = candidates(data_copy, STATE)
    # speaker on the line before the quotation ("Miller ..., said," / Quote / "...")
    assert find(rows, "I think it is important to note the context")["actor_id"] == "matthew-miller"
    assert find(rows, "We did not have that kind of agreement")["actor_id"] == "matthew-miller"
    kirby = find(rows, "And we are not going to be in direct armed conflict with Russia")
    assert kirby["actor_id"] == "john-kirby" and kirby["is_quote"] == "true"
    assert find(rows, "we do not want World War III")["actor_id"] == "john-kirby"
    assert find(rows, "two very different landscapes and battlefields")["actor_id"] == "sabrina-singh"
    # a paraphrase across outlets: Miller's words in the other article are recognised
    partnership = find(rows, "decades-long security partnership with Israel")
    assert partnership["echo_of"] == "C108"
    assert partnership["theme"] == "alliance_history" and partnership["stance"] == "explains_gap"
    kirby_echo = kirby["echo_of"]
    ledger_claims = {r["claim_id"]: r for r in csv.DictReader(io.StringIO((data_copy / "claims.csv").read_text()))}
    assert kirby_echo in ledger_claims and ledger_claims[kirby_echo]["theme"] == "escalation_risk"


def test_default_is_uncurated_and_rerun_processes_only_changes(data_copy, tmp_path):
    before = curated_tree(data_copy)
    first = add_new_article(data_copy, tmp_path)
    before = curated_tree(data_copy)
    result = invoke("suggest", "--data", data_copy)
    assert result.exit_code == 0, result.output
    assert "1 article(s) processed, 0 unchanged" in result.output
    assert sorted(p.stem for p in (data_copy / "candidates").glob("*.csv")) == [first]  # curated ones skipped
    rows = candidates(data_copy, first)
    kirby = find(rows, "We are not going to be in direct armed conflict with Russia")
    assert kirby["actor_id"] == "john-kirby" and kirby["is_quote"] == "true" and kirby["echo_of"]
    assert find(rows, "Kirby said Washington would keep supplying")["actor_id"] == "john-kirby"
    assert find(rows, "Volodymyr Zelenskyy said allies")["actor_id"] == "volodymyr-zelenskyy"
    assert curated_tree(data_copy) == before

    # nothing changed: nothing processed
    result = invoke("suggest", "--data", data_copy)
    assert "0 article(s) processed, 1 unchanged" in result.output
    stamp = (data_copy / "candidates" / f"{first}.csv").stat().st_mtime_ns
    # a second new article: only it is processed
    second = add_new_article(data_copy, tmp_path, NEW_ARTICLE.replace("Monday", "Tuesday") + "More.\n", "b.txt")
    result = invoke("suggest", "--data", data_copy, "--quiet")
    assert "1 article(s) processed, 1 unchanged" in result.output, result.output
    assert (data_copy / "candidates" / f"{first}.csv").stat().st_mtime_ns == stamp
    assert (data_copy / "candidates" / f"{second}.csv").is_file()
    # a changed article (body and its hash rewritten): only it is processed again
    path = data_copy / "articles" / f"{second}.md"
    text = path.read_text(encoding="utf-8")
    old_body = text.split("\n---\n", 1)[1]
    new_body = old_body + "Poland said it could intercept missiles over western Ukraine.\n"
    text = text.replace(hashlib.sha256(old_body.encode()).hexdigest(), hashlib.sha256(new_body.encode()).hexdigest())
    path.write_text(text.split("\n---\n", 1)[0] + "\n---\n" + new_body, encoding="utf-8")
    result = invoke("suggest", "--data", data_copy)
    assert "1 article(s) processed, 1 unchanged" in result.output, result.output
    assert any("Poland said" in r["quote"] for r in candidates(data_copy, second))
    # the report's functions see the machine-suggested material
    ledger = load_ledger(data_copy)
    cands = load_candidates(data_paths(data_copy))
    assert set(uncurated_articles(ledger)["id"]) == {first, second}
    prof = theme_profile(ledger, cands)
    assert set(prof["article_id"]) == {first, second} and (prof["total"] > 0).all()
    ech = echoes(ledger, cands)
    assert (ech["source"] == "machine-suggested").all() and first in set(ech["article_id"])
    rec = recurrence(ledger, cands)
    assert (rec["suggested_articles"] > 0).any() and (rec["curated_articles"] > 0).any()


def test_suggest_unknown_article(data_copy):
    result = invoke("suggest", "--data", data_copy, "no-such-article")
    assert result.exit_code == 1 and "no article 'no-such-article'" in result.output


def _mark(data: Path, article_id: str, words: str, **values) -> None:
    path = data / "candidates" / f"{article_id}.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for r in rows:
        if words in r["quote"]:
            r.update(values)
            break
    else:
        raise AssertionError(words)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=rows[0].keys(), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def test_accept_validates_before_writing(data_copy, tmp_path):
    aid = add_new_article(data_copy, tmp_path)
    assert invoke("suggest", "--data", data_copy).exit_code == 0
    claims_before = (data_copy / "claims.csv").read_bytes()

    # nothing marked
    result = invoke("accept", "--data", data_copy, aid)
    assert result.exit_code == 1 and "no row is marked accept=y" in result.output

    # marked but the analyst's fields are missing: the row is named, nothing written
    _mark(data_copy, aid, "We are not going to be in direct armed conflict", accept="y")
    result = invoke("accept", "--data", data_copy, aid)
    assert result.exit_code == 1
    assert "row 2 (K" in result.output or "row " in result.output
    # (claim_type is pre-filled by the suggester's learned claim type; summary and strength are the analyst's)
    assert "'summary'" in result.output and "'strength'" in result.output
    assert (data_copy / "claims.csv").read_bytes() == claims_before

    # filled, but a theme different from the canonical claim's: load_ledger rejects it, nothing written
    _mark(data_copy, aid, "We are not going to be in direct armed conflict", claim_type="prediction",
          summary="Kirby says the US will not enter a direct armed conflict with Russia.", strength="4",
          relevance="4", stance="context", unanswered="", theme="geography")
    result = invoke("accept", "--data", data_copy, aid)
    assert result.exit_code == 1 and "differs from its canonical claim" in result.output
    assert (data_copy / "claims.csv").read_bytes() == claims_before

    # valid: appended with the next id, canonical = the echoed claim; the ledger still loads
    rows = candidates(data_copy, aid)
    row = find(rows, "We are not going to be in direct armed conflict")
    ledger = load_ledger(data_copy)
    canon_theme = ledger.claims.loc[ledger.claims.loc[row["echo_of"], "canonical_id"], "theme"]
    _mark(data_copy, aid, "We are not going to be in direct armed conflict", theme=canon_theme)
    result = invoke("accept", "--data", data_copy, aid, "--mark-curated")
    assert result.exit_code == 0, result.output
    ledger = load_ledger(data_copy)
    max_before = max(int(c[1:]) for c in
                     (r["claim_id"] for r in csv.DictReader(io.StringIO(claims_before.decode()))))
    new_id = f"C{max_before + 1:03d}"
    new = ledger.claims.loc[new_id]
    assert new["article_id"] == aid and new["actor_id"] == "john-kirby"
    assert new["canonical_id"] == ledger.claims.loc[row["echo_of"], "canonical_id"]
    assert (data_copy / "claims.csv").read_bytes().startswith(claims_before)
    assert bool(ledger.articles.loc[aid, "curated"]) is True

    # accepting the same row again is refused
    result = invoke("accept", "--data", data_copy, aid)
    assert result.exit_code == 1 and "already in the ledger" in result.output


@pytest.mark.parametrize("article_id", [MILLER, STATE])
def test_suggest_never_modifies_curated_files(data_copy, article_id):
    before = curated_tree(data_copy)
    assert invoke("suggest", "--data", data_copy, article_id).exit_code == 0
    assert curated_tree(data_copy) == before


def test_fast_tfidf_matches_scikit_learn():
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from shieldgap.suggest import FastTfidf

    ledger_rows = list(csv.DictReader(io.StringIO((data_paths().claims).read_text(encoding="utf-8"))))
    corpus = [r["quote"] for r in ledger_rows] + [r["summary"] for r in ledger_rows]
    probe = corpus[::3] + [NEW_ARTICLE, "", "a b", "Über-große  TESTS, ça va? U.S. officials said so."]
    for kw in (dict(analyzer="word", ngram_range=(1, 2), stop_words="english"),
               dict(analyzer="char_wb", ngram_range=(3, 5))):
        vec = TfidfVectorizer(sublinear_tf=True, dtype=np.float32, **kw).fit(corpus[:150])
        fast = FastTfidf(vec)
        assert np.abs(vec.transform(probe).toarray() - fast.transform(probe).toarray()).max() < 1e-6
        assert np.abs(vec.transform(probe).toarray() - fast.transform(probe).toarray()).max() < 1e-6  # cached


def test_fitted_model_is_reused_until_the_ledger_changes(data_copy, tmp_path, monkeypatch):
    import shieldgap.suggest as sg

    paths = data_paths(data_copy)
    add_new_article(data_copy, tmp_path)
    first = sg.run_suggest(paths, workers=1)
    assert len(first.processed) == 1 and (paths.derived / sg.MODEL_FILE).is_file()
    fits = []
    real_init = sg.Model.__init__
    monkeypatch.setattr(sg.Model, "__init__", lambda self, ref: fits.append(1) or real_init(self, ref))
    add_new_article(data_copy, tmp_path, NEW_ARTICLE.replace("Monday", "Friday") + "Again.\n", "c.txt")
    second = sg.run_suggest(paths, workers=1)
    assert len(second.processed) == 1 and fits == []  # the persisted model, not a refit
    assert second.threshold == first.threshold
    # the ledger changes: the model is fitted again
    hide_curation(data_copy, MILLER)
    third = sg.run_suggest(paths, workers=1)
    assert fits == [1] and len(third.processed) == 2
