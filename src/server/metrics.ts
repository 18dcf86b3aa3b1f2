/**
 * @module server/metrics
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
 * exposition format (version 0.0.4) that Prometheus scrapes from `/metrics`. Gauges whose value lives
 * elsewhere (job counts, the model in use, data freshness) are read by collectors at scrape time.
 */

export type Labels = Readonly<Record<string, string>>;

interface Sample {
  labels: Labels;
  value: number;
}

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
  ) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid metric name '${name}'`);
  }
  abstract lines(): string[];
}

export class Counter extends Metric {
  readonly #values = new Map<string, Sample>();
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }

  inc(labels: Labels = {}, by = 1): void {
    this.#sample(labels).value += by;
  }

  /** The counter of one label set, for a hot path that should not build the key on every call. */
  labels(labels: Labels): { inc(by?: number): void } {
    const sample = this.#sample(labels);
    return {
      inc(by = 1) {
        sample.value += by;
      },
    };
  }

  #sample(labels: Labels): Sample {
    const key = labelKey(labels);
    let sample = this.#values.get(key);
    if (!sample) {
      sample = { labels, value: 0 };
      this.#values.set(key, sample);
    }
    return sample;
  }

  /** The current value for these labels (0 when never incremented). */
  value(labels: Labels = {}): number {
    return this.#values.get(labelKey(labels))?.value ?? 0;
  }

  lines(): string[] {
    return [...this.#values.values()].map(
      (s) => `${this.name}${formatLabels(s.labels)} ${formatValue(s.value)}`,
    );
  }
}

export class Gauge extends Metric {
  #values = new Map<string, Sample>();
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }

  set(labels: Labels, value: number): void {
    this.#values.set(labelKey(labels), { labels, value });
  }

  /** Replaces every sample at once, so series that disappeared are no longer exported. */
  replace(samples: readonly Sample[]): void {
    this.#values = new Map(samples.map((s) => [labelKey(s.labels), s]));
  }

  lines(): string[] {
    return [...this.#values.values()].map(
      (s) => `${this.name}${formatLabels(s.labels)} ${formatValue(s.value)}`,
    );
  }
}

/** Upper bounds in seconds suited to API latencies, from half a millisecond to ten seconds. */
export const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

interface HistogramSeries {
  labels: Labels;
  /** Per bucket (not cumulative); the last slot is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Metric {
  readonly #series = new Map<string, HistogramSeries>();
  constructor(
    name: string,
    help: string,
    readonly buckets: readonly number[] = LATENCY_BUCKETS,
  ) {
    super(name, help, 'histogram');
    for (let i = 1; i < buckets.length; i++)
      if (!((buckets[i] as number) > (buckets[i - 1] as number)))
        throw new Error(`histogram ${name}: buckets must increase`);
  }

  observe(labels: Labels, value: number): void {
    this.#record(this.#seriesOf(labels), value);
  }

  /** The histogram of one label set, for a hot path that should not build the key on every call. */
  labels(labels: Labels): { observe(value: number): void } {
    const series = this.#seriesOf(labels);
    return { observe: (value) => this.#record(series, value) };
  }

  #seriesOf(labels: Labels): HistogramSeries {
    const key = labelKey(labels);
    let series = this.#series.get(key);
    if (!series) {
      series = { labels, counts: new Array(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    return series;
  }

  #record(series: HistogramSeries, value: number): void {
    let i = 0;
    while (i < this.buckets.length && value > (this.buckets[i] as number)) i++;
    series.counts[i]!++;
    series.sum += value;
    series.count++;
  }

  /** Observations so far for these labels. */
  count(labels: Labels = {}): number {
    return this.#series.get(labelKey(labels))?.count ?? 0;
  }

  lines(): string[] {
    const out: string[] = [];
    for (const s of this.#series.values()) {
      let cumulative = 0;
      for (let i = 0; i <= this.buckets.length; i++) {
        cumulative += s.counts[i] ?? 0;
        const le = i < this.buckets.length ? formatValue(this.buckets[i] as number) : '+Inf';
        out.push(`${this.name}_bucket${formatLabels({ ...s.labels, le })} ${cumulative}`);
      }
      out.push(`${this.name}_sum${formatLabels(s.labels)} ${formatValue(s.sum)}`);
      out.push(`${this.name}_count${formatLabels(s.labels)} ${s.count}`);
    }
    return out;
  }
}

/**
 * Holds the metrics of one server and renders them.
 *
 * @example
 * const registry = new MetricsRegistry();
 * const requests = registry.counter('shelfcast_http_requests_total', 'HTTP requests');
 * requests.inc({ method: 'GET', route: '/health', status: '200' });
 * await registry.render(); // '# HELP shelfcast_http_requests_total HTTP requests\n# TYPE ...'
 */
export class MetricsRegistry {
  readonly #metrics = new Map<string, Metric>();
  readonly #collectors: (() => Promise<void>)[] = [];

  counter(name: string, help: string): Counter {
    return this.#add(new Counter(name, help));
  }

  gauge(name: string, help: string): Gauge {
    return this.#add(new Gauge(name, help));
  }

  histogram(name: string, help: string, buckets?: readonly number[]): Histogram {
    return this.#add(new Histogram(name, help, buckets));
  }

  /** Runs before each render, to refresh gauges read from elsewhere. A failing collector is skipped. */
  collect(collector: () => Promise<void>): void {
    this.#collectors.push(collector);
  }

  async render(): Promise<string> {
    await Promise.all(this.#collectors.map((c) => c().catch(() => {})));
    let text = '';
    for (const m of this.#metrics.values()) {
      text += `# HELP ${m.name} ${m.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${m.name} ${m.type}\n`;
      for (const line of m.lines()) text += `${line}\n`;
    }
    return text;
  }

  #add<M extends Metric>(metric: M): M {
    if (this.#metrics.has(metric.name)) throw new Error(`metric ${metric.name} is registered twice`);
    this.#metrics.set(metric.name, metric);
    return metric;
  }
}

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  if (keys.length > 1) keys.sort();
  let key = '';
  for (const k of keys) key += `${k}\u0000${labels[k]}\u0001`;
  return key;
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
