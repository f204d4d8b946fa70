"""Project conventions: dependencies agree, notebooks are thin and committed without outputs."""
from __future__ import annotations

import ast
import re
import subprocess
import tomllib

import nbformat
import yaml

from .conftest import ROOT


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    py = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        py |= {_name(r) for r in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    # packages only on PyPI are listed under the environment's pip section
    pip = next((d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d), [])
    conda |= {_name(d) for d in pip if not d.startswith("-")}
    assert py == conda, f"only in pyproject: {py - conda}; only in environment.yml: {conda - py}"


def test_notebooks_are_thin_and_without_outputs():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        for cell in code:
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name} has outputs"
            tree = ast.parse(cell.source)
            for node in ast.walk(tree):
                assert not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Lambda, ast.For, ast.While)), \
                    f"{path.name}: logic belongs in src/shieldgap, not in a notebook cell"
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    mod = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                    assert mod.split(".")[0] in ("shieldgap", "IPython"), f"{path.name} imports {mod}"
    report = nbformat.read(ROOT / "notebooks" / "report.ipynb", as_version=4)
    assert "parameters" in report.cells[0].metadata.get("tags", [])


def test_make_help_and_ci_call_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make report" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True).stdout
    for target in ("report", "test", "check", "lab", "bench"):
        assert re.search(rf"\b{target}\b", out), target


def test_render_path_imports_neither_pandas_nor_jupyterlab():
    code = ("import sys, shieldgap.cli, shieldgap.render, shieldgap.params;"
            "shieldgap.params.validate({});"
            "print(sorted(m for m in ('pandas', 'matplotlib', 'pandera', 'jupyterlab', 'sklearn', 'trafilatura') "
            "if m in sys.modules))")
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_lab_saves_the_project_notebooks_without_outputs():
    """`make lab` passes the pre-save hook; it empties outputs of notebooks/ (and only there)."""
    import copy

    import nbformat

    from shieldgap.lab import scrub_outputs

    assert "--ContentsManager.pre_save_hook=shieldgap.lab.scrub_outputs" in (ROOT / "Makefile").read_text()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1", execution_count=1, outputs=[
        nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)])])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    elsewhere = {"type": "notebook", "content": copy.deepcopy(nb)}
    scrub_outputs(elsewhere, path="scratch/mine.ipynb")
    assert elsewhere["content"] == nb
    model = {"type": "notebook", "content": copy.deepcopy(nb)}
    scrub_outputs(model, path="notebooks/curate.ipynb")
    cell = model["content"]["cells"][0]
    assert cell["outputs"] == [] and cell["execution_count"] is None and "widgets" not in model["content"]["metadata"]
    assert cell["source"] == "1 + 1"
