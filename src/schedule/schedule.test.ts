import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cronDateToQuartz, parseCronDate } from './cron-date.ts';
import { cronSchedule } from './schedule.ts';

function fires(expression: string, from: string, n: number, timezone = 'UTC'): string[] {
  const schedule = cronSchedule(expression, { timezone });
  const out: string[] = [];
  let t = Date.parse(from);
  for (let i = 0; i < n; i++) {
    const next = schedule.next(t);
    if (next === undefined) break;
    out.push(new Date(next).toISOString().replace('.000Z', 'Z'));
    t = next;
  }
  return out;
}

describe('Quartz next fire times', () => {
  const table: [string, string, string[]][] = [
    ['*/5 * * * * ?', '2024-02-27T10:00:00Z', ['2024-02-27T10:00:05Z', '2024-02-27T10:00:10Z', '2024-02-27T10:00:15Z']],
    ['0 0/15 * * * ?', '2024-02-27T10:07:00Z', ['2024-02-27T10:15:00Z', '2024-02-27T10:30:00Z', '2024-02-27T10:45:00Z']],
    ['0 30 2 L * ?', '2024-02-10T00:00:00Z', ['2024-02-29T02:30:00Z', '2024-03-31T02:30:00Z', '2024-04-30T02:30:00Z']],
    ['0 30 2 L * ?', '2023-02-10T00:00:00Z', ['2023-02-28T02:30:00Z', '2023-03-31T02:30:00Z']],
    ['0 0 9 ? * 6L', '2024-02-27T10:00:00Z', ['2024-03-29T09:00:00Z', '2024-04-26T09:00:00Z']],
    ['0 0 9 ? * FRIL', '2024-02-27T10:00:00Z', ['2024-03-29T09:00:00Z']],
    ['0 0 9 15W * ?', '2024-06-01T00:00:00Z', ['2024-06-14T09:00:00Z', '2024-07-15T09:00:00Z']],
    ['0 0 9 LW * ?', '2024-03-01T00:00:00Z', ['2024-03-29T09:00:00Z', '2024-04-30T09:00:00Z']],
    ['0 0 9 ? * MON#1', '2024-02-27T10:00:00Z', ['2024-03-04T09:00:00Z', '2024-04-01T09:00:00Z']],
    ['0 0 9 ? * 2#1', '2024-02-27T10:00:00Z', ['2024-03-04T09:00:00Z', '2024-04-01T09:00:00Z']],
    ['0 0 1 1 1/3 ?', '2024-02-27T10:00:00Z', ['2024-04-01T01:00:00Z', '2024-07-01T01:00:00Z', '2024-10-01T01:00:00Z']],
    ['0 0 12 * * ? 2025', '2024-02-27T10:00:00Z', ['2025-01-01T12:00:00Z', '2025-01-02T12:00:00Z']],
    ['0 0 0 29 2 ?', '2024-03-01T00:00:00Z', ['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z']],
    ['0 0 0 31 * ?', '2024-04-01T00:00:00Z', ['2024-05-31T00:00:00Z', '2024-07-31T00:00:00Z', '2024-08-31T00:00:00Z']],
    ['0 15 10 ? * MON-FRI', '2024-03-01T11:00:00Z', ['2024-03-04T10:15:00Z', '2024-03-05T10:15:00Z']],
    ['0 0 0 ? * 1', '2024-03-01T00:00:00Z', ['2024-03-03T00:00:00Z', '2024-03-10T00:00:00Z']],
  ];
  for (const [expression, from, expected] of table) {
    it(`${expression} from ${from}`, () => {
      assert.deepEqual(fires(expression, from, expected.length), expected);
    });
  }
});

describe('Unix crontab next fire times', () => {
  const table: [string, string, string[]][] = [
    ['*/5 * * * *', '2024-02-27T10:00:00Z', ['2024-02-27T10:05:00Z', '2024-02-27T10:10:00Z']],
    ['0 9 * * 0', '2024-02-27T10:00:00Z', ['2024-03-03T09:00:00Z']],
    ['0 9 * * 7', '2024-02-27T10:00:00Z', ['2024-03-03T09:00:00Z']],
    // Vixie cron ORs day-of-month and day-of-week when both are restricted.
    ['0 9 1 * 1', '2024-02-27T10:00:00Z', ['2024-03-01T09:00:00Z', '2024-03-04T09:00:00Z', '2024-03-11T09:00:00Z']],
    ['30 23 28-31 2 *', '2024-02-27T10:00:00Z', ['2024-02-28T23:30:00Z', '2024-02-29T23:30:00Z', '2025-02-28T23:30:00Z']],
  ];
  for (const [expression, from, expected] of table) {
    it(`${expression} from ${from}`, () => {
      assert.deepEqual(fires(expression, from, expected.length), expected);
    });
  }
});

describe('time zones and DST', () => {
  it('a fixed time inside the spring-forward gap fires once, right after the gap', () => {
    // Europe/Berlin skips 02:00-03:00 local on 2024-03-31.
    assert.deepEqual(fires('0 30 2 * * ?', '2024-03-30T00:00:00Z', 3, 'Europe/Berlin'), [
      '2024-03-30T01:30:00Z',
      '2024-03-31T01:00:00Z',
      '2024-04-01T00:30:00Z',
    ]);
  });
  it('a fixed time repeated by the fall-back change fires once', () => {
    assert.deepEqual(fires('0 30 2 * * ?', '2024-10-26T00:00:00Z', 3, 'Europe/Berlin'), [
      '2024-10-26T00:30:00Z',
      '2024-10-27T00:30:00Z',
      '2024-10-28T01:30:00Z',
    ]);
  });
  it('an interval schedule runs on both passes of the repeated hour', () => {
    assert.deepEqual(fires('0 */30 * * * ?', '2024-10-27T00:10:00Z', 4, 'Europe/Berlin'), [
      '2024-10-27T00:30:00Z',
      '2024-10-27T01:00:00Z',
      '2024-10-27T01:30:00Z',
      '2024-10-27T02:00:00Z',
    ]);
  });
  it('US zones: the skipped 02:00 fires at 03:00 EDT; weekly schedules keep local time across the change', () => {
    assert.deepEqual(fires('0 0 2 * * ?', '2024-03-09T12:00:00Z', 3, 'America/New_York'), [
      '2024-03-10T07:00:00Z',
      '2024-03-11T06:00:00Z',
      '2024-03-12T06:00:00Z',
    ]);
    assert.deepEqual(fires('0 9 * * 1', '2024-10-28T00:00:00Z', 2, 'America/New_York'), [
      '2024-10-28T13:00:00Z',
      '2024-11-04T14:00:00Z',
    ]);
  });
  it('reads fields in the configured zone', () => {
    assert.deepEqual(fires('0 0 16 * * ?', '2024-01-01T00:00:00Z', 1, 'Asia/Shanghai'), ['2024-01-01T08:00:00Z']);
    assert.deepEqual(fires('0 16 * * *', '2024-07-01T00:00:00Z', 1, 'America/New_York'), ['2024-07-01T20:00:00Z']);
  });
  it('rejects an unknown zone', () => {
    assert.throws(() => cronSchedule('0 0 * * * ?', { timezone: 'Mars/Olympus' }), {
      code: 'E_SCHEDULE_INVALID_TIMEZONE',
    });
  });
  it('previous() is the last fire strictly before', () => {
    const s = cronSchedule('0 0 * * * ?');
    assert.equal(s.previous(Date.parse('2024-01-01T10:00:00Z')), Date.parse('2024-01-01T09:00:00Z'));
    assert.equal(s.previous(Date.parse('2024-01-01T10:00:01Z')), Date.parse('2024-01-01T10:00:00Z'));
  });
});

describe('cron validation', () => {
  const bad: [string, RegExp][] = [
    ['*/5 * * *', /6 or 7 fields|5 fields/],
    ['* * * * * * * *', /6 or 7 fields/],
    ['0 0 12 * * *', /one of them must be '\?'/],
    ['0 0 12 ? * ?', /'\?' can only be specified for day-of-month -OR- day-of-week/],
    ['0 ? 12 * * ?', /minutes: invalid value '\?'/],
    ['60 * * * * ?', /seconds: value 60 out of range 0-59/],
    ['0 0 24 * * ?', /hours: value 24 out of range 0-23/],
    ['0 0 0 32 * ?', /day-of-month: value 32 out of range 1-31/],
    ['0 0 0 ? 13 *', /month: value 13 out of range 1-12/],
    ['0 0 0 ? * 8', /day-of-week: value 8 out of range 1-7/],
    ['0 0 0 ? * 6#6', /occurrence 6 out of range 1-5/],
    ['0 0 0 L-3 * ?', /offsets from the last day/],
    ['0 0 0 1,L * ?', /must stand alone/],
    ['0 0 0 ? * 1,6L', /must stand alone/],
    ['0 0 0 * * ? 1969', /year: value 1969 out of range/],
    ['0 10-5 * * * ?', /runs backwards/],
    ['0 */0 * * * ?', /step 0 out of range/],
    ['0 0 0 ? * FOO', /invalid value 'FOO'/],
    ['* * * * 8', /day-of-week: value 8 out of range 0-7/],
    ['* * ? * *', /day-of-month: invalid value '\?'/],
    ['0 0 L * *', /day-of-month: invalid value 'L'/],
    ['', /empty expression/],
  ];
  for (const [expression, message] of bad) {
    it(`rejects ${JSON.stringify(expression)}`, () => {
      assert.throws(
        () => cronSchedule(expression),
        (err: Error & { code?: string }) => err.code === 'E_SCHEDULE_INVALID_CRON' && message.test(err.message),
      );
    });
  }
  it('accepts names and lists', () => {
    assert.equal(cronSchedule('0 0 8 ? JAN,JUL MON-FRI').dialect, 'quartz');
    assert.equal(cronSchedule('0 8 * jan mon-fri').dialect, 'unix');
  });
});

describe('minimum interval and never-firing schedules', () => {
  const now = Date.parse('2024-02-27T10:00:00Z');
  it('accepts the seed schedule without a minimum, and it fires every 5 seconds', () => {
    const s = cronSchedule('*/5 * * * * ?', { now, minIntervalMs: 0 });
    assert.equal(s.next(now), now + 5000);
  });
  it('rejects schedules tighter than the minimum interval', () => {
    assert.throws(() => cronSchedule('*/5 * * * * ?', { now, minIntervalMs: 60_000 }), {
      code: 'E_SCHEDULE_TOO_FREQUENT',
      message: 'schedule "*/5 * * * * ?" fires every 5s, more often than the minimum interval of 60s',
    });
    assert.throws(() => cronSchedule('0 0,1 * * * ?', { now, minIntervalMs: 120_000 }), { code: 'E_SCHEDULE_TOO_FREQUENT' });
    assert.equal(cronSchedule('0 * * * * ?', { now, minIntervalMs: 60_000 }).dialect, 'quartz');
  });
  it('rejects a schedule whose years are over', () => {
    assert.throws(() => cronSchedule('0 0 12 * * ? 2023', { now }), { code: 'E_SCHEDULE_NEVER_FIRES' });
  });
});

describe('cronDate', () => {
  const quartz = (input: Record<string, unknown>) => cronDateToQuartz(parseCronDate(input));
  it('applies the documented defaults and accepts numbers as strings', () => {
    assert.deepEqual(parseCronDate({}), { frequency: 'day', month: 1, date: 1, hour: 0, minute: 0 });
    assert.deepEqual(parseCronDate({ frequency: 'day', month: '1', date: '1', hour: '16', minute: '0' }), {
      frequency: 'day',
      month: 1,
      date: 1,
      hour: 16,
      minute: 0,
    });
  });
  it('maps every frequency to Quartz', () => {
    assert.equal(quartz({ frequency: 'minute' }), '0 * * * * ?');
    assert.equal(quartz({ frequency: 'hour', minute: 5 }), '0 5 * * * ?');
    assert.equal(quartz({ frequency: 'day', hour: 16, minute: 1 }), '0 1 16 * * ?');
    assert.equal(quartz({ frequency: 'weekly', date: 1, hour: 8 }), '0 0 8 ? * 2');
    assert.equal(quartz({ frequency: 'weekly', date: 7, hour: 8 }), '0 0 8 ? * 1');
    assert.equal(quartz({ frequency: 'month', date: 32, hour: 23, minute: 30 }), '0 30 23 L * ?');
    assert.equal(quartz({ frequency: 'quarter', month: 2, date: 15 }), '0 0 0 15 2,5,8,11 ?');
    assert.equal(quartz({ frequency: 'year', month: 1, date: 1, hour: 16, minute: 1 }), '0 1 16 1 1 ?');
  });
  it('fires as documented', () => {
    const at = (input: Record<string, unknown>, from: string, n: number) =>
      fires(cronDateToQuartz(parseCronDate(input)), from, n);
    assert.deepEqual(at({ frequency: 'month', date: '32', hour: '23', minute: '30' }, '2024-02-10T00:00:00Z', 3), [
      '2024-02-29T23:30:00Z',
      '2024-03-31T23:30:00Z',
      '2024-04-30T23:30:00Z',
    ]);
    // 1 = Monday ... 7 = Sunday.
    assert.deepEqual(at({ frequency: 'weekly', date: 1 }, '2024-03-01T00:00:00Z', 1), ['2024-03-04T00:00:00Z']);
    assert.deepEqual(at({ frequency: 'weekly', date: 7 }, '2024-03-01T00:00:00Z', 1), ['2024-03-03T00:00:00Z']);
    assert.deepEqual(at({ frequency: 'quarter', month: 3, date: 32 }, '2024-01-01T00:00:00Z', 4), [
      '2024-03-31T00:00:00Z',
      '2024-06-30T00:00:00Z',
      '2024-09-30T00:00:00Z',
      '2024-12-31T00:00:00Z',
    ]);
    assert.deepEqual(at({ frequency: 'year', month: 2, date: 29 }, '2024-03-01T00:00:00Z', 1), ['2028-02-29T00:00:00Z']);
    assert.deepEqual(at({ frequency: 'year', month: 2, date: 32 }, '2024-03-01T00:00:00Z', 2), [
      '2025-02-28T00:00:00Z',
      '2026-02-28T00:00:00Z',
    ]);
    assert.deepEqual(at({ frequency: 'hour', minute: 59 }, '2024-03-01T00:00:00Z', 2), ['2024-03-01T00:59:00Z', '2024-03-01T01:59:00Z']);
    assert.deepEqual(at({ frequency: 'minute' }, '2024-03-01T00:00:30Z', 2), ['2024-03-01T00:01:00Z', '2024-03-01T00:02:00Z']);
  });
  it('rejects out-of-range and impossible values', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ date: 33 }, /date must be an integer from 1 to 32, got 33/],
      [{ frequency: 'weekly', date: 8 }, /date must be an integer from 1 to 7/],
      [{ frequency: 'weekly', date: 0 }, /date must be an integer from 1 to 7/],
      [{ frequency: 'quarter', month: 4 }, /month must be an integer from 1 to 3/],
      [{ frequency: 'year', month: 13 }, /month must be an integer from 1 to 12/],
      [{ frequency: 'year', month: 2, date: 30 }, /date 30 does not exist in month 2/],
      [{ frequency: 'year', month: 4, date: 31 }, /date 31 does not exist in month 4/],
      [{ hour: 24 }, /hour must be an integer from 0 to 23/],
      [{ minute: '1.5' }, /minute must be an integer/],
      [{ frequency: 'hourly' }, /frequency must be one of minute, hour, day, weekly, month, quarter, year/],
    ];
    for (const [input, message] of bad) {
      assert.throws(() => parseCronDate(input), (err: Error & { code?: string }) => {
        return err.code === 'E_SCHEDULE_INVALID_CRONDATE' && message.test(err.message);
      }, JSON.stringify(input));
    }
    assert.throws(() => parseCronDate('day'), { code: 'E_SCHEDULE_INVALID_CRONDATE' });
  });
});
