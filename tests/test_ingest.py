"""`shieldgap add`: every input kind and every bad input, on a private copy of the data."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from shieldgap.cli import main
from shieldgap.files import body_hash, split_front_matter
from shieldgap.ledger import load_ledger
from shieldgap.paths import data_paths

from .conftest import tree_hash

DATA_DIR = data_paths().data



TEXT = ("Poland weighs shooting down Russian missiles over western Ukraine\n\n"
        "Warsaw, 12 July 2024 - Polish officials said on Friday that they could intercept Russian missiles "
        "heading towards Polish territory, provided NATO agreed.\n"
        "\"We are ready to act if the alliance agrees,\" a Polish minister told reporters.\n")

HTML = """<!DOCTYPE html><html lang="en"><head><title>Allies weigh Ukraine air shield | Example News</title>
<meta property="og:site_name" content="Example News"><meta name="date" content="2024-04-18">
<script>var trackingSecret = "SCRIPT_SECRET_TEXT"; document.write("<b>evil</b>");</script>
<style>.x{color:red}</style></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li>Subscribe now</li></ul></nav>
<header><div class="menu">Menu Login Register</div></header>
<article><h1>Allies weigh Ukraine air shield</h1>
<p>Western officials said on Thursday that they are weighing whether to shoot down Russian missiles over western
Ukraine, a step Kyiv has long asked for.</p>
<p>"We are not going to be in direct armed conflict with Russia," John Kirby told reporters at the White House,
repeating the administration's position on the war.</p>
<p>Poland has said it would consider intercepting missiles heading towards its territory if NATO agreed, according to
officials in Warsaw.</p>
<script>console.log("INLINE_SCRIPT_IN_ARTICLE")</script>
</article>
<footer>Copyright 2024 Example News. All rights reserved. Cookie settings</footer></body></html>
"""


def run(data, *args):
    return CliRunner().invoke(main, ["add", "--data", str(data), *map(str, args)])


def article(data: Path, article_id: str) -> tuple[dict, str]:
    import yaml

    meta, body = split_front_matter((data / "articles" / f"{article_id}.md").read_text(encoding="utf-8"))
    return yaml.safe_load(meta), body


def new_ids(data: Path, before: set[str]) -> set[str]:
    return {p.stem for p in (data / "articles").glob("*.md")} - before


def ids_of(data: Path) -> set[str]:
    return {p.stem for p in (data / "articles").glob("*.md")}


def test_add_txt(data_copy, tmp_path):
    src = tmp_path / "poland.txt"
    src.write_text(TEXT, encoding="utf-8")
    before = ids_of(data_copy)
    result = run(data_copy, src)
    assert result.exit_code == 0, result.output
    (aid,) = new_ids(data_copy, before)
    assert aid == "poland-weighs-shooting-down-russian-missiles-over-western"  # slug capped at 60 chars
    assert f"added data/articles/{aid}.md" in result.output
    meta, body = article(data_copy, aid)
    assert body == TEXT  # the body is exactly the source text
    assert meta["id"] == aid and meta["curated"] is False
    assert meta["title"] == "Poland weighs shooting down Russian missiles over western Ukraine"
    assert meta["outlet"] == "Unidentified news outlet" and meta["outlet_type"] == "unidentified_media"
    assert meta["outlet_basis"].startswith("inferred")
    assert meta["published"] == "2024-07-12" and meta["date_basis"] == "inferred"
    assert "12 July 2024" in meta["date_evidence"]
    assert meta["language"] == "en"
    assert meta["body_sha256"] == body_hash(body)
    assert meta["url"] is None
    assert {"title", "outlet", "outlet_type", "published", "language"} <= set(meta["inferred"])
    ledger = load_ledger(data_copy)  # `shieldgap check` still passes
    assert not ledger.articles.loc[aid, "curated"]


def test_add_md_with_options_and_no_date(data_copy, tmp_path):
    src = tmp_path / "note.md"
    src.write_text("# Kirby on the air war\n\nJohn Kirby said the situations were different.\n", encoding="utf-8")
    before = ids_of(data_copy)
    result = run(data_copy, src, "--outlet", "Example Wire", "--outlet-type", "independent_media",
                 "--url", "https://example.org/kirby", "--language", "en")
    assert result.exit_code == 0, result.output
    (aid,) = new_ids(data_copy, before)
    meta, body = article(data_copy, aid)
    assert body.startswith("# Kirby on the air war")
    assert meta["title"] == "Kirby on the air war"
    assert meta["outlet"] == "Example Wire" and meta["outlet_type"] == "independent_media"
    assert meta["url"] == "https://example.org/kirby"
    # no date in the text: today's date, marked inferred, evidence saying so
    assert meta["date_basis"] == "inferred" and "No date in the text" in meta["date_evidence"]
    assert "outlet" not in meta["inferred"] and "language" not in meta["inferred"]
    assert "published" in meta["inferred"]
    load_ledger(data_copy)


def test_add_html_drops_scripts_and_navigation(data_copy, tmp_path):
    src = tmp_path / "page.html"
    src.write_text(HTML, encoding="utf-8")
    before = ids_of(data_copy)
    result = run(data_copy, src)
    assert result.exit_code == 0, result.output
    (aid,) = new_ids(data_copy, before)
    assert aid == "allies-weigh-ukraine-air-shield"
    meta, body = article(data_copy, aid)
    assert "John Kirby told reporters" in body
    assert "according to" in body
    for furniture in ("SCRIPT_SECRET_TEXT", "INLINE_SCRIPT_IN_ARTICLE", "document.write", "<script", "<b>",
                      "Subscribe now", "Menu Login", "Cookie settings", "color:red"):
        assert furniture not in body, furniture
    assert meta["outlet"] == "Example News" and meta["published"] == "2024-04-18"
    assert meta["source_file"] == "page.html"
    load_ledger(data_copy)


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", b"", "empty"),
    ("blank.md", b"  \n\n\t\n", "empty"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    ("report.pdf", b"%PDF-1.4 hello", "unsupported file type"),
    ("scripts.html", b"<html><head><script>alert(1)</script></head><body><nav>Home</nav></body></html>",
     "no article text"),
])
def test_bad_inputs_rejected(data_copy, tmp_path, name, content, message):
    src = tmp_path / name
    src.write_bytes(content)
    before_hash = tree_hash(data_copy)
    result = run(data_copy, src)
    assert result.exit_code == 1, result.output
    assert message in result.output and name in result.output
    assert tree_hash(data_copy) == before_hash  # nothing written


def test_latin1_decoded_with_warning(data_copy, tmp_path):
    text = ("Zelenskyy: l'Europe doit défendre le ciel ukrainien\n\nLe président ukrainien a déclaré que les "
            "alliés devraient abattre les missiles russes comme ils l'ont fait au-dessus d'Israël, "
            "a-t-il précisé à la presse étrangère réunie à Kyiv.\n")
    src = tmp_path / "latin.txt"
    src.write_bytes(text.encode("latin-1"))
    before = ids_of(data_copy)
    result = run(data_copy, src)
    assert result.exit_code == 0, result.output
    assert "warning" in result.output and "not UTF-8" in result.output
    (aid,) = new_ids(data_copy, before)
    meta, body = article(data_copy, aid)
    assert body == text
    assert meta["language"] == "fr"
    load_ledger(data_copy)


def test_duplicate_refused(data_copy, tmp_path):
    _, body = article(data_copy, "miller-entirely-different-relationship")
    src = tmp_path / "again.txt"
    # the same text with typographic variants and different whitespace is still a duplicate
    src.write_text(body.replace("'", "\u2019").replace("\n\n", "\n \n"), encoding="utf-8")
    before_hash = tree_hash(data_copy)
    result = run(data_copy, src)
    assert result.exit_code == 1
    assert "duplicate of article 'miller-entirely-different-relationship'" in result.output
    assert tree_hash(data_copy) == before_hash


def test_directory_with_a_mix(data_copy, tmp_path):
    d = tmp_path / "inbox"
    d.mkdir()
    (d / "a.txt").write_text(TEXT, encoding="utf-8")
    (d / "b.html").write_text(HTML, encoding="utf-8")
    (d / "c.txt").write_text(TEXT, encoding="utf-8")  # duplicate of a.txt within the batch
    (d / "empty.md").write_bytes(b"")
    (d / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (d / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    before = ids_of(data_copy)
    result = run(data_copy, d)
    assert result.exit_code == 1, result.output
    assert len(new_ids(data_copy, before)) == 2
    assert "2 article(s) added, 3 rejected, 1 skipped" in result.output
    assert "duplicate" in result.output and "empty" in result.output and "binary" in result.output
    assert "photo.jpg" in result.output
    load_ledger(data_copy)


def test_id_collision_gets_a_suffix_and_never_overwrites(data_copy, tmp_path):
    existing = data_copy / "articles" / "miller-entirely-different-relationship.md"
    original = existing.read_bytes()
    src = tmp_path / "other.txt"
    src.write_text("Miller entirely different relationship\n\nA different text about the same briefing, "
                   "published elsewhere on 17 April 2024.\n", encoding="utf-8")
    result = run(data_copy, src)
    assert result.exit_code == 0, result.output
    assert (data_copy / "articles" / "miller-entirely-different-relationship-2.md").is_file()
    assert existing.read_bytes() == original
    ledger = load_ledger(data_copy)
    assert ledger.articles.loc["miller-entirely-different-relationship-2", "published"].isoformat()[:10] == "2024-04-17"


def test_missing_file_and_title_with_many_files(data_copy, tmp_path):
    result = run(data_copy, tmp_path / "nope.txt")
    assert result.exit_code == 1 and "no such file" in result.output
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("one text here\n", encoding="utf-8")
    b.write_text("another text\n", encoding="utf-8")
    result = run(data_copy, a, b, "--title", "Same title")
    assert result.exit_code == 2 and "--title applies to one file" in result.output


def test_add_does_not_import_heavy_libraries_into_check():
    import subprocess
    import sys

    code = ("import sys, shieldgap.cli; "
            "print(any(m in sys.modules for m in ('trafilatura', 'sklearn', 'pysbd')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_paths_are_the_data_option(data_copy):
    assert data_paths(data_copy).articles == data_copy / "articles"


def test_fast_english_detection_agrees_with_py3langid():
    import py3langid

    from shieldgap.infer import _clearly_english, detect_language

    bodies = [split_front_matter(p.read_text(encoding="utf-8"))[1]
              for p in sorted((DATA_DIR / "articles").glob("*.md"))]
    french = ("Le président ukrainien a déclaré que les alliés devraient abattre les missiles russes comme ils l'ont "
              "fait au-dessus d'Israël, a-t-il précisé à la presse étrangère réunie à Kyiv. ") * 3
    german = ("Der ukrainische Präsident sagte, die Verbündeten sollten die russischen Raketen abschießen, so wie sie "
              "es über Israel getan hätten, und er wiederholte das vor der Presse in Kiew.") * 2
    for text in [*bodies, TEXT, french, german]:
        if _clearly_english(text[:5000]):
            assert py3langid.classify(text[:5000])[0] == "en"
        assert detect_language(text) == py3langid.classify(text[:5000])[0]
    assert not _clearly_english(french) and not _clearly_english(german)


def test_a_label_above_the_text_is_not_its_title():
    """Worldcrunch opens its analyses with a '-Analysis-' line (found adding one): a one- or two-word label is
    skipped for the title, and the basis says so; a text of one short line keeps it."""
    from shieldgap.infer import title_from_text

    title, basis = title_from_text("-Analysis-\nPARIS — Seeing how effectively Israel and its Western allies destroyed "
                                   "99% of the missiles, you may have thought: why not in Ukraine?\nMore text.")
    assert title.startswith("PARIS — Seeing how effectively") and "'-Analysis-'" in basis
    assert title_from_text("Opinion\n\nKirby rules out shooting down Russian missiles\nBody.")[0] == \
        "Kirby rules out shooting down Russian missiles"
    assert title_from_text("Short\n") == ("Short", "inferred: first line of the source text")
