"""Report parameters: their single definition is the ``parameters`` cell of notebooks/report.ipynb.

``spec()`` reads that cell with papermill's own inspector (names, types, defaults, help);
``validate()`` checks a set of overrides against it and against the ledger — unknown names, wrong
types, unknown theme ids, negative weights, a selection that leaves nothing — and returns the full
parameter set. It runs before any kernel starts (``shieldgap render``) and again inside the
notebook, so direct ``papermill`` runs get the same messages.
"""
from __future__ import annotations

import ast
import datetime as _dt
import hashlib
import json
import keyword
import math
import re
from functools import lru_cache
from pathlib import Path

from . import files
from .fields import OUTLET_TYPES
from .paths import DataPaths, cache_dir, data_paths, report_notebook
from .selection import claim_selected

DETAIL_LEVELS = ("brief", "full")
MAX_WEIGHT = 1e6  # a theme weight beyond this only overflows the arithmetic
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
            default = ast.literal_eval(default)
        except (ValueError, SyntaxError):
            pass
        out[p["name"]] = {"type": p["inferred_type_name"], "default": default, "help": p["help"]}
    return out


def declared_names(notebook: Path) -> list[str]:
    """The names the notebook's ``parameters`` cell assigns (read with ``ast``, never executed)."""
    nb = json.loads(files.read_text(notebook, files.MAX_TABLE_BYTES))
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            src = "".join(cell.get("source", []))
            names = []
            for node in ast.parse(src).body:
                targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
                names += [t.id for t in targets if isinstance(t, ast.Name)]
            return names
    raise ParameterError(f"{notebook}: no cell tagged 'parameters'")


def _trusted(sp, notebook: Path) -> bool:
    """A cached spec is used only if every name is a plain identifier the notebook itself declares and every
    type is one shieldgap knows: a planted cache cannot smuggle code into papermill's parameters cell."""
    if not isinstance(sp, dict) or not sp:
        return False
    declared = set(declared_names(notebook))
    return all(isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name) and name in declared
               and isinstance(entry, dict) and entry.get("type") in _TYPES for name, entry in sp.items()) \
        and set(sp) == declared


def spec(notebook: Path | None = None) -> dict:
    """Parameter name -> {type, default, help}, from the notebook's parameters cell.

    papermill's inspector is the parser; its result is cached (in the project's ``.cache/``, never in a
    data folder) keyed by the notebook's SHA-256, so a kernel need not import papermill to check its
    parameters. A cached spec is checked against the names the notebook declares before it is used.
    """
    path = Path(notebook or report_notebook())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    cache = cache_dir() / f"params_spec-{path.stem}.json"
    cached = files.read_json_cache(cache) or {}
    if cached.get("notebook_sha256") == digest and _trusted(cached.get("spec"), path):
        return cached["spec"]
    result = _spec_cached(str(path), path.stat().st_mtime)
    if not _trusted(result, path):
        raise ParameterError(f"{path}: the parameters cell must assign each parameter a plain name and one of the "
                             f"types {', '.join(_TYPES)}")
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
    if expected == "float" and not math.isfinite(value):
        raise ParameterError(f"parameter '{name}' must be a finite number, got {value!r}")
    if expected == "list":
        bad = [v for v in value if not isinstance(v, str)]
        if bad:
            raise ParameterError(f"parameter '{name}' must be a list of names (text), got the item {bad[0]!r}")
    if expected == "dict":
        bad = [k for k in value if not isinstance(k, str)]
        if bad:
            raise ParameterError(f"parameter '{name}' must have names (text) as keys, got the key {bad[0]!r}")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _check_date(name: str, value: str) -> None:
    if value:
        try:
            ok = _ISO_DATE.fullmatch(value) is not None and bool(_dt.date.fromisoformat(value))
        except ValueError:
            ok = False
        if not ok:
            raise ParameterError(f"parameter '{name}' must be a date YYYY-MM-DD or empty, got {value!r}")


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
        raise ParameterError(f"unknown theme id(s) in 'themes': {', '.join(map(str, bad))} "
                             f"(known: {', '.join(sorted(theme_ids))})")
    weights = p.get("theme_weights", {})
    bad = [t for t in weights if t not in theme_ids]
    if bad:
        raise ParameterError(f"unknown theme id(s) in 'theme_weights': {', '.join(map(str, bad))}")
    for t, w in weights.items():
        if isinstance(w, bool) or not isinstance(w, (int, float)):
            raise ParameterError(f"weight of theme '{t}' must be a number, got {w!r}")
        if not math.isfinite(w):
            raise ParameterError(f"weight of theme '{t}' must be a finite number, got {w!r}")
        if w > MAX_WEIGHT:
            raise ParameterError(f"weight of theme '{t}' is {w:g}; weights must be at most {MAX_WEIGHT:g}")
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
    if "seed" in p and not 0 <= p["seed"] < 2**32:
        raise ParameterError(f"seed must be between 0 and {2**32 - 1}, got {p['seed']}")
    if "weight_spread" in p and not 0 <= p["weight_spread"] <= 3:
        raise ParameterError(f"weight_spread must be between 0 and 3, got {p['weight_spread']}")

    selected = [c for c in led["claims"] if claim_selected(c, led["articles"].get(c.get("article_id")), p)]
    if not selected:
        raise ParameterError("the selection leaves no claims: relax themes, exclusions, dates or min_strength")
    if all(float(weights.get(c["theme"], 1.0)) == 0 for c in selected):
        raise ParameterError("every selected theme has weight 0: nothing would be scored")
    return p


class _ValueLoader(files._Loader):
    """The file layer's safe YAML, plus every finite number notation a user would type (``1e308``, YAML 1.2)."""


_ValueLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."))


def parse_value(text: str, where: str):
    """A YAML value, read with the file layer's rules (no aliases, tags or timestamps) and YAML 1.2 numbers."""
    try:
        return files.load_yaml(text, where, "value", _ValueLoader)
    except files.FileProblem as exc:
        raise ParameterError(str(exc)) from None


def parse_cli_value(name: str, raw: str, notebook: Path | None = None):
    """A ``-p NAME VALUE`` value: text for str parameters, YAML otherwise (lists, dicts, numbers)."""
    sp = spec(notebook)
    if name in sp and sp[name]["type"] == "str":
        return raw
    return parse_value(raw, f"-p {name}")


def load_params_file(path: Path) -> dict:
    try:
        text = files.read_text(path, files.MAX_TABLE_BYTES, str(path))
    except files.FileProblem as exc:
        raise ParameterError(str(exc)) from None
    data = parse_value(text, str(path))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: must be a mapping of parameter names to values")
    return data
