// When batch query nodes fire: every (from the start, or aligned) and Kapacitor's cron fields.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Instant, MINUTE, SECOND } from '../src/core/time.ts';
import { cronBatchSchedule, everySchedule } from '../src/pipeline/batch-schedule.ts';

const at = (ms: number, ns = 0): Instant => ({ ms, ns });
const M = 60_000;
/** 2023-11-14T22:14:00Z, a Tuesday. */
const T = 1_700_000_040_000;

describe('batch schedules', () => {
  it('every: one period after the start, then every period, nanoseconds kept', () => {
    const s = everySchedule(at(T + 25_000, 7), MINUTE, false);
    assert.equal(s.latest(at(T + 25_000 + M - 1, 7)), undefined);
    assert.deepEqual(s.next(at(T)), at(T + 25_000 + M, 7));
    assert.deepEqual(s.latest(at(T + 25_000 + 3 * M + 5)), at(T + 25_000 + 3 * M, 7));
    assert.deepEqual(s.latest(at(T + 25_000 + 3 * M, 6)), at(T + 25_000 + 2 * M, 7));
    assert.deepEqual(s.next(at(T + 25_000 + 2 * M, 7)), at(T + 25_000 + 3 * M, 7));
  });

  it('every with align(): multiples of every since the epoch', () => {
    const s = everySchedule(at(T + 25_000, 7), 30 * SECOND, true);
    assert.deepEqual(s.next(at(T + 25_000, 7)), at(T + 30_000));
    assert.deepEqual(s.latest(at(T + 95_000)), at(T + 90_000));
    assert.deepEqual(s.next(at(T + 90_000)), at(T + 120_000));
  });

  it('cron: 5 fields (Unix), 6 fields (minutes … year), 7 fields (seconds … year)', () => {
    for (const expr of ['*/2 * * * *', '*/2 * * * * *', '0 */2 * * * * *']) {
      const s = cronBatchSchedule(expr);
      assert.deepEqual(s.next(at(T + 10_000)), at(T + 2 * M), expr);
      assert.deepEqual(s.latest(at(T + 3 * M)), at(T + 2 * M), expr);
      assert.deepEqual(s.latest(at(T + 2 * M)), at(T + 2 * M), expr);
    }
    assert.deepEqual(cronBatchSchedule('30 * * * * * *').next(at(T)), at(T + 30_000));
  });

  it("cron day-of-week numbers are cronexpr's (Sunday = 0)", () => {
    // 2023-11-14 is a Tuesday (2); the next Sunday (0) is 2023-11-19.
    const sunday = Date.UTC(2023, 10, 19);
    assert.deepEqual(cronBatchSchedule('0 0 0 * * 0 *').next(at(T)), at(sunday));
    assert.deepEqual(cronBatchSchedule('0 0 * * 0').next(at(T)), at(sunday));
    assert.deepEqual(cronBatchSchedule('0 0 0 * * 2-3 *').next(at(T)), at(Date.UTC(2023, 10, 15)));
  });

  it('rejects invalid cron expressions', () => {
    assert.throws(() => cronBatchSchedule('0 61 * * * * *'), /minutes|61/);
    assert.throws(() => cronBatchSchedule('* *'), /invalid cron|fields/);
  });
});
