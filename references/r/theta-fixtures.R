# Writes forecast::thetaf reference results to src/models/fixtures/theta-<series>.json:
# smoothing parameter, drift, point forecasts and 80/95 % intervals.
# Usage (from the repository root, after export-series.R): Rscript references/r/theta-fixtures.R
suppressMessages({
  library(forecast)
  library(jsonlite)
})

dir <- file.path("src", "models", "fixtures")
names <- c("airpassengers", "usaccdeaths", "ldeaths", "nottem", "wwwusage", "nile",
           "ukgas", "wineind", "woolyrnq", "taylor-daily")
for (name in names) {
  s <- fromJSON(file.path(dir, paste0("series-", name, ".json")))
  y <- ts(s$values, frequency = s$frequency, start = s$start)
  m <- frequency(y)
  h <- if (m > 1) 2 * m else 10
  fc <- thetaf(y, h = h, level = c(80, 95))
  body <- list(
    series = name,
    forecast_version = as.character(packageVersion("forecast")),
    alpha = unname(fc$model$alpha),
    drift = unname(fc$model$drift),
    sigma2 = unname(fc$model$sigma),
    h = h,
    mean = as.numeric(fc$mean),
    lower80 = as.numeric(fc$lower[, 1]),
    upper80 = as.numeric(fc$upper[, 1]),
    lower95 = as.numeric(fc$lower[, 2]),
    upper95 = as.numeric(fc$upper[, 2])
  )
  writeLines(toJSON(body, auto_unbox = TRUE, digits = NA), file.path(dir, paste0("theta-", name, ".json")))
  cat(name, "alpha", body$alpha, "\n")
}
