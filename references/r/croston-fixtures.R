# Writes forecast::croston reference results for the carparts series committed in
# src/models/fixtures/croston-carparts-series.json to src/models/fixtures/croston-r-reference.json:
# for alpha 0.1 (the default) and 0.3, the point forecast and the in-sample fitted values.
# Usage (from the repository root): Rscript references/r/croston-fixtures.R
suppressMessages({
  library(forecast)
  library(jsonlite)
})

dir <- file.path("src", "models", "fixtures")
input <- fromJSON(file.path(dir, "croston-carparts-series.json"), simplifyDataFrame = FALSE)
h <- 12
results <- lapply(input$series, function(s) {
  x <- ts(s$y, frequency = 12)
  fits <- lapply(c(0.1, 0.3), function(alpha) {
    fc <- croston(x, h = h, alpha = alpha)
    list(alpha = alpha, mean = as.numeric(fc$mean), fitted = as.numeric(fc$fitted))
  })
  list(id = s$id, fits = fits)
})
out <- list(
  r_version = R.version.string,
  forecast_version = as.character(packageVersion("forecast")),
  h = h,
  results = results
)
write_json(out, file.path(dir, "croston-r-reference.json"), auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null")
cat("wrote croston-r-reference.json\n")
