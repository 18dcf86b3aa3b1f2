# Times forecast::auto.arima (default settings) plus a point forecast on every series of a CSV.
# Usage: Rscript references/r/arima-bench.R <input.csv> <train-length> <horizon> <output.csv>
# input: one series per row, no header. output: one row per series: the selected model, then the
# forecasts clipped at 0 (as shelfcast clips demand). The time of the fitting loop alone (seconds)
# is printed as "elapsed=<s>".
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
x <- as.matrix(read.csv(args[1], header = FALSE))
n_train <- as.integer(args[2])
h <- as.integer(args[3])
out <- matrix(NA_real_, nrow(x), h)
models <- character(nrow(x))
start <- proc.time()
for (i in seq_len(nrow(x))) {
  y <- ts(x[i, seq_len(n_train)], frequency = 7)
  fit <- auto.arima(y)
  out[i, ] <- pmax(0, as.numeric(forecast(fit, h = h, level = 80)$mean))
  o <- arimaorder(fit)
  models[i] <- sprintf("(%d%d%d)(%d%d%d)%s", o[1], o[2], o[3],
                       if (length(o) > 3) o[4] else 0L, if (length(o) > 3) o[5] else 0L, if (length(o) > 3) o[6] else 0L,
                       if (any(grepl("drift|intercept", names(coef(fit))))) "c" else "")
}
elapsed <- (proc.time() - start)[["elapsed"]]
write.table(data.frame(model = models, out), args[4], sep = ",", row.names = FALSE, col.names = FALSE, quote = TRUE)
cat(sprintf("elapsed=%.3f\n", elapsed))
