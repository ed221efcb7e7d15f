"""The measures, one module (or sub-package) each, registered in the order the engine runs them.

=================  =====================================  =========================================
measure            tables                                 module
=================  =====================================  =========================================
``lines``          ``lines`` (one row per non-blank line)  :mod:`analysis.measures.boilerplate`
``quotes``         ``quotes``, ``scare_quotes``            :mod:`analysis.measures.quotes.measure`
``mentions``       ``mentions``                            :mod:`analysis.measures.actors`
``label_voice``    ``label_voice`` (own / reported /       :mod:`analysis.measures.label_voice`
                   distanced, per mention)
``sentences``      ``sentences`` (with uncertainty)        :mod:`analysis.measures.uncertainty`
``hedges``         ``hedges``, ``hedge_rates``             :mod:`analysis.measures.hedges`
``parts``          ``parts`` (headline / standfirst /       :mod:`analysis.measures.lead`
                   lead / rest, per article)
``readability``    ``readability`` (one row per article)   :mod:`analysis.measures.readability_measure`
``wire``           ``wire_credits``, ``wire_passages``,     :mod:`analysis.measures.wire.measure`
                   ``wire_share`` (a corpus pass: MinHash)
``voice``          ``voice`` (words by voice per sentence) :mod:`analysis.measures.voice`
``sentiment``      ``sentiment`` (optional: needs a model) :mod:`analysis.measures.sentiment_measure`
``generic_frames`` ``generic_frames``, ``frame_sentences``, :mod:`analysis.measures.generic_frames`
                   ``roles`` (optional: needs a model)
=================  =====================================  =========================================

To add a measure: write one module here that builds a
:class:`analysis.engine.contract.Measure` and registers it, import it below
(after the measures it needs), and the CLI, the corpus tables, the profile
(through its ``counts``) and the viewer (through its ``marks``) pick it up; the
contract test (``tests/test_measure_contract.py``) covers it at once.
"""

from analysis.measures import lines  # noqa: F401  (order = run order)
from analysis.measures.quotes import measure as quotes_measure  # noqa: F401
from analysis.measures.actors import measure as actors_measure  # noqa: F401
from analysis.measures import label_voice  # noqa: F401
from analysis.measures.wire import measure as wire_measure  # noqa: F401
from analysis.measures import (  # noqa: F401
    uncertainty,
    hedges,
    lead,
    readability_measure,
    voice,
    sentiment_measure,
    generic_frames,
)
