// InfluxQL transformations (difference, derivative, elapsed, movingAverage, cumulativeSum) as
// small incremental state machines: the stream engine feeds them one sample at a time per group,
// a query engine runs them over a whole run with `transformRun`.

import type { FieldValue } from '../../core/point.ts';
import { type Duration, NS_PER_MS, SECOND } from '../../core/time.ts';
import { invalidArgument, mixedTypes, unsupportedType } from './errors.ts';
import type { Sample, Samples } from './samples.ts';

/** One step of a transformation: the output value for this input, or undefined for none. */
export interface Transform {
  push(timeMs: number, timeNs: number, value: FieldValue): FieldValue | undefined;
}

function numericType(fn: string, v: FieldValue): 'number' | 'bigint' {
  const t = typeof v;
  if (t === 'number' || t === 'bigint') return t;
  throw unsupportedType(fn, t === 'string' ? 'string' : 'boolean');
}

abstract class PairwiseTransform implements Transform {
  protected hasPrev = false;
  protected prevMs = 0;
  protected prevNs = 0;
  protected prev: number | bigint = 0;
  protected type: 'number' | 'bigint' | undefined;
  constructor(protected readonly fn: string) {}

  push(timeMs: number, timeNs: number, value: FieldValue): FieldValue | undefined {
    const t = numericType(this.fn, value);
    if (this.type === undefined) this.type = t;
    else if (this.type !== t) throw mixedTypes(this.fn);
    const v = value as number | bigint;
    if (!this.hasPrev) {
      this.hasPrev = true;
      this.prevMs = timeMs;
      this.prevNs = timeNs;
      this.prev = v;
      return undefined;
    }
    // A second sample at the same instant has no defined rate or difference: skip it.
    if (timeMs === this.prevMs && timeNs === this.prevNs) return undefined;
    const elapsed = (timeMs - this.prevMs) * NS_PER_MS + (timeNs - this.prevNs);
    const out = this.step(v, elapsed);
    this.prevMs = timeMs;
    this.prevNs = timeNs;
    this.prev = v;
    return out;
  }

  protected abstract step(v: number | bigint, elapsedNs: number): FieldValue | undefined;
}

/** `value − previous value`, same type; `nonNegative` drops negative results. */
export class Difference extends PairwiseTransform {
  constructor(private readonly nonNegative = false) {
    super(nonNegative ? 'non_negative_difference' : 'difference');
  }
  protected step(v: number | bigint): FieldValue | undefined {
    const d = typeof v === 'bigint' ? BigInt.asIntN(64, v - (this.prev as bigint)) : v - (this.prev as number);
    if (this.nonNegative && d < 0) return undefined;
    return d;
  }
}

/** Rate of change per `unit` (default 1s) as a float; `nonNegative` drops negative rates. */
export class Derivative extends PairwiseTransform {
  constructor(
    private readonly unit: Duration = SECOND,
    private readonly nonNegative = false,
  ) {
    super(nonNegative ? 'non_negative_derivative' : 'derivative');
    if (!(unit > 0)) throw invalidArgument(this.fn, 'unit must be positive');
  }
  protected step(v: number | bigint, elapsedNs: number): FieldValue | undefined {
    const change = typeof v === 'bigint' ? Number(v - (this.prev as bigint)) : v - (this.prev as number);
    const rate = change / (elapsedNs / this.unit);
    if (this.nonNegative && rate < 0) return undefined;
    return rate;
  }
}

/** Time since the previous sample in whole `unit`s, as an integer. Any value type. */
export class Elapsed implements Transform {
  private hasPrev = false;
  private prevMs = 0;
  private prevNs = 0;
  constructor(private readonly unit: Duration = SECOND) {
    if (!(unit > 0)) throw invalidArgument('elapsed', 'unit must be positive');
  }
  push(timeMs: number, timeNs: number): FieldValue | undefined {
    if (!this.hasPrev) {
      this.hasPrev = true;
      this.prevMs = timeMs;
      this.prevNs = timeNs;
      return undefined;
    }
    const elapsed = (timeMs - this.prevMs) * NS_PER_MS + (timeNs - this.prevNs);
    this.prevMs = timeMs;
    this.prevNs = timeNs;
    return BigInt(Math.trunc(elapsed / this.unit));
  }
}

/** Mean of the last `n` values as a float, once `n` values have been seen. */
export class MovingAverage implements Transform {
  private readonly ring: number[];
  private filled = 0;
  private next = 0;
  private total = 0;
  private type: 'number' | 'bigint' | undefined;
  constructor(private readonly n: number) {
    if (!Number.isInteger(n) || n < 1) throw invalidArgument('movingAverage', `window must be a positive integer, got ${n}`);
    this.ring = new Array<number>(n).fill(0);
  }
  push(_timeMs: number, _timeNs: number, value: FieldValue): FieldValue | undefined {
    const t = numericType('movingAverage', value);
    if (this.type === undefined) this.type = t;
    else if (this.type !== t) throw mixedTypes('movingAverage');
    const v = typeof value === 'bigint' ? Number(value) : (value as number);
    if (this.filled === this.n) this.total -= this.ring[this.next];
    else this.filled++;
    this.ring[this.next] = v;
    this.total += v;
    this.next = (this.next + 1) % this.n;
    return this.filled === this.n ? this.total / this.n : undefined;
  }
}

/** Running total, same type as the input. */
export class CumulativeSum implements Transform {
  private total: number | bigint | undefined;
  push(_timeMs: number, _timeNs: number, value: FieldValue): FieldValue | undefined {
    const t = numericType('cumulativeSum', value);
    if (this.total === undefined) this.total = t === 'bigint' ? 0n : 0;
    else if (typeof this.total !== t) throw mixedTypes('cumulativeSum');
    this.total =
      typeof this.total === 'bigint'
        ? BigInt.asIntN(64, this.total + (value as bigint))
        : (this.total as number) + (value as number);
    return this.total;
  }
}

/** Runs a transformation over a whole run (in time order) and collects its outputs. */
export function transformRun(t: Transform, input: Samples): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < input.length; i++) {
    const v = t.push(input.timeMs[i], input.timeNs[i], input.values[i]);
    if (v !== undefined) out.push({ timeMs: input.timeMs[i], timeNs: input.timeNs[i], value: v });
  }
  return out;
}
