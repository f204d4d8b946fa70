"""`shieldgap check` on corrupted copies of the data: each fails with one clear line, data untouched."""
from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest
from click.testing import CliRunner

from shieldgap.cli import main

from .conftest import tree_hash


def _rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write(path, rows, fieldnames=None):
    fieldnames = fieldnames or list(rows[0])
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fieldnames, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def corrupt_column(d):
    rows = _rows(d / "claims.csv")
    for r in rows:
        r["stanse"] = r.pop("stance")
    _write(d / "claims.csv", rows)


def dangling_theme(d):
    rows = _rows(d / "claims.csv")
    rows[4]["theme"] = "weather"
    _write(d / "claims.csv", rows)


def dangling_relation(d):
    rows = _rows(d / "relations.csv")
    rows[0]["target_id"] = "C999"
    _write(d / "relations.csv", rows)


def quote_not_in_article(d):
    rows = _rows(d / "claims.csv")
    rows[2]["quote"] = rows[2]["quote"] + " and this was never written"
    _write(d / "claims.csv", rows)


def duplicate_id(d):
    rows = _rows(d / "claims.csv")
    rows[6]["claim_id"] = rows[5]["claim_id"]
    _write(d / "claims.csv", rows)


def bad_date(d):
    rows = _rows(d / "claims.csv")
    idx = next(i for i, r in enumerate(rows) if r["said_on"])
    rows[idx]["said_on"] = "2024-13-45"
    _write(d / "claims.csv", rows)


def non_utf8(d):
    text = (d / "claims.csv").read_text(encoding="utf-8")
    (d / "claims.csv").write_bytes(text.replace("—", "-").encode("utf-8").replace(b"Miller", b"M\xfcller", 1))


def bad_strength(d):
    rows = _rows(d / "claims.csv")
    rows[1]["strength"] = "7"
    _write(d / "claims.csv", rows)


def bad_stance(d):
    rows = _rows(d / "claims.csv")
    rows[3]["stance"] = "explains"
    _write(d / "claims.csv", rows)


def article_body_changed(d):
    path = next((d / "articles").glob("rt-zelensky-interception-coalition.md"))
    path.write_text(path.read_text(encoding="utf-8").replace("drones instead", "drones too", 1), encoding="utf-8")


def article_bad_date(d):
    path = next((d / "articles").glob("win-us-urges-israel-aid-ukraine.md"))
    path.write_text(path.read_text(encoding="utf-8").replace("published: '2022-07-14'", "published: '14/07/2022'", 1),
                    encoding="utf-8")


def note_without_reference(d):
    rows = _rows(d / "analyst_notes.csv")
    rows[0]["reference_title"] = ""
    _write(d / "analyst_notes.csv", rows)


def unknown_actor(d):
    rows = _rows(d / "claims.csv")
    rows[0]["actor_id"] = "someone-else"
    _write(d / "claims.csv", rows)


CASES = {
    "wrong column": (corrupt_column, ["data/claims.csv", "unexpected column 'stanse'",
                                      "required column 'stance' is missing"]),
    "dangling theme": (dangling_theme, ["data/claims.csv: row 5", "column 'theme'",
                                        "refers to an id not defined in themes.yml"]),
    "dangling relation": (dangling_relation, ["data/relations.csv: row 1", "column 'target_id'",
                                              "refers to an id not defined"]),
    "quote not in article": (quote_not_in_article, ["data/claims.csv: row 3", "column 'quote'",
                                                    "quote not found verbatim"]),
    "duplicate id": (duplicate_id, ["data/claims.csv: row 7", "column 'claim_id'", "duplicate value"]),
    "bad date": (bad_date, ["data/claims.csv: row", "column 'said_on'", "not a valid date"]),
    "non-UTF-8 file": (non_utf8, ["data/claims.csv: not valid UTF-8: byte 0xfc"]),
    "strength out of range": (bad_strength, ["data/claims.csv: row 2", "column 'strength'", "out of range 1..5"]),
    "bad stance": (bad_stance, ["data/claims.csv: row 4", "column 'stance'", "not one of the allowed values"]),
    "changed article body": (article_body_changed, ["data/articles/rt-zelensky-interception-coalition.md",
                                                    "column 'body_sha256'", "the body has changed"]),
    "article bad date": (article_bad_date, ["data/articles/win-us-urges-israel-aid-ukraine.md", "column 'published'",
                                            "not a valid date"]),
    "analyst note without reference": (note_without_reference, ["data/analyst_notes.csv: row 1",
                                                                "column 'reference_title'",
                                                                "required value is missing"]),
    "unknown actor": (unknown_actor, ["data/claims.csv: row 1", "column 'actor_id'", "actors.yml"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_corruption_fails_clearly(name, data_copy):
    corrupt, expected = CASES[name]
    corrupt(data_copy)
    before = tree_hash(data_copy)
    result = CliRunner().invoke(main, ["check", "--data", str(data_copy)])
    assert result.exit_code == 1, result.output
    err = result.stderr
    for fragment in expected:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    assert "the data was not modified" in err
    # one line per problem: every line names the file
    for line in err.strip().splitlines()[:-1]:
        assert line.startswith("data/"), line
    assert tree_hash(data_copy) == before
    assert not (data_copy / "derived").exists()


def test_check_command_line_exit_status(data_copy):
    dangling_theme(data_copy)
    proc = subprocess.run([sys.executable, "-m", "shieldgap.cli", "check", "--data", str(data_copy)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "refers to an id not defined in themes.yml" in proc.stderr
