import pickle, pandas as pd, pathlib
b=pickle.load(open('before/tables.pkl','rb')); a=pickle.load(open('after/tables.pkl','rb'))
ren={'mt_segments':'mt_lines','mt_scare':'mt_scare_quotes'}
for k,v in b.items():
    k2=ren.get(k,k)
    if k2 not in a: print("MISSING", k); continue
    w=a[k2]
    common=[c for c in v.columns if c in w.columns]
    extra=set(v.columns)-set(w.columns)
    try:
        pd.testing.assert_frame_equal(v[common].reset_index(drop=True).astype(object).fillna(-999), w[common].reset_index(drop=True).astype(object).fillna(-999), check_dtype=False)
        print("same", k, "(dropped cols %s)"%sorted(extra) if extra else "", "" if len(v)==len(w) else "rows %d->%d"%(len(v),len(w)))
    except AssertionError as e:
        print("DIFF", k, len(v), len(w), str(e).splitlines()[:6])
for run in ['seeds','pol']:
    for p in sorted(pathlib.Path(f'before/run_{run}').glob('*.parquet')):
        q=pathlib.Path(f'after/run_{run}')/p.name
        if not q.exists(): print(run, "MISSING", p.name); continue
        x=pd.read_parquet(p); y=pd.read_parquet(q)
        common=[c for c in x.columns if c in y.columns]
        try:
            pd.testing.assert_frame_equal(x[common].astype(object).fillna(-999), y[common].astype(object).fillna(-999), check_dtype=False); print(run,"same",p.name, sorted(set(x.columns)-set(y.columns)))
        except AssertionError as e: print(run,"DIFF",p.name,len(x),len(y),str(e).splitlines()[:5])
