"""Article viewer: every measure's findings marked in the article text (displaCy-style).

:func:`render` returns an :class:`ArticleView` — HTML that shows one article with
what each measure found marked in place. It displays inline in Jupyter
(``_repr_html_``) and :func:`page_html` turns it into a standalone page.

Layers (:data:`LAYERS`) and the tables they show, offset for offset:

``boilerplate``
    every line of :func:`analysis.boilerplate.segment`: furniture boxed,
    boilerplate dimmed, body plain (``start``/``end`` of each line).
``quotes``
    every row of :func:`analysis.quotes.extract_quotes` on the body text
    (content ``start``/``end``), coloured by speaker, with the speaker
    (``speaker_start``/``speaker_end``), cue (``cue_start``/``cue_end``) and
    channel marked; the tooltip gives kind, actor, speaker type and speaker.
``scare_quotes``
    every row of :func:`analysis.quotes.scare_quotes` on the body text.
``mentions``
    every row of :func:`analysis.actors.find_mentions` on
    :func:`analysis.actors.article_text` (body + headline and standfirst),
    tagged with actor and label.
``sentiment``
    :func:`analysis.actor_sentiment.mention_sentiment` of those mentions (one
    mark per mention, same offsets), tagged with the score toward the target.
    Needs the fitted model file (``analysis/data/sentiment_model.npz``); when it
    is absent the layer is left out and the legend says why.
``hedges``
    every row of :func:`analysis.hedging.find_hedges` on the body text,
    coloured by category.
``label_voice``
    every designation of the ``label_voice`` measure (a label by a common noun),
    coloured and tagged by voice: own, reported, distanced.
``parts``
    the headline, standfirst and lead paragraph of the ``parts`` measure.
``wire``
    every news-agency credit of the ``wire`` measure, tagged agency · kind.
``shared_passages``
    passages the article shares with other outlets' articles (``wire_passages``):
    drawn when the corpus pass ran (:func:`render_corpus`, or ``context`` given).
``frames``
    the evidence sentences of :mod:`analysis.news_frames` (the sentences an
    article's generic frames rest on), tagged with their frames.
``roles``
    each actor's narrative role (:mod:`analysis.narrative_roles`) at its first
    mention. Both need ``analysis/data/generic_frames_model.npz``; without it the
    layers are left out and the legend says why.

How marks nest: the article text is cut at every mark boundary into a tree of
``<span>`` elements. Marks nest by containment (the longer one outside; for
equal spans a fixed layer order: line, quote, scare quote, sentiment, mention,
speaker, cue, hedge); a mark that crosses another is split at the boundary into
parts that share its ``data-id`` (``data-part`` numbers them). Every mark
element carries ``data-layer``, ``data-kind``, ``data-id`` and the offsets of
the whole mark in the raw text (``data-start``, ``data-end``).

Labels are drawn with CSS (``::after { content: attr(data-tag) }``), so the
text content of ``.vw-text`` is exactly the raw article: offsets can be read
back from the DOM. All article text and every attribute value is escaped
(``<script>`` in an article is shown as text); CSS is inline, nothing is
loaded from the network. Layers are switched with checkboxes and pure CSS
(``:has()``), no JavaScript. Output is deterministic: same input, same bytes.
"""

from __future__ import annotations

import heapq
import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.core.marks import N_SPEAKER_COLOURS, Mark, present as _present
from analysis.measures.quotes.measure import speaker_key

LAYERS = ("boilerplate", "quotes", "scare_quotes", "mentions", "sentiment", "hedges", "label_voice", "parts",
          "wire", "shared_passages", "frames", "roles")
LAYER_NAMES = {
    "boilerplate": "Boilerplate & furniture",
    "quotes": "Quotations (speaker, cue)",
    "scare_quotes": "Scare quotes",
    "mentions": "Actor mentions (actor · label)",
    "sentiment": "Sentiment toward each mention",
    "hedges": "Hedges & boosters",
    "label_voice": "Labels by voice (own / reported / distanced)",
    "parts": "Headline, standfirst, lead",
    "wire": "News-agency credits",
    "shared_passages": "Passages shared with other outlets",
    "frames": "Generic frames (evidence sentences)",
    "roles": "Narrative roles (first mention)",
}
#: Layers drawn only with the corpus pass's context (one article alone has no partners).
CORPUS_LAYERS = ("shared_passages",)
#: Nesting order for marks with identical offsets (lower = outside).
KIND_ORDER = {"part": 0, "line": 0, "frame": 0.5, "passage": 1, "quote": 1, "scare": 2, "sentiment": 3,
              "mention": 4, "label": 4, "role": 4.5, "speaker": 5, "channel": 6, "cue": 7, "credit": 7, "hedge": 8}
#: Speaker colours, assigned in order of each speaker's first quotation.
PALETTE = ("#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626",
           "#65a30d", "#c026d3", "#475569")
NO_SPEAKER_COLOUR = "#9ca3af"
assert len(PALETTE) == N_SPEAKER_COLOURS
HEDGE_COLOURS = {
    "epistemic_modal": "#fde68a", "probability": "#fed7aa", "doxastic": "#fbcfe8",
    "evidential": "#ddd6fe", "approximator": "#bae6fd", "attribution_hedge": "#bbf7d0",
    "condition": "#e5e7eb", "counterfactual": "#d1d5db", "booster": "#fca5a5",
}
SENTIMENT_COLOURS = {"negative": "#dc2626", "neutral": "#9ca3af", "positive": "#16a34a"}
VOICE_COLOURS = {"own": "#b91c1c", "reported": "#2563eb", "distanced": "#7c3aed"}
ROLE_COLOURS = {"hero": "#15803d", "villain": "#b91c1c", "victim": "#1d4ed8"}
#: Layers drawn by the optional generic-frames measure.
FRAME_LAYERS = ("frames", "roles")


# --------------------------------------------------------------------------- the measures

def sentiment_status() -> tuple[bool, str]:
    """Whether the target-sentiment layer can be drawn, and if not, why."""
    from analysis import sentiment

    model = paths.package_data(sentiment.MODEL_FILE)
    if not model.exists():
        return False, (f"Sentiment layer left out: the model file analysis/data/{sentiment.MODEL_FILE} "
                       "is not present.")
    return True, ""


def frames_status() -> tuple[bool, str]:
    """Whether the frames and roles layers can be drawn, and if not, why."""
    from analysis import news_frames

    if not news_frames.model_available():
        return False, (f"Frames and roles layers left out: the model file analysis/data/{news_frames.MODEL_FILE} "
                       "is not present.")
    return True, ""


#: The measure behind each layer (its ``marks`` draw the layer).
LAYER_MEASURES = {"boilerplate": "lines", "quotes": "quotes", "scare_quotes": "quotes", "mentions": "mentions",
                  "sentiment": "sentiment", "hedges": "hedges", "label_voice": "label_voice", "parts": "parts",
                  "wire": "wire", "shared_passages": "wire", "frames": "generic_frames",
                  "roles": "generic_frames"}
#: The table each layer shows.
LAYER_TABLES = {"boilerplate": "lines", "quotes": "quotes", "scare_quotes": "scare_quotes",
                "mentions": "mentions", "sentiment": "sentiment", "hedges": "hedges", "label_voice": "label_voice",
                "parts": "parts", "wire": "wire_credits", "shared_passages": "wire_passages",
                "frames": "frame_sentences", "roles": "roles"}


def measure_tables(text: str, layers=LAYERS, segments: pd.DataFrame | None = None,
                   classify=None, context: dict | None = None) -> dict[str, pd.DataFrame]:
    """Each layer's table for one raw article ``text``, computed by the engine as the study computes it.

    ``segments`` is the article's :func:`analysis.boilerplate.segment` table
    (computed when not given; pass the rows of ``segment_corpus`` to use lines
    repeated across an outlet). ``classify`` replaces
    :func:`analysis.sentiment.classify_targets`; without it, the sentiment
    layer is computed only when the model file exists (see
    :func:`sentiment_status`). ``context`` is the article's corpus-pass context
    (:func:`analysis.engine.run.scan_context`): with it the ``shared_passages``
    layer is drawn. Keys: the layers of :data:`LAYERS` asked for and available.
    Offsets index ``text``.
    """
    from analysis.core.article import Article
    from analysis.engine import measure_article, select
    from analysis.measures import sentiment_measure

    layers = _check_layers(layers)
    wanted = {LAYER_MEASURES[x] for x in layers}
    with_sentiment = "sentiment" in wanted and (classify is not None or sentiment_status()[0])
    wanted.discard("sentiment")
    if "generic_frames" in wanted and not frames_status()[0]:
        wanted.discard("generic_frames")
    art = Article(text=text, context=dict(context or {}))
    given = {} if segments is None else {"lines": segments.reset_index(drop=True)}
    art.given = given
    tables = measure_article(art, select(wanted | {"lines"}))
    if with_sentiment:
        tables.update(sentiment_measure.run(art, tables, classify=classify))
    return {layer: tables[LAYER_TABLES[layer]] for layer in layers if LAYER_TABLES[layer] in tables
            and (layer not in CORPUS_LAYERS or context)}


def _check_layers(layers) -> tuple[str, ...]:
    layers = (layers,) if isinstance(layers, str) else tuple(layers)
    bad = [x for x in layers if x not in LAYERS]
    if bad:
        raise ValueError(f"unknown layer(s) {bad}; choose from {list(LAYERS)}")
    return layers


# --------------------------------------------------------------------------- marks

def marks_for(tables: Mapping[str, pd.DataFrame]) -> list[Mark]:
    """Every layer's marks, from the layer tables of :func:`measure_tables` (each measure's ``marks``)."""
    from analysis.engine import registered

    by_name = {m.name: m for m in registered()}
    out: list[Mark] = []
    for layer in LAYERS:
        if layer not in tables:
            continue
        m = by_name[LAYER_MEASURES[layer]]
        found = m.marks({LAYER_TABLES[layer]: tables[layer], "quotes": tables.get("quotes", _EMPTY_QUOTES()),
                         "scare_quotes": tables.get("scare_quotes", pd.DataFrame(columns=["start", "end", "text",
                                                                                          "inside_quote"]))}
                        if m.name == "quotes" else {LAYER_TABLES[layer]: tables[layer]})
        out += [k for k in found if k.layer == layer]
    return out


def _EMPTY_QUOTES():
    from analysis.quotes import COLUMNS

    return pd.DataFrame(columns=COLUMNS)


def speaker_colours(quotes_table: pd.DataFrame) -> dict[str, int]:
    """Palette index per speaker (actor id, else the speaker's words), in order of first quotation."""
    from analysis.measures.quotes.measure import speaker_colours as colours

    return colours(quotes_table)


# --------------------------------------------------------------------------- nesting and HTML

@dataclass
class _Node:
    start: int
    end: int
    mark: Mark | None
    children: list = field(default_factory=list)
    part: int = 0


def nest(marks: list[Mark], length: int) -> _Node:
    """Arrange ``marks`` into a tree over ``[0, length)``: containment nests, crossing splits.

    Marks are taken longest-first at each start (equal spans in
    :data:`KIND_ORDER`). A mark that runs past the end of the innermost open
    mark is cut there; the rest is queued as a new part starting at that point,
    so parts never cross and the tree is well formed.
    """
    for m in marks:
        if not 0 <= m.start <= m.end <= length:
            raise ValueError(f"mark {m.layer}/{m.id} [{m.start}, {m.end}) lies outside the text (0..{length})")
    heap = [(m.start, -m.end, KIND_ORDER[m.kind], i, m) for i, m in enumerate(marks)]
    heapq.heapify(heap)
    seq = len(heap)
    root = _Node(0, length, None)
    stack = [root]
    parts: dict[int, int] = {}
    while heap:
        s, neg_e, order, _i, m = heapq.heappop(heap)
        e = -neg_e
        while len(stack) > 1 and stack[-1].end <= s:
            stack.pop()
        top = stack[-1]
        if e > top.end:                                   # crosses the open mark: split at its end
            heapq.heappush(heap, (top.end, -e, order, seq, m))
            seq += 1
            e = top.end
        parts[id(m)] = parts.get(id(m), 0) + 1
        node = _Node(s, e, m, part=parts[id(m)])
        top.children.append(node)
        stack.append(node)
    return root


def _esc(text: str) -> str:
    """Escape article text for an HTML text node; CR kept as a reference so offsets survive parsing."""
    return html.escape(text, quote=False).replace("\r", "&#13;")


def _attr(value) -> str:
    return html.escape(str(value), quote=True).replace("\r", "&#13;").replace("\n", "&#10;")


def _open_tag(node: _Node, n_parts: dict[tuple[str, str], int]) -> str:
    m = node.mark
    attrs = {"class": " ".join(("vw-m",) + m.classes), "data-layer": m.layer, "data-kind": m.kind,
             "data-id": m.id, "data-start": m.start, "data-end": m.end}
    if n_parts.get((m.layer, m.id), 1) > 1:
        attrs["data-part"] = f"{node.part}/{n_parts[(m.layer, m.id)]}"
    attrs.update(m.attrs)
    if m.title:
        attrs["title"] = m.title
    if m.tag and node.part == n_parts.get((m.layer, m.id), 1):  # the tag follows the mark's last part
        attrs["data-tag"] = m.tag
    return "<span " + " ".join(f'{k}="{_attr(v)}"' for k, v in attrs.items()) + ">"


def _count_parts(node: _Node, counts: dict) -> dict:
    for ch in node.children:
        key = (ch.mark.layer, ch.mark.id)
        counts[key] = max(counts.get(key, 0), ch.part)
        _count_parts(ch, counts)
    return counts


def marked_html(text: str, marks: list[Mark]) -> str:
    """The article ``text`` as escaped HTML with ``marks`` as nested ``<span>`` elements."""
    root = nest(marks, len(text))
    n_parts = _count_parts(root, {})
    out: list[str] = []
    # iterative walk: (node, child index, position)
    stack = [(root, 0, root.start)]
    while stack:
        node, i, pos = stack.pop()
        if i < len(node.children):
            ch = node.children[i]
            out.append(_esc(text[pos:ch.start]))
            out.append(_open_tag(ch, n_parts))
            stack.append((node, i + 1, ch.end))
            stack.append((ch, 0, ch.start))
        else:
            out.append(_esc(text[pos:node.end]))
            if node.mark is not None:
                out.append("</span>")
    return "".join(out)


# --------------------------------------------------------------------------- the view

def _css(layers=LAYERS) -> str:
    rules = [
        ".vw{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#111;max-width:52rem;"
        "margin:0 0 1.5rem 0;border:1px solid #ddd;border-radius:6px;padding:.8rem 1rem;background:#fff}",
        ".vw-head{font-size:1rem;margin:0 0 .4rem 0}.vw-head small{color:#666}",
        ".vw-legend{font-size:.8rem;line-height:1.7;border-bottom:1px solid #eee;padding-bottom:.5rem;"
        "margin-bottom:.6rem}.vw-legend label{font-weight:600;margin-right:.4rem;cursor:pointer}",
        ".vw-legend .vw-m{margin-right:.35rem;padding:0 .25rem;white-space:nowrap}",
        ".vw-note{color:#92400e;font-style:italic}",
        ".vw-text{white-space:pre-wrap;overflow-wrap:anywhere;font-family:Georgia,'Times New Roman',serif;"
        "font-size:1rem;line-height:2.2}",
        ".vw-m{box-decoration-break:clone;-webkit-box-decoration-break:clone}",
        ".vw-m[data-tag]::after{content:attr(data-tag);font:600 .62rem/1 system-ui,sans-serif;"
        "margin-left:.25rem;padding:.1rem .25rem;border-radius:.2rem;background:#f3f4f6;color:#374151;"
        "vertical-align:.15rem;white-space:nowrap}",
        ".vw .vw-furniture{outline:1px dashed #6b7280;outline-offset:1px;background:#f9fafb}",
        ".vw .vw-boilerplate{color:#9ca3af;text-decoration:line-through #d1d5db}",
        ".vw .vw-quote{background:color-mix(in srgb,var(--c) 14%,transparent);border-bottom:2px solid var(--c)}",
        ".vw .vw-quote.vw-indirect{border-bottom-style:dotted}",
        ".vw .vw-speaker{font-weight:700;color:var(--c);border:1.5px solid var(--c);border-radius:.2rem;"
        "padding:0 .1rem}",
        ".vw .vw-channel{color:var(--c);border:1px dashed var(--c);border-radius:.2rem}",
        ".vw .vw-cue{font-style:italic;color:var(--c);text-decoration:underline double var(--c)}",
        ".vw .vw-scare{text-decoration:underline wavy #ea580c;background:#fff7ed}",
        ".vw .vw-mention{background:#e0e7ff;border-radius:.3rem;padding:.05rem .15rem}",
        ".vw .vw-mention::after{background:#c7d2fe;color:#1e1b4b}",
        ".vw .vw-sentiment{border-bottom:3px solid var(--s);padding-bottom:1px}",
        ".vw .vw-sentiment::after{background:var(--s);color:#fff}",
        ".vw .vw-hedge{background:var(--h);border-radius:.15rem}",
        ".vw .vw-label{border-bottom:2px solid var(--v)}.vw .vw-label::after{background:var(--v);color:#fff}",
        ".vw .vw-part{border-left:3px solid #0f766e;padding-left:.2rem}",
        ".vw .vw-part::after{background:#ccfbf1;color:#134e4a}",
        ".vw .vw-credit{outline:1.5px solid #a16207;outline-offset:1px}",
        ".vw .vw-credit::after{background:#fef3c7;color:#713f12}",
        ".vw .vw-passage{background:repeating-linear-gradient(90deg,#fef9c3 0 6px,#fef08a 6px 12px)}",
        ".vw .vw-frame{background:#fef9c3}",
        ".vw .vw-frame::after{background:#fde047;color:#422006}",
        ".vw .vw-role{border:1.5px solid var(--r);border-radius:.3rem}",
        ".vw .vw-role::after{background:var(--r);color:#fff}",
        ".vw-cnone{--c:" + NO_SPEAKER_COLOUR + "}",
    ]
    rules += [f".vw-c{i}{{--c:{c}}}" for i, c in enumerate(PALETTE)]
    rules += [f".vw-{k}{{--s:{c}}}" for k, c in SENTIMENT_COLOURS.items()]
    rules += [f".vw-h-{k}{{--h:{c}}}" for k, c in HEDGE_COLOURS.items()]
    rules += [f".vw-lv-{k}{{--v:{c}}}" for k, c in VOICE_COLOURS.items()]
    rules += [f".vw-{k}{{--r:{c}}}" for k, c in ROLE_COLOURS.items()]
    for layer in layers:  # a switched-off layer's marks become plain text (pure CSS, no script)
        off = f'.vw:has(input[data-layer="{layer}"]:not(:checked)) .vw-text [data-layer="{layer}"]'
        rules.append(f"{off}{{all:unset}}{off}::after{{content:none}}")
    return "".join(rules)


def _legend_items(layer: str, table: pd.DataFrame) -> list[str]:
    """Sample swatches (each a styled span with no data-layer, so toggles leave them alone)."""
    def sw(classes: str, label: str, n: int | None = None) -> str:
        return f'<span class="vw-m {classes}">{_esc(label)}{"" if n is None else f" ({n})"}</span>'

    if layer == "boilerplate":
        counts = table["label"].value_counts()
        return [sw(f"vw-{k}", f"{k} lines", int(counts.get(k, 0))) for k in ("body", "furniture", "boilerplate")]
    if layer == "quotes":
        colours = speaker_colours(table)
        counts = table.assign(k=[speaker_key(r) for r in table.itertuples(index=False)])["k"].value_counts()
        items = [sw(f"vw-quote vw-direct vw-c{i}", k, int(counts[k])) for k, i in colours.items()]
        if "" in counts:
            items.append(sw("vw-quote vw-cnone", "no speaker found", int(counts[""])))
        kinds = table["kind"].value_counts()
        items.append(f"<small>{int(kinds.get('direct', 0))} direct (solid line), "
                     f"{int(kinds.get('indirect', 0))} indirect (dotted); "
                     f'{sw("vw-speaker vw-cnone", "speaker")} {sw("vw-cue vw-cnone", "cue")}'
                     f'{sw("vw-channel vw-cnone", "channel")}</small>')
        return items
    if layer == "scare_quotes":
        return [sw("vw-scare", "scare quote", len(table))]
    if layer == "mentions":
        counts = table["actor"].value_counts()
        return [sw("vw-mention", f"{a}", int(n)) for a, n in counts.sort_index().items()]
    if layer == "sentiment":
        counts = table["sentiment"].value_counts()
        return [sw(f"vw-sentiment vw-{k}", k, int(counts.get(k, 0))) for k in SENTIMENT_COLOURS] + \
               ["<small>score = P(positive) − P(negative) toward the mention</small>"]
    if layer == "hedges":
        counts = table["category"].value_counts()
        return [sw(f"vw-hedge vw-h-{k}", k.replace("_", " "), int(counts[k]))
                for k in HEDGE_COLOURS if k in counts]
    if layer == "label_voice":
        counts = table.loc[table["designation"], "voice"].value_counts()
        return [sw(f"vw-label vw-lv-{k}", k, int(counts.get(k, 0))) for k in VOICE_COLOURS]
    if layer == "parts":
        return [sw("vw-part", p, int(w)) for p, w, ok in zip(table["part"], table["words"], table["present"])
                if ok and p != "rest"] + ["<small>(words)</small>"]
    if layer == "wire":
        counts = table.groupby(["agency", "kind"]).size()
        return [sw("vw-credit", f"{a} · {k}", int(n)) for (a, k), n in counts.items()]
    if layer == "shared_passages":
        counts = table["other_outlet"].value_counts()
        return [sw("vw-passage", f"shared with {o}", int(n)) for o, n in counts.sort_index().items()]
    if layer == "frames":
        tags = [t for e in table["evidence"] if e for t in e.split(";")]
        counts = pd.Series(tags, dtype=object).value_counts()
        return [sw("vw-frame", k.replace("_", " "), int(n)) for k, n in counts.sort_index().items()] + \
               ["<small>the sentences each frame the model finds rests on (n sentences)</small>"]
    if layer == "roles":
        counts = table["role"].value_counts()
        return [sw(f"vw-role vw-{k}", k, int(counts.get(k, 0))) for k in ROLE_COLOURS]
    return []


@dataclass(repr=False)
class ArticleView:
    """One rendered article: ``html`` (a fragment), the layer ``tables`` and ``notes``.

    Displays itself in Jupyter; ``str(view)`` is the HTML fragment.
    """

    html: str
    tables: dict
    notes: tuple[str, ...] = ()
    article_id: str = ""
    title: str = ""
    outlet: str = ""

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<ArticleView {self.article_id or '(text)'}: layers {', '.join(self.tables)}>"


def _article_fields(article) -> tuple[str, dict]:
    if isinstance(article, str):
        return article, {}
    get = article.get if hasattr(article, "get") else (lambda k, d=None: getattr(article, k, d))
    text = get("text")
    if not isinstance(text, str):
        raise TypeError("article must be a text or a row with a 'text' field (a corpus row)")
    meta = {k: get(k) for k in ("article_id", "outlet", "title", "published", "event")}
    return text, {k: ("" if not _present(v) else str(v)) for k, v in meta.items()}


def render(article, layers=LAYERS, tables: Mapping[str, pd.DataFrame] | None = None,
           segments: pd.DataFrame | None = None, classify=None, context: dict | None = None) -> ArticleView:
    """Render one article with every requested layer's findings marked in place.

    ``article`` is a raw text or a corpus row (``text`` plus optional
    ``article_id``, ``outlet``, ``title``). ``layers`` picks from
    :data:`LAYERS`. ``tables`` gives precomputed layer tables (offsets into the
    raw text, as :func:`measure_tables` returns); otherwise they are computed.
    A requested layer with no table (the sentiment model absent) is left out
    and the legend says why. ``context`` is the corpus pass's context for the
    article (passages shared with other outlets; see :func:`render_corpus`).
    """
    text, meta = _article_fields(article)
    layers = _check_layers(layers)
    if tables is None:
        tables = measure_tables(text, layers, segments=segments, classify=classify, context=context)
    tables = {k: v for k, v in tables.items() if k in layers}
    notes = []
    if "sentiment" in layers and "sentiment" not in tables:
        notes.append(sentiment_status()[1] or "Sentiment layer left out: no sentiment table given.")
    if any(x in layers and x not in tables for x in FRAME_LAYERS):
        notes.append(frames_status()[1] or "Frames or roles layer left out: no table given.")
    body = marked_html(text, marks_for(tables))
    rows = []
    for layer in layers:
        if layer not in tables:
            continue
        items = " ".join(_legend_items(layer, tables[layer]))
        rows.append(f'<div><label><input type="checkbox" checked data-layer="{layer}"> '
                    f'{_esc(LAYER_NAMES[layer])}</label> {items}</div>')
    rows += [f'<div class="vw-note">{_esc(n)}</div>' for n in notes]
    rows.append("<div><small>Hover a mark for details. Untick a layer to hide it.</small></div>")
    head = ""
    if meta.get("outlet") or meta.get("title") or meta.get("article_id"):
        head = (f'<div class="vw-head"><b>{_esc(meta.get("outlet", ""))}</b> — '
                f'{_esc(meta.get("title") or "(no headline in the metadata)")} '
                f'<small>{_esc(meta.get("article_id", ""))}</small></div>')
    frag = (f'<div class="vw" data-article="{_attr(meta.get("article_id", ""))}"><style>{_css(tuple(tables))}</style>{head}'
            f'<div class="vw-legend">{"".join(rows)}</div>'
            f'<div class="vw-text">{body}</div></div>')
    return ArticleView(frag, dict(tables), tuple(notes), meta.get("article_id", ""), meta.get("title", ""),
                       meta.get("outlet", ""))


def render_corpus(corpus: pd.DataFrame, layers=LAYERS, classify=None) -> dict[str, ArticleView]:
    """:func:`render` for every article of ``corpus`` (boilerplate segmented per outlet, passages shared
    between outlets found by the corpus pass), by article_id."""
    from analysis.boilerplate import segment_corpus
    from analysis.engine import registered
    from analysis.engine.run import records_of, scan_context

    seg = segment_corpus(corpus)
    wire = [m for m in registered() if m.name == "wire"]
    contexts = scan_context(records_of(corpus), wire)
    views = {}
    for row, ctx in zip(corpus.itertuples(index=False), contexts):
        s = seg[seg["article_id"] == row.article_id].drop(columns=["article_id", "outlet"])
        views[row.article_id] = render(row._asdict(), layers, segments=s, classify=classify, context=ctx)
    return views


# --------------------------------------------------------------------------- static pages

#: No network for the static pages: nothing may load but inline styles (no scripts at all).
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def page_html(title: str, content: str, back: bool = True) -> str:
    """A standalone HTML document around ``content`` (already-escaped HTML), network forbidden by CSP."""
    nav = '<p><a href="index.html">← All articles</a></p>' if back else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{_esc(title)}</title>"
            "<style>body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:56rem;padding:0 1rem}"
            "table{border-collapse:collapse;font-size:.9rem}th,td{border-bottom:1px solid #ddd;"
            "padding:.3rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}</style>"
            f"</head><body>{nav}{content}</body></html>\n")


def article_figures(view: ArticleView, text: str) -> dict:
    """Headline figures of one rendered article, from its layer tables.

    Boilerplate ratio (:func:`analysis.boilerplate.boilerplate_ratio`), direct and
    indirect quotations, scare quotes, actor mentions, hedges and boosters per
    1,000 body words (words as :mod:`analysis.core.words` counts them).
    """
    from analysis import boilerplate, hedging
    from analysis.core.words import count_words

    t = view.tables
    out = {"article_id": view.article_id, "outlet": view.outlet}
    seg = t.get("boilerplate")
    seg = boilerplate.segment(text) if seg is None else seg
    out["boilerplate_ratio"] = round(boilerplate.boilerplate_ratio(seg), 3)
    body = boilerplate.body_text(text, seg)
    q = t.get("quotes")
    if q is not None:
        out["direct_quotes"] = int((q["kind"] == "direct").sum())
        out["indirect_quotes"] = int((q["kind"] == "indirect").sum())
    if "scare_quotes" in t:
        out["scare_quotes"] = len(t["scare_quotes"])
    if "mentions" in t:
        out["mentions"] = len(t["mentions"])
        out["actors"] = int(t["mentions"]["actor"].nunique())
    words = count_words(body)
    out["body_words"] = words
    cues = t["hedges"] if "hedges" in t else hedging.find_hedges(body, q)
    for name, cats in (("hedges", hedging.HEDGE_CATEGORIES), ("boosters", ("booster",))):
        n = int(cues["category"].isin(cats).sum())
        out[f"{name}_per_1000"] = round(1000 * n / words, 1) if words else float("nan")
    return out


def index_html(figures: pd.DataFrame, note: str = "") -> str:
    """The index page: one row per article with its headline figures and a link to its page.

    ``note`` is the study's statement of its n (e.g. "n = 5 articles … a case study"), shown in bold.
    """
    cols = [c for c in figures.columns if c not in ("article_id", "outlet", "title")]
    head = "".join(f"<th>{_esc(c.replace('_', ' '))}</th>" for c in ["outlet / article"] + cols)
    body = []
    for r in figures.itertuples(index=False):
        link = f'<a href="{_attr(r.article_id)}.html">{_esc(r.outlet)}</a><br><small>{_esc(r.title)}</small>'
        cells = "".join(f"<td>{_esc(_fmt(getattr(r, c)))}</td>" for c in cols)
        body.append(f"<tr><td>{link}</td>{cells}</tr>")
    return ("<h1>The articles, with every measure marked</h1>"
            "<p>One page per article: boilerplate and furniture, quotations by speaker, scare quotes, actor "
            "mentions and their labels, sentiment toward each mention (when the model is present), hedges and "
            "boosters, and the sentences that carry each generic frame with each actor's narrative role (when "
            f"that model is present). <b>{_esc(note or f'n = {len(figures)} articles.')}</b> Rates are per 1,000 "
            "body words; the figures are computed from the same tables the pages mark.</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def _fmt(v) -> str:
    return "–" if not _present(v) else (f"{v:,}" if isinstance(v, int) else str(v))


def articles_dir() -> Path:
    """Where the static article pages go: ``report/articles/`` under the output root."""
    return paths.output_root() / "report" / "articles"


def write_pages(corpus: pd.DataFrame, views: Mapping[str, ArticleView] | None = None,
                folder: Path | None = None, classify=None, note: str = "") -> pd.DataFrame:
    """Write ``<article_id>.html`` for every article and ``index.html``; returns the figures table.

    ``views`` is :func:`render_corpus` output (computed when not given).
    Files are written atomically; the same input gives the same bytes.
    """
    from analysis.plotting import atomic_write

    folder = Path(folder) if folder is not None else articles_dir()
    views = views if views is not None else render_corpus(corpus, classify=classify)
    rows = []
    for row in corpus.sort_values("article_id").itertuples(index=False):
        view = views[row.article_id]
        doc = page_html(f"{row.outlet} — {view.title or row.article_id}", view.html)
        atomic_write(folder / f"{row.article_id}.html",
                      lambda tmp, doc=doc: Path(tmp).write_text(doc, encoding="utf-8", newline="\n"))
        rows.append({**article_figures(view, row.text), "title": view.title})
    figures = pd.DataFrame(rows)
    doc = page_html("Articles with every measure marked", index_html(figures, note), back=False)
    atomic_write(folder / "index.html", lambda tmp: Path(tmp).write_text(doc, encoding="utf-8", newline="\n"))
    return figures.drop(columns=["title"])


# --------------------------------------------------------------------------- reading a view back

def read_marks(fragment: str) -> tuple[str, pd.DataFrame]:
    """Parse a rendered view back into ``(text, marks)``: the text of ``.vw-text`` and one row per mark.

    Offsets are recomputed from where each mark's parts sit in the text (not
    read from its attributes); ``data_start``/``data_end`` are the attributes,
    for comparison. Parts of a split mark are joined: ``parts`` counts them and
    ``contiguous`` says whether they join without a gap. Raises ``ValueError``
    on badly nested elements.
    """
    from html.parser import HTMLParser

    class _Reader(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.depth = 0            # element depth inside .vw-text (0 = outside)
            self.chunks: list[str] = []
            self.pos = 0
            self.open: list = []      # (tag, attrs or None, start)
            self.parts: list = []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if self.depth:
                self.depth += 1
                self.open.append((tag, a if "data-layer" in a else None, self.pos))
            elif "vw-text" in (a.get("class") or "").split():
                self.depth = 1
                self.open.append((tag, None, self.pos))

        def handle_endtag(self, tag):
            if not self.depth:
                return
            t, a, start = self.open.pop()
            if t != tag:
                raise ValueError(f"badly nested: <{t}> closed by </{tag}> at text offset {self.pos}")
            self.depth -= 1
            if a is not None:
                self.parts.append((a["data-layer"], a["data-id"], a.get("data-kind"), start, self.pos,
                                   int(a["data-start"]), int(a["data-end"]), a))

        def handle_data(self, data):
            if self.depth:
                self.chunks.append(data)
                self.pos += len(data)

    r = _Reader()
    r.feed(fragment)
    r.close()
    text = "".join(r.chunks)
    rows = {}
    for layer, mid, kind, s, e, ds, de, attrs in sorted(r.parts, key=lambda p: (p[3], -p[4])):
        row = rows.get((layer, mid))
        if row is None:
            rows[(layer, mid)] = {"layer": layer, "kind": kind, "id": mid, "start": s, "end": e,
                                  "data_start": ds, "data_end": de, "parts": 1, "contiguous": True,
                                  **{k[5:].replace("-", "_"): v for k, v in attrs.items()
                                     if k.startswith("data-") and k[5:] not in
                                     ("layer", "kind", "id", "start", "end", "part", "tag")}}
        else:
            row["contiguous"] &= row["end"] == s
            row["end"] = e
            row["parts"] += 1
    marks = pd.DataFrame(list(rows.values()))
    return text, marks.sort_values(["start", "end", "layer", "id"], kind="stable").reset_index(drop=True) \
        if len(marks) else marks
