"""`shieldgap suggest` and `shieldgap accept` on untrusted data folders (issues 10 item 4, 15 items 2, 3, 6, 7).

Each test hands the commands a data folder someone else could have prepared - planted pickles in
``data/derived``, ids that are paths, tampered or wrongly typed caches, a byte-order mark, malformed
candidate files - and checks the outcome: a one-line message naming the file, no traceback, the
right exit status, nothing written outside the data folder and the curated data byte for byte
unchanged.
"""
from __future__ import annotations

import csv
import io
import json
import os
import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from shieldgap import files
from shieldgap.cli import main
from shieldgap.ingest import INDEX_FILE
from shieldgap.ledger import load_ledger
from shieldgap.paths import data_paths
from shieldgap.suggest import CACHE_FILE, MODEL_FILE, VERSION, store

from .conftest import tree_hash
from .test_suggest import NEW_ARTICLE, _mark, add_new_article, candidates, curated_tree, find

pytestmark = pytest.mark.slow  # each test fits or loads a suggestion model (seconds)

KIRBY = "We are not going to be in direct armed conflict"


def invoke(*args):
    return CliRunner().invoke(main, [*map(str, args)])


def assert_clean_exit(result, status: int) -> list[str]:
    """The command ended through sys.exit with ``status`` and no traceback; its stderr lines."""
    assert result.exit_code == status, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return [line for line in result.stderr.splitlines() if line.strip()]


def listing(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): (p.read_bytes() if p.is_file() else b"")
            for p in sorted(path.rglob("*")) if not p.is_symlink()}


# ----------------------------------------------------------------------------- planted pickles
class _Payload:
    """A pickle that, when loaded, creates the directory ``marker``: proof that code ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def derived_names() -> list[str]:
    """Every file name shieldgap uses (or used) in data/derived."""
    return sorted({MODEL_FILE, store.LEGACY_MODEL_FILE, CACHE_FILE, INDEX_FILE, "params_spec.json",
                   "claim_spans.csv"})


def test_planted_pickles_never_run(data_copy, tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(marker))
    pickle.loads(payload)  # the payload is real: loading it runs code
    assert marker.is_dir()
    marker.rmdir()

    aid = add_new_article(data_copy, tmp_path)
    derived = data_copy / "derived"
    derived.mkdir(exist_ok=True)
    for name in derived_names():
        (derived / name).write_bytes(payload)
    # a model file of the new format whose array is a pickled object, and a cache record "vouching" for it
    import numpy as np

    buf = io.BytesIO()
    np.savez(buf, manifest=np.array([_Payload(marker)], dtype=object))
    (derived / MODEL_FILE).write_bytes(buf.getvalue())
    with pytest.raises(ValueError):
        store.parse(buf.getvalue(), "any fingerprint")
    assert not marker.exists()
    before = curated_tree(data_copy)

    result = invoke("suggest", "--data", data_copy)
    assert_clean_exit(result, 0)
    assert "1 article(s) processed" in result.output
    assert find(candidates(data_copy, aid), KIRBY)["echo_of"]  # the model was fitted again and works
    assert not marker.exists() and curated_tree(data_copy) == before
    # the model is stored without pickle, and a pickle of the old name is gone
    assert not (derived / store.LEGACY_MODEL_FILE).exists()
    raw = (derived / MODEL_FILE).read_bytes()
    np.load(io.BytesIO(raw), allow_pickle=False)["manifest"]  # plain arrays only

    # the forged cache record names the planted file's own key: it is parsed, refused, and refitted
    for name in derived_names():
        if name != CACHE_FILE:
            (derived / name).write_bytes(payload)
    key = files.file_key(os.stat(derived / MODEL_FILE))
    cache = json.loads((derived / CACHE_FILE).read_text())
    cache["model"]["key"] = key
    cache["done"] = {}
    (derived / CACHE_FILE).write_text(json.dumps(cache))
    result = invoke("suggest", "--data", data_copy)
    assert_clean_exit(result, 0)
    assert "1 article(s) processed" in result.output and not marker.exists()

    # the other commands reading data/derived do not run it either
    for name in derived_names():
        (derived / name).write_bytes(payload)
    src = tmp_path / "another.txt"
    src.write_text(NEW_ARTICLE.replace("Monday", "Sunday") + "Another line.\n", encoding="utf-8")
    assert_clean_exit(invoke("add", "--data", data_copy, src, "--date", "2024-04-21"), 0)
    assert_clean_exit(invoke("suggest", "--data", data_copy), 0)
    assert not marker.exists()
    assert {p.name for p in data_copy.glob("*.*")} == {p.name for p in data_paths().data.glob("*.*")}
    for name in ("claims.csv", "themes.yml", "actors.yml", "relations.csv"):  # the ledger tables untouched
        assert (data_copy / name).read_bytes() == (data_paths().data / name).read_bytes()


def test_corrupt_model_file_is_a_cache_miss(data_copy, tmp_path):
    add_new_article(data_copy, tmp_path)
    assert_clean_exit(invoke("suggest", "--data", data_copy), 0)
    model = data_copy / "derived" / MODEL_FILE
    raw = model.read_bytes()
    paths = data_paths(data_copy)
    cache = json.loads((paths.derived / CACHE_FILE).read_text())
    fingerprint = cache["model"]["fingerprint"]
    assert store.parse(raw, fingerprint).threshold > 0  # the stored model is valid
    for bad in (raw[: len(raw) // 2], raw.replace(b'"version":"' + VERSION.encode(), b'"version":"suggest-0"'),
                b"not a zip file", b""):
        with pytest.raises(Exception):  # noqa: B017 - any failure; load() turns it into a cache miss
            store.parse(bad, fingerprint)
        model.write_bytes(bad)
        cache["model"]["key"] = files.file_key(os.stat(model))  # even when the record matches the file
        cache["done"] = {}
        (paths.derived / CACHE_FILE).write_text(json.dumps(cache))
        result = invoke("suggest", "--data", data_copy)
        assert_clean_exit(result, 0)
        assert "1 article(s) processed" in result.output
        cache = json.loads((paths.derived / CACHE_FILE).read_text())


# ----------------------------------------------------------------------------- accept: ids that are paths
def _outside(tmp_path: Path) -> Path:
    out = tmp_path / "x"
    out.mkdir()
    (out / "notes.md").write_text("---\nid: notes\ncurated: false\n---\nSome notes.\n", encoding="utf-8")
    (out / "notes.csv").write_text("candidate_id,quote,accept\nK001,Some notes.,y\n", encoding="utf-8")
    return out


@pytest.mark.parametrize("make_id", [
    lambda data, out: os.path.relpath(out / "notes", data / "candidates"),  # ../../x/notes
    lambda data, out: os.path.relpath(out / "notes", data / "articles"),
    lambda data, out: "../../../../tmp/x/notes",
    lambda data, out: str(out / "notes"),  # absolute
    lambda data, out: "Notes",
    lambda data, out: "notes/",
    lambda data, out: "notes\n",
])
def test_accept_refuses_article_ids_that_are_paths(data_copy, tmp_path, make_id):
    out = _outside(tmp_path)
    article_id = make_id(data_copy, out)
    before_out, before_data = listing(out), tree_hash(data_copy)
    result = invoke("accept", "--data", data_copy, "--mark-curated", article_id)
    lines = assert_clean_exit(result, 1)
    assert len(lines) == 1 and "is not an article id" in lines[0], lines
    assert listing(out) == before_out and tree_hash(data_copy) == before_data
    assert not (data_copy / "candidates").exists() and not (data_copy / "derived").exists()


def test_accept_refuses_a_symlinked_article(data_copy, tmp_path):
    out = _outside(tmp_path)
    (data_copy / "articles" / "notes.md").symlink_to(out / "notes.md")
    (data_copy / "candidates").mkdir()
    shutil.copy(out / "notes.csv", data_copy / "candidates" / "notes.csv")
    before_out, before_data = listing(out), tree_hash(data_copy)
    lines = assert_clean_exit(invoke("accept", "--data", data_copy, "--mark-curated", "notes"), 1)
    assert len(lines) == 1 and lines[0].startswith("data/articles/notes.md: is a symbolic link"), lines
    assert listing(out) == before_out and tree_hash(data_copy) == before_data


def test_failed_validation_writes_nothing(data_copy, tmp_path):
    aid = add_new_article(data_copy, tmp_path)
    assert_clean_exit(invoke("suggest", "--data", data_copy), 0)
    _mark(data_copy, aid, KIRBY, accept="y", claim_type="prediction", strength="4", relevance="4", stance="context",
          summary="Kirby says the US will not enter a direct armed conflict with Russia.", theme="geography")
    before = tree_hash(data_copy)
    lines = assert_clean_exit(invoke("accept", "--data", data_copy, "--mark-curated", aid), 1)
    assert any("differs from its canonical claim" in line and f"(from data/candidates/{aid}.csv: row " in line
               for line in lines), lines
    assert lines[-1].endswith("nothing was written")
    assert tree_hash(data_copy) == before  # neither claims.csv nor the article's front matter


def test_accept_never_writes_through_a_link(data_copy, tmp_path):
    """claims.csv linked to a file outside the data folder: validation and the write replace the link only."""
    aid = add_new_article(data_copy, tmp_path)
    assert_clean_exit(invoke("suggest", "--data", data_copy), 0)
    outside = tmp_path / "x" / "claims.csv"
    outside.parent.mkdir()
    shutil.move(data_copy / "claims.csv", outside)
    (data_copy / "claims.csv").symlink_to(outside)
    original = outside.read_bytes()
    _acceptable(data_copy, aid)
    _mark(data_copy, aid, KIRBY, theme="geography")  # fails validation
    assert_clean_exit(invoke("accept", "--data", data_copy, aid), 1)
    assert outside.read_bytes() == original and (data_copy / "claims.csv").is_symlink()
    _acceptable(data_copy, aid)
    assert_clean_exit(invoke("accept", "--data", data_copy, aid), 0)
    assert outside.read_bytes() == original and not (data_copy / "claims.csv").is_symlink()
    assert (data_copy / "claims.csv").read_bytes().startswith(original)


# ----------------------------------------------------------------------------- suggest: ids that are paths
def test_suggest_never_builds_a_path_from_a_front_matter_id(data_copy, tmp_path):
    good = add_new_article(data_copy, tmp_path)
    text = (data_copy / "articles" / f"{good}.md").read_text(encoding="utf-8")
    escape = os.path.relpath(tmp_path / "x" / "X", data_copy / "candidates")  # ../../x/X
    (tmp_path / "x").mkdir()
    evil = text.replace(f"id: {good}\n", f"id: {escape}\n", 1).replace("curated: false", "curated: false", 1)
    assert evil != text
    (data_copy / "articles" / "evil-article.md").write_text(evil, encoding="utf-8")
    (data_copy / "articles" / "Bad Name.md").write_text(text, encoding="utf-8")
    outside_before = listing(tmp_path / "x")
    before = curated_tree(data_copy)
    result = invoke("suggest", "--data", data_copy)
    lines = assert_clean_exit(result, 1)
    assert len(lines) == 2, lines
    assert lines[0].startswith("warning: data/articles/Bad Name.md: the file name 'Bad Name' is not a valid "
                               "article id")
    assert lines[1].startswith(f"warning: data/articles/evil-article.md: front matter id '{escape}' does not "
                               "match the file name 'evil-article'; skipped")
    assert "1 article(s) processed" in result.output and "2 article file(s) skipped" in result.output
    assert listing(tmp_path / "x") == outside_before
    assert sorted(p.name for p in (data_copy / "candidates").iterdir()) == [f"{good}.csv"]
    assert curated_tree(data_copy) == before


def test_suggest_refuses_a_candidates_link_out_of_the_data_folder(data_copy, tmp_path):
    add_new_article(data_copy, tmp_path)
    out = tmp_path / "elsewhere"
    out.mkdir()
    (data_copy / "candidates").symlink_to(out)
    before = curated_tree(data_copy)
    lines = assert_clean_exit(invoke("suggest", "--data", data_copy), 1)
    assert len(lines) == 1 and lines[0].startswith("error: data/candidates: is a symbolic link"), lines
    assert list(out.iterdir()) == [] and curated_tree(data_copy) == before


def test_suggest_reports_a_broken_reference_file_in_one_line(data_copy, tmp_path):
    add_new_article(data_copy, tmp_path)
    themes = data_copy / "themes.yml"
    themes.write_text(themes.read_text(encoding="utf-8") + "geography:\n  label: again\n", encoding="utf-8")
    before = tree_hash(data_copy)
    lines = assert_clean_exit(invoke("suggest", "--data", data_copy), 1)
    assert len(lines) == 1 and lines[0].startswith("error: data/themes.yml: YAML is not valid: duplicate key"), lines
    assert tree_hash(data_copy) == before


# ----------------------------------------------------------------------------- tampered caches
def test_a_cache_that_came_with_the_data_decides_nothing(data_copy, tmp_path):
    aid = add_new_article(data_copy, tmp_path)
    assert_clean_exit(invoke("suggest", "--data", data_copy), 0)
    cache_path = data_copy / "derived" / CACHE_FILE
    cache = json.loads(cache_path.read_text())
    assert cache["files"][f"{aid}.md"]["curated"] is False
    for rec in cache["files"].values():  # every article marked curated, and its candidates "done"
        rec["curated"] = True
    cache_path.write_text(json.dumps(cache))
    (data_copy / "candidates" / f"{aid}.csv").unlink()
    handed_over = tmp_path / "handed-over" / "data"
    shutil.copytree(data_copy, handed_over)  # as a colleague receives it: new inodes and change times
    result = invoke("suggest", "--data", handed_over)
    assert_clean_exit(result, 0)
    assert "1 article(s) processed, 0 unchanged" in result.output
    assert find(candidates(handed_over, aid), KIRBY)["actor_id"] == "john-kirby"
    # a cache of the old format (size and modification time only) is no hint either
    old = {"version": VERSION, "files": {f"{aid}.md": {"key": [1, 2], "curated": True, "body_sha": "0" * 64}},
           "done": {}}
    (handed_over / "derived" / CACHE_FILE).write_text(json.dumps(old))
    result = invoke("suggest", "--data", handed_over)
    assert_clean_exit(result, 0)
    assert "1 article(s) processed" in result.output


@pytest.mark.parametrize("content", [
    b"[]", b'"text"', b"null", b"{", b"\x80\x81 not utf-8", b"{\"version\": \"x\x00\"}", b"[" * 100_000,
    json.dumps({"version": VERSION, "files": [1, 2], "done": [1], "model": "x"}).encode(),
    json.dumps({"version": VERSION, "files": {"a.md": 5, "b.md": {"key": "k"}}, "done": {"a": 3},
                "model": {"fingerprint": 3, "key": {}}}).encode(),
    json.dumps({"version": VERSION, "files": {"a.md": {"key": [1], "curated": "yes", "body_sha": 4}},
                "done": {"a": {"body_sha": 1, "model": None, "n": "3", "key": 5}},
                "model": {"fingerprint": "f", "key": [1, 2, 3, 4]}}).encode(),
])
def test_a_wrongly_typed_cache_is_an_empty_one(data_copy, tmp_path, content):
    aid = add_new_article(data_copy, tmp_path)
    (data_copy / "derived").mkdir(exist_ok=True)
    (data_copy / "derived" / CACHE_FILE).write_bytes(content)
    before = curated_tree(data_copy)
    result = invoke("suggest", "--data", data_copy)
    assert assert_clean_exit(result, 0) == []
    assert "1 article(s) processed" in result.output
    assert find(candidates(data_copy, aid), KIRBY)["echo_of"]
    assert curated_tree(data_copy) == before


# ----------------------------------------------------------------------------- a byte-order mark in claims.csv
def _acceptable(data: Path, aid: str) -> None:
    """Mark the Kirby candidate with everything the analyst must fill (theme of its canonical claim)."""
    row = find(candidates(data, aid), KIRBY)
    claims = {r["claim_id"]: r for r in csv.DictReader(io.StringIO((data / "claims.csv").read_text("utf-8-sig")))}
    theme = claims[claims[row["echo_of"]]["canonical_id"]]["theme"]
    _mark(data, aid, KIRBY, accept="y", claim_type="prediction", strength="4", relevance="4", stance="context",
          theme=theme, summary="Kirby says the US will not enter a direct armed conflict with Russia.")


def test_a_byte_order_mark_in_claims_csv(data_copy, tmp_path):
    plain = tmp_path / "plain" / "data"
    shutil.copytree(data_copy, plain)
    claims = data_copy / "claims.csv"
    claims.write_bytes(b"\xef\xbb\xbf" + claims.read_bytes())
    aid = add_new_article(data_copy, tmp_path)
    assert add_new_article(plain, tmp_path) == aid
    for data in (data_copy, plain):
        assert_clean_exit(invoke("suggest", "--data", data), 0)
    # suggest keeps every reference claim: the candidates are those of the same data without the mark
    assert candidates(data_copy, aid) == candidates(plain, aid)
    assert find(candidates(data_copy, aid), KIRBY)["echo_of"]

    _acceptable(data_copy, aid)
    before = claims.read_bytes()
    result = invoke("accept", "--data", data_copy, aid)
    assert_clean_exit(result, 0)
    assert "1 claim(s) added" in result.output
    after = claims.read_bytes()
    assert after.startswith(before) and after.startswith(b"\xef\xbb\xbf")  # appended; the mark kept
    ledger = load_ledger(data_copy)
    assert (ledger.claims["article_id"] == aid).sum() == 1


# ----------------------------------------------------------------------------- malformed candidate files
def _rewrite(path: Path, edit) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = list(rows[0])
    header, rows = edit(header, rows)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _kirby_row(rows) -> int:
    return next(i for i, r in enumerate(rows, 1) if KIRBY in r["quote"])


CASES = {
    "strength-word": (lambda h, rows: (h, [r | {"strength": "high"} if KIRBY in r["quote"] else r for r in rows]),
                      "column 'strength': 'high' is not a whole number from 1 to 5"),
    "strength-range": (lambda h, rows: (h, [r | {"strength": "9"} if KIRBY in r["quote"] else r for r in rows]),
                       "column 'strength': '9' is not a whole number from 1 to 5"),
    "stance": (lambda h, rows: (h, [r | {"stance": "maybe"} if KIRBY in r["quote"] else r for r in rows]),
               "column 'stance': 'maybe' is not one of: explains_gap, challenges_gap, context"),
    "said-on": (lambda h, rows: (h, [r | {"said_on": "2024-02-30"} if KIRBY in r["quote"] else r for r in rows]),
                "column 'said_on': '2024-02-30' is not a valid date (YYYY-MM-DD)"),
    "occurrence": (lambda h, rows: (h, [r | {"occurrence": "0"} if KIRBY in r["quote"] else r for r in rows]),
                   "column 'occurrence': '0' is not a whole number of at least 1"),
    "quote-edited": (lambda h, rows: (h, [r | {"quote": r["quote"] + " (edited)"} if KIRBY in r["quote"] else r
                                          for r in rows]),
                     "column 'quote': not found verbatim in data/articles/"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_value_in_a_candidate_row_is_named_by_row_and_field(data_copy, tmp_path, case):
    aid = add_new_article(data_copy, tmp_path)
    assert_clean_exit(invoke("suggest", "--data", data_copy), 0)
    _acceptable(data_copy, aid)
    path = data_copy / "candidates" / f"{aid}.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    n = _kirby_row(rows)
    edit, message = CASES[case]
    _rewrite(path, edit)
    before = tree_hash(data_copy)
    lines = assert_clean_exit(invoke("accept", "--data", data_copy, "--mark-curated", aid), 1)
    cid = rows[n - 1]["candidate_id"]
    assert lines[0].startswith(f"data/candidates/{aid}.csv: row {n} ({cid}), {message}"), lines
    assert lines[1:] == [f"1 problem(s) in data/candidates/{aid}.csv; nothing was written"]
    assert tree_hash(data_copy) == before


def test_non_utf8_bytes_in_a_candidate_file(data_copy, tmp_path):
    aid = add_new_article(data_copy, tmp_path)
    assert_clean_exit(invoke("suggest", "--data", data_copy), 0)
    _acceptable(data_copy, aid)
    path = data_copy / "candidates" / f"{aid}.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    n = _kirby_row(rows)
    marker = "Kirby says the US"
    path.write_bytes(path.read_bytes().replace(marker.encode(), b"Kirby says the \xff US"))
    before = tree_hash(data_copy)
    lines = assert_clean_exit(invoke("accept", "--data", data_copy, aid), 1)
    assert lines == [f"data/candidates/{aid}.csv: row {n} ({rows[n - 1]['candidate_id']}), column 'summary': "
                     "not valid UTF-8 (byte 0xff); save the file as UTF-8"]
    assert tree_hash(data_copy) == before


@pytest.mark.parametrize("drop", ["quote", "accept"])
def test_a_candidate_file_without_a_needed_column(data_copy, tmp_path, drop):
    aid = add_new_article(data_copy, tmp_path)
    assert_clean_exit(invoke("suggest", "--data", data_copy), 0)
    _acceptable(data_copy, aid)
    path = data_copy / "candidates" / f"{aid}.csv"
    _rewrite(path, lambda h, rows: ([c for c in h if c != drop], rows))
    before = tree_hash(data_copy)
    lines = assert_clean_exit(invoke("accept", "--data", data_copy, aid), 1)
    assert len(lines) == 1 and lines[0].startswith(f"data/candidates/{aid}.csv: required column '{drop}' is "
                                                   "missing"), lines
    assert tree_hash(data_copy) == before


@pytest.mark.parametrize("content, message", [
    (b"candidate_id,quote,accept\nK001,a\x00b,y\n", "contains a NUL byte (line 2)"),
    (b"", "required column 'quote', 'accept' is missing"),
])
def test_an_unreadable_candidate_file(data_copy, tmp_path, content, message):
    aid = add_new_article(data_copy, tmp_path)
    (data_copy / "candidates").mkdir()
    (data_copy / "candidates" / f"{aid}.csv").write_bytes(content)
    before = tree_hash(data_copy)
    lines = assert_clean_exit(invoke("accept", "--data", data_copy, aid), 1)
    assert len(lines) == 1 and lines[0].startswith(f"data/candidates/{aid}.csv: {message}"), lines
    assert tree_hash(data_copy) == before


# ----------------------------------------------------------------------------- output
def test_suggest_lists_at_most_ten_names(data_copy, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(12):
        (folder / f"a{i:02d}.txt").write_text(NEW_ARTICLE.replace("Monday", f"day {i}") + f"Line {i}.\n",
                                              encoding="utf-8")
    assert_clean_exit(invoke("add", "--data", data_copy, folder, "--date", "2024-04-20"), 0)
    result = invoke("suggest", "--data", data_copy, "--workers", "1")
    assert_clean_exit(result, 0)
    out = result.stdout.splitlines()
    assert sum(line.startswith("wrote data/candidates/") for line in out) == 10
    assert "... and 2 more" in out
    assert out[-1].startswith("suggest: 12 article(s) processed, 0 unchanged")
