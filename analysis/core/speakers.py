"""The vocabulary of speaker types shared by the quotation and actor measures.

``official`` office holders and government bodies; ``state_media`` government-
controlled media; ``other_media`` other media and agencies; ``expert`` analysts
and academics; ``anonymous`` unnamed sources; ``collective`` groups and masses;
``other`` anyone else (see ``data/annotations/quotes_guideline.md``).
"""

SPEAKER_TYPES = ("official", "state_media", "other_media", "expert", "anonymous", "collective", "other")
