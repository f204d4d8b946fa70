"""Every export format read back by its own tool, with counts checked against the ledger.

Argdown by the Argdown CLI (npm @argdown/cli, installed by `make install` into node_modules/), AIF
node by node against the AIFdb JSON structure (and by arguebuf where it is installed), GraphML by
networkx, ClaimReview by a JSON-LD processor (pyld) with schema.org's context served offline.
"""
from __future__ import annotations

import collections
import json
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from shieldgap.cli import main
from shieldgap.exports import FILE_NAMES, FORMATS, export

from .conftest import DATA, ROOT

ARGDOWN = ROOT / "node_modules" / ".bin" / "argdown"
ATTACKS = ("rebuts", "undercuts", "qualifies")
ARGDOWN_TYPE = {"supports": "support", "rebuts": "attack", "qualifies": "attack", "undercuts": "undercut"}
SELECTION = ["-p", "themes", "[geography, escalation_risk]", "-p", "min_strength", "4"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Each format written by `shieldgap export --format F --out FILE`, as text."""
    out = tmp_path_factory.mktemp("exports")
    texts = {}
    for fmt, name in FILE_NAMES.items():
        result = CliRunner().invoke(main, ["export", "--format", fmt, "--out", str(out / name), "--data", str(DATA)])
        assert result.exit_code == 0, result.output
        texts[fmt] = (out / name).read_text(encoding="utf-8")
    return texts


def _canonical(ledger) -> dict[str, str]:
    return dict(zip(ledger.claims["claim_id"], ledger.claims["canonical_id"]))


def _item(ledger, ledger_id: str) -> str:
    return _canonical(ledger).get(ledger_id, ledger_id)


def _flat(text) -> str:
    return " ".join(str(text).split())


def _relation_counts(ledger) -> collections.Counter:
    return collections.Counter(ledger.relations["relation"])


@pytest.mark.slow
def test_registry_and_cli_write_every_format(exported):
    assert list(FORMATS) == ["json", "argdown", "aif", "graphml", "claimreview"]
    assert all(text.endswith("\n") and not text.endswith("\n\n") for text in exported.values())


def test_registry_imports_no_format_until_used():
    code = "import sys, shieldgap.exports; print('pandas' in sys.modules, 'networkx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=False)
    assert out.stdout.split() == ["False", "False"], out.stderr


# --- JSON -------------------------------------------------------------------------------------------


def test_json_unchanged_by_default(ledger, exported):
    from shieldgap.exports.jsondoc import to_json

    assert exported["json"] == to_json(ledger) + "\n"
    stdout = CliRunner().invoke(main, ["export", "--data", str(DATA)]).output
    assert stdout == exported["json"]
    doc = json.loads(stdout)
    assert "selection" not in doc
    assert len(doc["claims"]) == len(ledger.claims) and len(doc["relations"]) == len(ledger.relations)
    assert len(doc["fact_checks"]) == len(ledger.fact_checks)


def test_json_selection(ledger):
    result = CliRunner().invoke(main, ["export", "--data", str(DATA), *SELECTION])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    c = ledger.claims
    want = set(c.loc[c["theme"].isin(["geography", "escalation_risk"]) & (c["strength"] >= 4), "claim_id"])
    assert {x["claim_id"] for x in doc["claims"]} == want
    ids = want | {n["note_id"] for n in doc["analyst_notes"]}
    assert all(r["source_id"] in ids and r["target_id"] in ids for r in doc["relations"])
    assert doc["selection"]["min_strength"] == 4


@pytest.mark.parametrize("args, message", [
    (["-p", "theme_weights", "{geography: 2}"], "do not apply to exports"),
    (["-p", "themes", "[no_such_theme]"], "unknown theme"),
    (["-p", "min_strength", "9"], "min_strength"),
])
def test_selection_errors_exit_2(args, message):
    result = CliRunner().invoke(main, ["export", "--format", "aif", "--data", str(DATA), *args])
    assert result.exit_code == 2 and message in result.output


# --- Argdown ----------------------------------------------------------------------------------------


def _argdown_json(tmp_path, text: str) -> dict:
    if not ARGDOWN.exists():
        pytest.skip("the Argdown CLI (npm @argdown/cli) is not installed: `make install` installs it when npm exists")
    src = tmp_path / "map.argdown"
    src.write_text(text, encoding="utf-8")
    run = subprocess.run([str(ARGDOWN), "json", str(src), str(tmp_path / "out")], capture_output=True, text=True,
                         timeout=300, check=False)
    log = run.stdout + run.stderr
    assert run.returncode == 0 and "error" not in log.lower() and "canceled" not in log.lower(), log
    return json.loads((tmp_path / "out" / "map.json").read_text(encoding="utf-8"))


def _definition(statement: dict) -> dict:
    return next(m for m in statement["members"] if not m.get("isReference") and m.get("text"))


def test_argdown_escaping_round_trips(tmp_path):
    from shieldgap.exports.argdown import data, escape

    nasty = ["U.S. bases: 10:30, <x> [b] (c) http://x.org/a_b?c=d#e _y_ *z* a@b #t {d} back\\slash -> +> <- end.",
             "“Quoted” – dashes -- and ... ellipses; :) .x. and <!-- no comment --> /* nor this */ // nor this"]
    payload = {"quote": "a } b { c }} d", "nested": [{"x": "y}"}]}
    lines = [f"[S{i}]: {escape(t)} {data(payload)}\n" for i, t in enumerate(nasty)]
    doc = _argdown_json(tmp_path, "\n".join(lines))
    for i, text in enumerate(nasty):
        member = _definition(doc["statements"][f"S{i}"])
        assert member["text"].strip() == text
        assert member["data"] == payload


@pytest.mark.slow
def test_argdown_read_by_argdown_cli(ledger, exported, tmp_path):
    from shieldgap.fields import STANCES

    doc = _argdown_json(tmp_path, exported["argdown"])
    claims, notes, relations = ledger.claims, ledger.analyst_notes, ledger.relations
    canonical = set(claims["canonical_id"])
    targets = {_item(ledger, t) for t in relations["target_id"]}
    stance = dict(zip(claims["canonical_id"], claims["stance"])) | dict(zip(notes["note_id"], notes["stance"]))
    stances = {stance[t] for t in targets}
    assert set(doc["statements"]) == canonical | set(notes["note_id"]) | stances
    assert stances <= set(STANCES)
    # statement text and data: summary, theme tag, every appearance with its quote and offsets
    rows = claims.set_index("claim_id")
    for cid in canonical:
        member = _definition(doc["statements"][cid])
        theme = rows.loc[cid, "theme"]
        assert member["tags"] == [theme]
        assert member["text"].replace(f"#({theme})", "").strip() == _flat(rows.loc[cid, "summary"])
        appearances = member["data"]["appearances"]
        assert [a["claim"] for a in appearances] == list(claims.loc[claims["canonical_id"] == cid, "claim_id"])
        for a in appearances:
            assert a["quote"] == rows.loc[a["claim"], "quote"]
            assert (a["start"], a["end"]) == (rows.loc[a["claim"], "start"], rows.loc[a["claim"], "end"])
    for n in notes.itertuples():
        assert _definition(doc["statements"][n.note_id])["text"].replace(f"#({n.theme})", "").strip() == _flat(n.text)
    # one reconstructed argument per answered item: (1) the item, (2) its stance
    assert set(doc["arguments"]) == targets
    for title, argument in doc["arguments"].items():
        assert [s["title"] for s in argument["pcs"]] == [title, stance[title]]
    # relations: one per ledger relation, same ends, kind by Argdown type; kinds kept in the source's data
    # one Argdown edge per distinct (canonical source, canonical target, kind): relations between appearances
    # of the same two canonical claims are one edge
    got = collections.Counter((r["from"], r["to"], r["relationType"]) for r in doc["relations"])
    want = collections.Counter({(_item(ledger, r.source_id), _item(ledger, r.target_id), ARGDOWN_TYPE[r.relation]): 1
                                for r in relations.itertuples()})
    assert got == want
    counts = _relation_counts(ledger)
    in_data = [r for s in doc["statements"].values() for r in s.get("data", {}).get("relations", [])]
    assert collections.Counter(r["relation"] for r in in_data) == counts
    assert sorted(r["id"] for r in in_data) == sorted(relations["relation_id"])


@pytest.mark.slow
def test_argdown_selection(ledger, tmp_path):
    c = ledger.claims
    want = set(c.loc[c["theme"].isin(["geography", "escalation_risk"]) & (c["strength"] >= 4), "canonical_id"])
    text = export("argdown", ledger, {"themes": ["geography", "escalation_risk"], "min_strength": 4})
    doc = _argdown_json(tmp_path, text)
    claim_statements = {t for t in doc["statements"] if t in set(c["canonical_id"])}
    assert claim_statements == want
    assert all(set(_definition(s).get("tags", [])) <= {"geography", "escalation_risk"}
               for t, s in doc["statements"].items() if t in claim_statements)


# --- AIF --------------------------------------------------------------------------------------------


def test_aif_structure_node_by_node(ledger, exported):
    aif = json.loads(exported["aif"])
    assert set(aif) == {"nodes", "edges", "locutions", "participants"}
    nodes = {n["nodeID"]: n for n in aif["nodes"]}
    assert len(nodes) == len(aif["nodes"])
    for n in aif["nodes"]:
        assert isinstance(n["nodeID"], str) and n["nodeID"].isdigit() and isinstance(n["text"], str)
        assert n["type"] in {"I", "L", "YA", "RA", "CA"}
        assert "timestamp" not in n or re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", n["timestamp"])
    out, into = collections.defaultdict(list), collections.defaultdict(list)
    for e in aif["edges"]:
        assert set(e) == {"edgeID", "fromID", "toID", "formEdgeID"} and e["fromID"] in nodes and e["toID"] in nodes
        out[e["fromID"]].append(e["toID"])
        into[e["toID"]].append(e["fromID"])
    assert len({e["edgeID"] for e in aif["edges"]}) == len(aif["edges"])
    by_type = collections.Counter(n["type"] for n in aif["nodes"])
    counts = _relation_counts(ledger)
    claims, notes = ledger.claims, ledger.analyst_notes
    assert by_type["I"] == claims["canonical_id"].nunique() + len(notes)
    assert by_type["L"] == by_type["YA"] == len(claims)
    assert by_type["RA"] == counts["supports"]
    assert by_type["CA"] == sum(counts[k] for k in ATTACKS)
    inode = {n["ledgerID"]: i for i, n in nodes.items() if n["type"] == "I"}
    rows = claims.set_index("claim_id")
    summaries = dict(zip(claims["claim_id"], claims["summary"]))
    assert {lid: nodes[i]["text"] for lid, i in inode.items() if lid in summaries} == \
        {cid: _flat(summaries[cid]) for cid in set(claims["canonical_id"])}
    # each appearance: L -> YA (Asserting) -> I of its canonical claim, with a locution
    participants = {p["participantID"]: p for p in aif["participants"]}
    locutions = {loc["nodeID"]: loc for loc in aif["locutions"]}
    assert set(locutions) == {i for i, n in nodes.items() if n["type"] == "L"}
    for lid, loc in locutions.items():
        claim = rows.loc[nodes[lid]["ledgerID"]]
        assert nodes[lid]["text"].endswith(": " + claim["quote"])
        assert loc["personID"] in participants and loc["article"] == claim["article_id"]
        assert (loc["start"], loc["end"]) == (claim["start"], claim["end"])
        [ya] = out[lid]
        assert nodes[ya]["type"] == "YA" and nodes[ya]["text"] == "Asserting"
        assert out[ya] == [inode[claim["canonical_id"]]]
    # each relation: source I -> RA/CA -> target I
    relations = ledger.relations.set_index("relation_id")
    for i, n in nodes.items():
        if n["type"] in ("RA", "CA"):
            r = relations.loc[n["ledgerID"]]
            assert n["relation"] == r["relation"] and (n["type"] == "RA") == (r["relation"] == "supports")
            assert into[i] == [inode[_item(ledger, r["source_id"])]]
            assert out[i] == [inode[_item(ledger, r["target_id"])]]


def test_aif_loaded_by_arguebuf(exported, tmp_path):
    arguebuf = pytest.importorskip(
        "arguebuf", reason="arguebuf is not installed (it pins lxml<6, which clashes with trafilatura's lxml 6)")
    path = tmp_path / "ledger.json"
    path.write_text(exported["aif"], encoding="utf-8")
    graph = arguebuf.load.file(path)
    aif = json.loads(exported["aif"])
    by_type = collections.Counter(n["type"] for n in aif["nodes"])
    assert len(graph.atom_nodes) == by_type["I"]
    schemes = collections.Counter(type(n.scheme).__name__ for n in graph.scheme_nodes.values())
    assert schemes == {"Support": by_type["RA"], "Attack": by_type["CA"]}


# --- GraphML ----------------------------------------------------------------------------------------


def test_graphml_read_by_networkx(ledger, exported, tmp_path):
    import networkx as nx

    from shieldgap.exports.graphml import ledger_graph

    path = tmp_path / "ledger.graphml"
    path.write_text(exported["graphml"], encoding="utf-8")
    g = nx.read_graphml(path, force_multigraph=True)
    built = ledger_graph(ledger)
    assert {n: dict(d) for n, d in g.nodes(data=True)} == {n: dict(d) for n, d in built.nodes(data=True)}
    assert {(u, v, k): d for u, v, k, d in g.edges(keys=True, data=True)} == \
        {(u, v, k): d for u, v, k, d in built.edges(keys=True, data=True)}
    kinds = collections.Counter(d["kind"] for _, d in g.nodes(data=True))
    assert kinds == {"claim": len(ledger.claims), "analyst_note": len(ledger.analyst_notes),
                     "article": len(ledger.articles)}
    edges = collections.Counter(d["relation"] for *_, d in g.edges(data=True))
    assert edges == {**_relation_counts(ledger), "appears_in": len(ledger.claims)}
    for c in ledger.claims.itertuples():
        d = g.nodes[c.claim_id]
        assert (d["theme"], d["stance"], d["strength"], d["quote"], d["start"], d["end"], d["canonical_id"]) == \
            (c.theme, c.stance, c.strength, c.quote, c.start, c.end, c.canonical_id)
        assert g.has_edge(c.claim_id, c.article_id, key=f"appears_in:{c.claim_id}")
    for r in ledger.relations.itertuples():
        d = g.edges[r.source_id, r.target_id, r.relation_id]
        assert d["relation"] == r.relation and d["weight"] == float(r.strength) and d["strength"] == r.strength
    for d in [*(d for _, d in g.nodes(data=True)), *(d for *_, d in g.edges(data=True))]:
        assert all(v is not None and not (isinstance(v, float) and math.isnan(v)) and v != "" for v in d.values())
    keys = {(k.get("for"), k.get("attr.name")): k.get("attr.type")
            for k in ET.fromstring(exported["graphml"]).iter("{http://graphml.graphdrawing.org/xmlns}key")}
    assert keys[("edge", "weight")] == "double" and keys[("node", "strength")] in ("int", "long")


# --- ClaimReview ------------------------------------------------------------------------------------

SDO = "http://schema.org/"


def _expand(doc: dict) -> list[dict]:
    jsonld = pytest.importorskip("pyld.jsonld", reason="pyld is not installed (pip install -e '.[test]')")
    from shieldgap.exports.claimreview import OFFLINE_CONTEXT

    def loader(url, options=None):
        assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
        return {"contextUrl": None, "documentUrl": url, "document": OFFLINE_CONTEXT}

    return jsonld.expand(doc, {"documentLoader": loader})


def _one(node: dict, prop: str):
    values = node.get(SDO + prop, [])
    assert len(values) == 1, (prop, node)
    return values[0]


def _value(node: dict, prop: str):
    return _one(node, prop)["@value"]


def test_claimreview_expanded_by_pyld(ledger, exported):
    from shieldgap.exports.claimreview import VERDICT_RATING, verdict_label

    doc = json.loads(exported["claimreview"])
    assert doc["@context"] == "https://schema.org"
    expanded = _expand(doc)
    assert len(expanded) == len(ledger.fact_checks)
    checks = ledger.fact_checks.set_index("check_id")
    articles = ledger.articles.set_index("id") if "id" in ledger.articles.columns else ledger.articles
    for review in expanded:
        assert review["@type"] == [SDO + "ClaimReview"]
        check = checks.loc[_value(review, "identifier")]
        assert _value(review, "claimReviewed") == _flat(check["quote"])
        item = _one(review, "itemReviewed")
        assert item["@type"] == [SDO + "Claim"]
        assert _one(item, "author")["@type"][0] in (SDO + "Person", SDO + "Organization")
        assert _value(_one(item, "author"), "name")
        appearance = _one(item, "appearance")
        article = articles.loc[check["article_id"]]
        assert _value(appearance, "headline") == article["title"]
        assert _value(appearance, "datePublished") == article["published"].date().isoformat()
        assert _value(_one(appearance, "publisher"), "name") == article["outlet"]
        url = article["url"] if isinstance(article["url"], str) and article["url"] else None
        assert [u["@id"] for u in appearance.get(SDO + "url", [])] == ([url] if url else [])
        assert _value(item, "datePublished")
        rating = _one(review, "reviewRating")
        assert rating["@type"] == [SDO + "Rating"]
        assert _value(rating, "alternateName") == verdict_label(check["verdict"])
        if check["verdict"] in VERDICT_RATING:
            assert _value(rating, "ratingValue") == VERDICT_RATING[check["verdict"]]
            assert (_value(rating, "worstRating"), _value(rating, "bestRating")) == (1, 5)
        assert _value(_one(review, "author"), "name") == "shieldgap"
        citation = _one(review, "citation")
        if isinstance(check["reference_url"], str):
            assert _one(citation, "url")["@id"] == check["reference_url"]
        assert _value(citation, "name") == check["reference_title"]


def test_claimreview_selection(ledger):
    c = ledger.claims.set_index("claim_id")
    doc = json.loads(export("claimreview", ledger, {"min_strength": 5}))
    ids = {r["identifier"] for r in doc["@graph"]}
    want = {f.check_id for f in ledger.fact_checks.itertuples()
            if not isinstance(f.claim_id, str) or c.loc[f.claim_id, "strength"] >= 5}
    assert ids == want and len(_expand(doc)) == len(want)
