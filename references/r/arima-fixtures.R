# Writes forecast::auto.arima and fixed-order forecast::Arima reference results for series that R
# ships to src/models/fixtures/arima-<name>.json: the series itself, the KPSS statistic, ndiffs,
# seasonal strength and nsdiffs, then for each fit the orders,
# coefficients, sigma2, log-likelihood, AIC/AICc and point forecasts with 80/95 % intervals.
# Usage (from the repository root): Rscript references/r/arima-fixtures.R
suppressMessages({
  library(forecast)
  library(jsonlite)
})

dir <- file.path("src", "models", "fixtures")

describe <- function(fit, h) {
  fc <- forecast(fit, h = h, level = c(80, 95))
  ord <- arimaorder(fit)
  list(
    order = I(as.integer(ord[1:3])),
    seasonal = I(if (length(ord) > 3) as.integer(ord[4:6]) else c(0L, 0L, 0L)),
    period = if (length(ord) > 3) as.integer(ord[7]) else 1L,
    coef_names = I(names(coef(fit))),
    coef = I(as.numeric(coef(fit))),
    sigma2 = fit$sigma2,
    loglik = fit$loglik,
    aic = fit$aic,
    aicc = fit$aicc,
    h = h,
    mean = as.numeric(fc$mean),
    lower80 = as.numeric(fc$lower[, 1]),
    upper80 = as.numeric(fc$upper[, 1]),
    lower95 = as.numeric(fc$lower[, 2]),
    upper95 = as.numeric(fc$upper[, 2])
  )
}

# name, series, fixed order for the exact-estimation check (order, seasonal, constant).
cases <- list(
  list(name = "airpassengers-log", x = log(AirPassengers), order = c(2, 1, 1), seasonal = c(0, 1, 1), constant = FALSE),
  list(name = "usaccdeaths", x = USAccDeaths, order = c(1, 1, 1), seasonal = c(0, 1, 1), constant = FALSE),
  list(name = "wwwusage", x = WWWusage, order = c(3, 1, 0), seasonal = c(0, 0, 0), constant = TRUE),
  list(name = "lynx", x = lynx, order = c(2, 0, 0), seasonal = c(0, 0, 0), constant = TRUE),
  list(name = "austres", x = austres, order = c(1, 1, 0), seasonal = c(0, 0, 0), constant = TRUE)
)

for (case in cases) {
  x <- case$x
  h <- 2 * frequency(x) + if (frequency(x) == 1) 8 else 0
  auto <- auto.arima(x)
  fixed <- Arima(x, order = case$order, seasonal = list(order = case$seasonal, period = frequency(x)),
                 include.constant = case$constant)
  out <- list(
    name = case$name,
    source = paste0("R datasets: ", case$name),
    r_version = R.version.string,
    forecast_version = as.character(packageVersion("forecast")),
    frequency = frequency(x),
    values = as.numeric(x),
    tests = list(
      kpss = urca::ur.kpss(as.numeric(x), use.lag = trunc(3 * sqrt(length(x)) / 13))@teststat,
      ndiffs = ndiffs(x),
      seasonal_strength = if (frequency(x) > 1) forecast:::seas.heuristic(x) else NULL,
      nsdiffs = if (frequency(x) > 1) nsdiffs(x) else 0L
    ),
    auto = describe(auto, h),
    fixed = c(list(constant = case$constant), describe(fixed, h))
  )
  write_json(out, file.path(dir, paste0("arima-", case$name, ".json")), auto_unbox = TRUE, digits = NA, pretty = TRUE)
  cat("wrote", case$name, "\n")
}
