"""The per-text functions on one text, beside one bare parse of that text, in the same run.

    python benchmarks/per_text.py                 # the three hostile inputs at full size
    python benchmarks/per_text.py --scale 0.1     # a tenth of each (a quick look)

A notebook user calls the documented per-text functions one after another on one
text: ``boilerplate.segment``, ``boilerplate.boilerplate_ratio``,
``quotes.extract_quotes``, ``quotes.scare_quotes``, ``hedging.find_hedges``,
``hedging.article_rates`` and ``actors.find_mentions``. They share one parse per
text (:mod:`analysis.engine.texts`), so together they should cost little more
than parsing the text once. For each input this prints the CPU seconds of one
bare spaCy parse of its pieces (``nlp.pipe`` over :func:`analysis.core.units.piece_rows`,
the units the library parses) and of all the functions in turn (a fresh process
state: nothing kept from an earlier input), their ratio, and whether it is within
the target: all of them ≤ 1.5 × one parse + 2 s.

Inputs: a single paragraph of about 1 MB of news-like prose; 20,000 repetitions of
``"a" `` (a storm of quotation marks); 10,000 short lines.
"""

from __future__ import annotations

import argparse
import time

SENTENCE = ("The minister said on Tuesday that the talks could resume, but analysts were "
            "doubtful, according to Reuters. ")


def inputs(scale: float) -> dict[str, str]:
    n = max(1, int(scale * 10_000))
    return {
        "1 MB paragraph": SENTENCE * max(1, int(scale * 1_000_000 / len(SENTENCE))),
        '20,000 × "a"': '"a" ' * max(1, int(scale * 20_000)),
        "10,000 short lines": "\n".join(f"Line {i} said the minister." for i in range(n)),
    }


def bare_parse(text: str, nlp) -> float:
    from analysis.core.units import piece_rows

    t0 = time.process_time()
    for _ in nlp.pipe([r.text for r in piece_rows(text)], batch_size=64):
        pass
    return time.process_time() - t0


def per_text_calls(text: str) -> float:
    from analysis import actors, boilerplate, hedging, quotes
    from analysis.engine.texts import forget

    forget()
    t0 = time.process_time()
    boilerplate.segment(text)
    boilerplate.boilerplate_ratio(text)
    quotes.extract_quotes(text)
    quotes.scare_quotes(text)
    hedging.find_hedges(text)
    hedging.article_rates(text)
    actors.find_mentions(text)
    return time.process_time() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="size of each input, 1 = full")
    args = ap.parse_args()
    from analysis.nlp import load_nlp

    nlp = load_nlp()
    nlp("warm up the pipeline.")
    print(f"{'input':<22}{'chars':>10}{'parse s':>10}{'all calls s':>13}{'ratio':>8}  within 1.5x + 2 s")
    for name, text in inputs(args.scale).items():
        parse = bare_parse(text, nlp)
        calls = per_text_calls(text)
        ok = calls <= 1.5 * parse + 2
        print(f"{name:<22}{len(text):>10,}{parse:>10.1f}{calls:>13.1f}{calls / parse:>8.2f}  {'yes' if ok else 'NO'}")


if __name__ == "__main__":
    main()
