"""Sentiment toward actors — see :mod:`analysis.measures.actor_sentiment` (the join of mentions
to target sentiment, and the per-cell summaries with bootstrap intervals)."""

from analysis.measures.actor_sentiment import VOICES, mention_sentiment, sentiment_summary  # noqa: F401
