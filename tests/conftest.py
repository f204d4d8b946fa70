from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from shieldgap.paths import data_paths, project_root

ROOT = project_root()
DATA = ROOT / "data"
SOURCES = ROOT.parent / "shared" / "source-articles"


def tree_hash(path: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        if p.is_file() and "derived" not in p.parts:
            h.update(str(p.relative_to(path)).encode() + p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="session")
def ledger():
    from shieldgap.ledger import load_ledger

    return load_ledger(DATA)


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of the curated data, safe to corrupt."""
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst, ignore=shutil.ignore_patterns("derived", "candidates"))
    return dst


@pytest.fixture
def paths_of():
    return data_paths
