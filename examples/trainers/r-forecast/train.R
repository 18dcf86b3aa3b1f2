#!/usr/bin/env Rscript
# shelfcast external trainer: one forecast::ets (or auto.arima) model per series.
#
# Usage: Rscript train.R SPEC_JSON   (shelfcast passes the spec path; also in $SHELFCAST_SPEC)
#
# Reads train.csv (series_id,date,value,...) and spec.json, fits each series, and maps each quantile
# level q to a two-sided prediction interval: q < 0.5 is the lower bound of the 100*(1-2q)% interval,
# q > 0.5 the upper bound of the 100*(2q-1)% interval, q = 0.5 the point forecast. Writes forecasts.csv
# and model.rds (a named list of the fitted models) at the paths in the spec.
#
# Params (spec.params): method = "ets" (default) or "auto.arima"; model = the ets model code, e.g.
# "ANA" (default "ZZZ": ets picks the form by AICc, which tries many forms and is several times slower).
suppressPackageStartupMessages({
  library(forecast)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
spec_path <- if (length(args) >= 1) args[[1]] else Sys.getenv("SHELFCAST_SPEC")
spec <- fromJSON(spec_path, simplifyVector = TRUE)
method <- if (is.null(spec$params$method)) "ets" else spec$params$method
if (!method %in% c("ets", "auto.arima")) stop("params.method must be 'ets' or 'auto.arima', got '", method, "'")
ets_model <- if (is.null(spec$params$model)) "ZZZ" else spec$params$model
season <- as.integer(spec$season_length)
h <- as.integer(spec$horizon)
levels <- as.numeric(spec$quantiles)
qcols <- as.character(spec$quantile_columns)

train <- read.csv(spec$train_path, colClasses = c(series_id = "character", date = "character"))
# Two-sided interval widths needed, in percent; 0.5 needs none (it is the point forecast).
widths <- sort(unique(round(abs(2 * levels[levels != 0.5] - 1) * 100, 6)))

models <- list()
rows <- list()
for (sid in names(spec$future_dates)) {
  y <- train$value[train$series_id == sid]
  y <- na.interp(ts(y, frequency = max(season, 1)))
  fit <- if (method == "auto.arima") auto.arima(y) else tryCatch(ets(y, model = ets_model), error = function(e) {
    # A requested form the series cannot carry (too short for a season, say): let ets choose one.
    message(sid, ": ets model ", ets_model, " failed (", conditionMessage(e), "); choosing the form automatically")
    ets(y)
  })
  fc <- if (length(widths) > 0) forecast(fit, h = h, level = widths) else forecast(fit, h = h)
  mean <- as.numeric(fc$mean)
  out <- data.frame(series_id = sid, date = spec$future_dates[[sid]], mean = mean, stringsAsFactors = FALSE)
  for (k in seq_along(levels)) {
    q <- levels[k]
    w <- round(abs(2 * q - 1) * 100, 6)
    col <- match(w, round(as.numeric(fc$level), 6))
    out[[qcols[k]]] <- if (q == 0.5) mean else if (q < 0.5) as.numeric(fc$lower[, col]) else as.numeric(fc$upper[, col])
  }
  models[[sid]] <- fit
  rows[[sid]] <- out
}

result <- do.call(rbind, rows)
write.csv(result, spec$forecasts_path, row.names = FALSE, quote = TRUE)
saveRDS(models, spec$model_path)
