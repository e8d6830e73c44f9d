"""``ctrack train`` and ``ctrack eval`` through the real CLI, on two small groups of dev documents."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from ctrack.cli import app
from ctrack.extract.decide import Models
from train_corpora import make_group


def test_eval_and_train_on_two_groups(tmp_path):
    a = make_group(tmp_path, "alpha", ["dev-001", "dev-002", "dev-004"])
    b = make_group(tmp_path, "beta", ["dev-005", "dev-007", "dev-009"])
    runner = CliRunner()
    cv = tmp_path / "cv"
    res = runner.invoke(app, ["eval", "--corpus", a, "--corpus", b, "--json", "--details", str(cv)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data["folds"]) == {"alpha", "beta"}
    assert all(f["documents"] == 3 for f in data["folds"].values())
    assert 0.0 < data["pooled"]["figures"]["all"]["f1"] <= 1.0
    # --details: each held-out document's record and the scorer's misses, in the folder of its fold
    assert sorted(p.name for p in (cv / "beta").iterdir()) == [f"dev-00{n}.{ext}" for n in (5, 7, 9) for ext in ("json", "txt")]
    record = json.loads((cv / "alpha" / "dev-001.json").read_text(encoding="utf-8"))
    assert record["schema"] == "ctrack.extraction/1" and record["events"]
    lines = [x for p in cv.glob("*/*.txt") for x in p.read_text(encoding="utf-8").splitlines()]
    assert lines and all(x.startswith(("MISSED ", "SPURIOUS ", "IGNORED ")) for x in lines)
    fp = sum(f["figures"]["all"]["fp"] for f in data["folds"].values())
    assert sum(x.startswith("SPURIOUS ") for x in lines) == fp
    out = tmp_path / "models.json"
    res = runner.invoke(app, ["train", "--corpus", a, "--corpus", b, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "trained on 6 documents" in res.stdout
    assert Models.load(out).role is not None


def test_a_folder_that_is_no_annotated_set_is_named(tmp_path):
    res = CliRunner().invoke(app, ["eval", "--corpus", str(tmp_path / "nothing")])
    assert res.exit_code == 1
    assert "E033" in res.stderr and "nothing" in res.stderr and "not an annotated set" in res.stderr


def test_train_help_states_the_defaults_the_code_uses():
    """The help of ``ctrack train`` names each default by value, and the value is the constant the code uses."""
    import inspect

    from ctrack.cli.train import train_command
    from ctrack.extract.exemplars import EXEMPLAR_MIN
    from ctrack.train import LOCAL_SCALE, REVIEWED_WEIGHT

    options = inspect.signature(train_command).parameters
    assert f"default {REVIEWED_WEIGHT}," in options["reviewed_weight"].default.help
    assert f"default {LOCAL_SCALE}: off," in options["local_scale"].default.help and LOCAL_SCALE == 0.0
    assert f"default {EXEMPLAR_MIN}," in options["exemplar_min"].default.help


def test_review_help_has_no_emoji_shortcode():
    """Rich turns ``:name:`` into an emoji in help texts (":ID:" became 🆔): no help of ``ctrack review`` holds one."""
    from typer.testing import CliRunner

    from ctrack.cli import app

    for command in ("undo", "confirm", "correct"):
        out = CliRunner().invoke(app, ["review", command, "--help"], env={"COLUMNS": "200"}).output
        assert "🆔" not in out and "TYPE:ID" in out, out
