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


def _check_writable(out_dir: Path) -> None:
    """Refuse an output folder that cannot be written before any kernel runs (exit status 2)."""
    import tempfile

    from .params import ParameterError

    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".shieldgap-probe-"):
            pass
    except OSError as exc:
        raise ParameterError(f"--out {out_dir}: cannot write there ({exc.strerror or exc})") from None


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
    try:
        atomic_write_text(out, spans.to_csv(index=False))
    except OSError as exc:  # a read-only data folder validates all the same
        click.echo(f"warning: {ledger.paths.rel(out)}: spans not written ({exc.strerror or exc})", err=True)
        out = None
    c = ledger.claims
    click.echo(
        f"OK: {len(ledger.articles)} articles, {len(ledger.themes)} themes, {len(ledger.actors)} actors, "
        f"{len(c)} claims ({c['canonical_id'].nunique()} canonical), {len(ledger.relations)} relations, "
        f"{len(ledger.analyst_notes)} analyst notes, {len(ledger.fact_checks)} fact-checks, "
        f"{len(ledger.reasons)} reasons, {len(ledger.events)} events, "
        f"{len(ledger.conflicts)} attribution conflicts; every quote located verbatim."
    )
    if out is not None:
        click.echo(f"Spans written to {ledger.paths.rel(out)}")


def _export_formats() -> list[str]:
    from .exports import FORMATS

    return list(FORMATS)


@main.command()
@DATA_OPTION
@click.option("--format", "fmt", type=click.Choice(_export_formats()), default="json", show_default=True,
              help="json: the whole ledger; argdown: Argdown argument map; aif: Argument Interchange Format "
                   "(AIFdb/OVA JSON); graphml: typed, weighted graph; claimreview: schema.org ClaimReview JSON-LD "
                   "of the fact-checks.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Select as the report does (repeatable): themes, exclude_outlets, exclude_outlet_types, date_from, "
                   "date_to, min_strength, include_analyst_notes; VALUE is YAML for lists and numbers, e.g. "
                   "-p themes '[geography]' -p min_strength 3. Without any, everything is exported.")
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="YAML file of selection parameters (-p options override it).")
def export(data_dir, fmt, out, params, params_file):
    """Export the ledger for other tools: JSON, Argdown, AIF, GraphML or ClaimReview.

    Relations are exported when both their ends are selected; fact-checks when their article and claim are.
    """
    from .exports import EXPORT_PARAMS
    from .exports import export as do_export
    from .io_utils import atomic_write_text
    from .params import ParameterError, load_params_file, parse_cli_value, validate
    from .paths import data_paths

    selection = None
    try:
        overrides = load_params_file(params_file) if params_file else {}
        for name, raw in params:
            overrides[name] = parse_cli_value(name, raw)
        if overrides:
            bad = sorted(set(overrides) - set(EXPORT_PARAMS))
            if bad:
                raise ParameterError(f"parameter(s) {', '.join(bad)} do not apply to exports "
                                     f"(selection parameters: {', '.join(EXPORT_PARAMS)})")
            full = validate(overrides, paths=data_paths(data_dir))
            selection = {k: full[k] for k in EXPORT_PARAMS if k in full}
    except ParameterError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    text = do_export(fmt, _load(data_dir), selection)
    if out:
        try:
            atomic_write_text(out, text)
        except OSError as exc:
            click.echo(f"error: --out {out}: cannot write ({exc.strerror or exc})", err=True)
            sys.exit(1)
        click.echo(f"Wrote {out}", err=True)
    else:
        click.echo(text, nl=False)


@main.command()
@DATA_OPTION
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if data/README.md is out of date instead of writing.")
def docs(data_dir, check_only):
    """Regenerate the data dictionary in data/README.md from the field definitions."""
    from .files import FileProblem, read_text
    from .io_utils import atomic_write_text
    from .paths import data_paths
    from .schema import update_readme

    readme = data_paths(data_dir).readme
    try:
        current = read_text(readme) if readme.exists() else "# Data\n"
        new = update_readme(current, str(readme))
    except FileProblem as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if check_only:
        if new != current:
            click.echo(f"{readme} is out of date: run `shieldgap docs`", err=True)
            sys.exit(1)
        click.echo(f"{readme} is up to date")
        return
    if new != current:
        try:
            atomic_write_text(readme, new)
        except OSError as exc:
            click.echo(f"error: {readme}: cannot write ({exc.strerror or exc})", err=True)
            sys.exit(1)
        click.echo(f"Updated the data dictionary in {readme}")
    else:
        click.echo(f"{readme} already up to date")


@main.command()
@click.option("--format", "formats", default="html,pdf", show_default=True,
              help="Comma-separated output formats: html, pdf (the executed notebook is always written).")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Set a report parameter (repeatable); VALUE is YAML for non-text parameters, "
                   "e.g. -p themes '[geography]'.")
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="YAML file of parameters (-p options override it).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output directory (default: reports/).")
@click.option("--pdf-engine", type=click.Choice(["auto", "chromium", "weasyprint"]), default="auto", show_default=True)
@click.option("--document", "documents", default="report", show_default=True,
              help="Comma-separated documents: report (the full report), brief (the two-page brief).")
@click.option("--since", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A manifest.json of an earlier render to report changes against (default: the one in --out).")
@DATA_OPTION
def render(formats, params, params_file, out_dir, pdf_engine, documents, since, data_dir):
    """Execute the report (and brief) notebooks with papermill; write report.html/.pdf (brief.html/.pdf)."""
    from .files import FileProblem
    from .params import ParameterError, load_params_file, parse_cli_value
    from .render import FORMATS, RenderError
    from .render import render as do_render

    try:
        wanted = [f.strip() for f in formats.split(",") if f.strip()]
        bad = [f for f in wanted if f not in FORMATS]
        if bad or not wanted:
            raise ParameterError(f"--format: unknown format(s) {', '.join(bad) or '(none)'}; "
                                 f"choose from {', '.join(FORMATS)}")
        overrides = load_params_file(params_file) if params_file else {}
        for name, raw in params:
            overrides[name] = parse_cli_value(name, raw)
        if out_dir is not None:
            _check_writable(out_dir)
        docs = [d.strip() for d in documents.split(",") if d.strip()]
        result = do_render(overrides, wanted, out_dir, pdf_engine, log=lambda m: click.echo(m), data_dir=data_dir,
                           documents=docs, since=since)
    except ParameterError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    except (RenderError, FileProblem) as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(1)
    t = result["timings"]
    click.echo("rendered in " + ", ".join(f"{k} {v:.2f}s" for k, v in t.items())
               + (f" (PDF by {result['pdf_engine']})" if result["pdf_engine"] else ""))


from .cli_ingest import register  # noqa: E402  (add, suggest, accept)

register(main)

if __name__ == "__main__":  # pragma: no cover
    main()
