// Unit tests of the InfluxQL function library.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bottom,
  CumulativeSum,
  count,
  Derivative,
  Difference,
  distinct,
  Elapsed,
  first,
  holtWinters,
  last,
  max,
  mean,
  median,
  min,
  MovingAverage,
  mode,
  percentile,
  samplesOf,
  spread,
  stddev,
  sum,
  top,
  transformRun,
} from './index.ts';

describe('aggregates', () => {
  it('count counts any type, empty is 0', () => {
    assert.equal(count([1, 2, 3]), 3n);
    assert.equal(count(['a']), 1n);
    assert.equal(count([]), 0n);
  });
  it('sum keeps integers exact and floats as floats', () => {
    assert.equal(sum([1n, 2n, 3n]), 6n);
    assert.equal(sum([9007199254740991n, 10n]), 9007199254741001n);
    assert.equal(sum([1.5, 2.25]), 3.75);
    assert.equal(sum([]), null);
    assert.throws(() => sum([1, 2n]), { code: 'E_FUNC_MIXED_TYPES' });
    assert.throws(() => sum(['a']), { code: 'E_FUNC_UNSUPPORTED_TYPE' });
  });
  it('mean, median, spread, stddev, mode', () => {
    assert.equal(mean([1, 2, 3, 4]), 2.5);
    assert.equal(mean([1n, 2n]), 1.5);
    assert.equal(mean([]), null);
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4n, 1n, 3n, 2n]), 2.5);
    assert.equal(spread([3, 9, 1]), 8);
    assert.equal(spread([3n, 9n, 1n]), 8n);
    assert.equal(stddev([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7));
    assert.equal(stddev([1]), null);
    assert.equal(mode([1, 2, 2, 3, 3]), 2);
    assert.equal(mode(['b', 'a', 'b']), 'b');
  });
  it('distinct orders by first time then value', () => {
    const s = samplesOf<number>([
      [3, 5],
      [1, 7],
      [1, 2],
      [2, 7],
    ]);
    assert.deepEqual(
      distinct(s).map((x) => [x.timeMs, x.value]),
      [
        [1, 2],
        [1, 7],
        [3, 5],
      ],
    );
  });
});

describe('selectors', () => {
  const s = samplesOf<number>([
    [10, 4],
    [20, 9],
    [30, 1],
    [40, 9],
    [50, 3],
  ]);
  it('first/last/min/max', () => {
    assert.equal(first(s), 0);
    assert.equal(last(s), 4);
    assert.equal(min(s), 2);
    assert.equal(max(s), 1); // the earlier of the two 9s
    assert.equal(first(samplesOf<number>([])), -1);
  });
  it('first on equal times prefers the greater value', () => {
    assert.equal(first(samplesOf<number>([[5, 1], [5, 3], [6, 9]])), 1);
  });
  it('percentile is nearest rank', () => {
    assert.equal(s.values[percentile(s, 50)], 4);
    assert.equal(s.values[percentile(s, 100)], 9);
    assert.equal(percentile(s, 0), -1);
    assert.throws(() => percentile(s, 101), { code: 'E_FUNC_INVALID_ARGUMENT' });
  });
  it('top and bottom return time-ordered indices', () => {
    assert.deepEqual(top(s, 2), [1, 3]);
    assert.deepEqual(top(s, 3), [0, 1, 3]);
    assert.deepEqual(bottom(s, 2), [2, 4]);
    assert.deepEqual(top(s, 2, (i) => (i < 2 ? 'a' : 'b')), [1, 3]);
    assert.deepEqual(top(s, 2, (i) => (i === 1 || i === 3 ? 'same' : String(i))), [0, 1]);
  });
});

describe('transformations', () => {
  const s = samplesOf<number>([
    [0, 10],
    [1000, 12],
    [2000, 11],
    [2000, 50],
    [4000, 15],
  ]);
  it('difference skips duplicate times', () => {
    assert.deepEqual(
      transformRun(new Difference(), s).map((x) => x.value),
      [2, -1, 4],
    );
    assert.deepEqual(
      transformRun(new Difference(true), s).map((x) => x.value),
      [2, 4],
    );
  });
  it('derivative per unit', () => {
    assert.deepEqual(
      transformRun(new Derivative(1e9), s).map((x) => x.value),
      [2, -1, 2],
    );
    assert.deepEqual(
      transformRun(new Derivative(1e9, true), s).map((x) => x.value),
      [2, 2],
    );
  });
  it('elapsed gives integers', () => {
    assert.deepEqual(
      transformRun(new Elapsed(1e6), s).map((x) => x.value),
      [1000n, 1000n, 0n, 2000n],
    );
  });
  it('movingAverage and cumulativeSum', () => {
    assert.deepEqual(
      transformRun(new MovingAverage(2), s).map((x) => x.value),
      [11, 11.5, 30.5, 32.5],
    );
    assert.deepEqual(
      transformRun(new CumulativeSum(), samplesOf([[1, 1n], [2, 2n]])).map((x) => x.value),
      [1n, 3n],
    );
  });
});

describe('holtWinters', () => {
  it('follows a linear trend', () => {
    const pairs: [number, number][] = [];
    for (let i = 0; i < 20; i++) pairs.push([i * 1000, 10 + 2 * i]);
    const out = holtWinters(samplesOf(pairs), 3, 0, 1e9);
    assert.equal(out.length, 3);
    assert.deepEqual(
      out.map((x) => x.timeMs),
      [20000, 21000, 22000],
    );
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(out[k].value - (50 + 2 * k)) < 0.5, `forecast ${out[k].value}`);
  });
  it('with a season', () => {
    const pairs: [number, number][] = [];
    const pattern = [10, 20, 30, 20];
    for (let i = 0; i < 24; i++) pairs.push([i * 1000, pattern[i % 4]]);
    const out = holtWinters(samplesOf(pairs), 4, 4, 1e9, true);
    assert.equal(out.length, 28);
    const forecast = out.slice(24).map((x) => x.value);
    for (let k = 0; k < 4; k++) assert.ok(Math.abs(forecast[k] - pattern[k]) < 2, `season forecast ${forecast}`);
  });
});
