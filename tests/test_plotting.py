from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from analysis import plotting  # noqa: E402


def _figure():
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    ax.set_title("same every time")
    return fig


def test_save_figure_is_byte_identical(tmp_path):
    data = pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})
    one = plotting.save_figure(_figure(), "f", data=data, folder=tmp_path / "one")
    two = plotting.save_figure(_figure(), "f", data=data, folder=tmp_path / "two")
    for ext in ("png", "svg", "csv"):
        assert one[ext].read_bytes() == two[ext].read_bytes(), ext
    assert b"<dc:date>" not in one["svg"].read_bytes()
    assert not list((tmp_path / "one").glob("*.tmp"))
