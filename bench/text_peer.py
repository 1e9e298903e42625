"""Peer for bench/text.bench.ts: scikit-learn TF-IDF + LogisticRegression on the same split.
Usage: text_peer.py DATA.json  (JSON {train: {text, label}, test: {text, label}, maxVocab})
Prints one JSON line: accuracy, macroF1, fitSeconds, predictSeconds."""
import json
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score


def main(path):
    d = json.load(open(path))
    t0 = time.perf_counter()
    # The same feature recipe as synthlab: word tokens, min_df 2, capped vocabulary, sublinear tf, smoothed idf, L2 rows.
    vec = TfidfVectorizer(token_pattern=r"(?u)\b\w+\b", min_df=2, max_features=d["maxVocab"], sublinear_tf=True)
    x = vec.fit_transform(d["train"]["text"])
    model = LogisticRegression(max_iter=1000, C=10.0).fit(x, d["train"]["label"])
    fit = time.perf_counter() - t0
    t1 = time.perf_counter()
    pred = model.predict(vec.transform(d["test"]["text"]))
    predict = time.perf_counter() - t1
    y = d["test"]["label"]
    print(json.dumps({"accuracy": accuracy_score(y, pred), "macroF1": f1_score(y, pred, average="macro"), "fitSeconds": fit, "predictSeconds": predict}))


if __name__ == "__main__":
    main(sys.argv[1])
