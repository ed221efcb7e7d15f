"""What is stored is rounded to a stated precision, so floating-point noise never reaches a file;
and notebooks saving their numbers at the same time (make -j) lose none."""

from __future__ import annotations

import json
import multiprocessing

import numpy as np
import pandas as pd
import pytest

from analysis import plotting, results


def test_tables_store_floats_to_three_decimals(tmp_path):
    assert plotting.TABLE_DIGITS == 3
    table = pd.DataFrame({"score": [0.90415599, -0.0329512, -0.0001], "n": [1, 2, 3],
                          "label": ["a", "b", "c"], "p32": np.array([0.1, 0.2, 1 / 3], dtype="float32"),
                          "mixed": ["x", 0.123456, None]})
    plotting.save_table(table, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text() == ("score,n,label,p32,mixed\n0.904,1,a,0.1,x\n"
                                                "-0.033,2,b,0.2,0.123\n0.0,3,c,0.333,\n")
    assert "| 0.904 | 1 | a | 0.1 | x |" in (tmp_path / "t.md").read_text()
    assert table["score"].iloc[0] == 0.90415599           # the notebook's own table is untouched


def test_noise_in_the_sixth_decimal_gives_the_same_bytes(tmp_path):
    # the sentiment model's float32 arithmetic on two CPUs (seen: up to 2.3e-6 apart)
    a = pd.DataFrame({"score": [-0.03295120596885681, 0.2892781496047973, -0.7341844365000725]})
    b = pd.DataFrame({"score": [-0.03295221924781799, 0.2892789840698242, -0.7341850213706493]})
    plotting.save_table(a, tmp_path / "a.csv")
    plotting.save_table(b, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_repeated_column_names_and_missing_values():
    t = pd.DataFrame([[0.11111, 0.22222, float("nan")]], columns=["x", "x", "y"])
    t["z"] = pd.array([0.55555], dtype="Float64")
    r = plotting.round_floats(t)
    assert r.iloc[0, 0] == 0.111 and r.iloc[0, 1] == 0.222 and np.isnan(r.iloc[0, 2]) and r["z"].iloc[0] == 0.556


def test_numbers_are_stored_to_three_decimals(tmp_path):
    assert results.DIGITS == 3
    path = tmp_path / "numbers.json"
    n = results.Numbers("nb", path)
    n.add("a.noisy", 0.30000000000000004)
    n.add("a.small_negative", -0.0004)
    n.add("a.numpy", np.float32(0.1))
    n.add("a.int", 7)
    n.add_rows("a.rows", pd.DataFrame({"k": ["x"], "v": [0.123456]}), keys=["k"], values=["v"], digits=4)
    n.save()
    stored = {k: v["value"] for k, v in json.loads(path.read_text()).items()}
    assert stored == {"a.noisy": 0.3, "a.small_negative": 0.0, "a.numpy": 0.1, "a.int": 7, "a.rows.x.v": 0.123}
    assert "-0.0" not in path.read_text()


def _save_once(path, notebook, barrier):
    n = results.Numbers(notebook, path)
    for k in range(20):
        n.add(f"{notebook.replace('-', '_')}.k{k}", k)
    barrier.wait(60)                       # all at once, as `make -j` may start them
    n.save()


def test_notebooks_saving_at_once_lose_no_numbers(tmp_path):
    """Without the lock, one notebook's read-replace-write drops another's keys (a large file
    makes the window wide: this fails on unlocked code)."""
    path = tmp_path / "results" / "numbers.json"
    base = results.Numbers("base", path)
    for k in range(20000):
        base.add(f"base.k{k}", k)
    base.save()
    ctx = multiprocessing.get_context("fork")
    names = [f"nb-{i}" for i in range(6)]
    for _trial in range(3):
        barrier = ctx.Barrier(len(names))
        procs = [ctx.Process(target=_save_once, args=(path, name, barrier)) for name in names]
        for p in procs:
            p.start()
        for p in procs:
            p.join(120)
        assert all(p.exitcode == 0 for p in procs)
        data = results.load(path)
        assert sorted({v["notebook"] for v in data.values()}) == ["base"] + names
        assert len(data) == 20000 + len(names) * 20
    assert sorted(p.name for p in path.parent.iterdir()) == ["numbers.json"]   # no lock or temp file left


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_numbers_are_still_refused(tmp_path, bad):
    with pytest.raises(ValueError, match="finite"):
        results.Numbers("nb", tmp_path / "n.json").add("a.b", bad)
