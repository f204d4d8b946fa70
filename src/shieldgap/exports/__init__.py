"""Exports of the ledger for other tools: one module per format, registered in :data:`FORMATS`.

- ``json``: shieldgap's own JSON document (:mod:`.jsondoc`);
- ``argdown``: an Argdown argument map (:mod:`.argdown`);
- ``aif``: an Argument Interchange Format graph, AIFdb/OVA JSON (:mod:`.aif`);
- ``graphml``: a typed, weighted GraphML graph (:mod:`.graphml`);
- ``claimreview``: schema.org ClaimReview JSON-LD for the fact-checks (:mod:`.claimreview`).

Each exporter is ``function(ledger, params=None) -> str``; ``params`` are the report's selection
parameters listed in :data:`EXPORT_PARAMS` (see :mod:`.subset`). Importing this package is cheap: a
format's module (and pandas) is imported only when that format is written.
"""
from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

# Report parameters that decide which items an export holds; the others (weights, title, ...) do not apply.
EXPORT_PARAMS = ("themes", "exclude_outlets", "exclude_outlet_types", "date_from", "date_to", "min_strength",
                 "include_analyst_notes")
# format -> (module, function, file name that `make export` writes in reports/)
_REGISTRY = {
    "json": ("jsondoc", "to_json", "ledger.json"),
    "argdown": ("argdown", "argdown_text", "ledger.argdown"),
    "aif": ("aif", "to_aif", "ledger.aif.json"),
    "graphml": ("graphml", "to_graphml", "ledger.graphml"),
    "claimreview": ("claimreview", "to_claimreview", "claimreview.jsonld"),
}
FILE_NAMES = {name: spec[2] for name, spec in _REGISTRY.items()}


def _lazy(module: str, function: str) -> Callable[..., str]:
    def export(ledger, params: dict | None = None) -> str:
        return getattr(import_module(f".{module}", __name__), function)(ledger, params)

    export.__name__ = export.__qualname__ = function
    export.__doc__ = f"Write the ledger with :func:`shieldgap.exports.{module}.{function}`."
    return export


FORMATS: dict[str, Callable[..., str]] = {name: _lazy(mod, fn) for name, (mod, fn, _) in _REGISTRY.items()}


def export(fmt: str, ledger, params: dict | None = None) -> str:
    """The ledger in format ``fmt`` (a key of :data:`FORMATS`), ending with one newline."""
    return FORMATS[fmt](ledger, params).rstrip("\n") + "\n"
