"""``shieldgap relate``, ``shieldgap accept-relations``, ``shieldgap unanswered`` and ``shieldgap add-actor``.

The command-line path of the curation workbench, for people who prefer files: ``relate`` writes the
ranked counterargument suggestions for a claim to ``data/candidates/relations/<claim-id>.csv``; the
curator marks rows ``accept = y`` (editing relation, explanation and strength) and ``accept-relations``
writes them to ``relations.csv`` through the same validated write path as the workbench.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import click

from .cli_ingest import DATA_OPTION

RELATION_CANDIDATE_COLUMNS = ["source_id", "relation", "target_id", "explanation", "strength", "score", "why",
                              "text", "accept"]


def _fail(messages) -> None:
    for m in messages:
        click.echo(m, err=True)
    sys.exit(1)


def _relations_dir(paths) -> Path:
    from .files import FileProblem
    from .suggest.runner import own_dir

    try:
        base = own_dir(paths, paths.candidates)
    except FileProblem as exc:
        _fail([str(exc)])
    out = base / "relations"
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        _fail([f"{paths.rel(out)}: is not a directory inside the data folder"])
    out.mkdir(exist_ok=True)
    return out


@click.command()
@DATA_OPTION
@click.argument("claim_id")
@click.option("--top", type=int, default=8, show_default=True, help="Suggestions to list.")
def relate(data_dir, claim_id, top):
    """Rank ledger claims and analyst notes that may answer CLAIM_ID (or that it answers) into a candidates file."""
    from .curation.relations import suggest_relations, unanswered_claims
    from .curation.writes import WriteError
    from .files import csv_text
    from .io_utils import atomic_write_text
    from .ledger import LedgerError, load_ledger
    from .paths import data_paths

    paths = data_paths(data_dir)
    try:
        ledger = load_ledger(paths.data)
        found = suggest_relations(ledger, claim_id, top=top)
    except LedgerError as err:
        _fail([str(i) for i in err.issues] + ["the ledger does not validate: run `shieldgap check`"])
    except WriteError as err:
        _fail(err.messages)
    rows = [{**s.row(), "score": f"{s.score:.3f}", "why": s.reason, "text": s.text, "accept": ""} for s in found]
    out = _relations_dir(paths) / f"{claim_id}.csv"
    atomic_write_text(out, csv_text(RELATION_CANDIDATE_COLUMNS, rows))
    for s in found:
        click.echo(f"{s.source_id} {s.relation} {s.target_id} ({s.score:.2f}): {s.text[:80]}")
    if claim_id in unanswered_claims(ledger, [claim_id]):
        click.echo(f"{claim_id} has no answer yet: write one, or `shieldgap unanswered {claim_id} --why TEXT`.")
    click.echo(f"wrote {paths.rel(out)}: mark rows accept=y (write the explanation in your words; edit relation and "
               "strength), then run "
               f"`shieldgap accept-relations {claim_id}`.")


@click.command("accept-relations")
@DATA_OPTION
@click.argument("claim_id")
def accept_relations_cmd(data_dir, claim_id):
    """Write the relations marked accept=y in data/candidates/relations/CLAIM_ID.csv (validated; all or nothing)."""
    from . import files
    from .curation.relations import accept_relations
    from .curation.writes import WriteError
    from .paths import data_paths
    from .suggest.columns import ACCEPT_VALUES

    paths = data_paths(data_dir)
    path = paths.candidates / "relations" / f"{claim_id}.csv"
    where = paths.rel(path)
    if not path.is_file() or path.is_symlink():
        _fail([f"{where}: no relation candidates (run `shieldgap relate {claim_id}` first)"])
    try:
        _header, rows = files.parse_csv(files.read_text(path, files.MAX_TABLE_BYTES, where))
    except (files.FileProblem, csv.Error) as exc:
        _fail([f"{where}: {exc}"])
    chosen = [r for r in rows if (r.get("accept") or "").strip().lower() in ACCEPT_VALUES]
    if not chosen:
        _fail([f"{where}: no row is marked accept=y"])
    try:
        new, _snap = accept_relations(paths, chosen, source=where)
    except WriteError as err:
        _fail(err.messages)
    for r in new:
        click.echo(f"wrote {r['relation_id']}: {r['source_id']} {r['relation']} {r['target_id']}")
    click.echo(f"{len(new)} relation(s) added to {paths.rel(paths.relations)}.")


@click.command()
@DATA_OPTION
@click.argument("claim_id")
@click.option("--why", required=True, help="Why no counterargument is recorded.")
def unanswered(data_dir, claim_id, why):
    """Mark CLAIM_ID as deliberately left without a counterargument (the claims' `unanswered` field)."""
    from .curation.relations import mark_unanswered
    from .curation.writes import WriteError
    from .paths import data_paths

    paths = data_paths(data_dir)
    try:
        mark_unanswered(paths, claim_id, why)
    except WriteError as err:
        _fail(err.messages)
    click.echo(f"marked {claim_id} unanswered in {paths.rel(paths.claims)}.")


@click.command("add-actor")
@DATA_OPTION
@click.argument("name")
@click.option("--role", required=True)
@click.option("--affiliation", required=True)
@click.option("--kind", default="person", show_default=True, type=click.Choice(["person", "institution", "group"]))
@click.option("--country", default="unknown", show_default=True)
def add_actor_cmd(data_dir, name, role, affiliation, kind, country):
    """Add a speaker to data/actors.yml (validated with the whole ledger first)."""
    from .curation.actors import add_actor
    from .curation.writes import WriteError
    from .paths import data_paths

    paths = data_paths(data_dir)
    try:
        aid, _snap = add_actor(paths, name, role, affiliation, kind=kind, country=country)
    except WriteError as err:
        _fail(err.messages)
    click.echo(f"added actor {aid} to {paths.rel(paths.actors)}.")


COMMANDS = (relate, accept_relations_cmd, unanswered, add_actor_cmd)

