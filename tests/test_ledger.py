"""The shipped ledger, checked claim by claim."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from shieldgap.cli import main
from shieldgap.fields import OUTLET_ACTOR
from shieldgap.files import split_front_matter
from shieldgap.textmatch import normalize

from .conftest import DATA, ROOT, SOURCES

CORE = {"geography", "bosphorus_access", "escalation_risk", "alliance_history"}


def test_every_quote_is_at_its_offsets(ledger):
    for cid, c in ledger.claims.iterrows():
        body = ledger.article_body(c["article_id"])
        assert 0 <= c["start"] < c["end"] <= len(body), cid
        assert normalize(body[c["start"]:c["end"]]) == normalize(c["quote"]), cid
    for fid, f in ledger.fact_checks.iterrows():
        body = ledger.article_body(f["article_id"])
        assert normalize(body[f["start"]:f["end"]]) == normalize(f["quote"]), fid


def test_core_themes_present(ledger):
    assert CORE <= set(ledger.themes.index)
    assert set(ledger.themes.loc[ledger.themes["core"] == True].index) == CORE  # noqa: E712
    for theme in CORE:
        assert (ledger.claims["theme"] == theme).any(), f"no claim on core theme {theme}"


def test_every_article_has_claims(ledger):
    counts = ledger.claims["article_id"].value_counts()
    for aid in ledger.articles.index[ledger.articles["curated"]]:
        assert counts.get(aid, 0) >= 3, aid  # the shortest retrieved excerpts carry three claims
    assert len(ledger.claims) > 40


def test_every_explanation_is_answered_or_marked(ledger):
    attacks = ledger.relations[ledger.relations["relation"].isin(["rebuts", "undercuts", "qualifies"])]
    attacked = set(attacks["target_id"])
    for cid, c in ledger.claims[ledger.claims["stance"] == "explains_gap"].iterrows():
        group = set(ledger.claims.index[ledger.claims["canonical_id"] == c["canonical_id"]])
        assert group & attacked or c["unanswered"], cid


def test_both_sides_and_analyst_notes_cite_references(ledger):
    assert set(ledger.claims["stance"]) == {"explains_gap", "challenges_gap", "context"}
    notes = ledger.analyst_notes
    assert len(notes) > 0
    assert notes["reference_title"].str.len().min() > 5
    assert notes["reference_publisher"].str.len().min() > 1


def test_state_media_labelled(ledger):
    rt = ledger.articles.loc["rt-zelensky-interception-coalition"]
    assert rt["outlet_type"] == "state_controlled_media"


def test_actors_resolve_and_one_person_is_one_actor(ledger):
    used = set(ledger.claims["actor_id"]) - {OUTLET_ACTOR}
    assert used <= set(ledger.actors.index)
    # The same person under different spellings resolves to one actor.
    variants = {v.lower(): a for a, vs in ledger.actors["variants"].items() for v in vs}
    assert variants["zelensky"] == variants["volodymyr zelenskyy"] == variants["vladimir zelensky"]


def test_article_bodies_are_the_source_text():
    if not SOURCES.is_dir():
        pytest.skip("shared/source-articles not beside the project")
    for path in sorted((DATA / "articles").glob("*.md")):
        meta_text, body = split_front_matter(path.read_text(encoding="utf-8"))
        source = [line for line in meta_text.splitlines() if line.startswith("source_file:")]
        if source:
            name = source[0].split(":", 1)[1].strip()
            # the five founding texts, or a page retrieved later and kept with its provenance in research/
            origin = SOURCES / name if (SOURCES / name).is_file() else ROOT / "research" / "articles" / name
            assert body == origin.read_text(encoding="utf-8"), path.name


def test_attribution_conflicts_detected(ledger):
    conf = ledger.conflicts
    assert len(conf) >= 1
    pairs = {frozenset((r.actor_a, r.actor_b)) for r in conf.itertuples()}
    # Miller in one article, Kirby in the other, for the same "direct armed conflict" words.
    assert frozenset(("matthew-miller", "john-kirby")) in pairs
    for r in conf.itertuples():
        assert r.article_a != r.article_b and r.actor_a != r.actor_b and r.shared_words >= 5


def test_check_passes_and_records_spans(data_copy):
    result = CliRunner().invoke(main, ["check", "--data", str(data_copy)])
    assert result.exit_code == 0, result.output
    assert "every quote located" in result.output
    spans = (data_copy / "derived" / "claim_spans.csv").read_text().splitlines()
    assert spans[0] == "claim_id,article_id,start,end"
    assert len(spans) > 41


def test_export_json(ledger):
    result = CliRunner().invoke(main, ["export", "--format", "json", "--data", str(DATA)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    for key in ("articles", "themes", "actors", "claims", "relations", "fact_checks", "attribution_conflicts"):
        assert key in doc and isinstance(doc[key], list)
    assert all("id" in a for a in doc["articles"])
    claim = doc["claims"][0]
    for key in ("id", "article_id", "actor", "theme", "stance", "quote", "start", "end", "summary", "strength") :
        assert key in claim, key
    bodies = {a["id"]: a["body"] for a in doc["articles"]}
    for c in doc["claims"]:
        assert normalize(bodies[c["article_id"]][c["start"]:c["end"]]) == normalize(c["quote"])
    assert len(doc["claims"]) == len(ledger.claims)


def test_data_dictionary_is_current():
    result = CliRunner().invoke(main, ["docs", "--check", "--data", str(DATA)])
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------ a ledger verified before (reuse_verified)
@pytest.fixture
def verified_cache(tmp_path, monkeypatch):
    """Verification records go to a private folder."""
    import shieldgap.paths

    folder = tmp_path / "cache"
    monkeypatch.setattr(shieldgap.paths, "cache_dir", lambda: folder)
    monkeypatch.delenv("SHIELDGAP_CACHE", raising=False)
    return folder / "ledger"


def _frames(led):
    return {name: getattr(led, name) for name in ("articles", "themes", "actors", "claims", "analyst_notes",
                                                  "relations", "fact_checks", "reasons", "events", "comparison",
                                                  "conflicts")}


def test_a_ledger_verified_before_loads_as_the_verified_one(data_copy, verified_cache):
    from shieldgap.ledger import load_ledger

    verified = load_ledger(data_copy)
    first = load_ledger(data_copy, reuse_verified=True)  # verifies, and records it
    assert len(list(verified_cache.glob("*.json"))) == 1
    again = load_ledger(data_copy, reuse_verified=True)  # reuses the record
    for name, frame in _frames(verified).items():
        pd.testing.assert_frame_equal(getattr(first, name), frame, obj=name)
        pd.testing.assert_frame_equal(getattr(again, name), frame, obj=name)
    assert again.claims["start"].notna().all() and again.fingerprint == verified.fingerprint


def test_reusing_a_verified_ledger_imports_no_pandera(data_copy, tmp_path):
    """The point of the record: a render of a ledger verified before neither imports pandera nor validates."""
    import subprocess
    import sys

    code = ("import sys, shieldgap.paths as p, pathlib; p.cache_dir = lambda: pathlib.Path(sys.argv[2]);"
            "from shieldgap.ledger import load_ledger; load_ledger(sys.argv[1], reuse_verified=True);"
            "print('pandera' in sys.modules)")
    run = [sys.executable, "-c", code, str(data_copy), str(tmp_path / "cache")]
    assert subprocess.run(run, capture_output=True, text=True, check=True).stdout.split() == ["True"]
    assert subprocess.run(run, capture_output=True, text=True, check=True).stdout.split() == ["False"]


def test_a_changed_file_is_verified_again(data_copy, verified_cache):
    from shieldgap.ledger import LedgerError, load_ledger

    load_ledger(data_copy, reuse_verified=True)
    claims = data_copy / "claims.csv"
    text = claims.read_text(encoding="utf-8")
    df = pd.read_csv(claims, dtype=str, keep_default_na=False)
    quote = df.at[0, "quote"]
    claims.write_text(text.replace(quote, quote + " and more words never written", 1), encoding="utf-8")
    with pytest.raises(LedgerError) as err:
        load_ledger(data_copy, reuse_verified=True)
    assert "quote not found verbatim" in str(err.value)


@pytest.mark.parametrize("planted", ["not json", "pickle", "foreign", "wrong length", "wrong types"])
def test_a_bad_verification_record_is_a_miss(data_copy, verified_cache, planted):
    """A record that is not this program's, or does not fit the ledger, is ignored: the ledger is verified again
    and loads exactly as verified; nothing in the record is executed."""
    import json
    import pickle

    from shieldgap.ledger import load_ledger

    verified = load_ledger(data_copy)
    load_ledger(data_copy, reuse_verified=True)
    (record,) = verified_cache.glob("*.json")
    rec = json.loads(record.read_text(encoding="utf-8"))
    if planted == "not json":
        record.write_bytes(b"\x00\xff{")
    elif planted == "pickle":
        record.write_bytes(pickle.dumps(rec))
    elif planted == "foreign":
        record.write_text(json.dumps({**rec, "format": "someone-else/1"}), encoding="utf-8")
    elif planted == "wrong length":
        record.write_text(json.dumps({**rec, "claims": rec["claims"][:-1]}), encoding="utf-8")
    else:
        record.write_text(json.dumps({**rec, "claims": [["0", "5"]] * len(rec["claims"])}), encoding="utf-8")
    again = load_ledger(data_copy, reuse_verified=True)
    for name, frame in _frames(verified).items():
        pd.testing.assert_frame_equal(getattr(again, name), frame, obj=name)


def test_check_always_verifies(data_copy, verified_cache):
    """`shieldgap check` (reuse_verified off, the default) never relies on a record."""
    import json

    from shieldgap.ledger import load_ledger

    load_ledger(data_copy, reuse_verified=True)
    (record,) = verified_cache.glob("*.json")
    rec = json.loads(record.read_text(encoding="utf-8"))
    record.write_text(json.dumps({**rec, "claims": [[0, 1]] * len(rec["claims"])}), encoding="utf-8")
    assert load_ledger(data_copy).claims["end"].gt(1).all()
