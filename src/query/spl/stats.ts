// Aggregation accumulators shared by stats, timechart and the columnar fast path.

import type { AggFn } from './ast.ts';
import { type Scalar, type Value, compareValues, isNull, toNumber, toText } from './values.ts';

export interface Accumulator {
  /** Adds one row's value (undefined or null when the row lacks the field); `time` is its `_time`. */
  add(value: Value | undefined, time: number): void;
  /** Adds a run of doubles at once (the columnar fast path); `valid[i] === 0` skips row i. */
  addFloats?(values: Float64Array, valid: Uint8Array | undefined, length: number): void;
  /** Folds another accumulator of the same kind in (timechart's OTHER column). */
  merge(other: Accumulator): void;
  result(): Value;
}

/** Values that make `count` / `dc` / `sum` report 0 for an empty bucket, and the rest null. */
export function emptyValue(fn: AggFn): Value {
  return fn === 'count' || fn === 'dc' || fn === 'sum' ? 0 : null;
}

class Count implements Accumulator {
  n = 0;
  /** Whether the count is of rows (bare `count`) or of rows that have a field. */
  constructor(readonly rows: boolean) {}
  add(value: Value | undefined): void {
    if (this.rows || !isNull(value)) this.n++;
  }
  addFloats(_values: Float64Array, valid: Uint8Array | undefined, length: number): void {
    if (this.rows || valid === undefined) this.n += length;
    else for (let i = 0; i < length; i++) this.n += valid[i];
  }
  addRows(n: number): void {
    this.n += n;
  }
  merge(other: Accumulator): void {
    this.n += (other as Count).n;
  }
  result(): Value {
    return this.n;
  }
}

class Sum implements Accumulator {
  sum = 0;
  n = 0;
  constructor(readonly average: boolean) {}
  add(value: Value | undefined): void {
    const x = toNumber(value);
    if (x === undefined) return;
    this.sum += x;
    this.n++;
  }
  addFloats(values: Float64Array, valid: Uint8Array | undefined, length: number): void {
    let sum = 0;
    let n = 0;
    if (valid === undefined) {
      for (let i = 0; i < length; i++) sum += values[i];
      n = length;
    } else {
      for (let i = 0; i < length; i++) {
        if (valid[i] !== 0) {
          sum += values[i];
          n++;
        }
      }
    }
    this.sum += sum;
    this.n += n;
  }
  merge(other: Accumulator): void {
    const o = other as Sum;
    this.sum += o.sum;
    this.n += o.n;
  }
  result(): Value {
    if (this.average) return this.n === 0 ? null : this.sum / this.n;
    return this.n === 0 ? null : this.sum;
  }
}

class Extreme implements Accumulator {
  best: Value = null;
  constructor(readonly max: boolean) {}
  add(value: Value | undefined): void {
    if (isNull(value)) return;
    const v = value as Value;
    if (isNull(this.best)) this.best = v;
    else {
      const c = compareValues(v, this.best);
      if (this.max ? c > 0 : c < 0) this.best = v;
    }
  }
  addFloats(values: Float64Array, valid: Uint8Array | undefined, length: number): void {
    let best = this.max ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    let any = false;
    for (let i = 0; i < length; i++) {
      if (valid !== undefined && valid[i] === 0) continue;
      const x = values[i];
      if (this.max ? x > best : x < best) best = x;
      any = true;
    }
    if (any) this.add(best);
  }
  merge(other: Accumulator): void {
    this.add((other as Extreme).best);
  }
  result(): Value {
    return this.best;
  }
}

class Distinct implements Accumulator {
  readonly seen = new Map<string, Scalar>();
  constructor(readonly list: 'dc' | 'values') {}
  add(value: Value | undefined): void {
    if (isNull(value)) return;
    for (const v of Array.isArray(value) ? value : [value as Scalar]) {
      const key = toText(v);
      if (key !== undefined && !this.seen.has(key)) this.seen.set(key, v);
    }
  }
  merge(other: Accumulator): void {
    for (const [k, v] of (other as Distinct).seen) if (!this.seen.has(k)) this.seen.set(k, v);
  }
  result(): Value {
    if (this.list === 'dc') return this.seen.size;
    return [...this.seen.values()].sort(compareValues);
  }
}

class List implements Accumulator {
  readonly items: Scalar[] = [];
  add(value: Value | undefined): void {
    if (isNull(value)) return;
    if (Array.isArray(value)) this.items.push(...value);
    else this.items.push(value as Scalar);
  }
  merge(other: Accumulator): void {
    this.items.push(...(other as List).items);
  }
  result(): Value {
    return this.items.length === 0 ? null : this.items;
  }
}

/** earliest(f) / latest(f): the value of the row with the smallest / largest `_time`. */
class ByTime implements Accumulator {
  time = Number.NaN;
  value: Value = null;
  constructor(readonly latest: boolean) {}
  add(value: Value | undefined, time: number): void {
    if (isNull(value)) return;
    if (Number.isNaN(this.time) || (this.latest ? time > this.time : time < this.time)) {
      this.time = time;
      this.value = value as Value;
    }
  }
  merge(other: Accumulator): void {
    const o = other as ByTime;
    if (!Number.isNaN(o.time)) this.add(o.value, o.time);
  }
  result(): Value {
    return this.value;
  }
}

export function newAccumulator(fn: AggFn, field: string | undefined): Accumulator {
  switch (fn) {
    case 'count':
      return new Count(field === undefined);
    case 'sum':
      return new Sum(false);
    case 'avg':
      return new Sum(true);
    case 'min':
      return new Extreme(false);
    case 'max':
      return new Extreme(true);
    case 'dc':
      return new Distinct('dc');
    case 'values':
      return new Distinct('values');
    case 'list':
      return new List();
    case 'earliest':
      return new ByTime(false);
    default:
      return new ByTime(true);
  }
}

/** Adds `n` rows to a bare count without looking at any column. */
export function addRowCount(acc: Accumulator, n: number): void {
  (acc as Count).addRows(n);
}
