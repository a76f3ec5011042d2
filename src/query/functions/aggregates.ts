// InfluxQL aggregates: one value out of a run of samples (count, sum, mean, median, mode, spread, stddev, distinct).

import type { FieldValue } from '../../core/point.ts';
import { mixedTypes, unsupportedType } from './errors.ts';
import type { Sample, Samples } from './samples.ts';
import { compareTimes, kindOf } from './samples.ts';

/** The value an aggregate yields; `null` means "no value" (InfluxQL's nil), e.g. mean of nothing. */
export type AggregateResult = FieldValue | null;

const TWO_53 = 2 ** 53;

/** Number of values, as an integer. Any type; an empty run counts 0. */
export function count(values: ArrayLike<FieldValue>): bigint {
  return BigInt(values.length);
}

/** Checks the run is all floats or all integers and says which. */
function numericKind(fn: string, values: ArrayLike<FieldValue>): 'float' | 'integer' | undefined {
  const kind = kindOf(values);
  if (kind === undefined) return undefined;
  if (kind !== 'float' && kind !== 'integer') throw unsupportedType(fn, kind);
  const want = kind === 'float' ? 'number' : 'bigint';
  for (let i = 1; i < values.length; i++) {
    const t = typeof values[i];
    if (t !== want) {
      if (t === 'number' || t === 'bigint') throw mixedTypes(fn);
      throw unsupportedType(fn, t === 'string' ? 'string' : 'boolean');
    }
  }
  return kind;
}

/**
 * Exact int64-style sum of integers: plain number arithmetic while the running total stays in
 * the safe range, BigInt only past it.
 */
function sumIntegers(values: ArrayLike<FieldValue>): bigint {
  let small = 0;
  let big: bigint | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as bigint;
    if (big === undefined) {
      const n = Number(v);
      const next = small + n;
      if (Number.isSafeInteger(n) && next < TWO_53 && next > -TWO_53) {
        small = next;
        continue;
      }
      big = BigInt(small);
    }
    big += v;
  }
  return wrapInt64(big ?? BigInt(small));
}

/** Go int64 arithmetic wraps on overflow; so does ours. */
function wrapInt64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** Sum; integers stay integers. Empty → null. */
export function sum(values: ArrayLike<FieldValue>): AggregateResult {
  const kind = numericKind('sum', values);
  if (kind === undefined) return null;
  if (kind === 'integer') return sumIntegers(values);
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i] as number;
  return total;
}

/** Arithmetic mean as a float. Empty → null. */
export function mean(values: ArrayLike<FieldValue>): AggregateResult {
  const kind = numericKind('mean', values);
  if (kind === undefined) return null;
  const n = values.length;
  if (kind === 'float') {
    // Incremental mean as InfluxQL computes it, so results match to the last bit.
    let m = 0;
    for (let i = 0; i < n; i++) m += ((values[i] as number) - m) / (i + 1);
    return m;
  }
  let m = 0;
  for (let i = 0; i < n; i++) m += (Number(values[i] as bigint) - m) / (i + 1);
  return m;
}

function sortedNumbers(values: ArrayLike<FieldValue>, kind: 'float' | 'integer'): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = kind === 'float' ? (values[i] as number) : Number(values[i] as bigint);
  return out.sort((a, b) => a - b);
}

/** Middle value (mean of the two middle ones for an even count), as a float. Empty → null. */
export function median(values: ArrayLike<FieldValue>): AggregateResult {
  const kind = numericKind('median', values);
  if (kind === undefined) return null;
  const sorted = sortedNumbers(values, kind);
  const n = sorted.length;
  if (n % 2 === 1) return sorted[(n - 1) / 2];
  const lo = sorted[n / 2 - 1];
  const hi = sorted[n / 2];
  return lo + (hi - lo) / 2;
}

/** Most frequent value; ties go to the smallest. Any type; keeps the input type. Empty → null. */
export function mode(values: ArrayLike<FieldValue>): AggregateResult {
  if (values.length === 0) return null;
  const counts = new Map<FieldValue, number>();
  for (let i = 0; i < values.length; i++) counts.set(values[i], (counts.get(values[i]) ?? 0) + 1);
  let best: FieldValue | undefined;
  let bestCount = 0;
  for (const [value, n] of counts) {
    if (n > bestCount || (n === bestCount && best !== undefined && compareValues(value, best) < 0)) {
      best = value;
      bestCount = n;
    }
  }
  return best ?? null;
}

/** Max minus min, in the input's numeric type. Empty → null. */
export function spread(values: ArrayLike<FieldValue>): AggregateResult {
  const kind = numericKind('spread', values);
  if (kind === undefined) return null;
  let lo = values[0] as number | bigint;
  let hi = lo;
  for (let i = 1; i < values.length; i++) {
    const v = values[i] as number | bigint;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return kind === 'integer' ? wrapInt64((hi as bigint) - (lo as bigint)) : (hi as number) - (lo as number);
}

/** Sample standard deviation (n − 1) as a float; fewer than two values → null. */
export function stddev(values: ArrayLike<FieldValue>): AggregateResult {
  const kind = numericKind('stddev', values);
  if (kind === undefined || values.length < 2) return null;
  const n = values.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += asNumber(values[i]);
  m /= n;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const d = asNumber(values[i]) - m;
    acc += d * d;
  }
  return Math.sqrt(acc / (n - 1));
}

/**
 * Distinct values, each at the time it first appeared, ordered by that time then by value
 * (InfluxQL's order). Any type.
 */
export function distinct(input: Samples): Sample[] {
  const seen = new Map<FieldValue, number>();
  for (let i = 0; i < input.length; i++) {
    const v = input.values[i];
    const at = seen.get(v);
    if (at === undefined || compareTimes(input.timeMs[i], input.timeNs[i], input.timeMs[at], input.timeNs[at]) < 0) {
      seen.set(v, i);
    }
  }
  const out: Sample[] = [];
  for (const [value, i] of seen) out.push({ timeMs: input.timeMs[i], timeNs: input.timeNs[i], value });
  out.sort((a, b) => compareTimes(a.timeMs, a.timeNs, b.timeMs, b.timeNs) || compareValues(a.value, b.value));
  return out;
}

export function asNumber(v: FieldValue): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number.NaN;
}

/** Orders values of one type: numbers and integers numerically, strings bytewise, false < true. */
export function compareValues(a: FieldValue, b: FieldValue): number {
  if (typeof a === 'boolean' || typeof b === 'boolean') return (a ? 1 : 0) - (b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}
