#!/usr/bin/env python3
"""Reference run for bench/gbdt-vs-xgboost.js: trains XGBoost `hist` single-threaded on the
binary files that script writes and prints timings and hold-out RMSE as one JSON line.

Usage: /usr/bin/python3 references/python/xgboost_bench.py DATA_DIR
DATA_DIR holds meta.json, x_train.f32, y_train.f32, x_test.f32, y_test.f32 (column-major float32,
NaN = missing).
"""
import json
import os
import sys
import time

import numpy as np
import xgboost as xgb


def load(dirname, name, n_rows, n_features):
    x = np.fromfile(os.path.join(dirname, f"x_{name}.f32"), dtype=np.float32)
    x = np.ascontiguousarray(x.reshape(n_features, n_rows).T)
    y = np.fromfile(os.path.join(dirname, f"y_{name}.f32"), dtype=np.float32)
    return x, y


def main():
    dirname = sys.argv[1]
    with open(os.path.join(dirname, "meta.json")) as f:
        meta = json.load(f)
    nf = meta["features"]
    x_train, y_train = load(dirname, "train", meta["trainRows"], nf)
    x_test, y_test = load(dirname, "test", meta["testRows"], nf)
    params = {
        "tree_method": "hist",
        "nthread": 1,
        "max_depth": meta["maxDepth"],
        "eta": meta["learningRate"],
        "lambda": meta["lambda"],
        "min_child_weight": meta["minChildWeight"],
        "max_bin": 256,
        "objective": "reg:squarederror",
        "base_score": float(np.mean(y_train, dtype=np.float64)),
    }
    t0 = time.perf_counter()
    dtrain = xgb.DMatrix(x_train, label=y_train, missing=np.nan, nthread=1)
    t1 = time.perf_counter()
    booster = xgb.train(params, dtrain, num_boost_round=meta["rounds"])
    t2 = time.perf_counter()
    pred = booster.predict(xgb.DMatrix(x_test, missing=np.nan, nthread=1))
    rmse = float(np.sqrt(np.mean((pred.astype(np.float64) - y_test) ** 2)))
    print(json.dumps({
        "xgboostVersion": xgb.__version__,
        "dmatrixSeconds": t1 - t0,
        "trainSeconds": t2 - t1,
        "totalSeconds": t2 - t0,
        "rmse": rmse,
    }))


if __name__ == "__main__":
    main()
