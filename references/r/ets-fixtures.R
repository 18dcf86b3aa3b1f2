# Writes forecast::ets reference results for the exported series to
# src/models/fixtures/ets-<series>.json: the automatically selected model and, for a few
# series, fixed forms. For each fit: components, parameters, initial and final states,
# log-likelihood, AICc, sigma2, point forecasts and 80/95 % intervals.
# Usage (from the repository root, after export-series.R): Rscript references/r/ets-fixtures.R
suppressMessages({
  library(forecast)
  library(jsonlite)
})

dir <- file.path("src", "models", "fixtures")

read_series <- function(name) {
  s <- fromJSON(file.path(dir, paste0("series-", name, ".json")))
  ts(s$values, frequency = s$frequency, start = s$start)
}

describe <- function(fit, h) {
  fc <- forecast(fit, h = h, level = c(80, 95))
  n <- length(fit$x)
  list(
    method = fit$method,
    components = as.list(fit$components),
    par = as.list(fit$par),
    initstate = I(as.numeric(fit$states[1, ])),
    laststate = I(as.numeric(fit$states[n + 1, ])),
    loglik = fit$loglik,
    aicc = fit$aicc,
    aic = fit$aic,
    sigma2 = fit$sigma2,
    h = h,
    mean = as.numeric(fc$mean),
    lower80 = as.numeric(fc$lower[, 1]),
    upper80 = as.numeric(fc$upper[, 1]),
    lower95 = as.numeric(fc$lower[, 2]),
    upper95 = as.numeric(fc$upper[, 2])
  )
}

fixed_forms <- list(
  airpassengers = c("ANN", "AAN", "AAdN", "MNN", "MAdN", "ANA", "MNM", "MAM", "MAdM"),
  usaccdeaths = c("ANA", "AAA", "MNA", "MAdA"),
  wwwusage = c("AAN", "AAdN", "MAdN"),
  "taylor-daily" = c("ANA", "MNM")
)

names <- c("airpassengers", "usaccdeaths", "ldeaths", "nottem", "wwwusage", "nile",
           "ukgas", "wineind", "woolyrnq", "taylor-daily")
for (name in names) {
  y <- read_series(name)
  m <- frequency(y)
  h <- if (m > 1) 2 * m else 10
  auto <- ets(y)
  forms <- list()
  for (form in fixed_forms[[name]]) {
    damped <- grepl("d", form)
    model <- gsub("d", "", form)
    forms[[form]] <- describe(ets(y, model = model, damped = damped), h)
  }
  body <- list(series = name, forecast_version = as.character(packageVersion("forecast")),
               auto = describe(auto, h), forms = forms)
  path <- file.path(dir, paste0("ets-", name, ".json"))
  writeLines(toJSON(body, auto_unbox = TRUE, digits = NA, pretty = FALSE), path)
  cat(name, auto$method, "\n")
}
