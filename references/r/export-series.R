# Exports real series that ship with R (datasets) and forecast to
# src/models/fixtures/series-<name>.json, so the model tests run on real data without R.
# Usage (from the repository root): Rscript references/r/export-series.R
suppressMessages({
  library(forecast)
  library(jsonlite)
})

out_dir <- file.path("src", "models", "fixtures")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

# taylor is half-hourly electricity demand over 12 weeks; daily totals give a real
# daily series with a weekly cycle, the shape of retail demand.
taylor_daily <- ts(colSums(matrix(as.numeric(taylor), nrow = 48)), frequency = 7)

series <- list(
  list(name = "airpassengers", x = AirPassengers, source = "R datasets::AirPassengers"),
  list(name = "usaccdeaths", x = USAccDeaths, source = "R datasets::USAccDeaths"),
  list(name = "ldeaths", x = ldeaths, source = "R datasets::ldeaths"),
  list(name = "nottem", x = nottem, source = "R datasets::nottem"),
  list(name = "wwwusage", x = WWWusage, source = "R datasets::WWWusage"),
  list(name = "nile", x = Nile, source = "R datasets::Nile"),
  list(name = "ukgas", x = UKgas, source = "R datasets::UKgas"),
  list(name = "wineind", x = wineind, source = "forecast::wineind"),
  list(name = "woolyrnq", x = woolyrnq, source = "forecast::woolyrnq"),
  list(name = "taylor-daily", x = taylor_daily, source = "forecast::taylor, summed per day (48 half-hours)")
)

for (s in series) {
  body <- list(
    name = s$name,
    source = s$source,
    frequency = frequency(s$x),
    start = as.numeric(start(s$x)),
    values = as.numeric(s$x)
  )
  path <- file.path(out_dir, paste0("series-", s$name, ".json"))
  writeLines(toJSON(body, auto_unbox = TRUE, digits = NA), path)
  cat("wrote", path, "\n")
}
