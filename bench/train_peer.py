#!/usr/bin/python3
"""Peer measurements for bench/train.bench.ts (run with Debian's /usr/bin/python3).

quality TRAIN.csv TEST.csv TARGET [FEATURES_TRAIN.csv FEATURES_TEST.csv]
    scikit-learn RandomForestRegressor and LinearRegression on the same split the TF.js models
    use. Own features: one-hot categoricals, numerics as they are, ISO dates -> day index, weekday,
    month; HH:MM:SS times -> hours. When the FEATURES files are given (the TF.js preprocessing
    output, target in the last column), the two models are also fitted on exactly those features.
speed ROWS FEATURES EPOCHS BATCH THREADS
    PyTorch MLP (FEATURES -> 64 -> 32 -> 1, ReLU, Adam 0.01, MSE), seconds per epoch.
Prints one JSON object on stdout.
"""
import json
import re
import sys
import time

import numpy as np


def metrics(y, p):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    err = y - p
    ss_tot = float(((y - y.mean()) ** 2).sum())
    return {
        "mae": float(np.abs(err).mean()),
        "rmse": float(np.sqrt((err ** 2).mean())),
        "r2": float(1 - (err ** 2).sum() / ss_tot) if ss_tot > 0 else float("nan"),
    }


TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def features(train, test, target):
    import pandas as pd

    cols = [c for c in train.columns if c != target and train[c].nunique(dropna=False) > 1]
    both = pd.concat([train[cols], test[cols]], keys=["train", "test"])
    out = pd.DataFrame(index=both.index)
    for c in cols:
        s = both[c]
        if pd.api.types.is_numeric_dtype(s):
            out[c] = s.astype(float)
            continue
        txt = s.astype(str)
        if txt.str.match(TIME).all():
            parts = txt.str.split(":", expand=True).astype(float)
            out[c] = parts[0] + parts[1] / 60 + (parts[2] if 2 in parts else 0) / 3600
        elif txt.str.match(DATE).all():
            d = pd.to_datetime(txt)
            out[c + ":day"] = (d - d.loc["train"].min()).dt.days
            out[c + ":weekday"] = d.dt.weekday
            out[c + ":month"] = d.dt.month
        else:
            # Categories seen in training only; others become all-zero rows (an unknown bucket).
            cats = sorted(train[c].astype(str).unique())
            for k in cats:
                out[f"{c}={k}"] = (txt == k).astype(float)
    return out.loc["train"].to_numpy(), out.loc["test"].to_numpy()


def fit_both(Xtr, ytr, Xte, yte, seed=0):
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.linear_model import LinearRegression

    res = {}
    t = time.perf_counter()
    rf = RandomForestRegressor(n_estimators=200, random_state=seed, n_jobs=1).fit(Xtr, ytr)
    res["randomForest"] = {**metrics(yte, rf.predict(Xte)), "seconds": time.perf_counter() - t}
    t = time.perf_counter()
    lr = LinearRegression().fit(Xtr, ytr)
    res["linearRegression"] = {**metrics(yte, lr.predict(Xte)), "seconds": time.perf_counter() - t}
    res["meanBaseline"] = metrics(yte, np.full(len(yte), float(np.mean(ytr))))
    return res


def quality(argv):
    import pandas as pd
    import sklearn

    train_path, test_path, target = argv[:3]
    train = pd.read_csv(train_path)
    test = pd.read_csv(test_path)
    Xtr, Xte = features(train, test, target)
    out = {"sklearn": sklearn.__version__, "ownFeatures": fit_both(Xtr, train[target].to_numpy(), Xte, test[target].to_numpy())}
    if len(argv) >= 5:
        ftr = np.loadtxt(argv[3], delimiter=",", skiprows=1, ndmin=2)
        fte = np.loadtxt(argv[4], delimiter=",", skiprows=1, ndmin=2)
        out["tfjsFeatures"] = fit_both(ftr[:, :-1], ftr[:, -1], fte[:, :-1], fte[:, -1])
    print(json.dumps(out))


def speed(argv):
    import torch

    rows, nfeat, epochs, batch, threads = (int(a) for a in argv[:5])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    g = np.random.default_rng(0)
    X = g.standard_normal((rows, nfeat)).astype(np.float32)
    y = (np.sin(X[:, 0]) + X[:, 1] * X[:, 2] + 0.1 * g.standard_normal(rows)).astype(np.float32)[:, None]
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    model = torch.nn.Sequential(
        torch.nn.Linear(nfeat, 64), torch.nn.ReLU(), torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1)
    )
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = torch.nn.MSELoss()
    times = []
    for _ in range(epochs):
        t = time.perf_counter()
        perm = torch.randperm(rows)
        total = 0.0
        for s in range(0, rows, batch):
            idx = perm[s : s + batch]
            opt.zero_grad()
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        times.append(time.perf_counter() - t)
    print(json.dumps({"torch": torch.__version__, "threads": threads, "epochSeconds": times, "lastLoss": total / rows}))


if __name__ == "__main__":
    {"quality": quality, "speed": speed}[sys.argv[1]](sys.argv[2:])
