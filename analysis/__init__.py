"""analysis — measures of how news outlets frame the same event.

One module per measure; each is a pure function from an article's text to a
tidy :class:`pandas.DataFrame`, one row per thing found, with character
offsets back into the raw text so every number can be traced to sentences.

Nothing is read from disk or network at import time.
"""

__version__ = "0.1.0"
