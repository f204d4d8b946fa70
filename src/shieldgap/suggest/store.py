"""The fitted model on disk, in a format that cannot execute code: ``data/derived/suggest_model.npz``.

One uncompressed NumPy ``.npz`` holding a JSON manifest (format, version, the fingerprint of the
reference data, threshold, the claims, theme keywords, actor names, the vectorizers' parameters and
vocabularies) and plain numeric arrays (idf vectors, the claim matrices as CSR parts). It is read
with ``allow_pickle=False`` through :mod:`shieldgap.files` (bounded, regular file), every part is
checked (types, shapes, index bounds), and it is used only when its file key (size, times, inode)
is the one recorded when this program wrote it. Anything else - missing, corrupt, foreign, another
version or fingerprint - is a cache miss: the model is fitted again. No pickle is ever loaded.
"""
from __future__ import annotations

import io
import json
import math
import os
import zipfile
from pathlib import Path

from .. import files
from ..io_utils import atomic_write_bytes
from .model import LEARNED_FIELDS, Model
from .reference import VERSION, Reference
from .vectors import FastTfidf

MODEL_FILE = "suggest_model.npz"
#: The pickle earlier versions wrote; never read, removed when a model is saved.
LEGACY_MODEL_FILE = "suggest_model.pkl"
FORMAT = "shieldgap-suggest-model"
_MATRICES = {"Wq": "word", "Ws": "word", "Cq": "char"}
#: The claim fields a fitted model uses (stored column by column).
CLAIM_FIELDS = ["claim_id", "article_id", "actor_id", "theme", "stance", "quote", "summary", "canonical_id"]


class Invalid(ValueError):
    """A stored model that cannot be used (treated as a cache miss)."""


def _tables(model: Model) -> tuple[dict, dict]:
    """The parts of the themes and actors registries the model uses (plain JSON values)."""
    themes = {tid: {"keywords": [str(k) for k in t.get("keywords")] if isinstance(t.get("keywords"), list) else []}
              for tid, t in model.themes.items()}
    actors = {}
    for aid, a in model.actors.items():
        variants = a.get("variants") if isinstance(a.get("variants"), list) else []
        actors[aid] = {"name": a.get("name") if isinstance(a.get("name"), str) else None,
                       "variants": [v for v in variants if isinstance(v, str)],
                       "kind": a.get("kind") if isinstance(a.get("kind"), str) else None}
    return themes, actors


def model_bytes(model: Model, fingerprint: str) -> bytes:
    import numpy as np

    themes, actors = _tables(model)
    manifest = {"format": FORMAT, "version": VERSION, "fingerprint": fingerprint, "threshold": model.threshold,
                "calibration": model.calibration, "themes": themes, "actors": actors,
                "claims": {f: [c.get(f, "") for c in model.claims] for f in CLAIM_FIELDS},
                "word": model.word.state(), "char": model.char.state(),
                "heads": {f: {"classes": list(map(str, h[0]))} for f, h in model.heads.items()},
                "embedder": model.embedder}
    mats = [getattr(model, name) for name in _MATRICES] if model.n else []
    manifest["matrices"] = {name: {"nnz": int(m.nnz), "shape": list(m.shape)} for name, m in zip(_MATRICES, mats)}
    raw_manifest = json.dumps(manifest, separators=(",", ":")).encode("utf-8")
    # few arrays (each member of the .npz costs time to open): the matrices' parts end to end
    arrays = {"manifest": np.frombuffer(raw_manifest, dtype=np.uint8),
              "idf": np.concatenate([model.word.idf, model.char.idf]).astype(np.float64),
              "data": np.concatenate([m.data for m in mats] or [np.zeros(0)]).astype(np.float32),
              "indices": np.concatenate([m.indices for m in mats] or [np.zeros(0)]).astype(np.int32),
              "indptr": np.concatenate([m.indptr for m in mats] or [np.zeros(0)]).astype(np.int32)}
    for f, (_classes, coef, intercept) in model.heads.items():  # the learned heads: plain float32 arrays
        arrays[f"head_{f}_coef"], arrays[f"head_{f}_intercept"] = coef.astype(np.float32), intercept.astype(np.float32)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def save(path: Path, model: Model, fingerprint: str) -> list[int] | None:
    """Write the model; its file key (to be recorded by the caller), or None when it cannot be written."""
    try:
        atomic_write_bytes(path, model_bytes(model, fingerprint), fsync=False)
        legacy = path.parent / LEGACY_MODEL_FILE
        if os.path.lexists(legacy):
            legacy.unlink()
        return files.file_key(os.stat(path))
    except OSError:
        return None


def load(path: Path, fingerprint: str, key) -> Model | None:
    """The stored model if it is the one this program wrote (``key``) for ``fingerprint``, else None."""
    try:
        if not isinstance(key, list) or files.file_key(os.stat(path)) != key:
            return None
        return parse(files.read_bytes(path, files.MAX_DERIVED_BYTES), fingerprint)
    except Exception:  # noqa: BLE001 - whatever is wrong with a cache file (EOFError from a truncated zip...)
        return None  # makes it a miss


def _arrays(raw: bytes) -> dict:
    import numpy as np

    with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
        infos = npz.zip.infolist()
        if any(i.compress_type != zipfile.ZIP_STORED for i in infos) or sum(i.file_size for i in infos) > len(raw):
            raise Invalid("compressed or inconsistent members")  # stored members cannot expand
        return {name: npz[name] for name in npz.files}


def _matrices(arrays: dict, specs, n_claims: int, n_features: dict[str, int]) -> dict:
    """The claim matrices from the concatenated parts, each checked (shape, row pointers, index bounds)."""
    import numpy as np
    import scipy.sparse as sp

    data, indices, indptr = arrays["data"], arrays["indices"], arrays["indptr"]
    if data.dtype != np.float32 or indices.dtype != np.int32 or indptr.dtype != np.int32 \
            or data.ndim != 1 or indices.shape != data.shape or indptr.ndim != 1 or not np.isfinite(data).all():
        raise Invalid("bad matrix parts")
    if not isinstance(specs, dict) or set(specs) != set(_MATRICES):
        raise Invalid("bad matrix list")
    out, at, at_ptr = {}, 0, 0
    for name, vec in _MATRICES.items():
        spec = specs[name]
        shape = (n_features[vec], n_claims)
        nnz = spec.get("nnz") if isinstance(spec, dict) else None
        if type(nnz) is not int or spec.get("shape") != list(shape) or nnz < 0:
            raise Invalid(f"{name}: bad shape")
        d, i, p = data[at:at + nnz], indices[at:at + nnz], indptr[at_ptr:at_ptr + shape[0] + 1]
        if len(d) != nnz or len(p) != shape[0] + 1 or p[0] != 0 or p[-1] != nnz or (np.diff(p) < 0).any():
            raise Invalid(f"{name}: bad row pointers")
        if nnz and (i.min() < 0 or i.max() >= shape[1]):
            raise Invalid(f"{name}: column index out of range")
        out[name] = sp.csr_matrix((d, i, p), shape=shape)
        at, at_ptr = at + nnz, at_ptr + shape[0] + 1
    if at != len(data) or at_ptr != len(indptr):
        raise Invalid("matrix parts of the wrong length")
    return out


def _check_manifest(m, fingerprint: str) -> None:
    if not isinstance(m, dict) or m.get("format") != FORMAT or m.get("version") != VERSION:
        raise Invalid("not a model of this version")
    if m.get("fingerprint") != fingerprint:
        raise Invalid("fitted on other reference data")
    claims, themes, actors = m.get("claims"), m.get("themes"), m.get("actors")
    if not isinstance(claims, dict) or set(claims) != set(CLAIM_FIELDS) or \
            not all(isinstance(col, list) and set(map(type, col)) <= {str} for col in claims.values()) or \
            len({len(col) for col in claims.values()}) > 1 or not all(claims["claim_id"]):
        raise Invalid("bad claims")
    if not isinstance(themes, dict) or not all(
            isinstance(t, dict) and isinstance(t.get("keywords"), list)
            and all(isinstance(k, str) for k in t["keywords"]) for t in themes.values()):
        raise Invalid("bad themes")
    if not isinstance(actors, dict) or not all(
            isinstance(a, dict) and isinstance(a.get("variants"), list) for a in actors.values()):
        raise Invalid("bad actors")
    t = m.get("threshold")
    if not isinstance(t, (int, float)) or isinstance(t, bool) or not math.isfinite(t):
        raise Invalid("bad threshold")


def parse(raw: bytes, fingerprint: str) -> Model:
    """The model in ``raw`` (the bytes of a model file); Invalid when it is not a usable one."""
    import numpy as np

    arrays = _arrays(raw)
    manifest_bytes = arrays["manifest"]
    if manifest_bytes.dtype != np.uint8 or manifest_bytes.ndim != 1:
        raise Invalid("bad manifest")
    m = json.loads(manifest_bytes.tobytes().decode("utf-8"))
    _check_manifest(m, fingerprint)
    claims = [dict(zip(CLAIM_FIELDS, values)) for values in zip(*(m["claims"][f] for f in CLAIM_FIELDS))]
    model = Model.__new__(Model)
    model.ref = Reference(claims, m["themes"], m["actors"], {}, fingerprint)
    model._prepare(claims, m["themes"], m["actors"])
    idf = arrays["idf"]
    n_word = len(m["word"].get("terms") or []) if isinstance(m.get("word"), dict) else -1
    model.word = FastTfidf.from_state(m["word"], idf[:n_word] if n_word >= 0 else idf[:0])
    model.char = FastTfidf.from_state(m["char"], idf[n_word:] if n_word >= 0 else idf[:0])
    if model.n:
        n_features = {"word": model.word.n_features, "char": model.char.n_features}
        for name, matrix in _matrices(arrays, m.get("matrices"), model.n, n_features).items():
            setattr(model, name, matrix)
    model.threshold = float(m["threshold"])
    model.calibration = m.get("calibration") if isinstance(m.get("calibration"), dict) else {}
    model.heads = _heads(arrays, m.get("heads"), model.word.n_features)
    model._embed_claims()  # optional embeddings are recomputed (milliseconds), never stored
    if model.embedder != m.get("embedder"):
        raise Invalid("calibrated with another embedder")  # installed or removed since: fit again
    return model


def _heads(arrays: dict, specs, n_word: int) -> dict:
    """The learned heads (classes, coefficients, intercepts), each checked (names, shapes, finite values)."""
    import numpy as np

    if specs is None:
        return {}
    if not isinstance(specs, dict) or not set(specs) <= set(LEARNED_FIELDS):
        raise Invalid("bad heads")
    out = {}
    for f, spec in specs.items():
        classes = spec.get("classes") if isinstance(spec, dict) else None
        coef, intercept = arrays.get(f"head_{f}_coef"), arrays.get(f"head_{f}_intercept")
        if not isinstance(classes, list) or len(classes) < 2 or not all(isinstance(c, str) for c in classes):
            raise Invalid(f"head {f}: bad classes")
        rows = 1 if len(classes) == 2 else len(classes)
        for arr, shape in ((coef, (rows, n_word)), (intercept, (rows,))):
            if arr is None or arr.dtype != np.float32 or arr.shape != shape or not np.isfinite(arr).all():
                raise Invalid(f"head {f}: bad arrays")
        out[f] = (classes, coef, intercept)
    return out
