"""A new actor in ``data/actors.yml``: name, role, affiliation (and kind, country, variants).

The entry is a YAML dump of the new mapping appended to the file (its comments and the other entries
kept byte for byte); the result is parsed again and must be the old registry plus the new entry, and
the whole ledger is validated through :func:`shieldgap.curation.writes.validated_write` before the
file is replaced.
"""
from __future__ import annotations

import re
import unicodedata

from .. import files
from ..fields import ACTOR_KINDS
from ..paths import DataPaths
from .writes import Snapshot, WriteError, current_bytes, validated_write


def actor_id_for(name: str, taken) -> str:
    """A slug id for ``name`` (ascii, lower case, hyphens) not among ``taken``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "actor"
    aid, n = base, 2
    while aid in taken:
        aid, n = f"{base}-{n}", n + 1
    return aid


def add_actor(paths: DataPaths, name: str, role: str, affiliation: str, *, kind: str = "person",
              country: str = "unknown", variants: list[str] | None = None, note: str = "") -> tuple[str, Snapshot]:
    """Append a new actor to actors.yml (validated); (its id, the snapshot for undo)."""
    where = paths.rel(paths.actors)
    name, role, affiliation = (" ".join(str(v or "").split()) for v in (name, role, affiliation))
    problems = [f"{where}: new actor: '{f}' is empty" for f, v in
                (("name", name), ("role", role), ("affiliation", affiliation)) if not v]
    if kind not in ACTOR_KINDS:
        problems.append(f"{where}: new actor: kind {kind!r} is not one of: {', '.join(ACTOR_KINDS)}")
    if problems:
        raise WriteError(problems)
    raw = current_bytes(paths, paths.actors) or b""
    text = files.decode(raw, where) if raw else ""
    registry = files.load_yaml(text, where) if text.strip() else {}
    if not isinstance(registry, dict):
        raise WriteError([f"{where}: not a mapping of actors (run `shieldgap check`)"])
    known = {str(v).lower() for a in registry.values() if isinstance(a, dict)
             for v in [a.get("name"), *(a.get("variants") or [])] if isinstance(v, str)}
    if name.lower() in known:
        raise WriteError([f"{where}: new actor: {name!r} is already the name or a variant of an actor"])
    aid = actor_id_for(name, registry)
    parts = name.split()
    names = [name] + ([parts[-1]] if len(parts) > 1 and kind == "person" else []) + list(variants or [])
    entry = {"name": name, "kind": kind, "role": role, "affiliation": affiliation, "country": country,
             "variants": list(dict.fromkeys(v for v in names if v and v.lower() not in known))}
    if note:
        entry["note"] = note
    new_text = text + ("" if not text or text.endswith("\n") else "\n") + files.dump_yaml({aid: entry})
    reparsed = files.load_yaml(new_text, where)
    if reparsed != {**registry, aid: entry}:
        raise WriteError([f"{where}: the new actor could not be appended without changing other entries"])
    snap = validated_write(paths, {paths.actors: new_text.encode("utf-8")}, expected={paths.actors: raw},
                           description=f"new actor {aid}")
    return aid, snap
