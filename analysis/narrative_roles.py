"""Narrative roles: is an actor cast as hero, villain or victim in an article?

The roles are the Narrative Frames Corpus' (Frermann et al. 2023, ACL; after
the narrative policy framework of Shanahan, Jones & McBeth 2018): a **hero**
acts to solve the problem, a **villain** causes it or is blamed, a **victim**
suffers it. Each actor an article names gets the role its sentences most
resemble.

Method: the actor's features are its name's MiniLM vector and the mean vector
of the sentences that mention it (:func:`features`; both from
:func:`analysis.embeddings.embed_sentences`, so the frame measure's sentence
vectors are reused); a multinomial logistic regression, fitted on the
development half of the corpus (``scripts/train_generic_frames.py``, which
also writes the cross-validated scores into the model card
``analysis/data/generic_frames_model.md``), gives P(hero), P(villain), P(victim).

How to read it: ``role`` is the most probable of the three; an actor that is
merely mentioned gets a role too (the corpus annotates only actors its readers
found cast in one) — read ``p_<role>`` and the mentions, and treat a role with
p below about 0.5 as undecided. Fitted on climate coverage.
"""

from __future__ import annotations

import numpy as np

from analysis.encoder import DIM

ROLES = ("hero", "villain", "victim")
#: Length of :func:`features`: name vector, mean mention-sentence vector, "mentioned in a sentence" flag.
N_FEATURES = 2 * DIM + 1


def features(name_vector: np.ndarray, sentence_vectors: np.ndarray) -> np.ndarray:
    """The classifier's input for one actor: ``[name vector, mean of its sentences' vectors, found]``.

    ``sentence_vectors`` (``m × 384``) are the sentences that mention the actor;
    none gives zeros and ``found = 0``.
    """
    sv = np.asarray(sentence_vectors, np.float32).reshape(-1, DIM)
    mean = sv.mean(0) if len(sv) else np.zeros(DIM, np.float32)
    return np.concatenate([np.asarray(name_vector, np.float32), mean, [float(len(sv) > 0)]]).astype(np.float32)


def role_probabilities(X: np.ndarray, model: dict) -> np.ndarray:
    """``n × 3`` probabilities, columns :data:`ROLES`, for feature rows ``X`` (``model`` has ``W``, ``b``, ``meta``)."""
    X = np.asarray(X, np.float32).reshape(-1, N_FEATURES)
    z = X @ model["W"].T + model["b"]
    z = z - z.max(1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(1, keepdims=True)
    order = [model["meta"]["roles"].index(r) for r in ROLES]
    return p[:, order]
