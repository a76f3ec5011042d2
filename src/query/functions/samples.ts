// The input shape of every InfluxQL function: parallel columns of exact times and typed values.

import { type FieldType, type FieldValue, fieldType } from '../../core/point.ts';

/**
 * A run of samples, oldest first (callers keep them in arrival order; functions that care about
 * time order say so). Columns rather than objects so that the columnar store can pass its arrays
 * as they are and the stream engine can fill reusable ones.
 */
export interface Samples<V extends FieldValue = FieldValue> {
  readonly length: number;
  /** Whole milliseconds since the epoch. */
  readonly timeMs: ArrayLike<number>;
  /** Nanoseconds within the millisecond, 0..999_999. */
  readonly timeNs: ArrayLike<number>;
  readonly values: ArrayLike<V>;
}

/** A result sample: its exact time and value. */
export interface Sample<V extends FieldValue = FieldValue> {
  timeMs: number;
  timeNs: number;
  value: V;
}

/** Builds samples from plain arrays (tests, small callers). */
export function samples<V extends FieldValue>(timeMs: number[], values: V[], timeNs?: number[]): Samples<V> {
  return { length: values.length, timeMs, timeNs: timeNs ?? new Array<number>(values.length).fill(0), values };
}

/** Builds samples from `[timeMs, value]` pairs. */
export function samplesOf<V extends FieldValue>(pairs: ReadonlyArray<readonly [number, V]>): Samples<V> {
  return samples(
    pairs.map((p) => p[0]),
    pairs.map((p) => p[1]),
  );
}

/** Growable columns that a caller refills per batch without reallocating. */
export class SampleBuffer implements Samples {
  length = 0;
  timeMs: number[] = [];
  timeNs: number[] = [];
  values: FieldValue[] = [];

  clear(): void {
    this.length = 0;
  }

  push(timeMs: number, timeNs: number, value: FieldValue): void {
    const i = this.length++;
    this.timeMs[i] = timeMs;
    this.timeNs[i] = timeNs;
    this.values[i] = value;
  }

  /** Drops references beyond the current length so buffered values can be collected. */
  trim(): void {
    // Setting an array's length is a runtime call even when nothing changes: only shrink.
    if (this.values.length === this.length) return;
    this.timeMs.length = this.length;
    this.timeNs.length = this.length;
    this.values.length = this.length;
  }
}

/** The kind of the first value, or undefined when the run is empty. */
export function kindOf(values: ArrayLike<FieldValue>): FieldType | undefined {
  return values.length === 0 ? undefined : fieldType(values[0]);
}

export function compareTimes(aMs: number, aNs: number, bMs: number, bNs: number): number {
  return aMs !== bMs ? aMs - bMs : aNs - bNs;
}
