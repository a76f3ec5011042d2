import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregate, downsample, parseDownsample, rate } from './aggregators.ts';

const a = { times: [0, 10, 20], values: [1, 2, 3] };
const b = { times: [0, 20], values: [10, 30] };

describe('aggregators', () => {
  it('sum and avg interpolate linearly inside a series, never beyond it', () => {
    assert.deepEqual(aggregate('sum', [a, b]), { times: [0, 10, 20], values: [11, 22, 33] });
    assert.deepEqual(aggregate('avg', [a, { times: [10], values: [4] }]), { times: [0, 10, 20], values: [1, 3, 3] });
  });
  it('zimsum counts missing as 0; mimmax ignores missing; count', () => {
    assert.deepEqual(aggregate('zimsum', [a, b]).values, [11, 2, 33]);
    assert.deepEqual(aggregate('mimmax', [a, b]).values, [10, 2, 30]);
    assert.deepEqual(aggregate('count', [a, b]).values, [2, 1, 2]);
  });
  it('dev is the sample standard deviation', () => {
    assert.equal(aggregate('dev', [{ times: [0], values: [2] }, { times: [0], values: [4] }]).values[0], Math.SQRT2);
  });
  it('unknown aggregators are rejected', () => {
    assert.throws(() => aggregate('median', [a]), { message: 'No such aggregator: median' });
  });
});

describe('downsampling and rate', () => {
  it('parses interval-aggregator[-fill]', () => {
    assert.deepEqual(parseDownsample('1m-avg'), { intervalMs: 60_000, aggregator: 'avg', fill: 'none' });
    assert.deepEqual(parseDownsample('0all-sum-zero'), { intervalMs: 0, aggregator: 'sum', fill: 'zero' });
    assert.throws(() => parseDownsample('1m'));
    assert.throws(() => parseDownsample('1m-avg-sideways'));
  });
  it('buckets on epoch-aligned interval starts, with fill policies', () => {
    const s = { times: [1000, 2000, 61_000], values: [1, 3, 5] };
    assert.deepEqual(downsample(s, parseDownsample('1m-avg'), 0, 120_000), { times: [0, 60_000], values: [2, 5] });
    assert.deepEqual(downsample(s, parseDownsample('1m-sum-zero'), 0, 120_000), { times: [0, 60_000, 120_000], values: [4, 5, 0] });
    assert.deepEqual(downsample(s, parseDownsample('1m-sum-null'), 0, 120_000).values, [4, 5, null]);
    assert.deepEqual(downsample(s, parseDownsample('0all-max'), 500, 120_000), { times: [500], values: [5] });
  });
  it('rate is per second between consecutive points', () => {
    assert.deepEqual(rate({ times: [0, 2000, 3000], values: [0, 10, 5] }), { times: [2000, 3000], values: [5, -5] });
  });
});
