"""List the seed actor mentions to be labelled for sentiment toward their target (the seed sentiment gold).

Writes ``data/annotations/seed_sentiment_units.csv``: one row per mention of a main actor of the study
(``data/study.json``) found by the mention measure in the five seed articles, with the offsets of the
mention and of its sentence in the raw article text. It lists targets only; no sentiment is computed or
shown, so the annotator sees nothing of the sentiment model's output.

    python scripts/list_sentiment_units.py
"""

from __future__ import annotations

from analysis import actors, corpus, paths, study


def main() -> None:
    articles = corpus.load_corpus()
    mentions = actors.corpus_mentions(articles)
    main_actors = set(study.load().main_actors)
    m = mentions[mentions["actor"].isin(main_actors) & mentions["sentence_start"].notna()].reset_index(drop=True)
    out = m[["article_id", "actor", "surface", "start", "end", "sentence_start", "sentence_end"]].copy()
    out.insert(0, "unit_id", [f"s{i:03d}" for i in range(1, len(out) + 1)])
    path = paths.annotations_dir() / "seed_sentiment_units.csv"
    out.to_csv(path, index=False)
    print(f"{len(out)} mentions written to {path}")


if __name__ == "__main__":
    main()
