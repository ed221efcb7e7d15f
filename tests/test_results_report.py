"""Citable numbers (results/numbers.json) and the generated report (report/findings.md)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from analysis import paths, report, results


def test_numbers_replace_only_their_notebooks_keys(tmp_path):
    path = tmp_path / "numbers.json"
    a = results.Numbers("10-a", path)
    a.add("x.one", 1)
    a.add("x.stale", 2)
    a.save()
    b = results.Numbers("20-b", path)
    b.add("y.share", 0.25, "a share")
    b.save()
    a2 = results.Numbers("10-a", path)
    a2.add("x.one", 3)
    a2.save()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == ["x.one", "y.share"]           # sorted; the stale key is gone
    assert data["x.one"] == {"value": 3, "notebook": "10-a", "description": ""}
    assert data["y.share"]["notebook"] == "20-b"


@pytest.mark.parametrize("key, value, message", [
    ("Bad Key", 1, "bad key"),
    ("x.nan", math.nan, "not a finite number"),
    ("x.obj", object(), "numbers must be"),
])
def test_numbers_refuse_bad_keys_and_values(tmp_path, key, value, message):
    with pytest.raises(ValueError, match=message):
        results.Numbers("n", tmp_path / "n.json").add(key, value)


def test_numbers_refuse_duplicates_and_keys_of_another_notebook(tmp_path):
    path = tmp_path / "n.json"
    n = results.Numbers("a", path)
    n.add("k.v", 1)
    with pytest.raises(ValueError, match="recorded twice"):
        n.add("k.v", 2)
    n.save()
    other = results.Numbers("b", path)
    other.add("k.v", 5)
    with pytest.raises(ValueError, match="already belong"):
        other.save()


def test_add_rows_slugs_keys_and_rounds(tmp_path):
    n = results.Numbers("a", tmp_path / "n.json")
    n.add_rows("bp", pd.DataFrame({"system": ["segmenter (shipped model)"], "f1": [0.95591], "n": [7]}),
               keys=["system"], values=["f1", "n"])
    assert n.items["bp.segmenter_shipped_model.f1"]["value"] == 0.956
    assert n.items["bp.segmenter_shipped_model.n"]["value"] == 7


NUMBERS = {"a.f1": {"value": 0.956}, "a.n": {"value": 18688}, "b.status": {"value": "not run: data absent"},
           "c.score": {"value": -0.42}, "d.name": {"value": "Haaretz"}}


def test_render_fills_placeholders_and_marks_validations_not_run():
    out = report.render("F1 {{ a.f1 }} over {{a.n}} lines; {{ d.name }} {{ c.score }}; dev {{ b.x.f1 }}.", NUMBERS)
    assert out == "F1 0.956 over 18,688 lines; Haaretz −0.42; dev n/a."
    with pytest.raises(KeyError, match="a.missing"):
        report.render("{{ a.missing }}", NUMBERS)


def test_number_tokens_ignore_code_links_and_references():
    text = ("F1 0.956 on 18,688 lines (MiniLM-L6, `scripts/train_2.py`), [fig](../figures/50-x.png), "
            "score −0.42.\n\n## References\n\nEfron 1993.")
    assert report.number_tokens(text) == ["0.956", "18,688", "0.42"]
    assert report.allowed_tokens(NUMBERS) == {"0.956", "18,688", "0.42"}


def test_a_template_with_a_typed_number_is_refused(tmp_path):
    template = tmp_path / "t.md"
    template.write_text("The model reaches 0.83 F1 ({{ a.f1 }}).", encoding="utf-8")
    with pytest.raises(ValueError, match="typed by hand"):
        report.write_findings(template, tmp_path / "out.md", NUMBERS)


def test_every_number_in_the_findings_comes_from_numbers_json():
    """The committed report: each number a reader sees is a value of results/numbers.json."""
    findings = (paths.root() / report.OUTPUT).read_text(encoding="utf-8")
    numbers = results.load(paths.root() / "results" / results.FILE)
    tokens = report.number_tokens(findings)
    assert len(tokens) > 50, "the report should cite the study's figures"
    stray = sorted(set(tokens) - report.allowed_tokens(numbers))
    assert not stray, f"numbers in report/findings.md not in results/numbers.json: {stray}"


def test_the_committed_findings_are_the_rendered_template():
    """report/findings.md is up to date with its template and the numbers (make figures)."""
    template = (paths.root() / report.TEMPLATE).read_text(encoding="utf-8")
    numbers = results.load(paths.root() / "results" / results.FILE)
    findings = (paths.root() / report.OUTPUT).read_text(encoding="utf-8")
    assert findings.split("\n", 1)[1] == report.render(template, numbers)


def test_fallback_text_only_for_keys_that_may_be_absent():
    assert report.render("CI {{ a.ci_low | — }} / {{ a.f1 | — }}", NUMBERS) == "CI — / 0.956"


def test_number_tokens_stop_at_punctuation():
    assert report.number_tokens("began in 2011, then 18,688. Also 0.5.") == ["2011", "18,688", "0.5"]
