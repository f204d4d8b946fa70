"""``shieldgap add``, ``shieldgap suggest`` and ``shieldgap accept`` (and registers :mod:`.cli_curate`).

Heavy libraries (trafilatura, scikit-learn, pysbd) are imported inside the commands, so the other
commands never load them. ``register(main)`` adds the commands to the main group.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .fields import OUTLET_TYPES

DATA_OPTION = click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                           envvar="SHIELDGAP_DATA", help="Data directory (default: the project's data/).")


SHOW_AT_MOST = 10  # files listed one by one; the rest are counted


def _show_progress(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


@click.command()
@DATA_OPTION
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--title", default=None, help="Headline (one input file only); default: inferred from the text.")
@click.option("--outlet", default=None, help="Publishing outlet; default: 'Unidentified news outlet'.")
@click.option("--outlet-type", type=click.Choice(list(OUTLET_TYPES)), default=None,
              help="Kind of outlet; default: unidentified_media.")
@click.option("--outlet-country", default=None, help="ISO country code of the outlet; default: unknown.")
@click.option("--date", "date", default=None, help="Publication date YYYY-MM-DD; default: a date stated in the text, "
                                                  "else today (marked inferred).")
@click.option("--url", default=None, help="Source URL (never invented; only when known).")
@click.option("--language", default=None, help="ISO 639-1 code; default: detected.")
@click.option("--workers", type=int, default=1, show_default=True, help="Processes for large batches.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; only errors and the summary.")
def add(data_dir, inputs, title, outlet, outlet_type, outlet_country, date, url, language, workers, quiet):
    """Add article files (.txt, .md, .html, or directories of them) as new, uncurated articles."""
    from .ingest import IngestError, Options, add_articles
    from .paths import data_paths

    paths = data_paths(data_dir)
    opts = Options(title=title, outlet=outlet, outlet_type=outlet_type, outlet_country=outlet_country, date=date,
                   url=url, language=language)
    try:
        result = add_articles(inputs, paths, opts, workers=workers, progress=_show_progress(quiet))
    except IngestError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    for _path, warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for path, reason in result.skipped:
        click.echo(f"skipped: {path}: {reason}", err=True)
    for _path, message in result.rejected:
        click.echo(f"rejected: {message}", err=True)
    shown = [] if quiet else result.added[:SHOW_AT_MOST]
    for source, target, meta in shown:
        inferred = ", ".join(meta.get("inferred") or []) or "nothing"
        click.echo(f"added {paths.rel(target)} from {source}: \"{meta['title']}\" ({meta['outlet']}, "
                   f"{meta['published']}, {meta['language']}; inferred: {inferred})")
    if len(result.added) > len(shown) and shown:
        click.echo(f"... and {len(result.added) - len(shown)} more")
    click.echo(f"{len(result.added)} article(s) added, {len(result.rejected)} rejected, "
               f"{len(result.skipped)} skipped. New articles are uncurated: run `shieldgap suggest`.")
    if result.rejected:
        sys.exit(1)


@click.command()
@DATA_OPTION
@click.argument("article_ids", nargs=-1)
@click.option("--workers", type=int, default=None, help="Processes (default: up to 4, by CPU count).")
@click.option("--force", is_flag=True, help="Ignore the cache and process every selected article again.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and one summary line.")
def suggest(data_dir, article_ids, workers, force, quiet):
    """Suggest candidate claims (speaker, theme, stance, echoes) into data/candidates/<article>.csv.

    Default: every article not yet curated. Curated files are never modified.
    """
    from .files import FileProblem
    from .paths import data_paths
    from .suggest import run_suggest

    paths = data_paths(data_dir)
    try:
        result = run_suggest(paths, list(article_ids) or None, workers=workers, force=force,
                             progress=_show_progress(quiet))
    except FileProblem as exc:
        click.echo(f"error: {exc}; nothing was suggested", err=True)
        sys.exit(1)
    except OSError as exc:  # e.g. a full disk or a read-only folder while writing candidates
        click.echo(f"error: {paths.rel(Path(exc.filename)) if exc.filename else paths.rel(paths.data)}: "
                   f"cannot be written ({exc.strerror or exc})", err=True)
        sys.exit(1)
    for problem in result.problems:
        click.echo(f"warning: {problem}", err=True)
    for aid in result.unknown:
        click.echo(f"error: no article '{aid}' in {paths.rel(paths.articles)}", err=True)
    if not quiet:
        for aid in result.processed[:SHOW_AT_MOST]:
            click.echo(f"wrote {paths.rel(paths.candidates / (aid + '.csv'))}")
        if len(result.processed) > SHOW_AT_MOST:
            click.echo(f"... and {len(result.processed) - SHOW_AT_MOST} more")
    thr = f"; echo threshold {result.threshold:.2f}" if result.threshold is not None else ""
    skipped = f", {len(result.problems)} article file(s) skipped" if result.problems else ""
    click.echo(f"suggest: {len(result.processed)} article(s) processed, {len(result.unchanged)} unchanged (cached)"
               f"{skipped}, {result.candidates} candidate claim(s){thr}. Candidates are machine-suggested: review "
               "them, mark accept=y and run `shieldgap accept ARTICLE_ID`.")
    if result.unknown or result.problems:
        sys.exit(1)


@click.command()
@DATA_OPTION
@click.argument("article_id")
@click.option("--mark-curated", is_flag=True, help="Also set curated: true in the article's front matter.")
def accept(data_dir, article_id, mark_curated):
    """Promote the candidates marked accept=y into data/claims.csv (validated first; all or nothing)."""
    from .accept import AcceptError, accept_candidates
    from .paths import data_paths

    paths = data_paths(data_dir)
    try:
        rows = accept_candidates(paths, article_id, mark_curated=mark_curated)
    except AcceptError as err:
        for msg in err.messages:
            click.echo(msg, err=True)
        sys.exit(1)
    except OSError as exc:  # an atomic write failed (full disk, read-only folder): that file was not replaced
        click.echo(f"{paths.rel(Path(exc.filename)) if exc.filename else paths.rel(paths.data)}: cannot be written "
                   f"({exc.strerror or exc})", err=True)
        sys.exit(1)
    for r in rows:
        canon = "" if r["canonical_id"] == r["claim_id"] else f" (echoes {r['canonical_id']})"
        click.echo(f"accepted {r['claim_id']}: {r['actor_id']} / {r['theme']} / {r['stance']}{canon}")
    click.echo(f"{len(rows)} claim(s) added to {paths.rel(paths.claims)}"
               + ("; article marked curated" if mark_curated else "") + ". Run `shieldgap check`.")


def register(group: click.Group) -> None:
    from .cli_curate import COMMANDS  # relate, accept-relations, unanswered, add-actor

    for cmd in (add, suggest, accept, *COMMANDS):
        group.add_command(cmd)
