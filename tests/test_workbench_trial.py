"""The curator's trial of the workbench (issue: ten problems found driving it in JupyterLab on a new article),
each driven through the widgets on a private copy of the data, with the ledger files checked after."""
from __future__ import annotations

import csv
import re

import pytest

from shieldgap.curation.queue import shown_score
from shieldgap.curation.relations import accept_relations, mark_unanswered, unanswered_claims
from shieldgap.curation.workbench import MAX_WIDTH, NEW_REASON, REASON_CHARS, Workbench, short
from shieldgap.curation.writes import WriteError, edited_csv
from shieldgap.files import parse_article
from shieldgap.ledger import load_ledger
from shieldgap.paths import data_paths

from .test_curation import EXPERT, KIRBY, ZELENSKYY, add_article, bench, index_of, invoke, model, pick_reason, rows

__all__ = ["bench", "model"]  # fixtures shared with test_curation

pytestmark = pytest.mark.slow


SECOND_ARTICLE = """Berlin will not send jets to guard Ukraine's skies

German Chancellor Olaf Scholz again refused to consider shooting down Russian missiles from Polish territory.
"That would make NATO a party to the war," a government spokesman said.
"""


def add_second(data, tmp_path) -> str:
    return add_article(data, tmp_path, SECOND_ARTICLE, "2024-04-21")


def accepted_id(status: str) -> str:
    m = re.search(r"accepted as (C\d+)", status)
    assert m, status
    return m.group(1)


def claims_of(data) -> dict[str, dict]:
    return {r["claim_id"]: r for r in rows(data / "claims.csv")}


def accept_kirby(wb: Workbench, unanswered: str = "Counterarguments to be reviewed.") -> str:
    """Accept the Kirby sentence as a new explains_gap claim (marked unanswered); its id."""
    wb.show(index_of(wb, KIRBY))
    wb.theme.value, wb.stance.value, wb.echo.value = "escalation_risk", "explains_gap", ""
    wb.summary.value = "Kirby says intercepting over Ukraine would mean direct war with Russia."
    pick_reason(wb)
    wb.unanswered_note.value = unanswered
    wb.accept_button.click()
    return accepted_id(wb.status.value)


def accept_context(wb: Workbench, words: str, summary: str = "Context sentence.") -> str:
    wb.show(index_of(wb, words))
    wb.echo.value = ""
    wb.stance.value = "context"
    wb.summary.value = summary
    wb.accept_button.click()
    return accepted_id(wb.status.value)


# ----------------------------------------------------------------------------- 1. finish the article
def test_finish_article_marks_it_curated_logs_it_and_moves_on(data_copy, tmp_path, model):
    first = add_article(data_copy, tmp_path)
    second = add_second(data_copy, tmp_path)
    wb = Workbench(first, str(data_copy), model=model)
    n = len(wb.queue.items)
    accept_kirby(wb)
    wb.show(index_of(wb, ZELENSKYY))
    wb.reject_button.click()
    art = data_copy / "articles" / f"{first}.md"
    log = data_copy / "curation_log.csv"
    log_before, art_before = log.read_bytes(), art.read_bytes()
    wb.finish_button.click()  # candidates still pending: the first click asks for a second
    assert "still pending" in wb.status.value and "again" in wb.status.value
    assert log.read_bytes() == log_before and art.read_bytes() == art_before
    wb.finish_button.click()
    assert f"finished {first}" in wb.status.value and f"now {second}" in wb.status.value, wb.status.value
    assert parse_article(art.read_text(encoding="utf-8"), "x").meta["curated"] is True
    assert log.read_bytes().startswith(log_before)
    row = rows(log)[-1]
    assert row["article_id"] == first and row["candidates"] == str(n)
    assert int(row["accepted_unchanged"]) + int(row["corrected"]) == 1 and int(row["rejected"]) == n - 1
    assert row["relations_added"] == "0" and float(row["minutes"]) >= 0 and row["notes"]
    ledger = load_ledger(data_copy)
    assert bool(ledger.articles.loc[first, "curated"]) and not bool(ledger.articles.loc[second, "curated"])
    assert wb.queue.article_id == second  # the next uncurated article is open
    from shieldgap.newmaterial import _uncurated_ids

    assert first not in _uncurated_ids(ledger)
    result = invoke("check", "--data", data_copy)
    assert result.exit_code == 0, result.output

    # the last one: finished with nothing pending, and none is left
    for k in wb.queue.pending():
        wb.show(k)
        wb.reject_button.click()
    wb.finish_button.click()
    assert "no uncurated article is left" in wb.status.value, wb.status.value
    assert wb.finish_button.disabled and rows(log)[-1]["article_id"] == second
    assert int(rows(log)[-1]["rejected"]) == int(rows(log)[-1]["candidates"])


# ----------------------------------------------------------------------------- 2. new speaker keeps the edits
def test_create_speaker_keeps_the_curators_edits(bench, data_copy):
    bench.show(index_of(bench, EXPERT))
    bench.theme.value, bench.stance.value, bench.claim_type.value = "political_will", "challenges_gap", "normative"
    bench.summary.value, bench.notes.value = "An expert says the allies fear Moscow.", "curator's note"
    bench.strength.value, bench.relevance.value, bench.attribution.value = 2, 5, "paraphrase"
    bench.reason.value = NEW_REASON
    bench.new_reason.value = "Allies could protect Ukraine's skies but fear Russia."
    bench.actor_name.value, bench.actor_role.value, bench.actor_affiliation.value = "Jane Analyst", "Fellow", "X"
    bench.actor_button.click()
    assert "created speaker jane-analyst" in bench.status.value
    assert bench.actor.value == "jane-analyst"
    assert (bench.theme.value, bench.stance.value, bench.claim_type.value) == \
        ("political_will", "challenges_gap", "normative")
    assert bench.summary.value == "An expert says the allies fear Moscow." and bench.notes.value == "curator's note"
    assert (bench.strength.value, bench.relevance.value) == (2, 5) and bench.reason.value == NEW_REASON
    assert bench.new_reason.value.startswith("Allies could")
    bench.accept_button.click()
    assert "accepted as C" in bench.status.value, bench.status.value
    last = rows(data_copy / "claims.csv")[-1]
    assert (last["actor_id"], last["summary"], last["strength"], last["relevance"]) == \
        ("jane-analyst", "An expert says the allies fear Moscow.", "2", "5")


# ----------------------------------------------------------------------------- 3. supports is no answer
def test_supports_is_written_but_answers_nothing_an_attack_does(bench, data_copy):
    kirby = accept_kirby(bench)
    bench.tabs.selected_index = 1  # the Counterarguments tab: its lists follow the claim
    assert kirby in [v for _l, v in bench.unanswered.options]
    k = next(k for k, s in enumerate(bench.rel_suggestions) if s.target_id == kirby)
    bench.rel_choice.value = k
    bench.rel_type.value = "supports"
    bench.rel_explanation.value = "Another official makes the same escalation argument."
    bench.rel_confirm.click()
    assert "wrote R" in bench.rel_status.value and "supports" in bench.rel_status.value, bench.rel_status.value
    assert rows(data_copy / "relations.csv")[-1]["relation"] == "supports"
    assert claims_of(data_copy)[kirby]["unanswered"] == "Counterarguments to be reviewed."  # not answered
    ledger = load_ledger(data_copy)
    assert kirby in unanswered_claims(ledger) and kirby in [v for _l, v in bench.unanswered.options]
    # an attack answers it: the mark is cleared in the same change, and it leaves the list
    k = next(k for k, s in enumerate(bench.rel_suggestions) if s.target_id == kirby)
    bench.rel_choice.value = k
    bench.rel_type.value = "rebuts"
    bench.rel_explanation.value = "Intercepting missiles over Ukraine is air defence, not war with Russia."
    bench.rel_confirm.click()
    assert "rebuts" in bench.rel_status.value, bench.rel_status.value
    assert claims_of(data_copy)[kirby]["unanswered"] == ""
    assert kirby not in unanswered_claims(load_ledger(data_copy))
    assert kirby not in [v for _l, v in bench.unanswered.options]
    assert bench.queue.relations and len(bench.queue.relations) == 2


# ----------------------------------------------------------------------------- 4. the echo's reason
def test_an_echo_brings_its_canonical_claims_reason(bench, data_copy):
    claims = claims_of(data_copy)
    echoed = next(c for c in claims.values() if c["canonical_id"] != c["claim_id"] and c["stance"] != "context"
                  and claims[c["canonical_id"]]["reason_id"])
    canon = claims[echoed["canonical_id"]]
    i = index_of(bench, EXPERT)
    bench.show(i)
    bench.echo.value = ""
    bench.stance.value = "challenges_gap" if canon["stance"] == "explains_gap" else "explains_gap"
    bench.echo.value = echoed["claim_id"]  # the curator types the echo: theme, stance and reason follow
    assert bench.reason.value == canon["reason_id"]
    assert (bench.theme.value, bench.stance.value) == (canon["theme"], canon["stance"])
    bench.summary.value = "An expert repeats the point."
    bench.unanswered_note.value = "Counterarguments to be reviewed." if canon["stance"] == "explains_gap" else ""
    bench.accept_button.click()
    assert "accepted as C" in bench.status.value, bench.status.value
    new = rows(data_copy / "claims.csv")[-1]
    assert new["canonical_id"] == canon["claim_id"] and new["reason_id"] == canon["reason_id"]
    load_ledger(data_copy)


# ----------------------------------------------------------------------------- 5. the relation's explanation
def test_relation_explanation_is_the_curators_own(bench, data_copy):
    kirby = accept_kirby(bench)
    bench.rel_suggest_button.click()
    for s in bench.rel_suggestions:  # the proposal reads source, relation, target
        assert s.reason.startswith(f"{s.source_id} {s.relation} {s.target_id} ("), s.reason
    bench.rel_choice.value = 0
    s = bench.rel_suggestions[0]
    assert bench.rel_explanation.value == "" and bench.rel_explanation.placeholder
    assert s.reason.split(" (")[0] in bench.rel_why.value
    relations = data_copy / "relations.csv"
    before = relations.read_bytes()
    bench.rel_confirm.click()  # no explanation typed: refused, nothing written
    assert "Explanation is empty" in bench.rel_status.value and relations.read_bytes() == before
    with pytest.raises(WriteError, match="'explanation' is empty"):
        accept_relations(data_paths(data_copy), [s.row()])
    assert relations.read_bytes() == before and s.row()["explanation"] == ""
    bench.rel_explanation.value = "The curator's own sentence."
    bench.rel_confirm.click()
    assert rows(relations)[-1]["explanation"] == "The curator's own sentence."
    assert s.reason not in relations.read_text(encoding="utf-8") and "score " not in rows(relations)[-1]["explanation"]
    assert kirby in (rows(relations)[-1]["source_id"], rows(relations)[-1]["target_id"])


# ----------------------------------------------------------------------------- 6. the unanswered note
def test_unanswered_note_says_it_is_required_and_the_error_says_what_to_do(bench, data_copy):
    bench.show(index_of(bench, KIRBY))
    bench.stance.value = "context"
    assert bench.unanswered_note.description == "Unanswered" and bench.unanswered_note.disabled
    bench.theme.value, bench.stance.value, bench.echo.value = "escalation_risk", "explains_gap", ""
    assert bench.unanswered_note.description == "Unanswered *" and not bench.unanswered_note.disabled
    assert "Required for an explains_gap claim" in bench.unanswered_hint.value
    bench.summary.value = "Kirby on direct war."
    pick_reason(bench)
    before = (data_copy / "claims.csv").read_bytes()
    bench.accept_button.click()
    assert "Unanswered *: required for an explains_gap claim" in bench.status.value, bench.status.value
    assert "type why no answer is recorded yet" in bench.status.value
    assert (data_copy / "claims.csv").read_bytes() == before
    # an echo of an answered explains_gap claim needs no note (its canonical claim is answered)
    ledger = load_ledger(data_copy)
    from shieldgap.curation.relations import answered_ids

    done = answered_ids(ledger)
    canon = next(c for c in ledger.claims.to_dict("records") if c["stance"] == "explains_gap"
                 and c["claim_id"] == c["canonical_id"] and c["claim_id"] in done)
    bench.echo.value = canon["claim_id"]
    assert bench.stance.value == "explains_gap" and bench.unanswered_note.description == "Unanswered"
    assert f"not needed: {canon['claim_id']}" in bench.unanswered_hint.value


# ----------------------------------------------------------------------------- 7. sliders reset
def test_support_and_relevance_reset_on_the_next_candidate(bench):
    bench.show(index_of(bench, KIRBY))
    bench.strength.value, bench.relevance.value, bench.summary.value = 5, 1, "typed"
    bench.next_button.click()
    assert (bench.strength.value, bench.relevance.value, bench.summary.value) == (3, 3, "")
    bench.strength.value = 1
    bench.prev_button.click()
    assert (bench.strength.value, bench.relevance.value) == (3, 3)


# ----------------------------------------------------------------------------- 8. decisions across a re-run
def test_a_rerun_shows_what_was_accepted_and_rejected(bench, data_copy, model):
    kirby = accept_kirby(bench)
    j = index_of(bench, ZELENSKYY)
    bench.show(j)
    bench.reject_button.click()
    again = Workbench(bench.queue.article_id, str(data_copy), model=model)  # the notebook run again
    i = index_of(again, KIRBY)
    assert again.queue.items[i].decision == "accepted" and again.queue.items[i].claim_id == kirby
    assert again.queue.items[j].decision == "rejected"
    again.show(i)
    assert f"accepted</b> as {kirby}" in again.position.value and again.accept_button.disabled
    assert again.summary.value.startswith("Kirby says") and again.stance.value == "explains_gap"
    again.show(j)
    assert "<b>rejected</b>" in again.position.value
    assert kirby in [v for _l, v in again.rel_claim.options]


# ----------------------------------------------------------------------------- 9. scores are not percentages
def test_raw_scores_are_not_shown_as_percentages(bench):
    i = index_of(bench, KIRBY)
    bench.queue.items[i].row["theme_score"] = "1.734"
    bench.show(i)
    assert "score 1.73 (not a probability)" in bench.suggest_html.value
    assert "100 %" not in bench.suggest_html.value and "173 %" not in bench.suggest_html.value
    assert shown_score(0.92, "probability") == "92 % probability" and shown_score(0.731, "similarity") == \
        "similarity 0.73"
    kinds = {f: kind for f, (_v, _c, kind) in bench.queue.items[i].suggestions.items()}
    assert kinds["stance"] == "probability" and kinds["theme"] == "score" and kinds["echo_of"] == "similarity"


# ----------------------------------------------------------------------------- 10. only the rows touched change
def test_marking_and_answering_change_only_the_rows_they_touch(bench, data_copy):
    claims = data_copy / "claims.csv"
    # a row quoted as a hand edit or another tool may quote it (every field quoted): read the same, kept as is
    lines = claims.read_text(encoding="utf-8").split("\n")
    k = next(k for k, line in enumerate(lines[1:], 1) if line and '"' not in line)
    lines[k] = ",".join(f'"{v}"' for v in lines[k].split(","))
    claims.write_text("\n".join(lines), encoding="utf-8")
    load_ledger(data_copy)
    kirby = accept_kirby(bench)

    def changed_lines(before: bytes, after: bytes) -> list[bytes]:
        old, new = before.split(b"\n"), after.split(b"\n")
        assert len(old) == len(new)
        return [b for a, b in zip(old, new) if a != b]

    before = claims.read_bytes()
    bench.tabs.selected_index = 1
    bench.unanswered.value = kirby
    bench.unanswered_why.value = "No   source yet."
    bench.unanswered_button.click()
    assert f"marked {kirby} unanswered" in bench.rel_status.value, bench.rel_status.value
    changed = changed_lines(before, claims.read_bytes())
    assert len(changed) == 1 and changed[0].startswith(kirby.encode() + b",")
    assert claims_of(data_copy)[kirby]["unanswered"] == "No source yet."
    assert claims.read_text(encoding="utf-8").split("\n")[k] == lines[k]
    # an attack clears the mark: again only that row changes (relations.csv only gets the new row)
    before, rel_before = claims.read_bytes(), (data_copy / "relations.csv").read_bytes()
    s = next(s for s in bench.rel_suggestions if s.target_id == kirby)
    accept_relations(data_paths(data_copy), [{**s.row("An answer."), "relation": "rebuts"}])
    changed = changed_lines(before, claims.read_bytes())
    assert len(changed) == 1 and changed[0].startswith(kirby.encode() + b",")
    assert claims_of(data_copy)[kirby]["unanswered"] == ""
    assert (data_copy / "relations.csv").read_bytes().startswith(rel_before)
    load_ledger(data_copy)
    with pytest.raises(WriteError, match="say why"):
        mark_unanswered(data_paths(data_copy), kirby, " ")


def test_edited_csv_keeps_every_other_byte():
    raw = ('\ufeffclaim_id,quote,unanswered\r\n"C1","a ""quoted""\r\nline",\r\nC2,"plain",x\r\n'
           'C3,"b, c",\r\n').encode("utf-8")
    header = ["claim_id", "quote", "unanswered"]
    out = edited_csv(raw, header, "claim_id", {"C2": {"unanswered": "why, then"}})
    assert out == raw.replace(b'C2,"plain",x', b'C2,plain,"why, then"')
    out = edited_csv(raw, header, "claim_id", {"C1": {"unanswered": "y"}})
    assert out.endswith(b'C2,"plain",x\r\nC3,"b, c",\r\n') and out.startswith(b"\xef\xbb\xbfclaim_id,")
    with pytest.raises(WriteError, match="no row with claim_id C9"):
        edited_csv(raw, header, "claim_id", {"C9": {"unanswered": "y"}})


# ----------------------------------------------------------------------------- layout
def test_layout_fills_the_width_and_labels_are_not_cut(bench):
    controls = [bench.actor, bench.theme, bench.summary, bench.strength, bench.reason, bench.rel_choice,
                bench.unanswered, bench.unanswered_why]
    assert all(c.layout.width == "100%" and c.layout.max_width == MAX_WIDTH for c in controls)
    assert bench.rel_claim.layout.flex == "1 1 auto" and bench.rel_suggest_button.layout.flex == "0 0 auto"
    assert all(b.layout.width == "auto" for b in (bench.unanswered_button, bench.finish_button, bench.accept_button))
    assert bench.unanswered_button.description == "Mark unanswered"
    statements = {rid: st for rid, st, _t, _s in bench.queue.reasons()}
    for label, rid in bench.reason.options:
        if rid in statements:
            shown = label.split(": ", 1)[1]
            full = " ".join(statements[rid].split())
            assert len(shown) <= REASON_CHARS
            if shown != full:
                assert shown.endswith("…") and full.startswith(shown[:-1])
                assert full[len(shown[:-1].rstrip(" ,;:.-–—")):][:1] in (" ", ",", ";", ":", ".", "-", "–", "—")
    assert short("one two three four", 12) == "one two…" and short("short", 12) == "short"


def test_counterarguments_list_claims_with_a_summary_skip_context_and_refresh(bench):
    ctx = accept_context(bench, "White House on Monday", "The White House refused again.")
    kirby = accept_kirby(bench)
    labels = dict((v, lab) for lab, v in bench.rel_claim.options)
    assert ctx not in labels and labels[kirby].startswith(f"{kirby}: Kirby says")
    bench.tabs.selected_index = 1
    assert bench.rel_status.value.startswith(f"{kirby}: ") and "suggestion(s)" in bench.rel_status.value
    bench.show(index_of(bench, EXPERT))
    bench.theme.value, bench.stance.value, bench.echo.value = "political_will", "challenges_gap", ""
    bench.summary.value = "An expert says allies fear Moscow."
    bench.reason.value = NEW_REASON
    bench.new_reason.value = "Allies could protect Ukraine's skies but are deterred by fear of Russia."
    bench.accept_button.click()
    expert = accepted_id(bench.status.value)
    assert bench.rel_claim.value == expert and bench.rel_status.value.startswith(f"{expert}: ")
    assert {s.source_id for s in bench.rel_suggestions} | {s.target_id for s in bench.rel_suggestions} >= {expert}
    bench.rel_claim.value = kirby
    assert bench.rel_status.value.startswith(f"{kirby}: ")
    assert kirby in [v for _l, v in bench.unanswered.options]


# ----------------------------------------------------------------------------- the same from the command line
def test_relate_leaves_the_explanation_to_the_curator(data_copy):
    result = invoke("relate", "--data", data_copy, "C103")
    assert result.exit_code == 0, result.output
    path = data_copy / "candidates" / "relations" / "C103.csv"
    cand = rows(path)
    assert cand and all(r["explanation"] == "" and r["why"].startswith(f"{r['source_id']} {r['relation']} ")
                        for r in cand)
    cand[0]["accept"] = "y"  # accepted without writing an explanation: refused, nothing written
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(cand[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(cand)
    before = (data_copy / "relations.csv").read_bytes()
    result = invoke("accept-relations", "--data", data_copy, "C103")
    assert result.exit_code == 1 and "'explanation' is empty" in result.output
    assert (data_copy / "relations.csv").read_bytes() == before


def test_finish_writes_the_log_when_there_is_none(bench, data_copy):
    (data_copy / "curation_log.csv").unlink()
    for k in bench.queue.pending():
        bench.show(k)
        bench.reject_button.click()
    bench.finish_button.click()
    assert "marked curated" in bench.status.value, bench.status.value
    (row,) = rows(data_copy / "curation_log.csv")
    assert row["article_id"] == bench.queue.article_id or "no uncurated article" in bench.status.value
    assert list(row) == ["article_id", "outlet", "candidates", "accepted_unchanged", "corrected", "corrected_fields",
                         "rejected", "added_unsuggested", "relations_added", "relations_suggested", "minutes", "notes"]
