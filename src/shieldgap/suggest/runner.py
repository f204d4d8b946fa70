"""Running the suggester over a corpus (``shieldgap suggest``): which articles, caches, the process pool.

Candidates go to ``data/candidates/<article_id>.csv`` (written atomically; the id is the article's
file name, checked against the id grammar); the curated files are never touched. The cache
``data/derived/suggest_cache.json`` is a :class:`files.StatCache`: per article file its body hash
and curated flag, per article the candidates written (with the candidate file's key) and the model
fingerprint they came from, and the key of the stored model. A record is used only while the file it
describes has exactly the recorded key, so a cache that came with the data, or was edited, can at
worst cost a recomputation; a rerun processes only new or changed articles.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import files
from ..io_utils import atomic_write_bytes
from ..paths import DataPaths
from . import store
from .columns import candidates_csv
from .model import Model
from .reference import VERSION, ArticleFile, fingerprint, read_body, read_reference, reference_texts, scan_articles

CACHE_FILE = "suggest_cache.json"
#: Worker processes by default: up to this many, by CPU count.
MAX_WORKERS = 4
#: Articles per task handed to a worker (the pool is used only for more than one chunk).
CHUNK_SIZE = 250


@dataclass
class SuggestResult:
    processed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    candidates: int = 0
    unknown: list[str] = field(default_factory=list)
    threshold: float | None = None
    problems: list[str] = field(default_factory=list)  # one line per article file skipped


def own_dir(paths: DataPaths, directory: Path) -> Path:
    """``directory`` (created if missing) when it is a real directory directly inside the data folder."""
    where = f"{paths.rel(paths.data)}/{directory.name}"  # the link itself, not where it points
    if directory.is_symlink():
        raise files.FileProblem(where, "is a symbolic link; shieldgap writes only inside the data folder "
                                       "(remove the link)")
    if directory.exists() and not directory.is_dir():
        raise files.FileProblem(where, "is not a directory")
    if directory.resolve().parent != Path(paths.data).resolve():
        raise files.FileProblem(where, "is not inside the data folder")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise files.FileProblem(where, f"cannot be created ({exc.strerror or exc})") from None
    return directory


def _done_records(cache: files.StatCache) -> dict[str, dict]:
    """The cache's per-article records of candidates written, those of the expected shape only."""
    done = cache.extra.get("done")
    if not isinstance(done, dict):
        return {}
    return {k: v for k, v in done.items()
            if isinstance(k, str) and isinstance(v, dict) and isinstance(v.get("body_sha"), str)
            and isinstance(v.get("model"), str) and type(v.get("n")) is int and isinstance(v.get("key"), list)}


def _unchanged(record: dict | None, art: ArticleFile, model_fp: str, out_dir: str) -> bool:
    """Whether the candidates written for ``art`` are still there, untouched, from the same body and model."""
    if record is None or record["body_sha"] != art.body_sha or record["model"] != model_fp:
        return False
    try:
        return files.file_key(os.stat(f"{out_dir}/{art.id}.csv")) == record["key"]  # str: pathlib is slow here
    except OSError:
        return False


def load_model(paths: DataPaths, arts: list[ArticleFile], model_fp: str, cache: files.StatCache | None = None,
               texts: dict[str, str] | None = None) -> Model:
    """The fitted model for the reference data of ``model_fp``: the stored one when this program wrote it
    for the same reference data (the key recorded in ``cache``), else fitted and stored."""
    path = paths.derived / store.MODEL_FILE
    rec = cache.extra.get("model") if cache is not None else None
    if isinstance(rec, dict) and rec.get("fingerprint") == model_fp:
        model = store.load(path, model_fp, rec.get("key"))
        if model is not None:
            return model
    for a in arts:
        if a.curated and a.body is None:
            a.body = read_body(paths, a)
    model = Model(read_reference(paths, arts, texts))
    key = store.save(path, model, model_fp)
    if cache is not None:
        cache.extra["model"] = {"fingerprint": model_fp, "key": key}
    return model


_WORKER_MODEL: Model | None = None
_WORKER_OUT: Path | None = None


def _work(chunk: list[tuple[str, str, str]]) -> list[tuple[str, str, int, list[int]]]:
    results = _WORKER_MODEL.analyze_many([(aid, body) for aid, body, _ in chunk])
    done = []
    for aid, _body, body_sha in chunk:
        rows = results[aid]
        path = _WORKER_OUT / f"{aid}.csv"
        atomic_write_bytes(path, candidates_csv(rows).encode("utf-8"), fsync=False)  # regenerable: no fsync
        done.append((aid, body_sha, len(rows), files.file_key(os.stat(path))))
    return done


def run_suggest(paths: DataPaths, article_ids=None, *, workers: int | None = None, progress: bool = False,
                force: bool = False, chunk_size: int = CHUNK_SIZE) -> SuggestResult:
    """Write candidates for ``article_ids`` (default: every article not yet curated).

    Article files that cannot be used are skipped (``result.problems``); a reference file that cannot be
    read (claims, themes, actors) raises :class:`files.FileProblem` before anything is written.
    """
    own_dir(paths, paths.derived)
    out_dir = own_dir(paths, paths.candidates)
    cache = files.StatCache(paths.derived / CACHE_FILE, VERSION)
    result = SuggestResult()
    wanted = set(article_ids) if article_ids else None
    # curated bodies are read only if the model has to be fitted again (load_model)
    arts = scan_articles(paths, cache, want_bodies=lambda a: wanted is not None and a.id in wanted,
                         problems=result.problems, keep_parsed=True)
    by_id = {a.id: a for a in arts}
    if wanted is not None:
        result.unknown = sorted(wanted - set(by_id))
        targets = [by_id[i] for i in sorted(wanted & set(by_id))]
    else:
        targets = [a for a in arts if not a.curated]
    # the reference fingerprint without building the model (no scikit-learn import when nothing changed)
    texts = reference_texts(paths)
    model_fp = fingerprint(texts, arts)
    done = _done_records(cache)
    todo = []
    for a in targets:
        if not force and _unchanged(done.get(a.id), a, model_fp, os.fspath(out_dir)):
            result.unchanged.append(a.id)
            result.candidates += done[a.id]["n"]
        else:
            todo.append(a)
    cache.keep_only(a.name for a in arts)
    if todo:
        model = load_model(paths, arts, model_fp, cache, texts)
        result.threshold = model.threshold
        for a in todo:
            if a.body is None:
                a.body = read_body(paths, a)
        chunks = [[(a.id, a.body, a.body_sha) for a in todo[i:i + chunk_size]]
                  for i in range(0, len(todo), chunk_size)]
        _run_chunks(model, out_dir, chunks, len(todo), workers, progress, done, model_fp, result)
    cache.extra["done"] = {k: v for k, v in done.items() if k in by_id}
    cache.save()
    return result


def _run_chunks(model, out_dir, chunks, total, workers, progress, done, model_fp, result) -> None:
    global _WORKER_MODEL, _WORKER_OUT
    _WORKER_MODEL, _WORKER_OUT = model, out_dir
    workers = workers or min(os.cpu_count() or 1, MAX_WORKERS)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, desc="suggest", unit="article", leave=False)
    try:
        if workers > 1 and len(chunks) > 1:
            import multiprocessing as mp

            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
            with ctx.Pool(workers) as pool:
                for finished in pool.imap_unordered(_work, chunks):
                    _record(finished, done, model_fp, result, bar)
        else:
            for chunk in chunks:
                _record(_work(chunk), done, model_fp, result, bar)
    finally:
        if bar is not None:
            bar.close()
        _WORKER_MODEL = None


def _record(finished, done, model_fp, result, bar):
    for aid, body_sha, n, key in finished:
        done[aid] = {"body_sha": body_sha, "model": model_fp, "n": n, "key": key}
        result.processed.append(aid)
        result.candidates += n
    if bar is not None:
        bar.update(len(finished))
