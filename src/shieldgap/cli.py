"""The ``shieldgap`` command line. Each command imports only what it needs."""
from __future__ import annotations

import sys
from pathlib import Path

import click

DATA_OPTION = click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                           envvar="SHIELDGAP_DATA", help="Data directory (default: the project's data/).")


def _load(data_dir):
    from .ledger import LedgerError, load_ledger

    try:
        return load_ledger(data_dir)
    except LedgerError as err:
        for line in err.lines():
            click.echo(line, err=True)
        follow = sum(1 for i in err.issues if i.cause)
        more = f" (and {follow} that follow from them)" if follow else ""
        click.echo(f"{len(err.issues) - follow} problem(s) found{more}; the data was not modified.", err=True)
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="shieldgap")
def main():
    """shieldgap: the claims ledger and its report."""


@main.command()
@DATA_OPTION
def check(data_dir):
    """Validate the ledger; record each claim's character span in data/derived/claim_spans.csv."""
    from .io_utils import atomic_write_text

    ledger = _load(data_dir)
    spans = ledger.claims[["claim_id", "article_id", "start", "end"]]
    out = ledger.paths.derived / "claim_spans.csv"
    atomic_write_text(out, spans.to_csv(index=False))
    c = ledger.claims
    click.echo(
        f"OK: {len(ledger.articles)} articles, {len(ledger.themes)} themes, {len(ledger.actors)} actors, "
        f"{len(c)} claims ({c['canonical_id'].nunique()} canonical), {len(ledger.relations)} relations, "
        f"{len(ledger.analyst_notes)} analyst notes, {len(ledger.fact_checks)} fact-checks, "
        f"{len(ledger.conflicts)} attribution conflicts; every quote located verbatim."
    )
    click.echo(f"Spans written to {ledger.paths.rel(out)}")


@main.command()
@DATA_OPTION
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
def export(data_dir, fmt, out):
    """Print the whole ledger as one JSON document."""
    from .export import to_json
    from .io_utils import atomic_write_text

    text = to_json(_load(data_dir))
    if out:
        atomic_write_text(out, text + "\n")
        click.echo(f"Wrote {out}", err=True)
    else:
        click.echo(text)


@main.command()
@DATA_OPTION
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if data/README.md is out of date instead of writing.")
def docs(data_dir, check_only):
    """Regenerate the data dictionary in data/README.md from the field definitions."""
    from .io_utils import atomic_write_text
    from .paths import data_paths
    from .schema import update_readme

    readme = data_paths(data_dir).readme
    current = readme.read_text(encoding="utf-8") if readme.exists() else "# Data\n"
    new = update_readme(current)
    if check_only:
        if new != current:
            click.echo(f"{readme} is out of date: run `shieldgap docs`", err=True)
            sys.exit(1)
        click.echo(f"{readme} is up to date")
        return
    if new != current:
        atomic_write_text(readme, new)
        click.echo(f"Updated the data dictionary in {readme}")
    else:
        click.echo(f"{readme} already up to date")


@main.command()
@click.option("--format", "formats", default="html,pdf", show_default=True,
              help="Comma-separated output formats: html, pdf (the executed notebook is always written).")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Set a report parameter (repeatable); VALUE is YAML for non-text parameters, e.g. -p themes '[geography]'.")
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="YAML file of parameters (-p options override it).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output directory (default: reports/).")
@click.option("--pdf-engine", type=click.Choice(["auto", "chromium", "weasyprint"]), default="auto", show_default=True)
@DATA_OPTION
def render(formats, params, params_file, out_dir, pdf_engine, data_dir):
    """Execute notebooks/report.ipynb with papermill and write report.html / report.pdf."""
    from .params import ParameterError, load_params_file, parse_cli_value
    from .render import RenderError
    from .render import render as do_render

    try:
        overrides = load_params_file(params_file) if params_file else {}
        for name, raw in params:
            overrides[name] = parse_cli_value(name, raw)
        result = do_render(overrides, [f.strip() for f in formats.split(",") if f.strip()], out_dir, pdf_engine,
                           log=lambda m: click.echo(m), data_dir=data_dir)
    except ParameterError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    except RenderError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(1)
    t = result["timings"]
    click.echo("rendered in " + ", ".join(f"{k} {v:.2f}s" for k, v in t.items())
               + (f" (PDF by {result['pdf_engine']})" if result["pdf_engine"] else ""))


from .cli_ingest import register  # noqa: E402  (add, suggest, accept)

register(main)

if __name__ == "__main__":  # pragma: no cover
    main()
