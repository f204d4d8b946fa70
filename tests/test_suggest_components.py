"""Each suggestion component on real sentences from the articles and issue 10's examples: speakers
(unnamed and generic speakers become new actors, not wrong known ones), the learned heads (stored
without pickle), the optional embeddings and their lexical fallback, and the benchmark's targets."""
from __future__ import annotations

import pytest
import yaml

from shieldgap.paths import data_paths
from shieldgap.suggest import store
from shieldgap.suggest.speakers import ActorMatcher, attribute, find_speaker

from .conftest import DATA

pytestmark = pytest.mark.slow  # each test fits or loads a suggestion model (seconds)

KIRBY = '"Shooting down Russian missiles over Ukraine, that would mean direct war with Russia," said John Kirby.'


@pytest.fixture(scope="module")
def matcher():
    return ActorMatcher(yaml.safe_load((DATA / "actors.yml").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def model():
    from shieldgap.curation.queue import fitted_model

    return fitted_model(data_paths(DATA))


@pytest.mark.parametrize("sentence, name", [
    ("The allies could protect Ukraine's skies if they wanted to, but they are afraid of Moscow, said an expert.",
     "an expert"),
    ("Israel would never allow that, a Senate aide told reporters.", "a Senate aide"),
    ('"Russia is armed with nuclear weapons and Iran isn\'t," said Jane Researcher.', "Jane Researcher"),
])
def test_unnamed_or_unknown_speakers_are_not_matched_to_a_known_actor(matcher, sentence, name):
    spk = find_speaker(sentence, matcher, None, set())
    assert spk is not None and spk.actor_id == "" and spk.name == name


def test_an_unnamed_official_of_a_country_is_the_registry_group_of_its_unnamed_officials(matcher):
    """The registry keeps a group actor for unnamed U.S. officials: a described official of that country is it,
    shown with the article's own description."""
    spk = find_speaker('"It is about deterrence," said a senior U.S. official.', matcher, None, set())
    assert spk is not None and spk.actor_id == "us-officials-unnamed" and spk.name == "a senior U.S. official"


def test_the_spokesperson_is_an_actor_only_where_the_article_names_them(matcher):
    unnamed = 'A new policy was announced.\n"We will not do that," the spokesperson said.\n'
    named = 'Matthew Miller spoke on Tuesday.\n"We will not do that," the spokesperson said.\n'
    for body, expected in ((unnamed, ""), (named, "matthew-miller")):
        line = body.index('"We')
        spans = [(0, body.index("\n")), (line, len(body) - 1)]
        spk = attribute(body, spans, matcher)[1][0]
        assert spk.actor_id == expected and spk.name == "the spokesperson"


def test_real_quotes_keep_their_speakers(matcher):
    miller = ("US State Department spokesperson Matthew Miller, who fielded questions during a press briefing "
              "Tuesday, said,")
    assert find_speaker(miller, matcher, None, set()).actor_id == "matthew-miller"
    kirby = find_speaker(KIRBY, matcher, None, set())
    assert kirby.actor_id == "john-kirby"


def test_kirby_direct_war_line_is_escalation_risk_and_echoes_the_armed_conflict_claims(monkeypatch):
    from shieldgap.curation.queue import fitted_model
    from shieldgap.suggest import model as model_module
    from shieldgap.suggest.embed import embedder

    if embedder() is None:
        pytest.skip("the optional embedder (wordllama) is not installed: the lexical fallback misses this echo")
    monkeypatch.setattr(model_module, "EMBED_WEIGHT", 0.5)  # SHIELDGAP_EMBED_WEIGHT=0.5
    model = fitted_model(data_paths(DATA))
    (row,) = [r for r in model.analyze("issue-10-example", KIRBY + "\n") if "direct war" in r["quote"]]
    assert row["actor_id"] == "john-kirby" and row["theme"] == "escalation_risk"
    assert row["stance"] == "explains_gap"
    echoed = model.by_id[row["echo_of"]]["quote"]
    assert "conflict with Russia" in echoed


def test_learned_heads_are_stored_without_pickle_and_give_the_same_suggestions(model):
    assert set(model.heads) == {"theme", "stance", "claim_type"}
    raw = store.model_bytes(model, "fp")
    loaded = store.parse(raw, "fp")
    text = KIRBY + "\nKirby said Washington would keep supplying Ukraine with Patriot air defense systems instead.\n"
    assert loaded.analyze("x", text) == model.analyze("x", text)
    rows = model.analyze("x", text)
    assert all(r["claim_type"] in ("fact", "causal", "normative", "prediction") for r in rows)


def test_lexical_fallback_without_embeddings(monkeypatch):
    from shieldgap.suggest import Model, read_reference, scan_articles
    from shieldgap.suggest import model as model_module

    monkeypatch.setattr(model_module, "EMBED_WEIGHT", 0.0)
    paths = data_paths(DATA)
    m = Model(read_reference(paths, scan_articles(paths, want_bodies=lambda a: a.curated)))
    assert m.Eq is None and m.embedder == ""
    (row,) = m.analyze("x", KIRBY + "\n")
    assert row["actor_id"] == "john-kirby"
    raw = store.model_bytes(m, "fp")
    monkeypatch.setattr(model_module, "EMBED_WEIGHT", 0.5)  # the embedder turned on after the fit
    from shieldgap.suggest.embed import embedder

    if embedder() is not None:  # fitted without the embedder, now present: a cache miss, never mixed
        with pytest.raises(store.Invalid):
            store.parse(raw, "fp")


def test_benchmark_prints_every_target():
    import sys

    sys.path.insert(0, str(DATA.parent / "benchmarks"))
    import bench_suggest_quality as bench

    labels = [t[0] for t in bench.TARGETS]
    assert labels == ["theme accuracy", "stance accuracy", "speaker accuracy", "echo recall", "echo precision",
                      "seconds per article (model loaded)"]
    rows = bench.target_rows({"theme": 0.5, "stance": 0.9, "speaker": 0.9, "echo_recall": 0.7,
                              "echo_precision": 0.1, "suggest_seconds": 0.2})
    assert [r[1] for r in rows] == [0.5, 0.9, 0.9, 0.7, 0.1, 0.2]


def test_fast_embedding_is_wordllamas_own_on_real_sentences():
    """embed() sums the token vectors itself (no padded batches): the same vectors as WordLlama.embed."""
    import numpy as np

    from shieldgap.files import read_article
    from shieldgap.suggest.embed import _load, embed
    from shieldgap.suggest.sentences import split_sentences

    if _load() is None:
        pytest.skip("the optional embedder (wordllama) is not installed")
    body = read_article(DATA / "articles" / "state-dept-entirely-different-relationship.md", "x").body
    sentences = [body[s:e] for s, e in split_sentences(body)]
    assert len(sentences) > 10
    ours = embed(sentences)
    theirs = np.asarray(_load().embed(sentences, norm=True), dtype=np.float32)
    assert ours.shape == theirs.shape and np.abs(ours - theirs).max() < 1e-5


def test_actor_names_are_found_as_the_plain_alternation_finds_them(matcher):
    """The registry's names are matched through a trie-shaped expression: on every article, the same mentions
    as the alternation of the names longest first."""
    import re

    from shieldgap.files import read_article

    names = matcher.names
    assert "POLITICO" in names and "Politico" in names
    plain = re.compile(r"(?<![\w])(?:" + "|".join(
        (f"[{v[0].upper()}{v[0].lower()}]" if v[0].isalpha() else re.escape(v[0])) + re.escape(v[1:])
        for v in names) + r")(?![\w])")
    for path in sorted((DATA / "articles").glob("*.md"))[:15]:
        body = read_article(path, path.name).body
        expected = {(m.start(), m.end()) for m in plain.finditer(body)}
        found = {(m.start(), m.end()) for m in matcher.rx.finditer(body)}
        assert expected == found, path.name


def test_an_outlet_named_in_another_case_is_the_speaker(matcher):
    """The registry lists "POLITICO" and "Politico"; TASS writes "Politico concluded" (tass-politico-nuclear-risk)."""
    sentence = ("Such measures pose the risk of a direct confrontation with the Russian Armed Forces, a scenario the "
                "White House aims to avoid, Politico concluded.")
    assert sentence in (DATA / "articles" / "tass-politico-nuclear-risk.md").read_text(encoding="utf-8")
    spk = find_speaker(sentence, matcher, None, set())
    assert spk is not None and spk.actor_id == "politico"


@pytest.mark.parametrize("sentence, actor_id", [
    # forumfreerussia.org, 16 Oct 2024 (an article the suggester was not tuned on): a title or a first name
    # before a registered name, and a surname in another spelling
    ("“If allies together shoot down missiles in the skies in the Middle East, why is there still no decision to "
     "shoot down drones and missiles over Ukraine?” said President Volodymyr Zelenskyy a month ago.",
     "volodymyr-zelenskyy"),
    ("“It is sad for an ordinary Ukrainian citizen to look at all this – when your country and your citizens are "
     "sacrificed for the sake of preventing escalation with Moscow,” says Mykola Beleskov, chief consultant of the "
     "department of military and military-economic policy at the National Institute for Strategic Studies in Kyiv.",
     "mykola-bielieskov"),
])
def test_a_known_name_after_a_title_or_first_name_is_the_actor(matcher, sentence, actor_id):
    spk = find_speaker(sentence, matcher, None, set())
    assert spk is not None and spk.actor_id == actor_id
