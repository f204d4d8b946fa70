"""JupyterLab's save hook for the project's notebooks: `make lab` saves them without outputs.

The notebooks in ``notebooks/`` are committed without outputs (a rendered report is the output). Lab
autosaves a notebook as it runs, widget state and all, so a curation or exploration session would leave
the tracked file changed; :func:`scrub_outputs`, run by the server before every save
(``--ContentsManager.pre_save_hook``), empties the code cells' outputs and execution counts and drops the
saved widget state. Notebooks elsewhere are saved as they are.
"""
from __future__ import annotations

FOLDER = "notebooks/"


def scrub_outputs(model: dict, path: str = "", **_kwargs) -> None:
    """Jupyter server pre-save hook: remove outputs from a notebook of ``notebooks/`` (in place)."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    if not path.lstrip("/").startswith(FOLDER):
        return
    content = model["content"]
    for cell in content.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            cell.get("metadata", {}).pop("execution", None)
    content.get("metadata", {}).pop("widgets", None)
