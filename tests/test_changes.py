"""Manifests and what changed between two renders."""
from __future__ import annotations

import json

import pytest

from shieldgap import changes


def _m(**items):
    return {"version": 1, "fingerprint": "f", "items": items, "balance": {}, "standing": {}, "ranking": []}


def test_compare_lists_added_removed_and_changed_ids():
    old = _m(claims={"C1": "a", "C2": "b", "C3": "c"}, relations={"R1": "x"})
    new = _m(claims={"C1": "a", "C2": "B", "C4": "d"}, relations={"R1": "x"})
    new["fingerprint"] = "g"
    out = changes.compare(old, new)
    assert out["same"] is False
    (claims,) = out["kinds"]
    assert (claims["added"], claims["removed"], claims["changed"]) == (["C4"], ["C3"], ["C2"])


def test_compare_reports_balance_and_ranking_moves():
    old, new = _m(), _m()
    old.update(balance={"geography": 3.0, "escalation_risk": 1.0}, ranking=["RS04", "RS01", "RS02"])
    new.update(balance={"geography": 2.0, "escalation_risk": 1.0}, ranking=["RS01", "RS04", "RS09"])
    out = changes.compare(old, new)
    assert out["balance"] == [{"theme": "geography", "before": 3.0, "after": 2.0}]
    moves = {r["reason"]: (r["before"], r["after"]) for r in out["ranking"]}
    assert moves == {"RS01": (2, 1), "RS04": (1, 2), "RS09": (None, 3), "RS02": (3, None)}


@pytest.mark.parametrize("content", ["not json", "[1, 2]", json.dumps({"version": 99, "items": {}}),
                                     json.dumps({"version": 1, "items": "x"})])
def test_a_malformed_manifest_is_refused_with_a_reason(tmp_path, content):
    path = tmp_path / "manifest.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="manifest"):
        changes.read_manifest(path)
