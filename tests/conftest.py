"""Shared fixtures. The network is off for every test (see pyproject's addopts)."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import os

import pytest
import urllib3  # noqa: F401  (imported before sockets are disabled: it probes IPv6 at import)
from hypothesis import HealthCheck, settings

from analysis import corpus as corpus_mod
from analysis import paths

# Property-based tests (tests/test_robustness_*.py). "ci" (the default) is deterministic
# (derandomize: the same examples on every run, no example database) and small enough for CI;
# "deep" searches far more widely: FRAMING_HYPOTHESIS_PROFILE=deep make test.
_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile("ci", derandomize=True, database=None, max_examples=40, deadline=None,
                          suppress_health_check=_SLOW_OK, print_blob=True)
settings.register_profile("deep", max_examples=1500, deadline=None,
                          suppress_health_check=_SLOW_OK, print_blob=True)
settings.load_profile(os.environ.get("FRAMING_HYPOTHESIS_PROFILE", "ci"))


#: A small page with chrome at both ends: headline, byline, three body lines, sign-up, "Read more".
PAGE = """Support Our Newsroom!

Leaders Meet in Moscow to Discuss the War

By Jane Doe

The president flew to Moscow on Tuesday to meet his closest ally, officials said, in his first trip abroad since the war began.
The two leaders discussed the military campaign and a political transition, according to a statement released on Wednesday.
Analysts said the visit signals that the government is more confident about the course of the war than it was a year ago.

Sign up for our free weekly newsletter
Read more
"""


@pytest.fixture(scope="session")
def seed_corpus():
    return corpus_mod.load_corpus()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The external development sets; tests needing them skip when absent."""
    folder = paths.shared_data_dir()
    if not folder.is_dir():
        pytest.skip(f"external development data not found at {folder} "
                    "(set FRAMING_SHARED_DATA to its folder)")
    return folder


def write_corpus(folder: Path, articles: dict[str, bytes], extra: dict[str, dict] | None = None,
                 header=("article_id", "file", "outlet", "published", "event", "sha256")) -> Path:
    """Write a small corpus in the data-folder layout; returns the folder."""
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    rows = []
    for aid, data in articles.items():
        (folder / "articles" / f"{aid}.txt").write_bytes(data)
        row = {"article_id": aid, "file": f"articles/{aid}.txt", "outlet": f"Outlet {aid}",
               "published": "2015-10-21", "event": "e1", "sha256": hashlib.sha256(data).hexdigest()}
        row.update((extra or {}).get(aid, {}))
        rows.append(row)
    with open(folder / "articles.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(header), extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return folder
