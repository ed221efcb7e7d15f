"""A study's configuration: what belongs to one study and not to the library.

The library measures any corpus; a study chooses which actors it reports,
which labels a figure compares, the titles and the honest n of its figures.
Those choices live in a small JSON file (this study's: ``data/study.json``),
read here and passed by the notebooks to the library's functions.

Fields: ``title`` (the profile figure's title), ``case_note`` (the n statement
shown beside figures, e.g. on the viewer's index), ``main_actors`` (actors
profiled and scored), ``sentiment_actors``, ``label_actor`` and ``label_words``
(the designations compared), ``registry`` (the actor registry used), ``sources``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from analysis import paths


@dataclass(frozen=True)
class Study:
    title: str = ""
    case_note: str = ""
    main_actors: tuple[str, ...] = ()
    sentiment_actors: tuple[str, ...] = ()
    label_actor: str = ""
    label_words: tuple[str, ...] = ()
    registry: str = ""
    sources: str = field(default="", compare=False)


def load(path: Path | str | None = None) -> Study:
    """The study configuration at ``path`` (default: ``data/study.json`` of this project)."""
    path = Path(path) if path is not None else paths.data_dir() / "study.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a readable study configuration ({exc})") from exc
    unknown = set(raw) - set(Study.__dataclass_fields__)
    if unknown:
        raise ValueError(f"{path}: unknown field(s) {sorted(unknown)}")
    return Study(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})
