import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AlertBehaviour, AlertState, EMIT, SKIP, SUPPRESSED } from './alert-state.ts';
import { CRITICAL, INFO, type Level, LEVEL_NAMES, OK, WARNING } from './level.ts';
import { LevelRules } from './level-rules.ts';

const base: AlertBehaviour = { history: 21, stateChangesOnly: false, stateChangesOnlyNs: 0, noRecoveries: false, flapping: undefined };
const S = 1000; // ms per second

test('levels with resets follow the documented example', () => {
  const rules = new LevelRules<number>(
    [undefined, (v) => v > 60, (v) => v > 70, (v) => v > 80],
    [undefined, (v) => v < 50, (v) => v < 60, (v) => v < 70],
    () => {},
  );
  let cur: Level = OK;
  const seen: string[] = [];
  for (const v of [61, 73, 64, 85, 62, 56, 47]) {
    cur = rules.determine(v, cur);
    seen.push(LEVEL_NAMES[cur]);
  }
  assert.deepEqual(seen, ['INFO', 'WARNING', 'WARNING', 'CRITICAL', 'INFO', 'INFO', 'OK']);
});

test('a throwing test counts as false and is reported', () => {
  const errors: string[] = [];
  const rules = new LevelRules<number>(
    [undefined, undefined, (v) => v > 1, () => {
      throw new Error('boom');
    }],
    [],
    (err, l) => errors.push(`${LEVEL_NAMES[l]}:${(err as Error).message}`),
  );
  assert.equal(rules.determine(5, OK), WARNING);
  assert.deepEqual(errors, ['CRITICAL:boom']);
});

/** Runs levels through a state at one point per second; returns [decision, duration s] per point. */
function run(b: AlertBehaviour, levels: Level[]): [number, number][] {
  const s = new AlertState(b);
  return levels.map((l, i) => {
    const d = s.observe(i * S, 0, l);
    return [d, d === SKIP ? -1 : s.duration() / 1e9];
  });
}

test('without stateChangesOnly every non-OK point fires; OK fires only as a recovery', () => {
  assert.deepEqual(run(base, [OK, CRITICAL, CRITICAL, OK, OK]), [
    [SKIP, -1],
    [EMIT, 0],
    [EMIT, 1],
    [EMIT, 2],
    [SKIP, -1],
  ]);
});

test('stateChangesOnly and the duration of case 8 (9,9,8,8,6,8,8,8,3,5,7,7)', () => {
  const levels: Level[] = [CRITICAL, CRITICAL, WARNING, WARNING, OK, WARNING, WARNING, WARNING, OK, OK, OK, OK];
  const out = run({ ...base, stateChangesOnly: true }, levels)
    .map(([d, dur], i) => [i, d, dur])
    .filter(([, d]) => d !== SKIP);
  assert.deepEqual(out, [
    [0, EMIT, 0],
    [2, EMIT, 2],
    [4, EMIT, 4],
    [5, EMIT, 0],
    [8, EMIT, 3],
  ]);
});

test('stateChangesOnly(d) re-fires an unchanged level once d has passed since the last event', () => {
  const out = run({ ...base, stateChangesOnly: true, stateChangesOnlyNs: 3e9 }, [
    WARNING,
    WARNING,
    WARNING,
    WARNING,
    WARNING,
    WARNING,
    WARNING,
  ]).map(([d]) => d);
  assert.deepEqual(out, [EMIT, SKIP, SKIP, EMIT, SKIP, SKIP, EMIT]);
});

test('noRecoveries suppresses OK events but still ends the episode', () => {
  const s = new AlertState({ ...base, noRecoveries: true });
  assert.equal(s.observe(0, 0, CRITICAL), EMIT);
  assert.equal(s.observe(S, 0, OK), SUPPRESSED);
  assert.equal(s.observe(5 * S, 0, CRITICAL), EMIT);
  assert.equal(s.duration(), 0);
});

test('flapping: alternating levels enter flapping above high and leave below low', () => {
  const s = new AlertState({ ...base, history: 4, flapping: { low: 0.25, high: 0.5 } });
  const seq: Level[] = [OK, CRITICAL, OK, CRITICAL, OK, CRITICAL];
  const decisions = seq.map((l, i) => s.observe(i * S, 0, l));
  assert.equal(s.flapping, true);
  assert.ok(decisions.slice(3).every((d) => d === SKIP));
  for (let i = 0; i < 4; i++) s.observe((10 + i) * S, 0, CRITICAL);
  assert.equal(s.flapping, false);
  assert.ok(s.percentChange() < 0.25);
});

test('percentChange uses Kapacitor\'s weights (0.8 rising by 0.4/(n-1), walked from the newest slot)', () => {
  const s = new AlertState({ ...base, history: 5 });
  for (const l of [INFO, OK, OK, OK] as Level[]) s.addEvent(0, 0, l);
  // History [OK, INFO, OK, OK, OK]: the two changes fall on the 3rd and 4th weights (1.0 and 1.1).
  assert.ok(Math.abs(s.percentChange() - 2.1 / 4) < 1e-12);
  const steady = new AlertState({ ...base, history: 5 });
  for (let i = 0; i < 5; i++) steady.addEvent(0, 0, WARNING);
  assert.equal(steady.percentChange(), 0);
});

test('restore keeps the episode start so the recovery reports the whole duration', () => {
  const s = new AlertState({ ...base, stateChangesOnly: true });
  // Event stored at t=10s with duration 4s; the group is seen again at t=20s.
  s.restore(20 * S, 0, WARNING, 10 * S, 0, 4e9);
  assert.equal(s.observe(21 * S, 0, WARNING), SKIP);
  assert.equal(s.observe(22 * S, 0, OK), EMIT);
  assert.equal(s.duration(), 16e9);
});

test('sub-millisecond times keep exact durations', () => {
  const s = new AlertState(base);
  s.observe(1000, 999_999, CRITICAL);
  s.observe(1001, 1, CRITICAL);
  assert.equal(s.duration(), 2);
});
