import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertEvent } from './event.ts';
import { CRITICAL, type Level, OK, WARNING } from './level.ts';
import { MatchExpression } from './match.ts';

function ev(level: Level, previousLevel: Level, tags: Record<string, string> = { host: 'a' }, duration = 0): AlertEvent {
  return {
    topic: 't',
    state: { id: 'i', message: 'm', details: '', time: { ms: 0, ns: 0 }, duration, level },
    data: { name: 'cpu', taskName: 'task', category: '', group: '', tags, fields: {}, recoverable: true, series: [] },
    previousLevel,
  };
}

test('changed(), level() and the level identifiers', () => {
  const m = new MatchExpression('changed() AND level() >= WARNING');
  assert.equal(m.matches(ev(CRITICAL, OK)), true);
  assert.equal(m.matches(ev(CRITICAL, CRITICAL)), false);
  assert.equal(m.matches(ev(OK, CRITICAL)), false);
  assert.equal(new MatchExpression('level() == OK').matches(ev(OK, WARNING)), true);
});

test('name(), taskName(), alertDuration() and tag references', () => {
  assert.equal(new MatchExpression(`name() == 'cpu' AND taskName() == 'task'`).matches(ev(OK, OK)), true);
  assert.equal(new MatchExpression('alertDuration() > 5m').matches(ev(WARNING, WARNING, {}, 6 * 60e9)), true);
  assert.equal(new MatchExpression('alertDuration() > 5m').matches(ev(WARNING, WARNING, {}, 60e9)), false);
  assert.equal(new MatchExpression(`"host" =~ /^a/`).matches(ev(OK, OK)), true);
  assert.equal(new MatchExpression(`"host" == 'b'`).matches(ev(OK, OK)), false);
});

test('unknown identifiers are refused when the handler is made; missing tags fail at evaluation', () => {
  assert.throws(() => new MatchExpression('level() > SEVERE'), /invalid match expression: unknown identifier "SEVERE"/);
  assert.throws(() => new MatchExpression('level( >'), /invalid match expression/);
  assert.throws(() => new MatchExpression(`"nope" == 'x'`).matches(ev(OK, OK)));
});
