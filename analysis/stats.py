"""Bootstrap intervals over sentences: the uncertainty every per-outlet rate is reported with.

A figure such as "hedges per 1,000 words" or "mean sentiment toward Assad" is
computed from a page's sentences; resampling the sentences with replacement
(the percentile bootstrap: Efron & Tibshirani 1993, *An Introduction to the
Bootstrap*, ch. 13) shows how much it would move had the writer produced other
sentences of the same kind. With one article per outlet the intervals say
nothing about the outlet's other articles — only about this page.

Both functions are deterministic (fixed seed) so figures reproduce byte for byte.
"""

from __future__ import annotations

import numpy as np

#: Resamples, seed and coverage of every interval in the study.
N_BOOT = 2000
SEED = 0
CI = 0.95


def _quantiles(stats: np.ndarray, ci: float) -> tuple[float, float]:
    stats = stats[np.isfinite(stats)]
    if not len(stats):
        return (float("nan"), float("nan"))
    lo, hi = np.quantile(stats, [(1 - ci) / 2, 1 - (1 - ci) / 2])
    return (float(lo), float(hi))


def bootstrap_ci(values, n_boot: int = N_BOOT, seed: int = SEED, ci: float = CI) -> tuple[float, float]:
    """Percentile interval of the mean of ``values`` (NaN, NaN for fewer than 2 values)."""
    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(n_boot, len(values)))].mean(axis=1)
    return _quantiles(means, ci)


def bootstrap_ratio_ci(numerator, denominator, scale: float = 1.0, n_boot: int = N_BOOT,
                       seed: int = SEED, ci: float = CI) -> tuple[float, float]:
    """Percentile interval of ``scale · Σ numerator / Σ denominator``, resampling units (rows).

    Use it for rates pooled over sentences — e.g. hedges per 1,000 words with
    ``numerator`` = hedges per sentence, ``denominator`` = words per sentence,
    ``scale`` = 1000 — so long sentences weigh more, as they do in the point
    estimate. Resamples whose denominator sums to 0 are dropped. NaN, NaN for
    fewer than 2 units.
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    if num.shape != den.shape:
        raise ValueError(f"numerator has {num.shape} values, denominator {den.shape}")
    if len(num) < 2:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(num), size=(n_boot, len(num)))
    d = den[idx].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = np.where(d > 0, scale * num[idx].sum(axis=1) / np.where(d > 0, d, 1), np.nan)
    return _quantiles(ratios, ci)
