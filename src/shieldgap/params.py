"""Report parameters: their single definition is the ``parameters`` cell of notebooks/report.ipynb.

``spec()`` reads that cell with papermill's own inspector (names, types, defaults, help);
``validate()`` checks a set of overrides against it and against the ledger — unknown names, wrong
types, unknown theme ids, negative weights, a selection that leaves nothing — and returns the full
parameter set. It runs before any kernel starts (``shieldgap render``) and again inside the
notebook, so direct ``papermill`` runs get the same messages.
"""
from __future__ import annotations

import datetime as _dt
import json
from functools import lru_cache
from pathlib import Path

from .fields import OUTLET_TYPES
from .paths import DataPaths, data_paths, report_notebook
from .selection import claim_selected

DETAIL_LEVELS = ("brief", "full")
_TYPES = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "list": (list, tuple), "dict": (dict,)}


class ParameterError(ValueError):
    """A parameter problem; the message is meant for the user as it is."""


@lru_cache(maxsize=4)
def _spec_cached(path: str, mtime: float) -> dict:
    from papermill import inspect_notebook

    out = {}
    for p in inspect_notebook(path).values():
        default = p["default"]
        try:
            import ast

            default = ast.literal_eval(default)
        except (ValueError, SyntaxError):
            pass
        out[p["name"]] = {"type": p["inferred_type_name"], "default": default, "help": p["help"]}
    return out


def spec(notebook: Path | None = None) -> dict:
    """Parameter name -> {type, default, help}, from the notebook's parameters cell.

    papermill's inspector is the parser; its result is cached in data/derived/ keyed by the
    notebook's SHA-256, so a kernel need not import papermill to check its parameters.
    """
    import hashlib

    path = Path(notebook or report_notebook())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    cache = data_paths().derived / "params_spec.json"
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("notebook_sha256") == digest:
            return cached["spec"]
    except (OSError, ValueError, KeyError):
        pass
    result = _spec_cached(str(path), path.stat().st_mtime)
    try:
        from .io_utils import atomic_write_text

        atomic_write_text(cache, json.dumps({"notebook_sha256": digest, "spec": result}, ensure_ascii=False))
    except OSError:
        pass
    return result


def _check_type(name: str, value, expected: str) -> None:
    types = _TYPES.get(expected)
    if types is None:
        return
    if isinstance(value, bool) and expected in ("int", "float"):
        ok = False
    else:
        ok = isinstance(value, types)
    if not ok:
        raise ParameterError(f"parameter '{name}' must be of type {expected}, got {type(value).__name__} {value!r}")


def _check_date(name: str, value: str) -> None:
    if value:
        try:
            _dt.date.fromisoformat(value)
        except ValueError:
            raise ParameterError(f"parameter '{name}' must be a date YYYY-MM-DD or empty, got {value!r}") from None


def validate(overrides: dict, *, notebook: Path | None = None, paths: DataPaths | None = None,
             ledger: dict | None = None) -> dict:
    """The full, checked parameter set for ``overrides``; raises :class:`ParameterError`."""
    sp = spec(notebook)
    unknown = sorted(set(overrides) - set(sp))
    if unknown:
        raise ParameterError(f"unknown parameter(s): {', '.join(unknown)} (known: {', '.join(sp)})")
    p = {name: s["default"] for name, s in sp.items()}
    p.update(overrides)
    for name, value in p.items():
        _check_type(name, value, sp[name]["type"])

    from .sources import light_ledger

    led = ledger or light_ledger(paths or data_paths())
    theme_ids = set(led["themes"])
    bad = [t for t in p.get("themes", []) if t not in theme_ids]
    if bad:
        raise ParameterError(f"unknown theme id(s) in 'themes': {', '.join(map(str, bad))} (known: {', '.join(sorted(theme_ids))})")
    weights = p.get("theme_weights", {})
    bad = [t for t in weights if t not in theme_ids]
    if bad:
        raise ParameterError(f"unknown theme id(s) in 'theme_weights': {', '.join(map(str, bad))}")
    for t, w in weights.items():
        if isinstance(w, bool) or not isinstance(w, (int, float)):
            raise ParameterError(f"weight of theme '{t}' must be a number, got {w!r}")
        if w < 0:
            raise ParameterError(f"weight of theme '{t}' is negative ({w}); weights must be >= 0")
    bad = [t for t in p.get("exclude_outlet_types", []) if t not in OUTLET_TYPES]
    if bad:
        raise ParameterError(f"unknown outlet type(s) in 'exclude_outlet_types': {', '.join(map(str, bad))} "
                             f"(known: {', '.join(OUTLET_TYPES)})")
    outlets = {a.get("outlet") for a in led["articles"].values()}
    bad = [o for o in p.get("exclude_outlets", []) if o not in outlets]
    if bad:
        raise ParameterError(f"unknown outlet(s) in 'exclude_outlets': {', '.join(map(repr, bad))} "
                             f"(known: {', '.join(sorted(map(repr, outlets)))})")
    for name in ("date_from", "date_to"):
        _check_date(name, p.get(name, ""))
    if p.get("date_from") and p.get("date_to") and p["date_from"] > p["date_to"]:
        raise ParameterError(f"date_from {p['date_from']} is after date_to {p['date_to']}")
    if "min_strength" in p and not 1 <= p["min_strength"] <= 5:
        raise ParameterError(f"min_strength must be between 1 and 5, got {p['min_strength']}")
    if "detail" in p and p["detail"] not in DETAIL_LEVELS:
        raise ParameterError(f"detail must be one of {', '.join(DETAIL_LEVELS)}, got {p['detail']!r}")
    if "n_samples" in p and not 10 <= p["n_samples"] <= 100_000:
        raise ParameterError(f"n_samples must be between 10 and 100000, got {p['n_samples']}")
    if "weight_spread" in p and not 0 <= p["weight_spread"] <= 3:
        raise ParameterError(f"weight_spread must be between 0 and 3, got {p['weight_spread']}")

    selected = [c for c in led["claims"] if claim_selected(c, led["articles"].get(c.get("article_id")), p)]
    if not selected:
        raise ParameterError("the selection leaves no claims: relax themes, exclusions, dates or min_strength")
    if all(float(weights.get(c["theme"], 1.0)) == 0 for c in selected):
        raise ParameterError("every selected theme has weight 0: nothing would be scored")
    return p


def parse_cli_value(name: str, raw: str, notebook: Path | None = None):
    """A ``-p NAME VALUE`` value: text for str parameters, YAML otherwise (lists, dicts, numbers)."""
    sp = spec(notebook)
    if name in sp and sp[name]["type"] == "str":
        return raw
    import yaml

    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw


def load_params_file(path: Path) -> dict:
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ParameterError(f"{path}: cannot read parameters: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: must be a mapping of parameter names to values")
    return data


def describe(p: dict) -> str:
    return json.dumps(p, ensure_ascii=False, sort_keys=True)
