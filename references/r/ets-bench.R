# Times forecast::ets (automatic selection) plus a point forecast on every series of a CSV.
# Usage: Rscript references/r/ets-bench.R <input.csv> <train-length> <horizon> <output.csv>
# input: one series per row, no header. output: one row per series: method, then the forecasts.
# The time of the fitting loop alone (seconds) is printed as "elapsed=<s> cpu=<s>" (wall clock, and
# user + system CPU time of this process, which a busy shared machine disturbs much less).
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
x <- as.matrix(read.csv(args[1], header = FALSE))
n_train <- as.integer(args[2])
h <- as.integer(args[3])
out <- matrix(NA_real_, nrow(x), h)
methods <- character(nrow(x))
start <- proc.time()
for (i in seq_len(nrow(x))) {
  y <- ts(x[i, seq_len(n_train)], frequency = 7)
  fit <- ets(y)
  out[i, ] <- pmax(0, as.numeric(forecast(fit, h = h, PI = FALSE)$mean))
  methods[i] <- gsub(",", "", fit$method)
}
spent <- proc.time() - start
elapsed <- spent[["elapsed"]]
cpu <- spent[["user.self"]] + spent[["sys.self"]]
write.table(data.frame(method = methods, out), args[4], sep = ",", row.names = FALSE, col.names = FALSE, quote = TRUE)
cat(sprintf("elapsed=%.3f cpu=%.3f\n", elapsed, cpu))
