#!/usr/bin/python3
"""shelfcast external trainer: one global XGBoost model across all series.

Usage: /usr/bin/python3 train.py SPEC_JSON   (shelfcast passes the spec path; also in $SHELFCAST_SPEC)

Reads train.csv (series_id,date,value,...) and spec.json and fits one XGBoost regressor that predicts
the next one-step change of a series from lag differences, a rolling mean and calendar features; each
series is scaled by its recent mean absolute one-step change so large and small series share one model.
Forecasts recursively; quantiles come from the in-sample residual quantiles widened by sqrt(step).
Writes forecasts.csv and the booster (model.json via Booster.save_model) at the paths in the spec.

Params (spec.params): n_estimators (100), max_depth (4), learning_rate (0.1), seed (0).
"""
import csv
import datetime
import json
import math
import os
import sys

import numpy as np
import xgboost as xgb


def lags_for(season_length):
    lags = {1, 2, 3}
    if season_length > 1:
        lags.update({season_length, 2 * season_length})
    return sorted(lags)


def calendar(date_str, freq):
    d = datetime.date.fromisoformat(date_str)
    return [d.weekday() if freq == "D" else 0, d.month]


def feature_row(history, lags, season_length, date_str, freq):
    # Every level feature is taken relative to the last value, so the model sees shapes, not levels,
    # and predicts the next change (see the target in main).
    n = len(history)
    last = history[n - 1] if n else math.nan
    row = [last - history[n - lag] if n - lag >= 0 else math.nan for lag in lags if lag > 1]
    window = [v for v in history[max(0, n - max(season_length, 7)):] if not math.isnan(v)]
    row.append(last - sum(window) / len(window) if window else math.nan)
    row.extend(calendar(date_str, freq))
    return row


def main():
    spec_path = sys.argv[1] if len(sys.argv) > 1 else os.environ["SHELFCAST_SPEC"]
    with open(spec_path) as f:
        spec = json.load(f)
    freq = spec["freq"]
    season = int(spec["season_length"])
    params = spec.get("params", {})
    lags = lags_for(season)

    series = {}
    with open(spec["train_path"], newline="") as f:
        for row in csv.DictReader(f):
            v = row["value"]
            series.setdefault(row["series_id"], ([], []))
            series[row["series_id"]][0].append(row["date"])
            series[row["series_id"]][1].append(float(v) if v != "" else math.nan)

    scale = {}
    X, y = [], []
    for sid, (dates, values) in series.items():
        # Scale by the mean absolute one-step change over the last two seasons (the MASE scale): the
        # target is that change, so every series' targets are of order 1 and none dominates the loss.
        recent = values[-max(2 * season, 26):]
        steps = [abs(b - a) for a, b in zip(recent, recent[1:]) if not (math.isnan(a) or math.isnan(b))]
        scale[sid] = max(sum(steps) / len(steps), 1e-9) if steps and sum(steps) > 0 else 1.0
        scaled = [v / scale[sid] for v in values]
        for t in range(1, len(scaled)):
            # The target is the change from the previous period: trees then default to a naive
            # forecast instead of snapping smooth series to the nearest level seen in training.
            if math.isnan(scaled[t]) or math.isnan(scaled[t - 1]):
                continue
            X.append(feature_row(scaled[:t], lags, season, dates[t], freq))
            y.append(scaled[t] - scaled[t - 1])
    if not X:
        sys.exit("no training rows: every series is empty or all-missing")

    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    # The native API, not XGBRegressor: the sklearn wrapper needs scikit-learn, which Debian's
    # python3-xgboost does not pull in.
    booster = xgb.train(
        {
            "objective": "reg:squarederror",
            "max_depth": int(params.get("max_depth", 4)),
            "eta": float(params.get("learning_rate", 0.1)),
            "seed": int(params.get("seed", 0)),
            "nthread": 1,
            "tree_method": "hist",
        },
        xgb.DMatrix(X, label=y),
        num_boost_round=int(params.get("n_estimators", 100)),
    )

    def predict(rows):
        return booster.predict(xgb.DMatrix(np.asarray(rows, dtype=float)))

    residuals = y - predict(X)
    levels = spec["quantiles"]
    resid_q = np.quantile(residuals, levels) if levels else []

    # Recursive forecast, one booster call per step for all series at once (one call per series and
    # step would dominate the run time on large panels).
    future = spec["future_dates"]
    ids = list(future)
    histories = {sid: [v / scale.get(sid, 1.0) for v in series.get(sid, ([], []))[1]] for sid in ids}
    means = {sid: [] for sid in ids}
    for h in range(int(spec["horizon"])):
        rows = [feature_row(histories[sid], lags, season, future[sid][h], freq) for sid in ids]
        for sid, value in zip(ids, predict(rows)):
            last = next((v for v in reversed(histories[sid]) if not math.isnan(v)), 0.0)
            mean = max(last + float(value), 0.0)
            histories[sid].append(mean)
            means[sid].append(mean)

    with open(spec["forecasts_path"], "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["series_id", "date", "mean"] + spec["quantile_columns"])
        for sid in ids:
            s = scale.get(sid, 1.0)
            for h, (date_str, mean) in enumerate(zip(future[sid], means[sid]), start=1):
                widen = math.sqrt(h)
                qs = [max(mean + float(r) * widen, 0.0) * s for r in resid_q]
                out.writerow([sid, date_str, repr(mean * s)] + [repr(q) for q in qs])

    booster.save_model(spec["model_path"])


if __name__ == "__main__":
    main()
