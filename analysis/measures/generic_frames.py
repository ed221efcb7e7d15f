"""Measure ``generic_frames`` (optional): the article's generic frames, their evidence sentences, and actors' roles.

The logic is :mod:`analysis.news_frames` (frames: MiniLM sentence vectors,
multiple-instance logistic regressions fitted on the Narrative Frames Corpus'
dev half) and :mod:`analysis.narrative_roles` (hero / villain / victim). Each
sentence of the lead text (body, headline and standfirst, from the article's
parse) is embedded once (:func:`analysis.embeddings.embed_sentences`) and the
vectors serve both; for a chunk the engine calls :func:`run_chunk`, which embeds
every sentence and actor name of the chunk's articles in one call. Off by default: it needs the model file and the encoder.

Tables
------
``generic_frames`` (one row per article)
    ``n_sentences``, a bool per frame and ``p_<frame>``.
``frame_sentences`` (one row per sentence)
    offsets, ``sentence_p_<frame>`` and ``evidence``: the frames (``;``-joined)
    the article has for which the sentence is one of the :data:`analysis.news_frames.TOP_K`
    strongest (empty otherwise).
``roles`` (one row per actor mentioned)
    ``actor``, ``actor_type``, ``surface``/``start``/``end`` of its first
    mention, ``mentions``, ``sentences`` (how many sentences mention it),
    ``role`` and ``p_hero``, ``p_villain``, ``p_victim``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.marks import Mark, tooltip
from analysis.engine.contract import Measure, Table, register
from analysis.news_frames import FRAMES, TOP_K

FRAME_TABLE = Table((("n_sentences", "int"), *((f, "bool") for f in FRAMES),
                     *((f"p_{f}", "float") for f in FRAMES)), grain="article")
SENTENCE_TABLE = Table((("sentence", "int"), ("start", "int"), ("end", "int"), ("text", "str"),
                        *((f"sentence_p_{f}", "float") for f in FRAMES), ("evidence", "str")))
ROLE_TABLE = Table((("actor", "str"), ("actor_type", "str"), ("surface", "str"), ("start", "int"), ("end", "int"),
                    ("mentions", "int"), ("sentences", "int"), ("role", "str"), ("p_hero", "float"),
                    ("p_villain", "float"), ("p_victim", "float")))


def _evidence(frames: pd.DataFrame, sent: pd.DataFrame) -> list[str]:
    from analysis.news_frames import frame_evidence

    ev = frame_evidence(frames, sent, k=TOP_K)
    tags = {}
    for r in ev.itertuples(index=False):
        tags.setdefault(r.sentence, []).append(r.frame)
    return [";".join(tags.get(s, [])) for s in sent["sentence"]]


def actor_roles(mentions: pd.DataFrame, sent: pd.DataFrame, vectors: np.ndarray, model: dict,
                name_vectors: np.ndarray | None = None) -> pd.DataFrame:
    """One row per actor of ``mentions`` (table :data:`ROLE_TABLE`), from the vectors of its sentences.

    A mention belongs to the sentence that contains its start; the actor's name
    is its most frequent surface form (ties: the first). ``name_vectors`` are
    the embeddings of :func:`actor_names` (computed here when not given).
    """
    from analysis.embeddings import embed_sentences
    from analysis.narrative_roles import ROLES, features, role_probabilities

    if not len(mentions) or "roles" not in model:
        return ROLE_TABLE.empty()
    rows, names = _actor_rows(mentions, sent)
    name_vecs = embed_sentences(names) if name_vectors is None else name_vectors
    X = np.stack([features(nv, vectors[r["_rows"]]) for nv, r in zip(name_vecs, rows)])
    p = role_probabilities(X, model["roles"])
    out = pd.DataFrame([{k: v for k, v in r.items() if k != "_rows"} for r in rows])
    out["role"] = [ROLES[j] for j in p.argmax(1)]
    for j, role in enumerate(ROLES):
        out[f"p_{role}"] = p[:, j].astype(float)
    return out.sort_values("start", kind="stable").reset_index(drop=True)[ROLE_TABLE.names]


def actor_names(mentions: pd.DataFrame, model: dict) -> list[str]:
    """The name of each actor :func:`actor_roles` scores, in its order (none without a roles model)."""
    if not len(mentions) or "roles" not in model:
        return []
    return [name for _, name in _by_actor(mentions)]


def _by_actor(mentions: pd.DataFrame):
    for actor, g in mentions.sort_values("start", kind="stable").groupby("actor", sort=False):
        counts = g["surface"].value_counts()
        yield (actor, g), str(counts.index[counts.to_numpy() == counts.max()][0])


def _actor_rows(mentions: pd.DataFrame, sent: pd.DataFrame) -> tuple[list[dict], list[str]]:
    starts = sent["start"].to_numpy(int)
    ends = sent["end"].to_numpy(int)
    rows, names = [], []
    for (actor, g), name in _by_actor(mentions):
        pos = g["start"].to_numpy(int)
        k = np.searchsorted(starts, pos, side="right") - 1
        k = sorted({int(j) for j, p in zip(k, pos) if 0 <= j and p < ends[j]})
        first = g.iloc[0]
        rows.append({"actor": actor, "actor_type": str(first["actor_type"]), "surface": str(first["surface"]),
                     "start": int(first["start"]), "end": int(first["end"]), "mentions": len(g),
                     "sentences": len(k), "_rows": k})
        names.append(name)
    return rows, names


def _sentences(article) -> pd.DataFrame:
    s = article.parse.sentences(article.lead_text)
    s = s[s["text"].str.strip() != ""].reset_index(drop=True)
    return s[["sentence", "start", "end", "text"]].assign(text_id=0)


def _tables(sent: pd.DataFrame, vectors: np.ndarray, mentions: pd.DataFrame, model: dict,
            name_vectors: np.ndarray | None = None) -> dict[str, pd.DataFrame]:
    from analysis import news_frames

    frames, scored = news_frames.score_sentences(sent, vectors, 1, model)
    scored = scored.drop(columns=["text_id"])
    scored["evidence"] = _evidence(frames, scored.assign(text_id=0)) if len(scored) else pd.Series(dtype=object)
    roles = actor_roles(mentions, sent, vectors, model, name_vectors)
    return {"generic_frames": frames.drop(columns=["text_id"]), "frame_sentences": scored, "roles": roles}


def run(article, tables, model=None):
    from analysis import embeddings, news_frames  # looked up at call time (tests may stand in)

    model = model or news_frames.shipped_model()
    sent = _sentences(article)
    return _tables(sent, embeddings.embed_sentences(sent["text"].tolist()), tables["mentions"], model)


def run_chunk(articles, tables, model=None):
    """:func:`run` for a chunk's articles: every sentence and actor name of the chunk embedded in one
    :func:`analysis.embeddings.embed_sentences` call (one encoder stream), the vectors shared by frames
    and roles."""
    from analysis import embeddings, news_frames

    model = model or news_frames.shipped_model()
    sents = [_sentences(a) for a in articles]
    names = [actor_names(t["mentions"], model) for t in tables]
    texts = [x for s, n in zip(sents, names) for x in (*s["text"].tolist(), *n)]
    vecs = embeddings.embed_sentences(texts)
    out, k = [], 0
    for s, n, t in zip(sents, names, tables):
        v, nv = vecs[k:k + len(s)], vecs[k + len(s):k + len(s) + len(n)]
        k += len(s) + len(n)
        out.append(_tables(s, v, t["mentions"], model, nv if n else None))
    return out


def counts(article, tables) -> dict:
    f = tables["generic_frames"]
    return {f"frame_{x}": int(bool(f[x].iat[0])) for x in FRAMES}


def marks(tables) -> list[Mark]:
    """Evidence sentences (tagged with their frames) and each actor's role at its first mention."""
    out = []
    for i, r in enumerate(tables.get("frame_sentences", SENTENCE_TABLE.empty()).itertuples(index=False), 1):
        if not r.evidence:
            continue
        frames = r.evidence.split(";")
        out.append(Mark(int(r.start), int(r.end), "frames", "frame", f"f{i}", ("vw-frame",),
                        tooltip(frames=", ".join(frames),
                                **{f"p_{x}": f"{getattr(r, 'sentence_p_' + x):.2f}" for x in frames}),
                        tag=" · ".join(x.replace("_", " ") for x in frames), attrs={"data-frames": r.evidence}))
    for i, r in enumerate(tables.get("roles", ROLE_TABLE.empty()).itertuples(index=False), 1):
        out.append(Mark(int(r.start), int(r.end), "roles", "role", f"r{i}", ("vw-role", f"vw-{r.role}"),
                        tooltip(actor=r.actor, role=r.role, p_hero=f"{r.p_hero:.2f}", p_villain=f"{r.p_villain:.2f}",
                                p_victim=f"{r.p_victim:.2f}", mentions=r.mentions),
                        tag=r.role, attrs={"data-role": r.role, "data-actor": r.actor}))
    return out


MEASURE = register(Measure(
    name="generic_frames",
    tables={"generic_frames": FRAME_TABLE, "frame_sentences": SENTENCE_TABLE, "roles": ROLE_TABLE},
    run=run, run_chunk=run_chunk, needs=("mentions",), counts=counts, count_columns=tuple(f"frame_{x}" for x in FRAMES),
    marks=marks, layer="frames", default=False,
    doc="generic news frames with evidence sentences; actors' narrative roles"))
