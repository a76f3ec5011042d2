// OpenTSDB's aggregators and downsampling: pure functions over (time ms, value) series.

import { badQuery } from './errors.ts';
import { parseOpentsdbDuration } from './opentsdb-time.ts';

/** A numeric series: ascending times in ms with one value each (null = a filled gap). */
export interface NumericSeries {
  times: number[];
  values: (number | null)[];
}

type Reduce = (values: number[]) => number;

const mean: Reduce = (v) => v.reduce((a, b) => a + b, 0) / v.length;

const REDUCERS: Record<string, Reduce> = {
  sum: (v) => v.reduce((a, b) => a + b, 0),
  zimsum: (v) => v.reduce((a, b) => a + b, 0),
  avg: mean,
  min: (v) => Math.min(...v),
  mimmin: (v) => Math.min(...v),
  max: (v) => Math.max(...v),
  mimmax: (v) => Math.max(...v),
  count: (v) => v.length,
  first: (v) => v[0],
  last: (v) => v[v.length - 1],
  dev: (v) => {
    if (v.length < 2) return 0;
    const m = mean(v);
    return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
  },
};

/** Aggregators that do not interpolate: a series without a point at a time is left out (or 0 for zimsum). */
const NO_INTERPOLATION = new Set(['zimsum', 'mimmin', 'mimmax', 'first', 'last', 'count']);

export const AGGREGATORS: readonly string[] = [...Object.keys(REDUCERS), 'none'];

export function checkAggregator(name: string): void {
  if (!AGGREGATORS.includes(name)) throw badQuery(`No such aggregator: ${name}`);
}

/**
 * Aggregates several series into one at the union of their times. Aggregators that interpolate
 * (sum, avg, min, max, dev) fill a series' missing times linearly between its neighbours, as
 * OpenTSDB does; no series is extrapolated beyond its first or last point.
 */
export function aggregate(name: string, series: readonly NumericSeries[]): NumericSeries {
  const reduce = REDUCERS[name];
  if (reduce === undefined) throw badQuery(`No such aggregator: ${name}`);
  const times = [...new Set(series.flatMap((s) => s.times))].sort((a, b) => a - b);
  const cursor = series.map(() => 0);
  const out: NumericSeries = { times: [], values: [] };
  const interpolate = !NO_INTERPOLATION.has(name);
  for (const t of times) {
    const present: number[] = [];
    for (let i = 0; i < series.length; i++) {
      const s = series[i];
      while (cursor[i] < s.times.length && s.times[cursor[i]] < t) cursor[i]++;
      const j = cursor[i];
      if (j < s.times.length && s.times[j] === t) {
        if (s.values[j] !== null) present.push(s.values[j] as number);
      } else if (interpolate && j > 0 && j < s.times.length) {
        const a = s.values[j - 1];
        const b = s.values[j];
        if (a !== null && b !== null) {
          const t0 = s.times[j - 1];
          present.push(a + ((b - a) * (t - t0)) / (s.times[j] - t0));
        }
      } else if (name === 'zimsum') {
        present.push(0);
      }
    }
    if (present.length === 0) continue;
    out.times.push(t);
    out.values.push(reduce(present));
  }
  return out;
}

export interface DownsampleSpec {
  /** Bucket width in ms; 0 = one bucket over the whole query. */
  intervalMs: number;
  aggregator: string;
  fill: 'none' | 'null' | 'zero';
}

/** `1m-avg`, `1h-sum-zero`, `0all-max`. */
export function parseDownsample(text: string): DownsampleSpec {
  const parts = text.split('-');
  if (parts.length < 2 || parts.length > 3) throw badQuery(`Invalid downsampling specifier '${text}' in query`);
  const [interval, aggregator, fill = 'none'] = parts;
  if (aggregator === 'none' || REDUCERS[aggregator] === undefined) throw badQuery(`No such aggregator: ${aggregator}`);
  const fills: Record<string, DownsampleSpec['fill']> = { none: 'none', null: 'null', nan: 'null', zero: 'zero' };
  if (fills[fill] === undefined) throw badQuery(`Unrecognized fill policy: ${fill}`);
  const intervalMs = interval === '0all' ? 0 : parseOpentsdbDuration(interval);
  return { intervalMs, aggregator, fill: fills[fill] };
}

/** Buckets a series by interval (bucket time = its start, aligned to the epoch) over [startMs, endMs]. */
export function downsample(series: NumericSeries, spec: DownsampleSpec, startMs: number, endMs: number): NumericSeries {
  const reduce = REDUCERS[spec.aggregator];
  const bucketOf = (t: number) => (spec.intervalMs === 0 ? startMs : t - (((t % spec.intervalMs) + spec.intervalMs) % spec.intervalMs));
  const buckets = new Map<number, number[]>();
  for (let i = 0; i < series.times.length; i++) {
    const v = series.values[i];
    if (v === null) continue;
    const b = bucketOf(series.times[i]);
    let list = buckets.get(b);
    if (list === undefined) buckets.set(b, (list = []));
    list.push(v);
  }
  const out: NumericSeries = { times: [], values: [] };
  if (spec.fill === 'none' || spec.intervalMs === 0) {
    for (const [t, list] of [...buckets].sort((a, b) => a[0] - b[0])) {
      out.times.push(t);
      out.values.push(reduce(list));
    }
    return out;
  }
  for (let t = bucketOf(startMs); t <= endMs; t += spec.intervalMs) {
    const list = buckets.get(t);
    out.times.push(t);
    out.values.push(list !== undefined ? reduce(list) : spec.fill === 'zero' ? 0 : null);
  }
  return out;
}

/** Per-second rate of change between consecutive points (the first point has no rate). */
export function rate(series: NumericSeries): NumericSeries {
  const out: NumericSeries = { times: [], values: [] };
  for (let i = 1; i < series.times.length; i++) {
    const a = series.values[i - 1];
    const b = series.values[i];
    out.times.push(series.times[i]);
    out.values.push(a === null || b === null ? null : ((b - a) * 1000) / (series.times[i] - series.times[i - 1]));
  }
  return out;
}
