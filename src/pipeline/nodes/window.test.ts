// Window semantics on the engine: bounds, alignment, fill period, counts and barriers.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, EngineHarness } from '../testing.ts';

const T0 = 1_600_000_000;

function counts(h: EngineHarness, id: string): [string, number][] {
  const series = h.out(id, 'o').series;
  return series === null ? [] : (series[0].values as [string, number][]);
}

describe('window', () => {
  it('time windows are left-closed: a point at the window end opens the next window', () => {
    const h = new EngineHarness();
    h.start('t', `stream|from().measurement('m')|window().period(5s).every(5s)|count('v')|httpOut('o')`);
    h.write([0, 4, 5].map((s) => `m v=1 ${T0 + s}`));
    assert.deepEqual(counts(h, 't'), [[at(T0, 5), 2]]);
    h.write([`m v=1 ${T0 + 10}`]);
    assert.deepEqual(counts(h, 't'), [[at(T0, 10), 1]]);
  });

  it('an empty window still emits a batch (count 0) when the next point skips past it', () => {
    const h = new EngineHarness();
    h.start('t', `stream|from().measurement('m')|window().period(5s).every(5s)|count('v')|httpOut('o')`);
    h.write([`m v=1 ${T0}`, `m v=1 ${T0 + 5}`, `m v=1 ${T0 + 30}`]);
    // At +30 the window [5, 10) holds the point at +5.
    assert.deepEqual(counts(h, 't'), [[at(T0, 10), 1]]);
  });

  it('align + fillPeriod: the first emit waits for a whole aligned period', () => {
    const h = new EngineHarness();
    h.start('t', `stream|from().measurement('m')|window().period(10s).every(5s).align().fillPeriod()|count('v')|httpOut('o')`);
    h.write([3, 6, 9, 12, 14].map((s) => `m v=1 ${T0 + s}`));
    assert.deepEqual(h.out('t', 'o'), { series: null });
    h.write([`m v=1 ${T0 + 15}`]);
    // First end: T0+3+10 = 13, aligned down to 10 (not after 13), so 15; window [5, 15).
    assert.deepEqual(counts(h, 't'), [[at(T0, 15), 4]]);
  });

  it('count windows emit every everyCount points over the last periodCount', () => {
    const h = new EngineHarness();
    h.start('t', `stream|from().measurement('m')|window().periodCount(2).everyCount(1)|sum('v')|httpOut('o')`);
    h.write([1, 2, 4].map((v, i) => `m v=${v} ${T0 + i}`));
    assert.deepEqual(counts(h, 't'), [[at(T0, 2), 6]]);
  });

  it('groups window independently', () => {
    const h = new EngineHarness();
    h.start('t', `stream|from().measurement('m').groupBy('g')|window().period(5s).every(5s)|count('v')|httpOut('o')`);
    h.write([`m,g=a v=1 ${T0}`, `m,g=b v=1 ${T0 + 2}`, `m,g=a v=1 ${T0 + 5}`, `m,g=b v=1 ${T0 + 7}`]);
    const series = h.out('t', 'o').series!;
    assert.deepEqual(
      series.map((r) => [(r.tags as Record<string, string>).g, r.values]),
      [
        ['a', [[at(T0, 5), 1]]],
        ['b', [[at(T0, 7), 1]]],
      ],
    );
  });

  it('rejects a window without period or periodCount', () => {
    const h = new EngineHarness();
    assert.throws(() => h.start('t', `stream|from()|window().every(5s)|httpOut('o')`), /period/);
  });

  it('live groups keep their windows when idle expiry compacts the group slots', () => {
    const h = new EngineHarness({ groupIdleMs: 5_000 });
    const task = h.start(
      't',
      `var s = stream|from().measurement('m').groupBy('g')
s|window().period(10s).every(10s)|httpOut('o')
s|window().periodCount(2).everyCount(2)|httpOut('c')`,
    );
    h.write(Array.from({ length: 98 }, (_, i) => `m,g=g${i} v=1 ${T0}`));
    h.advance(3_000);
    // Still active after the sweep: a lone one-float point, a lone point with other tags and
    // fields, and a buffer of two points.
    h.write([`m,g=g99 v=2 ${T0 + 1}`, `m,g=g98,x=y a=1.5,b=2i ${T0 + 1}`, `m,g=g50 v=3 ${T0 + 2}`]);
    h.advance(3_000);
    assert.equal(task.workingCardinality(), 3 * 2 + 1); // two windows of three groups, httpOut 'c' for g50
    h.write([`m,g=g98 v=1 ${T0 + 11}`, `m,g=g99 v=1 ${T0 + 11}`, `m,g=g50 v=1 ${T0 + 11}`]);
    assert.deepEqual(h.out('t', 'o').series, [
      { name: 'm', tags: { g: 'g98' }, columns: ['time', 'a', 'b', 'x'], values: [[at(T0, 1), 1.5, 2, 'y']] },
      { name: 'm', tags: { g: 'g99' }, columns: ['time', 'v'], values: [[at(T0, 1), 2]] },
      {
        name: 'm',
        tags: { g: 'g50' },
        columns: ['time', 'v'],
        values: [
          [at(T0, 0), 1],
          [at(T0, 2), 3],
        ],
      },
    ]);
    const c = h.out('t', 'c').series!;
    assert.deepEqual(
      c.map((r) => [(r.tags as Record<string, string>).g, (r.values as unknown[][]).map((v) => v[0])]),
      [
        ['g50', [at(T0, 0), at(T0, 2)]],
        ['g98', [at(T0, 1), at(T0, 11)]],
        ['g99', [at(T0, 1), at(T0, 11)]],
      ],
    );
  });
});
