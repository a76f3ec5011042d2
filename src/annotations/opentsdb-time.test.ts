import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMillis, parseOpentsdbDuration, parseOpentsdbTime, toMillis } from './opentsdb-time.ts';

const NOW = 1_700_000_000_123;

describe('parseOpentsdbTime', () => {
  it('absent or empty is -1 (not set)', () => {
    assert.equal(parseOpentsdbTime(undefined, NOW), -1);
    assert.equal(parseOpentsdbTime('', NOW), -1);
  });
  it('epoch seconds (≤ 10 digits) become ms; longer numbers are ms; n.nnn is seconds with ms', () => {
    assert.equal(parseOpentsdbTime('1369141261', NOW), 1369141261000);
    assert.equal(parseOpentsdbTime('1388450560000', NOW), 1388450560000);
    assert.equal(parseOpentsdbTime('1369141261.250', NOW), 1369141261250);
    assert.equal(parseOpentsdbTime('1500ms', NOW), 1500);
  });
  it('now and relative times', () => {
    assert.equal(parseOpentsdbTime('now', NOW), NOW);
    assert.equal(parseOpentsdbTime('1h-ago', NOW), NOW - 3_600_000);
    assert.equal(parseOpentsdbTime('2w-ago', NOW), NOW - 14 * 86_400_000);
    assert.equal(parseOpentsdbTime('1n-ago', NOW), NOW - 30 * 86_400_000);
  });
  it('absolute dates in UTC', () => {
    assert.equal(parseOpentsdbTime('2012/02/02', NOW), Date.UTC(2012, 1, 2));
    assert.equal(parseOpentsdbTime('2012/02/02-00:00:01', NOW), Date.UTC(2012, 1, 2, 0, 0, 1));
    assert.equal(parseOpentsdbTime('2012/02/02 12:30', NOW), Date.UTC(2012, 1, 2, 12, 30));
  });
  it('garbage is a 400-kind error', () => {
    for (const bad of ['yesterday', '2012/13/40', '12.5', '1x-ago', '2012/02/30']) {
      assert.throws(() => parseOpentsdbTime(bad, NOW), (e: { code: string }) => e.code === 'E_OTSDB_BAD_TIME', bad);
    }
  });
  it('durations and the seconds/ms rule', () => {
    assert.equal(parseOpentsdbDuration('15m'), 900_000);
    assert.throws(() => parseOpentsdbDuration('0s'));
    assert.equal(isMillis(4294967295), false);
    assert.equal(isMillis(4294967296), true);
    assert.equal(toMillis(1369141261), 1369141261000);
    assert.equal(toMillis(1369141261001), 1369141261001);
  });
});
