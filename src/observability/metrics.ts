/**
 * A small metrics registry: counters, gauges and histograms with labels,
 * exposed in the Prometheus text format 0.0.4 (exposition.ts).
 *
 * Contract:
 * - Names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*
 *   (not starting with "__"; "le" is reserved for histograms); a bad name or
 *   a name registered twice throws at registration (a programming error).
 * - Label values are any strings, cut to MAX_LABEL_VALUE characters.
 * - Cardinality guard: each metric keeps at most `maxSeries` label sets
 *   (registry default 500). An observation that would make a new series
 *   beyond that is dropped and counted in
 *   `<prefix>metrics_series_dropped_total{metric}`; existing series keep
 *   counting. Recording never throws for a value it is given at run time
 *   except a negative counter increment (a programming error).
 * - A gauge made with `collect` has exactly the series that function
 *   returns at each scrape (stale series vanish: a deleted certificate is
 *   gone from the next scrape); other gauges keep what was set.
 * - `expose()` runs every collector (a failing one leaves its gauge empty
 *   and counts `<prefix>metrics_collect_errors_total{metric}`), then
 *   renders every metric in registration order, series sorted by labels.
 */
import { render, type MetricFamily, type Sample } from './exposition.ts';

export const MAX_LABEL_VALUE = 256;
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Request-duration style buckets, seconds (providers answer in ms … tens of s). */
export const DEFAULT_BUCKETS: readonly number[] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export type LabelValues<L extends string> = Readonly<Record<L, string>>;

export interface MetricOptions<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labels?: readonly L[];
  /** Most label sets kept; default the registry's. */
  readonly maxSeries?: number;
}

interface Series<V> {
  readonly values: readonly string[];
  state: V;
}

/** What every metric kind shares: its label sets, guarded. */
abstract class Metric<L extends string, V> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly #maxSeries: number;
  readonly #dropped: (metric: string) => void;
  protected readonly series = new Map<string, Series<V>>();

  constructor(o: MetricOptions<L>, maxSeries: number, dropped: (metric: string) => void) {
    if (!NAME.test(o.name)) throw new Error(`bad metric name ${JSON.stringify(o.name)}`);
    for (const l of o.labels ?? []) if (!LABEL.test(l) || l.startsWith('__') || l === 'le') throw new Error(`bad label name ${JSON.stringify(l)} in ${o.name}`);
    if (new Set(o.labels ?? []).size !== (o.labels ?? []).length) throw new Error(`duplicate label name in ${o.name}`);
    this.name = o.name;
    this.help = o.help;
    this.labelNames = o.labels ?? [];
    this.#maxSeries = o.maxSeries ?? maxSeries;
    this.#dropped = dropped;
  }

  protected abstract initial(): V;

  /** The series for `labels`, made if there is room; undefined when the guard drops it. */
  /** The label values in `labelNames` order (absent ones empty), cut to MAX_LABEL_VALUE. */
  protected valuesOf(labels: LabelValues<L> | undefined): string[] {
    return this.labelNames.map((l) => (labels?.[l] ?? '').slice(0, MAX_LABEL_VALUE));
  }

  protected at(labels: LabelValues<L> | undefined): Series<V> | undefined {
    const values = this.valuesOf(labels);
    const key = JSON.stringify(values);
    let s = this.series.get(key);
    if (s === undefined) {
      if (this.series.size >= this.#maxSeries) {
        this.#dropped(this.name);
        return undefined;
      }
      s = { values, state: this.initial() };
      this.series.set(key, s);
    }
    return s;
  }

  protected labelsOf(s: Series<V>): [string, string][] {
    return this.labelNames.map((l, i) => [l, s.values[i] ?? '']);
  }

  protected sorted(): Series<V>[] {
    return [...this.series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  }

  /** Runs before rendering (collecting gauges). */
  async collect(): Promise<void> {}

  abstract family(): MetricFamily;
}

export class Counter<L extends string = never> extends Metric<L, number> {
  protected initial(): number {
    return 0;
  }

  /** Add `by` (≥ 0, default 1). */
  inc(...args: [L] extends [never] ? [by?: number] : [labels: LabelValues<L>, by?: number]): void {
    const [labels, by] = (this.labelNames.length === 0 ? [undefined, args[0]] : args) as [LabelValues<L> | undefined, number | undefined];
    const n = by ?? 1;
    if (!(n >= 0)) throw new RangeError(`${this.name}: a counter only goes up (inc by ${n})`);
    const s = this.at(labels);
    if (s !== undefined) s.state += n;
  }

  /** The current value of one series (0 when absent), for tests and status. */
  get(labels?: LabelValues<L>): number {
    return this.series.get(JSON.stringify(this.valuesOf(labels)))?.state ?? 0;
  }

  family(): MetricFamily {
    if (this.labelNames.length === 0 && this.series.size === 0) this.at(undefined);
    return { name: this.name, help: this.help, type: 'counter', samples: this.sorted().map((s) => ({ name: this.name, labels: this.labelsOf(s), value: s.state })) };
  }
}

export interface GaugeOptions<L extends string> extends MetricOptions<L> {
  /** The gauge's whole content, read at every scrape. */
  readonly collect?: () => Iterable<{ readonly labels: LabelValues<L>; readonly value: number }> | Promise<Iterable<{ readonly labels: LabelValues<L>; readonly value: number }>>;
}

export class Gauge<L extends string = never> extends Metric<L, number> {
  readonly #collect: GaugeOptions<L>['collect'];
  readonly #failed: (metric: string) => void;

  constructor(o: GaugeOptions<L>, maxSeries: number, dropped: (metric: string) => void, failed: (metric: string) => void) {
    super(o, maxSeries, dropped);
    this.#collect = o.collect;
    this.#failed = failed;
  }

  protected initial(): number {
    return 0;
  }

  set(...args: [L] extends [never] ? [value: number] : [labels: LabelValues<L>, value: number]): void {
    const [labels, value] = (this.labelNames.length === 0 ? [undefined, args[0]] : args) as [LabelValues<L> | undefined, number];
    const s = this.at(labels);
    if (s !== undefined) s.state = value;
  }

  override async collect(): Promise<void> {
    if (this.#collect === undefined) return;
    this.series.clear();
    try {
      for (const { labels, value } of await this.#collect()) {
        const s = this.at(labels);
        if (s !== undefined) s.state = value;
      }
    } catch {
      this.series.clear();
      this.#failed(this.name);
    }
  }

  family(): MetricFamily {
    return { name: this.name, help: this.help, type: 'gauge', samples: this.sorted().map((s) => ({ name: this.name, labels: this.labelsOf(s), value: s.state })) };
  }
}

interface HistogramState {
  /** Per bucket (same order as `buckets`): observations ≤ its bound (cumulative). */
  readonly counts: number[];
  sum: number;
  count: number;
}

export interface HistogramOptions<L extends string> extends MetricOptions<L> {
  /** Upper bounds, ascending; +Inf is implicit. Default DEFAULT_BUCKETS. */
  readonly buckets?: readonly number[];
}

export class Histogram<L extends string = never> extends Metric<L, HistogramState> {
  readonly buckets: readonly number[];

  constructor(o: HistogramOptions<L>, maxSeries: number, dropped: (metric: string) => void) {
    super(o, maxSeries, dropped);
    const b = [...(o.buckets ?? DEFAULT_BUCKETS)].filter((x) => x !== Infinity);
    if (b.length === 0 || b.some((x, i) => !Number.isFinite(x) || (i > 0 && x <= (b[i - 1] as number)))) throw new Error(`${o.name}: buckets must be finite and strictly ascending`);
    this.buckets = b;
  }

  protected initial(): HistogramState {
    return { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
  }

  observe(...args: [L] extends [never] ? [value: number] : [labels: LabelValues<L>, value: number]): void {
    const [labels, value] = (this.labelNames.length === 0 ? [undefined, args[0]] : args) as [LabelValues<L> | undefined, number];
    if (Number.isNaN(value)) return;
    const s = this.at(labels);
    if (s === undefined) return;
    this.buckets.forEach((b, i) => {
      if (value <= b) s.state.counts[i] = (s.state.counts[i] ?? 0) + 1;
    });
    s.state.sum += value;
    s.state.count += 1;
  }

  family(): MetricFamily {
    const samples: Sample[] = [];
    for (const s of this.sorted()) {
      const labels = this.labelsOf(s);
      this.buckets.forEach((b, i) => samples.push({ name: `${this.name}_bucket`, labels: [...labels, ['le', b]], value: s.state.counts[i] ?? 0 }));
      samples.push({ name: `${this.name}_bucket`, labels: [...labels, ['le', Infinity]], value: s.state.count });
      samples.push({ name: `${this.name}_sum`, labels, value: s.state.sum });
      samples.push({ name: `${this.name}_count`, labels, value: s.state.count });
    }
    return { name: this.name, help: this.help, type: 'histogram', samples };
  }
}

export interface RegistryOptions {
  /** Prefix of the registry's own metrics (e.g. "zonekeeper_"). */
  readonly prefix?: string;
  /** Default most label sets per metric; default 500. */
  readonly maxSeries?: number;
}

export class MetricsRegistry {
  readonly #metrics = new Map<string, Metric<string, unknown>>();
  readonly #maxSeries: number;
  readonly #dropped: Counter<'metric'>;
  readonly #collectErrors: Counter<'metric'>;

  constructor(o: RegistryOptions = {}) {
    this.#maxSeries = o.maxSeries ?? 500;
    const prefix = o.prefix ?? '';
    // Bounded by the number of metrics; never guarded against itself.
    this.#dropped = this.#add(new Counter({ name: `${prefix}metrics_series_dropped_total`, help: 'Observations dropped because their metric had too many label sets', labels: ['metric'] }, Infinity, () => undefined));
    this.#collectErrors = this.#add(new Counter({ name: `${prefix}metrics_collect_errors_total`, help: 'Scrapes at which a gauge could not be read', labels: ['metric'] }, Infinity, () => undefined));
  }

  #add<M extends Metric<string, unknown>>(m: M): M {
    if (this.#metrics.has(m.name)) throw new Error(`metric ${m.name} registered twice`);
    this.#metrics.set(m.name, m);
    return m;
  }

  readonly #drop = (metric: string): void => this.#dropped.inc({ metric });
  readonly #fail = (metric: string): void => this.#collectErrors.inc({ metric });

  counter<L extends string = never>(o: MetricOptions<L>): Counter<L> {
    return this.#add(new Counter<L>(o, this.#maxSeries, this.#drop));
  }

  gauge<L extends string = never>(o: GaugeOptions<L>): Gauge<L> {
    return this.#add(new Gauge<L>(o, this.#maxSeries, this.#drop, this.#fail));
  }

  histogram<L extends string = never>(o: HistogramOptions<L>): Histogram<L> {
    return this.#add(new Histogram<L>(o, this.#maxSeries, this.#drop));
  }

  /** Every metric in the text format 0.0.4 (collectors read first). */
  async expose(): Promise<string> {
    const all = [...this.#metrics.values()];
    for (const m of all) await m.collect();
    return render(all.map((m) => m.family()));
  }
}
