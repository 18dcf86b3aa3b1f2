# Writes forecast::mstl / forecast.mstl reference results to src/models/fixtures/mstl-<name>.json:
# the input series, the decomposition (trend, one seasonal column per period, remainder) at every
# `stride`-th index, the ETS model chosen for the seasonally adjusted series and its forecast
# with 80/95 % intervals (forecast(mstl(y), method = "ets", h), i.e. stlf-style).
# Usage (from the repository root): Rscript references/r/mstl-fixtures.R
suppressMessages({
  library(forecast)
  library(jsonlite)
  library(robustbase)
})

dir <- file.path("src", "models", "fixtures")

write_fixture <- function(name, source, y, h, stride, extra = list()) {
  fit <- mstl(y)
  fc <- forecast(fit, method = "ets", h = h, level = c(80, 95))
  cols <- colnames(fit)
  seas_cols <- cols[grepl("Season", cols)]
  idx <- seq(1, nrow(fit), by = stride)
  seasonal <- lapply(seas_cols, function(cn) signif(as.numeric(fit[idx, cn]), 10))
  names(seasonal) <- sub("Seasonal", "", seas_cols)
  body <- list(
    name = name,
    source = source,
    forecast_version = as.character(packageVersion("forecast")),
    call = sprintf("fc <- forecast(mstl(y), method = \"ets\", h = %d, level = c(80, 95))", h),
    requested_periods = attributes(y)$msts,
    periods = I(as.numeric(names(seasonal))),
    values = as.numeric(y),
    stride = stride,
    index = idx - 1,
    trend = signif(as.numeric(fit[idx, "Trend"]), 10),
    seasonal = seasonal,
    remainder = signif(as.numeric(fit[idx, "Remainder"]), 10),
    ets_method = fc$model$method,
    h = h,
    mean = as.numeric(fc$mean),
    lower80 = as.numeric(fc$lower[, 1]),
    upper80 = as.numeric(fc$upper[, 1]),
    lower95 = as.numeric(fc$lower[, 2]),
    upper95 = as.numeric(fc$upper[, 2])
  )
  body <- c(body, extra)
  write_json(body, file.path(dir, paste0("mstl-", name, ".json")), digits = NA, auto_unbox = TRUE)
  cat(name, fc$model$method, "\n")
}

# Half-hourly electricity demand, England and Wales, June-August 2000: daily (48) and weekly (336) cycles.
write_fixture("taylor", "forecast::taylor (msts, periods 48 and 336)", taylor, h = 336, stride = 6)

# Daily NOx means at Sursee (Switzerland, 2004): weekly cycle; the yearly period 365.25 is dropped
# (fewer than two years). R's seasonal na.interp fills the few missing days first, so the fixture
# input has none and the comparison does not depend on how gaps are filled.
data(ambientNOxCH)
nox <- na.interp(msts(ambientNOxCH$su, seasonal.periods = c(7, 365.25)))
# Plain stats::stl with a fractional period (a mean month of days) and a non-default s.window:
# R cycles with the integer part (30) but derives t.window from 30.4375.
frac <- stl(ts(as.numeric(nox), frequency = 30.4375), s.window = 13)
write_fixture("nox-daily", "robustbase::ambientNOxCH$su, daily 2004, gaps filled by forecast::na.interp",
              msts(as.numeric(nox), seasonal.periods = c(7, 365.25)), h = 28, stride = 1,
              extra = list(stl_fractional = list(
                call = "stl(ts(y, frequency = 30.4375), s.window = 13)",
                period = 30.4375, s_window = 13,
                seasonal = signif(as.numeric(frac$time.series[, "seasonal"]), 10),
                trend = signif(as.numeric(frac$time.series[, "trend"]), 10))))
