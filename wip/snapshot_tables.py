"""Snapshot every module's tables (seeds, edge texts, PolNeAR sample) to compare before/after."""
import sys, pickle, pathlib, shutil
import pandas as pd
out = pathlib.Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
from analysis import boilerplate as bp, quotes as q, actors, hedging, readability as rd, features, pipeline
from analysis.corpus import load_corpus
corpus = load_corpus()
res = {}
seg = bp.segment_corpus(corpus); res["segments"] = seg
qt, sc, bodies = q.corpus_quotes(corpus, seg); res["quotes"] = qt; res["scare"] = sc
res["ledger"] = q.speaker_ledger(qt, bodies)
res["mentions"] = actors.corpus_mentions(corpus, segments=seg)
res["cues"] = hedging.corpus_cues(corpus, seg)
res["rates"] = hedging.hedge_rates(corpus, seg)
res["csent"] = hedging.corpus_sentences(corpus, seg)
res["read"] = rd.article_readability(corpus, seg)
t = features.measure_tables(corpus, sentiment=False)
for k, v in t.items(): res["mt_" + k] = v
res["profile"] = features.outlet_profile(corpus, t)
# per-text on edge texts
edge = ["", "   \n  ", "He said \"hello\" and left.", "“Unclosed quote and 'single\nsecond line “again",
        "Putin said Russia may act. Analysts say it could.\n\nAssad thanked him, SANA reported."]
for i, e in enumerate(edge):
    res[f"edge{i}_quotes"] = q.extract_quotes(e); res[f"edge{i}_scare"] = q.scare_quotes(e)
    res[f"edge{i}_mentions"] = actors.find_mentions(e); res[f"edge{i}_hedges"] = hedging.find_hedges(e)
    res[f"edge{i}_seg"] = bp.segment(e); res[f"edge{i}_rates"] = hedging.article_rates(e)
pickle.dump(res, open(out / "tables.pkl", "wb"))
# pipeline on seeds and on 200 PolNeAR articles
pol = sorted(pathlib.Path("/work/shared/data/polnear/train/text").glob("*.txt"))[:200]
rows = [{"article_id": p.stem, "outlet": p.name.split("_")[0], "title": "", "published": "", "event": "", "text": p.read_text()} for p in pol]
pd.DataFrame(rows).to_json(out / "pol.jsonl", orient="records", lines=True)
for name, src in (("seeds", "data"), ("pol", str(out / "pol.jsonl"))):
    d = out / f"run_{name}"
    shutil.rmtree(d, ignore_errors=True)
    pipeline.run(src, d, progress=False) if "progress" in pipeline.run.__code__.co_varnames else pipeline.run(src, d)
print("done")
