"""analysis — measures of how news outlets frame the same event.

One module per measure; each is a pure function from an article's text to a
tidy :class:`pandas.DataFrame`, one row per thing found, with character
offsets back into the raw text so every number can be traced to sentences.

Nothing is read from disk or network at import time.
"""

__version__ = "0.1.0"


#: Functions importable from the package itself, loaded on first use (nothing heavy at import).
_LAZY = {"generic_frames": "analysis.news_frames", "frame_sentences": "analysis.news_frames",
         "frame_evidence": "analysis.news_frames", "embed_sentences": "analysis.embeddings"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
