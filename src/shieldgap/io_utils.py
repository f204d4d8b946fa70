"""Atomic writes: a temporary file in the target directory, then a rename; and the JSON records of the
project's own caches (``.cache/``), written that way and read without trusting them."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def default_mode() -> int:
    """File mode a plain open() would give (mkstemp creates 0600 files)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path: Path, data: bytes, fsync: bool = True) -> Path:
    """Write ``path`` through a temporary file and a rename; ``fsync=False`` for regenerable files
    written by the thousand, where the flush to disk would dominate."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, default_mode())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_new(path: Path, text: str) -> Path:
    """Write ``path`` atomically, refusing to replace an existing file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
        os.chmod(tmp, default_mode())
        os.link(tmp, path)  # fails with FileExistsError instead of overwriting
    finally:
        os.unlink(tmp)
    return path


def save_record(path: Path, record: dict, keep: int) -> None:
    """Write the JSON ``record`` to the cache file ``path`` (atomically, not flushed to disk: it can be computed
    again) and keep only the ``keep`` newest records of its folder. A failure only costs a later run the work
    the record would have saved."""
    try:
        atomic_write_bytes(path, json.dumps(record, default=str).encode(), fsync=False)
        for stale in sorted(Path(path).parent.glob("*.json"), key=lambda p: p.stat().st_mtime)[:-keep]:
            stale.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError):
        pass


def load_record(path: Path, form: str) -> dict | None:
    """The JSON record at ``path`` if it is a dict of format ``form``, else None (absent, unreadable or foreign:
    the caller checks the rest of its shape before using it)."""
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("format") == form else None
