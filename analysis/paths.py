"""Project paths, all built from the project root (never the working directory).

The root is the folder holding ``pyproject.toml`` above this package. Two
environment variables override the defaults so the same code runs on a user's
own setup and in tests:

``FRAMING_SHARED_DATA``
    folder of the external, human-labelled development sets (default
    ``<root>/../shared/data``). Never committed; code that needs it skips
    clearly when it is absent.
``FRAMING_OUTPUT_DIR``
    folder under which ``figures/`` and ``results/`` are written (default: the
    project root). Tests point it at a temporary folder so that executing the
    notebooks never touches the committed outputs.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DATA = Path(__file__).resolve().parent / "data"


def root() -> Path:
    """The project root (the folder with ``pyproject.toml``)."""
    return ROOT


def data_dir() -> Path:
    """The study's corpus folder: ``articles.csv`` plus ``articles/*.txt``."""
    return ROOT / "data"


def annotations_dir() -> Path:
    """Hand-labelled gold annotations of the five seed articles."""
    return data_dir() / "annotations"


def package_data(name: str) -> Path:
    """A data file shipped inside the package (lexicons, registries, models)."""
    return PACKAGE_DATA / name


def shared_data_dir() -> Path:
    """External development sets (``$FRAMING_SHARED_DATA`` or ``../shared/data``)."""
    env = os.environ.get("FRAMING_SHARED_DATA")
    return Path(env) if env else (ROOT.parent / "shared" / "data")


def output_root() -> Path:
    env = os.environ.get("FRAMING_OUTPUT_DIR")
    return Path(env) if env else ROOT


def figures_dir() -> Path:
    """Where notebooks write figures (PNG, SVG and the CSV behind each)."""
    return output_root() / "figures"


def results_dir() -> Path:
    """Where notebooks write tables and citable numbers."""
    return output_root() / "results"


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB blocks."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
