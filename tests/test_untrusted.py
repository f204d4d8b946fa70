"""A data folder is untrusted input: planted files cannot run code or redirect writes."""
from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner

from shieldgap import params
from shieldgap.cli import main
from shieldgap.paths import report_notebook


def _planted_spec(marker) -> dict:
    digest = hashlib.sha256(report_notebook().read_bytes()).hexdigest()
    evil = f"import os; os.system('touch {marker}'); _x"
    return {"notebook_sha256": digest, "spec": {evil: {"type": "int", "default": 1, "help": ""},
                                                 "title": {"type": "str", "default": "t", "help": ""}}}


def test_a_planted_parameter_spec_is_never_used(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    monkeypatch.setattr(params, "cache_dir", lambda: tmp_path / "cache")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "params_spec-report.json").write_text(json.dumps(_planted_spec(marker)))
    sp = params.spec()
    assert set(sp) == set(params.declared_names(report_notebook()))
    assert all(name.isidentifier() for name in sp)
    assert not marker.exists()


def test_the_data_folder_holds_no_parameter_spec(data_copy, tmp_path):
    """The old location, data/derived/params_spec.json, is not read at all."""
    marker = tmp_path / "ran"
    (data_copy / "derived").mkdir(exist_ok=True)
    (data_copy / "derived" / "params_spec.json").write_text(json.dumps(_planted_spec(marker)))
    result = CliRunner().invoke(main, ["render", "--data", str(data_copy), "--out", str(tmp_path / "out"),
                                       "-p", "colour", "red"])
    assert result.exit_code == 2 and "unknown parameter(s): colour" in result.stderr
    assert "import os" not in result.stderr
    assert not marker.exists()


@pytest.mark.slow
def test_a_render_with_a_planted_spec_runs_no_code(data_copy, tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    monkeypatch.setattr(params, "cache_dir", lambda: tmp_path / "cache")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "params_spec-report.json").write_text(json.dumps(_planted_spec(marker)))
    (data_copy / "derived").mkdir(exist_ok=True)
    (data_copy / "derived" / "params_spec.json").write_text(json.dumps(_planted_spec(marker)))
    result = CliRunner().invoke(main, ["render", "--data", str(data_copy), "--out", str(tmp_path / "out"),
                                       "--format", "html", "-p", "detail", "brief"])
    assert result.exit_code == 0, result.output
    assert not marker.exists()
