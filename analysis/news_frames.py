"""Generic news frames per article (conflict, resolution, economic, human interest, moral) and their sentences.

The frames are Semetko & Valkenburg's (2000, *Framing European politics: a
content analysis of press and television news*, J. Communication 50(2)) as the
Narrative Frames Corpus operationalises them (Frermann, Li, Hamborg & Leidner
2023, *Conflicts, Villains, Resolutions: Towards models of Narrative Media
Framing*, ACL): an article *has* a frame when its annotators answer yes to the
codebook's questions for it (conflict: disagreement between parties, one party
reproaching another, two sides of a problem; resolution: a solution proposed or
reached; economic: financial costs, gains or consequences; human interest: a
human face or personal story, emotions; moral: a moral message or social
prescription). An article may have several frames or none.

Method (a multiple-instance model: the article is a bag of sentences)
--------------------------------------------------------------------
1. The text is cut into sentences (the spaCy parse, :mod:`analysis.core.parse`)
   and each sentence is embedded once with MiniLM
   (:func:`analysis.embeddings.embed_sentences`).
2. For each frame, and for each of the codebook questions that indicate it
   (auxiliary targets), a logistic regression scores every sentence (its
   decision value). It was fitted on sentences labelled with their article's
   answer, each article weighted equally (a frame lives in a few sentences, so
   the sentence labels are noisy but the article is the unit).
3. An article's score for a target is the mean of its :data:`TOP_K` highest
   sentence scores; a frame's score is the sum of the standardised scores of the
   frame model, the mean of its question models and an article-level logistic
   regression on the mean and element-wise maximum of all its sentence vectors
   (:func:`pool`), which reads what no single sentence says.
4. ``p_<frame>`` is a logistic (Platt) calibration of that score and
   ``<frame>`` is ``True`` when the score reaches the frame's threshold. The
   calibration and the thresholds were chosen on cross-validated scores of the
   development half of the corpus (``scripts/train_generic_frames.py``; model
   card ``analysis/data/generic_frames_model.md``).

How to read the values
----------------------
``<frame>`` (bool)
    the model's verdict. Cross-validated F1 per frame is in the model card:
    conflict and economic are read well, human interest and moral (rare, ~10% of
    articles) much less so — treat those verdicts as leads to check.
``p_<frame>``
    probability-like, from the calibration; not a share of the article.
``sentence_p_<frame>`` (in :func:`frame_sentences`)
    the frame model's probability for the sentence alone. The :data:`TOP_K`
    sentences with the highest values are what the sentence part of the
    article's score rests on: they are the *evidence sentences*
    (:func:`frame_evidence`).

The model was fitted on US/UK climate-change coverage; on other stories the
frames' wording differs (a war's "conflict" is not a policy quarrel), so scores
on a new corpus are a reading aid, not a measurement, until checked there.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import paths

#: The five frames, in the order of every table.
FRAMES = ("conflict", "resolution", "economic", "human_interest", "moral")
MODEL_FILE = "generic_frames_model.npz"
#: An article's score for a target is the mean of its this-many best sentence scores.
TOP_K = 3
FRAME_COLUMNS = ["text_id", "n_sentences", *FRAMES, *(f"p_{f}" for f in FRAMES)]
SENTENCE_COLUMNS = ["text_id", "sentence", "start", "end", "text",
                    *(f"sentence_p_{f}" for f in FRAMES)]
EVIDENCE_COLUMNS = ["text_id", "frame", "rank", "sentence", "start", "end", "text", "sentence_p"]


# --------------------------------------------------------------------------- the model file

def load_model(path=None) -> dict:
    """The shipped model: ``W`` (targets × 384), ``b``, the JSON ``meta`` and the role classifier
    (``roles``: ``W``, ``b``, ``meta``; see :mod:`analysis.narrative_roles`). No pickle."""
    path = path or paths.package_data(MODEL_FILE)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run scripts/train_generic_frames.py "
                                "(it needs ../shared/data/narrative_frames_dev)")
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["__meta__"]))
        model = {"W": z["W"].astype(np.float32), "b": z["b"].astype(np.float32), "meta": meta}
        if "A" in z.files:
            model.update(A=z["A"].astype(np.float32), a=z["a"].astype(np.float32))
        if "role_W" in z.files:
            model["roles"] = {"W": z["role_W"].astype(np.float32), "b": z["role_b"].astype(np.float32),
                              "meta": meta["roles"]}
    return model


@functools.lru_cache(maxsize=1)
def shipped_model() -> dict:
    """:func:`load_model` of the packaged file (cached)."""
    return load_model()


def model_available() -> bool:
    return paths.package_data(MODEL_FILE).exists()


# --------------------------------------------------------------------------- scoring

def sentence_logits(vectors: np.ndarray, model: dict) -> np.ndarray:
    """Decision value of every target model (columns, order ``meta['targets']``) for every sentence."""
    return np.asarray(vectors, dtype=np.float32) @ model["W"].T + model["b"]


def top_k_mean(logits: np.ndarray, bags: Sequence[int], k: int = TOP_K) -> np.ndarray:
    """Per bag (consecutive runs of ``bags[i]`` rows), the mean of the ``k`` highest values per column.

    A bag of no sentences scores ``-inf`` (it has no frame).
    """
    out = np.full((len(bags), logits.shape[1]), -np.inf)
    pos = 0
    for i, n in enumerate(bags):
        if n:
            part = np.sort(logits[pos:pos + n], axis=0)[::-1][:k]
            out[i] = part.mean(0)
        pos += n
    return out


def pool(vectors: np.ndarray, bags: Sequence[int]) -> np.ndarray:
    """Per bag, ``[mean, element-wise max]`` of its sentence vectors (zeros for a bag of none)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    out = np.zeros((len(bags), 2 * vectors.shape[1]), np.float32)
    pos = 0
    for i, n in enumerate(bags):
        if n:
            part = vectors[pos:pos + n]
            out[i] = np.concatenate([part.mean(0), part.max(0)])
        pos += n
    return out


def target_scores(vectors: np.ndarray, bags: Sequence[int], model: dict) -> np.ndarray:
    """Every target's article score: the top-k mean of its sentence scores and, for the article-level
    models (``A``, ``a``; names ``article:<frame>``), a linear score of :func:`pool`."""
    vectors = np.asarray(vectors, dtype=np.float32)
    logits = sentence_logits(vectors, model) if len(vectors) else np.zeros((0, len(model["b"])), np.float32)
    out = top_k_mean(logits, bags, int(model["meta"]["top_k"]))
    if "A" in model:
        art = pool(vectors, bags) @ model["A"].T + model["a"]
        art[np.asarray(bags) == 0] = -np.inf
        out = np.hstack([out, art])
    return out


def target_names(model: dict) -> list[str]:
    return list(model["meta"]["targets"]) + list(model["meta"].get("article_targets", []))


def frame_scores(article_target_scores: np.ndarray, model: dict) -> np.ndarray:
    """Combine the per-target article scores into one score per frame (columns :data:`FRAMES`)."""
    meta = model["meta"]
    index = {t: j for j, t in enumerate(target_names(model))}
    out = np.zeros((article_target_scores.shape[0], len(FRAMES)))
    for f, frame in enumerate(FRAMES):
        for part in meta["frames"][frame]["parts"]:
            cols = [index[t] for t in part["targets"]]
            z = (article_target_scores[:, cols] - np.asarray(part["mean"])) / np.asarray(part["std"])
            out[:, f] += z.mean(1)
    return out


def calibrate(scores: np.ndarray, model: dict) -> tuple[np.ndarray, np.ndarray]:
    """``(probabilities, verdicts)`` for frame scores (columns :data:`FRAMES`)."""
    meta = model["meta"]["frames"]
    p = np.zeros_like(scores, dtype=float)
    v = np.zeros_like(scores, dtype=bool)
    for f, frame in enumerate(FRAMES):
        a, c = meta[frame]["platt"]
        with np.errstate(over="ignore"):
            p[:, f] = 1.0 / (1.0 + np.exp(-(a * scores[:, f] + c)))
        v[:, f] = scores[:, f] >= meta[frame]["threshold"]
    p[~np.isfinite(scores)] = 0.0
    return p, v


def _sigmoid(x):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


# --------------------------------------------------------------------------- public API

def split_sentences(texts: Sequence[str], nlp=None) -> pd.DataFrame:
    """One row per sentence of each text: ``text_id`` (position), ``sentence``, ``start``, ``end``, ``text``."""
    from analysis.core.parse import sentences

    rows = []
    for i, t in enumerate(texts):
        s = sentences(t, nlp)
        rows.append(s[["sentence", "start", "end", "text"]].assign(text_id=i))
    if not rows:
        return pd.DataFrame(columns=["text_id", "sentence", "start", "end", "text"])
    return pd.concat(rows, ignore_index=True)[["text_id", "sentence", "start", "end", "text"]]


def score_sentences(sent: pd.DataFrame, vectors: np.ndarray, n_texts: int, model: dict | None = None):
    """Frames of ``n_texts`` texts from their sentence table and sentence vectors (one row each).

    ``sent`` has ``text_id`` (0 … n_texts−1, sorted) and the sentence offsets;
    ``vectors`` are :func:`analysis.embeddings.embed_sentences` of ``sent['text']``.
    Returns ``(frames, sentences)``: the tables of :func:`generic_frames` and
    :func:`frame_sentences`. Use it to reuse sentence vectors computed elsewhere.
    """
    model = model or shipped_model()
    if len(sent) != len(vectors):
        raise ValueError(f"{len(sent)} sentences but {len(vectors)} vectors")
    ids = sent["text_id"].to_numpy(int) if len(sent) else np.zeros(0, int)
    if len(ids) and (np.diff(ids) < 0).any():
        raise ValueError("sentences must be sorted by text_id")
    bags = np.bincount(ids, minlength=n_texts)[:n_texts] if len(ids) else np.zeros(n_texts, int)
    logits = sentence_logits(vectors, model) if len(sent) else np.zeros((0, len(model["meta"]["targets"])))
    scores = frame_scores(target_scores(vectors, bags, model), model)
    p, v = calibrate(scores, model)
    frames = pd.DataFrame({"text_id": np.arange(n_texts), "n_sentences": bags.astype(int)})
    for f, frame in enumerate(FRAMES):
        frames[frame] = v[:, f]
    for f, frame in enumerate(FRAMES):
        frames[f"p_{frame}"] = p[:, f].astype(float)
    out = sent[["text_id", "sentence", "start", "end", "text"]].reset_index(drop=True).copy()
    index = {t: j for j, t in enumerate(model["meta"]["targets"])}
    for frame in FRAMES:
        out[f"sentence_p_{frame}"] = _sigmoid(logits[:, index[frame]].astype(float)) if len(out) else \
            pd.Series(dtype=float)
    out = out.astype({"text_id": int, "sentence": int, "start": int, "end": int})
    return frames[FRAME_COLUMNS], out[SENTENCE_COLUMNS]


def _run(texts, nlp=None, model=None):
    from analysis.embeddings import check_strings, embed_sentences

    texts = check_strings(texts, "text")
    sent = split_sentences(texts, nlp)
    return score_sentences(sent, embed_sentences(sent["text"].tolist()), len(texts), model)


def generic_frames(texts: Sequence[str], nlp=None, model: dict | None = None) -> pd.DataFrame:
    """One row per text: ``text_id`` (its position), ``n_sentences``, a bool per frame, ``p_<frame>``.

    Frames are :data:`FRAMES`; see the module docstring for how to read them.
    A blank text has no sentences and no frame (p = 0). Offline, CPU only.
    """
    return _run(texts, nlp, model)[0]


def frame_sentences(texts: Sequence[str], nlp=None, model: dict | None = None) -> pd.DataFrame:
    """One row per sentence: ``text_id``, ``sentence`` (1-based), ``start``/``end`` (offsets into the
    text, ``end`` exclusive), ``text`` and ``sentence_p_<frame>`` for every frame."""
    return _run(texts, nlp, model)[1]


def frame_evidence(frames: pd.DataFrame, sentences: pd.DataFrame, k: int = TOP_K,
                   only_present: bool = True) -> pd.DataFrame:
    """The evidence sentences: per text and frame, the ``k`` sentences with the highest ``sentence_p``.

    ``frames`` / ``sentences`` are :func:`generic_frames` / :func:`frame_sentences`
    of the same texts (or :func:`score_sentences`). With ``only_present`` only
    frames the model finds in the text are listed. Columns
    :data:`EVIDENCE_COLUMNS`; ``rank`` 1 is the strongest sentence.
    """
    rows = []
    for frame in FRAMES:
        present = set(frames.loc[frames[frame], "text_id"]) if only_present else set(frames["text_id"])
        col = f"sentence_p_{frame}"
        sub = sentences[sentences["text_id"].isin(present)]
        sub = sub.sort_values(["text_id", col, "start"], ascending=[True, False, True], kind="stable")
        top = sub.groupby("text_id", sort=True).head(k)
        for r in top.itertuples(index=False):
            rows.append((r.text_id, frame, 0, r.sentence, r.start, r.end, r.text, getattr(r, col)))
    out = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    if len(out):
        out["rank"] = out.groupby(["text_id", "frame"]).cumcount() + 1
    return out.astype({"text_id": int, "rank": int, "sentence": int, "start": int, "end": int,
                       "sentence_p": float})
