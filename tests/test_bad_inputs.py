"""The bad-input sweep: each bad ledger file, render option and added file gets one clear line naming the
file, row and field (or the parameter), a documented exit status, no traceback, and the curated data
byte-for-byte unchanged. None of these needs a kernel: every one is answered before a notebook runs."""
from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from shieldgap.cli import main

from .conftest import tree_hash

BOMB = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}" if i else "lol"] * 9) + "]\n" for i in range(10))


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write(path: Path, rows: list[dict], fieldnames=None) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fieldnames or list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _edit_rows(table: str, row: int, **values):
    def go(d: Path):
        rows = _rows(d / table)
        rows[row].update(values)
        _write(d / table, rows)
    return go


def _replace(name: str, old: str, new: str, count: int = 1):
    def go(d: Path):
        path = next(d.glob(name))
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, count), encoding="utf-8")
    return go


def _write_bytes(name: str, data: bytes, append: bool = False):
    def go(d: Path):
        path = d / name
        path.write_bytes((path.read_bytes() if append else b"") + data)
    return go


def _header_only(d: Path):
    text = (d / "fact_checks.csv").read_text(encoding="utf-8")
    (d / "fact_checks.csv").write_text(text.splitlines()[0] + "\n", encoding="utf-8")


def _drop_column(d: Path):
    rows = _rows(d / "relations.csv")
    for r in rows:
        del r["strength"]
    _write(d / "relations.csv", rows)


def _extra_column(d: Path):
    rows = _rows(d / "analyst_notes.csv")
    for r in rows:
        r["confidence"] = "high"
    _write(d / "analyst_notes.csv", rows)


def _fifo_article(d: Path):
    os.mkfifo(d / "articles" / "a-pipe.md")


def _huge_claims(d: Path):
    with open(d / "claims.csv", "ab") as fh:
        fh.truncate(33 * 2**20)


def _crlf_article(d: Path):
    path = next((d / "articles").glob("win-us-urges-israel-aid-ukraine.md"))
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


# name -> (corruption, fragments the output must contain)
LEDGER = {
    "NUL byte in a summary": (_replace("claims.csv", "The outlet's headline", "The outlet's\x00 headline"),
                              ["data/claims.csv: contains a NUL byte (line 2)"]),
    "invalid UTF-8 in actors.yml": (_write_bytes("actors.yml", b"\nbad: \xff\xfe\n", append=True),
                                    ["data/actors.yml: not valid UTF-8: byte 0xff"]),
    "empty claims.csv": (_write_bytes("claims.csv", b""), ["data/claims.csv: is empty"]),
    "header-only fact_checks.csv is fine but claims missing": (_header_only, None),
    "missing column": (_drop_column, ["data/relations.csv", "required column 'strength' is missing"]),
    "extra column": (_extra_column, ["data/analyst_notes.csv", "unexpected column 'confidence'"]),
    "duplicate note id": (_edit_rows("analyst_notes.csv", 1, note_id="N01"),
                          ["data/analyst_notes.csv: row 2 (N01), column 'note_id': duplicate value"]),
    "dangling claim in a fact-check": (_edit_rows("fact_checks.csv", 0, claim_id="C999"),
                                       ["data/fact_checks.csv: row 1", "column 'claim_id'", "not defined"]),
    "dangling canonical id": (_edit_rows("claims.csv", 3, canonical_id="C998"),
                              ["data/claims.csv: row 4", "column 'canonical_id'"]),
    "fact-check quote not in its article": (_edit_rows("fact_checks.csv", 0, quote="never in any article text"),
                                            ["data/fact_checks.csv: row 1", "column 'quote'", "not found verbatim"]),
    "strength not a number": (_edit_rows("relations.csv", 2, strength="strong"),
                              ["data/relations.csv: row 3", "column 'strength'", "not a whole number"]),
    "bad reference URL": (_edit_rows("analyst_notes.csv", 0, reference_url="www.state.gov"),
                          ["data/analyst_notes.csv: row 1", "column 'reference_url'"]),
    "YAML alias bomb in a theme": (_replace("themes.yml", "  keywords:", "  " + BOMB.replace("\n", "\n  ")
                                            + "keywords:"), ["data/themes.yml: YAML is not valid: uses a YAML "
                                                             "anchor/alias", "follow from it"]),
    "Python tag in actors.yml": (_write_bytes("actors.yml", b"\nx: !!python/object/apply:os.system [touch /tmp/p]\n",
                                              append=True), ["data/actors.yml: YAML is not valid", "python/object"]),
    "duplicate key in themes.yml": (_replace("themes.yml", "geography:", "geography:\n  label: x\ngeography:"),
                                    ["data/themes.yml: YAML is not valid: duplicate key 'geography'"]),
    "actor name is a list": (_replace("actors.yml", "name: Matthew Miller", "name: [Matthew, Miller]"),
                             ["data/actors.yml: actor 'matthew-miller', column 'name': not text"]),
    "unquoted impossible date in front matter": (
        _replace("articles/win-us-urges-israel-aid-ukraine.md", "published: '2022-07-14'", "published: 2022-02-30"),
        ["data/articles/win-us-urges-israel-aid-ukraine.md", "column 'published'", "not a valid date"]),
    "broken front matter": (_replace("articles/rt-zelensky-interception-coalition.md",
                                     "---\nid: rt-zelensky-interception-coalition\n",
                                     "---\n- id\n"), ["data/articles/rt-zelensky-interception-coalition.md: front "
                                                      "matter is not valid", "follow from it"]),
    "CRLF article file": (_crlf_article, ["data/articles/win-us-urges-israel-aid-ukraine.md: no YAML front matter"]),
    "FIFO as an article": (_fifo_article, ["data/articles/a-pipe.md: is a FIFO, not a regular file"]),
    "oversized claims.csv": (_huge_claims, ["data/claims.csv: is 33.0 MiB; the limit is 32.0 MiB"]),
    "claims answer themselves": (_edit_rows("relations.csv", 0, source_id="C103", target_id="C103"),
                                 ["data/relations.csv: row 1 (R001), column 'target_id': "
                                  "a claim cannot answer itself"]),
    "actors.yml is a list": (_write_bytes("actors.yml", b"- one\n- two\n"),
                             ["data/actors.yml: must be a mapping of id -> fields", "follow from it"]),
}
LEDGER["header-only fact_checks.csv is fine but claims missing"] = (
    lambda d: (_header_only(d), _write_bytes("claims.csv", b"claim_id,article_id\n")(d)),
    ["data/claims.csv", "required column 'actor_id' is missing"])


def _check(data: Path):
    return CliRunner().invoke(main, ["check", "--data", str(data)])


def _one_line_each(err: str, prefix: str = "data/") -> None:
    lines = err.strip().splitlines()
    assert "Traceback" not in err
    assert lines, "no message"
    for line in lines[:-1]:
        assert line.startswith(prefix), line


@pytest.mark.parametrize("name", list(LEDGER))
def test_bad_ledger_file(name, data_copy):
    corrupt, expected = LEDGER[name]
    corrupt(data_copy)
    before = tree_hash(data_copy)
    result = _check(data_copy)
    assert result.exit_code == 1, result.output
    for fragment in expected:
        assert fragment in result.stderr, f"{fragment!r} not in:\n{result.stderr}"
    _one_line_each(result.stderr)
    assert tree_hash(data_copy) == before
    assert not Path("/tmp/p").exists() or name != "Python tag in actors.yml"


def test_root_cause_comes_first_with_a_count(data_copy):
    (data_copy / "actors.yml").write_text("matthew-miller: [unclosed\n", encoding="utf-8")
    err = _check(data_copy).stderr
    lines = err.strip().splitlines()
    assert lines[0].startswith("data/actors.yml: YAML is not valid")
    assert "problems that follow from it" in lines[1]
    assert len(lines) == 3, err  # the broken file, the count, the summary
    assert lines[-1].startswith("1 problem(s) found (and ")


def test_bom_and_crlf_in_a_table_are_read_like_any_other(data_copy):
    path = data_copy / "claims.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    result = _check(data_copy)
    assert result.exit_code == 0, result.output


# ----------------------------------------------------------------------------- render options
RENDER = {
    "NaN weight": (["-p", "theme_weights", "{geography: .nan}"], "weight of theme 'geography' must be a finite number"),
    "infinite weight": (["-p", "theme_weights", "{geography: .inf}"], "must be a finite number"),
    "infinite spread": (["-p", "weight_spread", ".inf"], "parameter 'weight_spread' must be a finite number"),
    "huge weight": (["-p", "theme_weights", "{geography: 1e308}"], "weights must be at most"),
    "nested list of themes": (["-p", "themes", "[[geography]]"], "must be a list of names (text)"),
    "negative seed": (["-p", "seed", "-1"], "seed must be between 0 and"),
    "compact date": (["-p", "date_from", "20240101"], "parameter 'date_from' must be a date YYYY-MM-DD"),
    "impossible date": (["-p", "date_to", "2024-02-30"], "parameter 'date_to' must be a date YYYY-MM-DD"),
    "unknown format": (["--format", "htm"], "unknown format(s) htm"),
    "unknown parameter": (["-p", "colour", "red"], "unknown parameter(s): colour"),
    "alias in a -p value": (["-p", "themes", "[&a geography, *a]"], "-p themes: value is not valid: uses a YAML"),
    "integer given as text": (["-p", "min_strength", "three"], "parameter 'min_strength' must be of type int"),
    "strength out of range": (["-p", "min_strength", "9"], "min_strength must be between 1 and 5"),
    "outlet type unknown": (["-p", "exclude_outlet_types", "[tabloid]"], "unknown outlet type(s)"),
}


@pytest.mark.parametrize("name", list(RENDER))
def test_bad_render_option_exit_2(name, tmp_path):
    args, message = RENDER[name]
    result = CliRunner().invoke(main, ["render", "--out", str(tmp_path / "out"), "--format", "html", *args]) \
        if "--format" not in args else CliRunner().invoke(main, ["render", "--out", str(tmp_path / "out"), *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("content,message", [
    ("date_from: 2024-02-30\n", "parameter 'date_from' must be a date YYYY-MM-DD"),
    ("themes: &t [geography]\nexclude_outlets: *t\n", "uses a YAML anchor/alias"),
    ("[1, 2]\n", "must be a mapping of parameter names"),
    ("detail: [\n", "value is not valid"),
])
def test_bad_params_file_exit_2(tmp_path, content, message):
    f = tmp_path / "p.yaml"
    f.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["render", "--out", str(tmp_path / "out"), "--params", str(f)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_out_under_a_file_is_refused_before_the_kernel(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["render", "--out", str(tmp_path / "file" / "out"), "--format", "html"])
    assert result.exit_code == 2, result.output
    assert "--out" in result.stderr and "cannot write" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("setup,message", [
    (lambda d: shutil.rmtree(d), "themes.yml: file is missing"),
    (lambda d: (d / "themes.yml").write_text("geography: [\n", encoding="utf-8"), "data/themes.yml: YAML is not valid"),
])
def test_render_on_an_unreadable_ledger_is_one_line(data_copy, tmp_path, setup, message):
    setup(data_copy)
    result = CliRunner().invoke(main, ["render", "--out", str(tmp_path / "out"), "--format", "html",
                                       "--data", str(data_copy)])
    assert result.exit_code == 1, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


# ----------------------------------------------------------------------------- add
def _add(data: Path, *args: str):
    return CliRunner().invoke(main, ["add", "--data", str(data), "--quiet", *args])


@pytest.mark.parametrize("make,message", [
    (lambda p: (p / "x.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 100), "looks like a binary file"),
    (lambda p: (p / "x.txt").write_bytes(b"   \n"), "the file is empty"),
    (lambda p: os.truncate(Path(p / "x.txt").open("wb").name, 21 * 2**20), "the limit is 20.0 MiB"),
    (lambda p: (p / "x.html").write_text("<html><script>alert(1)</script><nav>Home</nav></html>"),
     "no article text found"),
    (lambda p: os.mkfifo(p / "x.txt"), "is a FIFO, not a regular file"),
    (lambda p: (p / "x.md").write_text("---\n" + BOMB + "---\nSome text of the article.\n"), "anchor/alias"),
    (lambda p: (p / "x.txt").write_text("word " * 250_000), "an article is at most"),
])
def test_add_rejects_bad_files(data_copy, tmp_path, make, message):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    make(inbox)
    before = tree_hash(data_copy)
    target = inbox / next(p.name for p in inbox.iterdir())
    result = _add(data_copy, str(target))
    assert result.exit_code == 1, result.output
    assert message in result.stderr and str(target) in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert tree_hash(data_copy) == before


def test_add_a_device_and_an_empty_path(data_copy, tmp_path):
    before = tree_hash(data_copy)
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    result = _add(data_copy, str(tmp_path / "zero.txt"))
    assert result.exit_code == 1 and "is a device or socket, not a regular file" in result.stderr
    result = _add(data_copy, "")
    assert result.exit_code == 2 and "an empty path was given" in result.stderr
    assert tree_hash(data_copy) == before


def test_add_does_not_follow_links_out_of_a_folder(data_copy, tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "notes.txt").symlink_to("/etc/passwd")
    (inbox / "sub" / "loop").symlink_to(inbox)
    before = tree_hash(data_copy)
    result = _add(data_copy, str(inbox))
    assert result.exit_code == 0, result.output
    assert "notes.txt: a symbolic link (not followed" in result.stderr
    assert "loop: a symbolic link to a folder (not followed)" in result.stderr
    assert "0 article(s) added" in result.output
    assert tree_hash(data_copy) == before


def test_add_a_duplicate_is_refused_even_with_a_planted_index(data_copy, tmp_path):
    body = (data_copy / "articles" / "win-us-urges-israel-aid-ukraine.md").read_text(encoding="utf-8")
    text = body.split("\n---\n", 1)[1]
    (data_copy / "derived").mkdir(exist_ok=True)
    planted = {"version": "article-index-2", "files": {
        "win-us-urges-israel-aid-ukraine.md": {"key": [0, 0, 0, 0], "norm": "0" * 64}}}
    import json

    (data_copy / "derived" / "article_index.json").write_text(json.dumps(planted), encoding="utf-8")
    (tmp_path / "copy.txt").write_text(text, encoding="utf-8")
    result = _add(data_copy, str(tmp_path / "copy.txt"))
    assert result.exit_code == 1
    assert "duplicate of article 'win-us-urges-israel-aid-ukraine'" in result.stderr


# ----------------------------------------------------------------------------- other commands
def test_docs_with_misordered_markers_is_refused(data_copy):
    from shieldgap.schema import DICT_BEGIN, DICT_END

    readme = data_copy / "README.md"
    text = readme.read_text(encoding="utf-8")
    readme.write_text(text.replace(DICT_BEGIN, "@@B@@").replace(DICT_END, DICT_BEGIN).replace("@@B@@", DICT_END),
                      encoding="utf-8")
    before = tree_hash(data_copy)
    result = CliRunner().invoke(main, ["docs", "--data", str(data_copy)])
    assert result.exit_code == 1 and "BEGIN and END markers" in result.stderr
    assert "Traceback" not in result.output and tree_hash(data_copy) == before


def test_export_to_an_unwritable_place_is_one_line(data_copy, tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "--data", str(data_copy), "--out", str(tmp_path / "file" / "x.json")])
    assert result.exit_code == 1 and "cannot write" in result.stderr and "Traceback" not in result.output


def test_check_on_a_folder_where_spans_cannot_be_written_still_validates(data_copy):
    (data_copy / "derived").write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--data", str(data_copy)])
    assert result.exit_code == 0, result.output
    assert "spans not written" in result.stderr and result.output.count("OK:") == 1
