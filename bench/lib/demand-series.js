// Seeded demand-like daily series and the MASE used by the R comparison benchmarks
// (bench/ets-vs-r.js, bench/arima-vs-r.js), so both measure on the same data the same way.

/** Reads `--name value` from the command line. */
export function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** mulberry32: small seeded uniform generator, enough for test data. */
export function uniforms(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson draw (Knuth for small means, normal approximation above 50). */
export function poisson(rand, mean) {
  if (mean > 50) {
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

/**
 * Demand-like daily series: a store-article level between ~2 and ~200 units, a weekly profile
 * (weekend peak, varying strength), a slow trend, a yearly swell, level shifts, Poisson noise.
 */
export function generateDemandSeries(count, length, seed) {
  const rand = uniforms(seed);
  const out = [];
  for (let s = 0; s < count; s++) {
    const level = Math.exp(Math.log(2) + rand() * Math.log(100));
    const strength = 0.1 + 0.6 * rand();
    const week = [0.85, 0.8, 0.9, 0.95, 1.15, 1.45, 0.9].map((w) => 1 + strength * (w - 1));
    const trend = ((rand() - 0.5) * 0.8) / length;
    const yearAmp = 0.3 * rand();
    const phase = rand() * 2 * Math.PI;
    let shift = 1;
    const y = new Array(length);
    for (let t = 0; t < length; t++) {
      if (rand() < 0.003) shift *= 0.7 + 0.6 * rand();
      const mean =
        level *
        shift *
        (1 + trend * t) *
        week[t % 7] *
        (1 + yearAmp * Math.sin((2 * Math.PI * t) / 365.25 + phase));
      y[t] = poisson(rand, Math.max(0.05, mean));
    }
    out.push(y);
  }
  return out;
}

/** MASE of a forecast of the `horizon` days after `nTrain`, scaled by in-sample seasonal naive (7). */
export function mase(y, forecast, nTrain, horizon) {
  let scale = 0;
  for (let t = 7; t < nTrain; t++) scale += Math.abs(y[t] - y[t - 7]);
  scale /= nTrain - 7;
  let err = 0;
  for (let i = 0; i < horizon; i++) err += Math.abs(y[nTrain + i] - forecast[i]);
  return err / horizon / scale;
}
