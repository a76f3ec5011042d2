import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveTime } from './time-modifiers.ts';

const iso = (v: number | string) => (typeof v === 'string' ? v : new Date(v).toISOString());
// Wednesday 2024-03-13 10:37:42.500 UTC.
const NOW = Date.parse('2024-03-13T10:37:42.500Z');

describe('time modifiers', () => {
  const table: [string, string, string][] = [
    ['now', 'UTC', '2024-03-13T10:37:42.500Z'],
    ['-15m', 'UTC', '2024-03-13T10:22:42.500Z'],
    ['-1h@h', 'UTC', '2024-03-13T09:00:00.000Z'],
    ['@d', 'UTC', '2024-03-13T00:00:00.000Z'],
    ['-1d@d', 'UTC', '2024-03-12T00:00:00.000Z'],
    ['@d+8h', 'UTC', '2024-03-13T08:00:00.000Z'],
    ['@w0', 'UTC', '2024-03-10T00:00:00.000Z'],
    ['@w1', 'UTC', '2024-03-11T00:00:00.000Z'],
    ['-7d@w1', 'UTC', '2024-03-04T00:00:00.000Z'],
    ['@mon', 'UTC', '2024-03-01T00:00:00.000Z'],
    ['-1M@M', 'UTC', '2024-02-01T00:00:00.000Z'],
    ['@q', 'UTC', '2024-01-01T00:00:00.000Z'],
    ['-1y@y', 'UTC', '2023-01-01T00:00:00.000Z'],
    ['@s', 'UTC', '2024-03-13T10:37:42.000Z'],
    ['-2h30m', 'UTC', 'invalid time modifier \'-2h30m\''],
    ['-2h-30m', 'UTC', '2024-03-13T08:07:42.500Z'],
    ['@d', 'Asia/Shanghai', '2024-03-12T16:00:00.000Z'],
    ['1710300000', 'UTC', '2024-03-13T03:20:00.000Z'],
    ['1710300000123', 'UTC', '2024-03-13T03:20:00.123Z'],
    ['03/13/2024:08:00:00', 'UTC', '2024-03-13T08:00:00.000Z'],
    ['03/13/2024:08:00:00', 'America/New_York', '2024-03-13T12:00:00.000Z'],
    ['@x', 'UTC', "invalid snap unit in time modifier '@x'"],
    ['@d2', 'UTC', "only @w takes a weekday number, in '@d2'"],
  ];
  for (const [text, zone, expected] of table) {
    it(`${text} in ${zone}`, () => {
      assert.equal(iso(resolveTime(text, NOW, zone)), expected);
    });
  }

  it('month arithmetic keeps the day within the month', () => {
    assert.equal(iso(resolveTime('-1mon', Date.parse('2024-03-31T12:00:00Z'), 'UTC')), '2024-02-29T12:00:00.000Z');
    assert.equal(iso(resolveTime('+1y', Date.parse('2024-02-29T12:00:00Z'), 'UTC')), '2025-02-28T12:00:00.000Z');
  });

  it('days are calendar days across a DST change', () => {
    // Berlin springs forward on 2024-03-31: one day before 2024-04-01 12:00 local is 2024-03-31 12:00 local.
    assert.equal(iso(resolveTime('-1d', Date.parse('2024-04-01T10:00:00Z'), 'Europe/Berlin')), '2024-03-31T10:00:00.000Z');
    assert.equal(iso(resolveTime('-1d', Date.parse('2024-03-31T10:00:00Z'), 'Europe/Berlin')), '2024-03-30T11:00:00.000Z');
    assert.equal(iso(resolveTime('@d', Date.parse('2024-03-31T10:00:00Z'), 'Europe/Berlin')), '2024-03-30T23:00:00.000Z');
  });
});
