// InfluxQL selectors: pick samples out of a run and return their indices, so callers keep the
// selected sample's time and any companion fields or tags.

import type { FieldValue } from '../../core/point.ts';
import { compareValues } from './aggregates.ts';
import { invalidArgument, unsupportedType } from './errors.ts';
import type { Samples } from './samples.ts';
import { compareTimes, kindOf } from './samples.ts';

function requireNumeric(fn: string, values: ArrayLike<FieldValue>): void {
  const kind = kindOf(values);
  if (kind === 'string' || kind === 'boolean') throw unsupportedType(fn, kind);
}

function timeCmp(s: Samples, i: number, j: number): number {
  return compareTimes(s.timeMs[i], s.timeNs[i], s.timeMs[j], s.timeNs[j]);
}

/** Earliest sample; on equal times the greater value wins. Any type. -1 when empty. */
export function first(s: Samples): number {
  let best = -1;
  for (let i = 0; i < s.length; i++) {
    if (best < 0) best = i;
    else {
      const c = timeCmp(s, i, best);
      if (c < 0 || (c === 0 && compareValues(s.values[i], s.values[best]) > 0)) best = i;
    }
  }
  return best;
}

/** Latest sample; on equal times the greater value wins. Any type. -1 when empty. */
export function last(s: Samples): number {
  let best = -1;
  for (let i = 0; i < s.length; i++) {
    if (best < 0) best = i;
    else {
      const c = timeCmp(s, i, best);
      if (c > 0 || (c === 0 && compareValues(s.values[i], s.values[best]) > 0)) best = i;
    }
  }
  return best;
}

/** Smallest value; ties go to the earliest. Numeric only. -1 when empty. */
export function min(s: Samples): number {
  requireNumeric('min', s.values);
  let best = -1;
  for (let i = 0; i < s.length; i++) {
    if (best < 0) best = i;
    else {
      const c = compareValues(s.values[i], s.values[best]);
      if (c < 0 || (c === 0 && timeCmp(s, i, best) < 0)) best = i;
    }
  }
  return best;
}

/** Largest value; ties go to the earliest. Numeric only. -1 when empty. */
export function max(s: Samples): number {
  requireNumeric('max', s.values);
  let best = -1;
  for (let i = 0; i < s.length; i++) {
    if (best < 0) best = i;
    else {
      const c = compareValues(s.values[i], s.values[best]);
      if (c > 0 || (c === 0 && timeCmp(s, i, best) < 0)) best = i;
    }
  }
  return best;
}

/** Indices ordered by value ascending, ties by time ascending. */
function byValue(s: Samples): number[] {
  const idx = Array.from({ length: s.length }, (_, i) => i);
  return idx.sort((a, b) => compareValues(s.values[a], s.values[b]) || timeCmp(s, a, b));
}

/**
 * The nearest-rank percentile `p` (0..100): the sample at rank floor(n·p/100 + 0.5) of the
 * value-sorted run. -1 when the rank falls outside the run (as InfluxQL returns nothing).
 */
export function percentile(s: Samples, p: number): number {
  requireNumeric('percentile', s.values);
  if (!(p >= 0 && p <= 100)) throw invalidArgument('percentile', `percentile must be between 0 and 100, got ${p}`);
  const n = s.length;
  const rank = Math.floor((n * p) / 100 + 0.5) - 1;
  if (rank < 0 || rank >= n) return -1;
  return byValue(s)[rank];
}

/**
 * The `n` samples with the largest values (ties to the earlier sample), returned in time order.
 * With `distinctBy`, at most one sample per key is kept (its best), as top(field, tag, n) does.
 */
export function top(s: Samples, n: number, distinctBy?: (i: number) => string): number[] {
  return topBottom('top', s, n, -1, distinctBy);
}

/** The `n` samples with the smallest values (ties to the earlier sample), in time order. */
export function bottom(s: Samples, n: number, distinctBy?: (i: number) => string): number[] {
  return topBottom('bottom', s, n, 1, distinctBy);
}

function topBottom(
  fn: string,
  s: Samples,
  n: number,
  direction: 1 | -1,
  distinctBy: ((i: number) => string) | undefined,
): number[] {
  requireNumeric(fn, s.values);
  if (!Number.isInteger(n) || n < 1) throw invalidArgument(fn, `limit (N) must be a positive integer, got ${n}`);
  const idx = Array.from({ length: s.length }, (_, i) => i);
  idx.sort((a, b) => direction * compareValues(s.values[a], s.values[b]) || timeCmp(s, a, b));
  let picked: number[];
  if (distinctBy) {
    const seen = new Set<string>();
    picked = [];
    for (const i of idx) {
      const key = distinctBy(i);
      if (seen.has(key)) continue;
      seen.add(key);
      picked.push(i);
      if (picked.length === n) break;
    }
  } else {
    picked = idx.slice(0, n);
  }
  return picked.sort((a, b) => timeCmp(s, a, b) || a - b);
}
