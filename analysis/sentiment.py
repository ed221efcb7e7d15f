"""Target-dependent sentiment: how a news sentence treats one named actor.

The question is NewsMTSC's (Hamborg & Donnay 2021, *NewsMTSC: (Multi-)Target-
dependent Sentiment Classification in News Articles*, EACL): not "is this
sentence negative?" but "is this sentence negative *toward this target*?".
"Critics condemned Assad's brutal crackdown, while praising the UN." is
negative toward Assad and positive toward the UN, so the target is part of the
input: :func:`classify_targets` takes each sentence with the ``(start, end)``
character span of the target mention (``end`` exclusive).

Method
------
1. The target is marked in the sentence with square brackets,
   ``"Critics condemned [Assad]'s brutal crackdown …"``, so the encoder sees
   which mention is meant.
2. The marked sentence goes through all-MiniLM-L6-v2 (Reimers & Gurevych 2019,
   *Sentence-BERT*, EMNLP; loaded offline by :mod:`analysis.encoder`).
   Layers 1–4 are used as published; layers 5–6 carry low-rank adapters
   (LoRA: Hu et al. 2022, *LoRA: Low-Rank Adaptation of Large Language
   Models*, ICLR), i.e. ``W + scale · B·A`` with rank-8 ``A``, ``B`` fitted to
   this task, plus refitted layer norms.
3. The mean of the final token vectors over the marked target and the mean
   over the whole sentence are concatenated; a linear layer with softmax gives
   P(negative), P(neutral), P(positive).

The adapters and the classifier (``data/sentiment_model.npz``, well under 1 MB:
the encoder itself is not copied) were fitted on NewsMTSC's ``train.jsonl``
only, by ``scripts/train_sentiment.py``; ``data/sentiment_model.md`` is the
model card with data, cross-validated and development-set scores and limits.

How to read the values
----------------------
``label``
    the most probable class: ``negative``, ``neutral`` or ``positive``
    sentiment *of the sentence toward the target* (praise, blame, criticism,
    sympathy), not the target's own tone in a quote it speaks.
``score``
    ``p_positive − p_negative`` in [−1, 1]: −1 = certainly negative toward
    the target, +1 = certainly positive, near 0 = neutral or undecided. Average
    it over mentions for an actor-level figure; read it with the per-class
    probabilities, not as an intensity.
``p_negative``, ``p_neutral``, ``p_positive``
    the model's class probabilities (sum to 1). They are not calibrated
    frequencies; the model card reports how often each label is right.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import paths

LABELS = ("negative", "neutral", "positive")
MODEL_FILE = "sentiment_model.npz"
COLUMNS = ["start", "end", "target", "label", "score", "p_negative", "p_neutral", "p_positive"]
#: The target is wrapped in these marks before encoding.
MARK_OPEN, MARK_CLOSE = "[", "]"
#: Longer inputs keep a window of this many word pieces centred on the target.
MAX_TOKENS = 128
#: Encoder layers used as published (the default; the model file records its own);
#: the layers above carry the fitted adapters.
FROZEN_LAYERS = 4
#: The six linear maps of a BERT layer that carry adapters: name -> (module path).
LINEARS = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "o": "attention.output.dense", "f1": "intermediate.dense", "f2": "output.dense",
}
NORMS = {"ln1": "attention.output.LayerNorm", "ln2": "output.LayerNorm"}
BATCH_SIZE = 64
#: Numeric precision of the encoder's matrix products: ``fp32`` (exact, the same everywhere),
#: ``bf16`` (every encoder layer in bfloat16, :func:`logits`: about three and a half times less CPU
#: time where the processor computes bfloat16 natively — AMX or AVX512-BF16 — with NewsMTSC devtest
#: macro-F1 within 0.001 of ``fp32``), ``auto``
#: (``bf16`` on such processors, else ``fp32``).
PRECISIONS = ("auto", "fp32", "bf16")
#: Environment variable that sets the precision for a whole run (the study's ``make`` pins ``fp32``).
PRECISION_ENV = "FRAMING_SENTIMENT_PRECISION"


def mark_target(sentence: str, start: int, end: int) -> tuple[str, int, int]:
    """The sentence with the target in brackets, and the bracketed span's offsets."""
    marked = sentence[:start] + MARK_OPEN + sentence[start:end] + MARK_CLOSE + sentence[end:]
    return marked, start, end + len(MARK_OPEN) + len(MARK_CLOSE)


def _check(sentences, spans) -> list[tuple[str, int, int]]:
    if isinstance(sentences, str):
        raise TypeError("sentences must be a sequence of strings, not one string")
    sentences, spans = list(sentences), list(spans)
    if len(sentences) != len(spans):
        raise ValueError(f"got {len(sentences)} sentences but {len(spans)} spans; "
                         "give one (start, end) span per sentence")
    out = []
    for i, (s, span) in enumerate(zip(sentences, spans)):
        if not isinstance(s, str):
            raise TypeError(f"sentence {i} is {type(s).__name__}, not str")
        try:
            start, end = span
            if isinstance(start, bool) or isinstance(end, bool):
                raise TypeError
            start, end = int(start), int(end)
            if start != span[0] or end != span[1]:
                raise TypeError
        except (TypeError, ValueError):
            raise ValueError(f"span {i} is {span!r}: need two integers (start, end)") from None
        if not 0 <= start < end <= len(s):
            raise ValueError(f"span {i} ({start}, {end}) does not lie inside sentence {i} "
                             f"(length {len(s)}): need 0 <= start < end <= {len(s)}, end exclusive")
        if not s[start:end].strip():
            raise ValueError(f"span {i} ({start}, {end}) covers only whitespace in sentence {i}")
        out.append((s, start, end))
    return out


def encode_targets(items: Sequence[tuple[str, int, int]], tokenizer) -> list[tuple[list, list]]:
    """Word-piece ids of each marked sentence and a flag per piece: inside the marked target?

    ``[CLS] … [SEP]`` are added; an input longer than :data:`MAX_TOKENS`
    keeps the window of pieces centred on the target.
    """
    marked = [mark_target(s, a, b) for s, a, b in items]
    enc = tokenizer([m[0] for m in marked], add_special_tokens=False, return_offsets_mapping=True,
                    verbose=False)
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    width = MAX_TOKENS - 2
    out = []
    for ids, offs, (_, a, b) in zip(enc["input_ids"], enc["offset_mapping"], marked):
        flags = [int(e > a and s < b and e > s) for s, e in offs]
        hit = [k for k, f in enumerate(flags) if f]
        if not hit:  # cannot happen (the brackets are pieces themselves); guard anyway
            raise ValueError(f"target {a}:{b} produced no word pieces")
        if len(ids) > width:
            centre = (hit[0] + hit[-1]) // 2
            lo = min(max(0, centre - width // 2), len(ids) - width)
            lo = min(lo, hit[0])
            ids, flags = ids[lo:lo + width], flags[lo:lo + width]
        out.append(([cls] + list(ids) + [sep], [0] + flags + [0]))
    return out


def pad(batch: Sequence[tuple[list, list]]):
    """Padded ``input_ids``, target-flag and attention masks (torch tensors)."""
    import torch

    T = max(len(ids) for ids, _ in batch)
    ids = torch.zeros(len(batch), T, dtype=torch.long)
    tgt = torch.zeros(len(batch), T, dtype=torch.bool)
    att = torch.zeros(len(batch), T, dtype=torch.bool)
    for k, (i, f) in enumerate(batch):
        ids[k, :len(i)] = torch.tensor(i)
        tgt[k, :len(f)] = torch.tensor(f, dtype=torch.bool)
        att[k, :len(i)] = True
    return ids, tgt, att


def modules():
    """torch modules, built lazily so importing this file needs no torch."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class AdaptedLinear(nn.Module):
        """A frozen linear map plus an optional trainable low-rank update ``scale · B·A``."""

        def __init__(self, base: nn.Linear, rank: int = 0, alpha: float | None = None):
            super().__init__()
            self.register_buffer("weight", base.weight.detach().clone(), persistent=False)
            self.register_buffer("bias", base.bias.detach().clone(), persistent=False)
            self.rank = rank
            if rank:
                self.A = nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
                self.B = nn.Parameter(torch.zeros(base.out_features, rank))
                self.scale = (alpha if alpha is not None else 2.0 * rank) / rank

        def forward(self, x):
            out = F.linear(x, self.weight, self.bias)
            if self.rank:
                out = out + (x @ self.A.T @ self.B.T) * self.scale
            return out

        def merge(self):
            """Fold the update into the weight (for fast inference)."""
            if self.rank:
                with torch.no_grad():
                    self.weight += self.scale * (self.B @ self.A)
                del self.A, self.B
                self.rank = 0

    class Layer(nn.Module):
        """One BERT encoder layer (post-norm), bit-for-bit the published computation."""

        def __init__(self, base, rank: int = 0, dropout: float = 0.0):
            super().__init__()
            for name, path in LINEARS.items():
                setattr(self, name, AdaptedLinear(base.get_submodule(path), rank))
            for name, path in NORMS.items():
                src = base.get_submodule(path)
                ln = nn.LayerNorm(src.normalized_shape, eps=src.eps)
                ln.load_state_dict(src.state_dict())
                ln.requires_grad_(rank > 0)
                setattr(self, name, ln)
            attn = base.get_submodule("attention.self")
            self.heads = attn.num_attention_heads
            self.dropout = dropout

        def forward(self, x, att):
            B, T, D = x.shape
            split = lambda z: z.view(B, T, self.heads, D // self.heads).transpose(1, 2)  # noqa: E731
            mask = torch.zeros(B, 1, 1, T, dtype=x.dtype).masked_fill(~att[:, None, None, :],
                                                                        torch.finfo(x.dtype).min)
            drop = self.dropout if self.training else 0.0
            ctx = F.scaled_dot_product_attention(split(self.q(x)), split(self.k(x)), split(self.v(x)),
                                                 attn_mask=mask, dropout_p=drop)
            ctx = ctx.transpose(1, 2).reshape(B, T, D)
            x = self.ln1(F.dropout(self.o(ctx), drop, self.training) + x)
            return self.ln2(F.dropout(self.f2(F.gelu(self.f1(x))), drop, self.training) + x)

    class Head(nn.Module):
        """Adapted top layers + [target mean; sentence mean] → linear → 3 logits."""

        def __init__(self, encoder_model, rank: int = 8, dropout: float = 0.1,
                     frozen: int = FROZEN_LAYERS):
            super().__init__()
            layers = encoder_model.encoder.layer
            self.layers = nn.ModuleList(Layer(layers[i], rank, dropout)
                                        for i in range(frozen, len(layers)))
            dim = encoder_model.config.hidden_size
            self.out = nn.Linear(2 * dim, len(LABELS))
            self.pool_dropout = dropout

        def forward(self, x, tgt, att):
            for layer in self.layers:
                x = layer(x, att)
            return self.pool(x, tgt, att)

        def pool(self, x, tgt, att):
            """The top layer's token vectors → [target mean; sentence mean] → 3 logits."""
            tf = tgt.to(x.dtype)[..., None]
            af = att.to(x.dtype)[..., None]
            z = torch.cat([(x * tf).sum(1) / tf.sum(1), (x * af).sum(1) / af.sum(1)], 1)
            return self.out(F.dropout(z, self.pool_dropout, self.training))

    class Lower(nn.Module):
        """Embeddings + the frozen lower layers of the encoder."""

        def __init__(self, encoder_model, frozen: int = FROZEN_LAYERS):
            super().__init__()
            self.embeddings = encoder_model.embeddings
            self.layers = nn.ModuleList(Layer(encoder_model.encoder.layer[i])
                                        for i in range(frozen))

        def forward(self, ids, att):
            x = self.embeddings(input_ids=ids, token_type_ids=torch.zeros_like(ids))
            for layer in self.layers:
                x = layer(x, att)
            return x

    return {"AdaptedLinear": AdaptedLinear, "Layer": Layer, "Head": Head, "Lower": Lower}


def adapter_state(head) -> dict[str, np.ndarray]:
    """The fitted parameters of a :class:`Head` as named float32 arrays (for ``np.savez``)."""
    return {k: v.detach().cpu().numpy().astype(np.float32)
            for k, v in head.named_parameters() if v.requires_grad}


def build(state: dict[str, np.ndarray], meta: dict):
    """Lower layers + a :class:`Head` with ``state`` loaded and adapters merged (eval mode)."""
    import torch

    from analysis.encoder import load_encoder

    mods = modules()
    enc = load_encoder()
    frozen = int(meta["frozen_layers"])
    head = mods["Head"](enc.model, rank=int(meta["rank"]), dropout=0.0, frozen=frozen)
    params = dict(head.named_parameters())
    missing = set(params) - set(state)
    if missing:
        raise ValueError(f"{MODEL_FILE}: parameters missing: {sorted(missing)[:5]}")
    with torch.no_grad():
        for k, arr in state.items():
            if k not in params:
                raise ValueError(f"{MODEL_FILE}: unexpected parameter {k!r}")
            params[k].copy_(torch.from_numpy(np.asarray(arr, dtype=np.float32)))
    for m in head.modules():
        if isinstance(m, mods["AdaptedLinear"]):
            m.merge()
    lower = mods["Lower"](enc.model, frozen)
    return lower.eval(), head.eval(), enc.tokenizer


def load_state(path=None) -> tuple[dict[str, np.ndarray], dict]:
    """The arrays and the metadata (JSON) of the shipped model file (no pickle)."""
    path = path or paths.package_data(MODEL_FILE)
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["__meta__"]))
        state = {k: z[k] for k in z.files if k != "__meta__"}
    return state, meta


@functools.lru_cache(maxsize=1)
def _model() -> dict:
    """The shipped model: ``{"lower", "head", "tokenizer", "meta"}`` (cached)."""
    state, meta = load_state()
    lower, head, tok = build(state, meta)
    return {"lower": lower, "head": head, "tokenizer": tok, "meta": meta}


def bf16_layers(model: dict) -> list:
    """bfloat16 copies of the model's encoder layers (frozen and adapted), made once per model.

    Kept in ``model["bf16_layers"]``; the fp32 modules are left as they are. Under
    ``bf16`` the token vectors stay in bfloat16 from the embeddings to the top
    layer, so no layer casts its input and its weights again on every call
    (autocast's way, ~15 % of the encoder's time on these short inputs).
    """
    import copy

    import torch

    if "bf16_layers" not in model:
        layers = (*model["lower"].layers, *model["head"].layers)
        model["bf16_layers"] = [copy.deepcopy(layer).to(torch.bfloat16) for layer in layers]
    return model["bf16_layers"]


def logits(model: dict, ids, tgt, att, precision: str):
    """The model's logits (fp32) for one padded batch, at ``precision`` (``fp32`` or ``bf16``).

    ``fp32``: the published computation. ``bf16``: the embeddings in fp32, every encoder layer in
    bfloat16 (:func:`bf16_layers`; layer norms and softmax accumulate in fp32 inside their kernels),
    then the pooling and the output layer in fp32 again.
    """
    import torch

    if precision != "bf16":
        return model["head"](model["lower"](ids, att), tgt, att)
    x = model["lower"].embeddings(input_ids=ids, token_type_ids=torch.zeros_like(ids)).to(torch.bfloat16)
    for layer in bf16_layers(model):
        x = layer(x, att)
    return model["head"].pool(x.float(), tgt, att)


@functools.lru_cache(maxsize=1)
def cpu_has_bf16() -> bool:
    """Whether this processor computes bfloat16 natively (Linux ``/proc/cpuinfo`` flags
    ``amx_bf16`` or ``avx512_bf16``); False where that cannot be read."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            return re.search(r"\b(?:amx_bf16|avx512_bf16)\b", fh.read()) is not None
    except OSError:
        return False


def resolve_precision(precision: str | None = None) -> str:
    """``fp32`` or ``bf16``: ``precision``, else :data:`PRECISION_ENV`, else ``auto``
    (see :data:`PRECISIONS`)."""
    chosen = precision or os.environ.get(PRECISION_ENV) or "auto"
    if chosen not in PRECISIONS:
        raise ValueError(f"sentiment precision {chosen!r}: use one of {PRECISIONS} "
                         f"(argument or {PRECISION_ENV})")
    if chosen == "auto":
        return "bf16" if cpu_has_bf16() else "fp32"
    return chosen


def predict_proba(items: Sequence[tuple[str, int, int]], model: dict | None = None,
                  batch_size: int = BATCH_SIZE, precision: str | None = None) -> np.ndarray:
    """Class probabilities (n × 3, order :data:`LABELS`) for checked ``(sentence, start, end)``.

    One forward pass per distinct item (a sentence scored twice for the same
    span, e.g. an article repeated in a corpus, is encoded once), in batches
    of ``batch_size`` inputs of similar length (sorted by word pieces, so
    little padding), under ``torch.inference_mode``. A batch's composition
    moves the probabilities by float rounding only (about 1e-7 in ``fp32``).
    ``precision`` (:func:`resolve_precision`): in ``bf16`` probabilities move by up to
    about 0.02 against ``fp32`` (NewsMTSC devtest: 1 label of 1,146 differs, macro-F1 0.7638
    against 0.7647; seed units: 1 label of 205), so exact reproduction asks for ``fp32``.
    """
    import torch

    model = model or _model()
    if not items:
        return np.zeros((0, len(LABELS)))
    unique = list(dict.fromkeys(items))
    if len(unique) < len(items):
        row = {it: k for k, it in enumerate(unique)}
        return predict_proba(unique, model, batch_size, precision)[[row[it] for it in items]]
    encoded = encode_targets(items, model["tokenizer"])
    order = sorted(range(len(encoded)), key=lambda j: len(encoded[j][0]))
    probs = np.zeros((len(encoded), len(LABELS)))
    chosen = resolve_precision(precision)
    with torch.inference_mode():
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            ids, tgt, att = pad([encoded[j] for j in idx])
            probs[idx] = logits(model, ids, tgt, att, chosen).float().softmax(-1).numpy()
    return probs


def classify_targets(sentences: Sequence[str], spans: Sequence[tuple[int, int]], *,
                     model: dict | None = None, batch_size: int = BATCH_SIZE,
                     precision: str | None = None) -> pd.DataFrame:
    """Sentiment of each sentence toward its target span; one row per input, in order.

    ``spans[i] = (start, end)`` indexes ``sentences[i]`` (``end`` exclusive).
    Columns: ``start``, ``end``, ``target`` (the span's text), ``label``
    (negative / neutral / positive), ``score`` (``p_positive − p_negative``,
    in [−1, 1]) and the three class probabilities. A bad span raises
    ``ValueError`` naming its position; empty input gives an empty table with
    these columns. To score several actors in one sentence, pass the sentence
    once per actor. ``precision``: see :func:`predict_proba`.
    """
    items = _check(sentences, spans)
    probs = predict_proba(items, model, batch_size, precision) if items else np.zeros((0, 3))
    table = pd.DataFrame({
        "start": pd.Series([a for _, a, _ in items], dtype=int),
        "end": pd.Series([b for _, _, b in items], dtype=int),
        "target": pd.Series([s[a:b] for s, a, b in items], dtype=object),
        "label": pd.Series([LABELS[k] for k in probs.argmax(1)], dtype=object),
        "score": pd.Series(probs[:, 2] - probs[:, 0], dtype=float),
        "p_negative": pd.Series(probs[:, 0], dtype=float),
        "p_neutral": pd.Series(probs[:, 1], dtype=float),
        "p_positive": pd.Series(probs[:, 2], dtype=float),
    })
    return table[COLUMNS]
