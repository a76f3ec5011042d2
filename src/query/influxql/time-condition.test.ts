// Tests for splitting a WHERE clause into its time range and the remaining condition.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instant } from '../../core/time.ts';
import { parseExpr } from './parser.ts';
import { splitTimeCondition } from './time-condition.ts';

const NOW = instant(1_000, 0);
const split = (where: string) => splitTimeCondition(parseExpr(where), NOW);

describe('splitTimeCondition', () => {
  it('bounds the range with an inclusive start and an exclusive end for each operator', () => {
    assert.deepEqual(split('time > 5').range, { start: instant(0, 6) });
    assert.deepEqual(split('time >= 5').range, { start: instant(0, 5) });
    assert.deepEqual(split('time < 5').range, { end: instant(0, 5) });
    assert.deepEqual(split('time <= 5').range, { end: instant(0, 6) });
    assert.deepEqual(split('time = 5').range, { start: instant(0, 5), end: instant(0, 6) });
  });

  it('reads a comparison with time on the right the other way round', () => {
    assert.deepEqual(split('5 < time').range, { start: instant(0, 6) });
    assert.deepEqual(split('now() >= time').range, { end: instant(1_000, 1) });
  });

  it('keeps the narrowest bounds of an AND chain and returns the rest of it', () => {
    const { range, rest } = split("time >= 5 AND host = 'a' AND time >= 7 AND time < 9 AND time <= 20");
    assert.deepEqual(range, { start: instant(0, 7), end: instant(0, 9) });
    assert.deepEqual(rest, parseExpr("host = 'a'"));
  });

  it('refuses operators that bound nothing and time inside OR', () => {
    assert.throws(() => split('time != 5'), /invalid time comparison operator: !=/);
    assert.throws(() => split("time > 5 OR host = 'a'"), /time conditions must be joined with AND/);
  });
});
