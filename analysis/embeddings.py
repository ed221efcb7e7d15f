"""Sentence embeddings: one MiniLM vector per sentence, computed once, in length-sorted batches.

all-MiniLM-L6-v2 (Reimers & Gurevych 2019, *Sentence-BERT*, EMNLP; loaded
offline by :mod:`analysis.encoder`) as its model card prescribes: the mean of
the final token vectors over the attention mask, L2-normalised, inputs cut at
:data:`MAX_TOKENS` word pieces (the model's maximum sequence length). Two
sentences' vectors have cosine similarity = dot product.

:func:`embed_sentences` is the one place the sentence vectors of the library
are made, so measures that read them can share them: it takes a list of
strings and returns an ``n × 384`` float32 array in the same order; identical
strings are encoded once. Nothing is cached across calls (callers that embed
the same texts again keep the array).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analysis.encoder import DIM

#: Word pieces per input (all-MiniLM-L6-v2's ``max_seq_length``); longer sentences are cut.
MAX_TOKENS = 256
BATCH_SIZE = 64


def check_strings(items, what: str = "text") -> list[str]:
    """``items`` as a list, or a ``TypeError`` naming the first item that is not a string (or a lone string)."""
    if isinstance(items, str):
        raise TypeError(f"{what}s must be a sequence of strings, not one string (wrap it in a list)")
    items = list(items)
    for i, s in enumerate(items):
        if not isinstance(s, str):
            raise TypeError(f"{what} {i} is {type(s).__name__}, not str")
    return items


def embed_sentences(sentences: Sequence[str], batch_size: int = BATCH_SIZE, encoder=None) -> np.ndarray:
    """``len(sentences) × 384`` float32 unit vectors (mean-pooled MiniLM), one row per input, in order.

    Inputs are deduplicated and sorted by length before batching (little
    padding); an empty list gives a ``0 × 384`` array. ``encoder`` is an
    :class:`analysis.encoder.Encoder` (default: the packaged MiniLM).
    """
    sentences = check_strings(sentences, "sentence")
    if not sentences:
        return np.zeros((0, DIM), dtype=np.float32)
    import torch

    if encoder is None:
        from analysis.encoder import load_encoder

        encoder = load_encoder()
    unique = list(dict.fromkeys(sentences))
    enc = encoder.tokenizer(unique, add_special_tokens=True, truncation=True, max_length=MAX_TOKENS,
                            verbose=False)["input_ids"]
    order = sorted(range(len(unique)), key=lambda j: len(enc[j]))
    out = np.zeros((len(unique), DIM), dtype=np.float32)
    with torch.inference_mode():
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            T = max(len(enc[j]) for j in idx)
            ids = torch.zeros(len(idx), T, dtype=torch.long)
            att = torch.zeros(len(idx), T, dtype=torch.long)
            for k, j in enumerate(idx):
                ids[k, :len(enc[j])] = torch.tensor(enc[j])
                att[k, :len(enc[j])] = 1
            hidden = encoder.model(input_ids=ids, attention_mask=att,
                                   token_type_ids=torch.zeros_like(ids)).last_hidden_state
            m = att[..., None].to(hidden.dtype)
            v = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
            out[idx] = torch.nn.functional.normalize(v, dim=1).numpy()
    row = {s: k for k, s in enumerate(unique)}
    return out[[row[s] for s in sentences]]
