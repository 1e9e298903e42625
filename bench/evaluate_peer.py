#!/usr/bin/python3
"""Peer for bench/evaluate.bench.ts: the same metrics written the straightforward way with
pandas / scipy / scikit-learn / numpy (Debian packages), on the same CSV files, timed here.

  /usr/bin/python3 bench/evaluate_peer.py fidelity REAL.csv SYNTH.csv HOLDOUT.csv
      column shapes (ks_2samp / TV), histogram similarity, Pearson pairs, contingency similarity,
      NMI pairs (sklearn), exact matches (pandas merge after rounding), for synthetic AND the
      holdout noise floor, as the TypeScript report does.
  /usr/bin/python3 bench/evaluate_peer.py privacy REAL.csv SYNTH.csv HOLDOUT.csv
      exact Gower nearest neighbours (numpy, chunked broadcasting) for DCR synth->train,
      synth->holdout, holdout->train, members/non-members -> synth, plus roc_auc_score.

Prints one JSON line: {"seconds": ..., "read_seconds": ..., ...}. Timing excludes process start.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import normalized_mutual_info_score, roc_auc_score

BINS = 20


def kinds(df):
    out = {}
    for c in df.columns:
        if pd.api.types.is_numeric_dtype(df[c]):
            out[c] = "numeric"
        elif c.startswith("date"):
            out[c] = "datetime"
        else:
            out[c] = "categorical"
    return out


def as_numeric(s, kind):
    if kind == "datetime":
        return pd.to_datetime(s, utc=True).astype("int64").where(s.notna()).astype(float) / 1e6
    return s.astype(float)


def binned(real, other, c, kind):
    if kind == "categorical":
        cats = pd.Categorical(pd.concat([real[c], other[c]]).fillna("(null)"))
        codes = cats.codes
        return codes[: len(real)], codes[len(real):]
    r = as_numeric(real[c], kind).to_numpy()
    o = as_numeric(other[c], kind).to_numpy()
    lo, hi = np.nanmin(r), np.nanmax(r)
    width = (hi - lo) / BINS

    def b(v):
        out = np.full(len(v), BINS)
        ok = ~np.isnan(v)
        out[ok] = np.clip(np.floor((v[ok] - lo) / width), 0, BINS - 1)
        return out.astype(int)

    return b(r), b(o)


def fidelity(real, other, k):
    res = {"shapes": [], "hist": [], "corr": [], "nmi": []}
    cols = list(real.columns)
    codes = {}
    for c in cols:
        br, bo = binned(real, other, c, k[c])
        codes[c] = (br, bo)
        size = max(br.max(), bo.max()) + 1
        p = np.bincount(br, minlength=size) / len(br)
        q = np.bincount(bo, minlength=size) / len(bo)
        res["hist"].append(float(np.minimum(p, q).sum()))
        if k[c] == "categorical":
            res["shapes"].append(1 - 0.5 * float(np.abs(p - q).sum()))
        else:
            r = as_numeric(real[c], k[c]).dropna()
            o = as_numeric(other[c], k[c]).dropna()
            res["shapes"].append(1 - float(stats.ks_2samp(r, o).statistic))
    num = [c for c in cols if k[c] != "categorical"]
    rn = pd.DataFrame({c: as_numeric(real[c], k[c]) for c in num}).corr()
    on = pd.DataFrame({c: as_numeric(other[c], k[c]) for c in num}).corr()
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            ar, ao = codes[a]
            br, bo = codes[b]
            if a in num and b in num:
                res["corr"].append(1 - abs(rn.loc[a, b] - on.loc[a, b]) / 2)
            else:
                tr = pd.crosstab(ar, br, normalize=True)
                to = pd.crosstab(ao, bo, normalize=True)
                res["corr"].append(1 - 0.5 * float(tr.sub(to, fill_value=0).abs().fillna(tr).fillna(to).values.sum()))
            res["nmi"].append(1 - abs(normalized_mutual_info_score(ar, br) - normalized_mutual_info_score(ao, bo)))
    return {key: float(np.nanmean(v)) for key, v in res.items()}


def exact_matches(real, synth, k):
    def rounded(df):
        out = df.copy()
        for c in df.columns:
            if k[c] == "numeric":
                out[c] = df[c].map(lambda v: float(f"{v:.6g}") if pd.notna(v) else v)
        return out.fillna("∅").astype(str)

    r = rounded(real).drop_duplicates()
    s = rounded(synth)
    return int(len(s.merge(r, how="inner", on=list(real.columns))))


def gower_encode(real, df, k):
    cols = []
    for c in real.columns:
        if k[c] == "categorical":
            cats = {v: i for i, v in enumerate(pd.unique(real[c].dropna()))}
            v = df[c].map(lambda x: cats.get(x, -1 - hash(x) % 1000) if pd.notna(x) else np.nan).astype(float)
            cols.append((v.to_numpy(), None))
        else:
            r = as_numeric(real[c], k[c])
            cols.append(((as_numeric(df[c], k[c]).to_numpy() - r.min()), float(r.max() - r.min()) or 1.0))
    return cols


def nearest(A, B, chunk=256):
    """Row minima (A -> B) and column minima (B -> A) of the Gower matrix, chunked."""
    n, m = len(A[0][0]), len(B[0][0])
    row = np.empty(n)
    col = np.full(m, np.inf)
    for s in range(0, n, chunk):
        e = min(n, s + chunk)
        D = np.zeros((e - s, m))
        for (a, rg), (b, _) in zip(A, B):
            x = a[s:e, None]
            y = b[None, :]
            if rg is None:
                d = (x != y).astype(float)
            else:
                d = np.minimum(1.0, np.abs(x - y) / rg)
            na, nb = np.isnan(x), np.isnan(y)
            d = np.where(na & nb, 0.0, np.where(na | nb, 1.0, d))
            D += d
        D /= len(A)
        row[s:e] = D.min(1)
        col = np.minimum(col, D.min(0))
    return row, col


def main():
    mode, rp, sp, hp = sys.argv[1:5]
    t0 = time.perf_counter()
    real, synth, hold = pd.read_csv(rp), pd.read_csv(sp), pd.read_csv(hp)
    t1 = time.perf_counter()
    c1 = time.process_time()
    k = kinds(real)
    out = {"mode": mode, "read_seconds": t1 - t0}
    if mode == "fidelity":
        out["synthetic"] = fidelity(real, synth, k)
        out["noise_floor"] = fidelity(real, hold, k)
        out["exact_matches"] = exact_matches(real, synth, k)
    else:
        train = real.sample(n=min(len(real), len(hold)), random_state=0)
        enc = lambda df: gower_encode(real, df, k)
        T, S, H = enc(train), enc(synth), enc(hold)
        st_row, st_col = nearest(S, T)
        sh_row, sh_col = nearest(S, H)
        ht_row, _ = nearest(H, T)
        p = float(np.mean(st_row < sh_row))
        auc = roc_auc_score(np.r_[np.ones(len(st_col)), np.zeros(len(sh_col))], -np.r_[st_col, sh_col])
        out.update({"p": p, "auc": float(auc), "dcr_p5": float(np.percentile(st_row, 5)), "holdout_p5": float(np.percentile(ht_row, 5))})
    out["seconds"] = time.perf_counter() - t1
    out["cpu_seconds"] = time.process_time() - c1
    print(json.dumps(out))


if __name__ == "__main__":
    main()
