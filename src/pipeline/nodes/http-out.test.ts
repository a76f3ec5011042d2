// httpOut rows: latest message per group, group-creation order, idle expiry.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PointBatch } from '../../lineproto/point-batch.ts';
import { at, EngineHarness } from '../testing.ts';

const T0 = 1_600_000_000;

describe('httpOut', () => {
  it('keeps the latest point of each group with all its tags and fields', () => {
    const h = new EngineHarness();
    h.start('t', `stream|from().measurement('m').groupBy('g')|httpOut('o')`);
    h.write([`m,g=a v=1 ${T0}`, `m,g=a,x=1 v=2,w="s" ${T0 + 1}`, `m,g=b v=3 ${T0 + 1}`, `m,g=b v=4 ${T0 + 2}`]);
    assert.deepEqual(h.out('t', 'o').series, [
      { name: 'm', tags: { g: 'a', x: '1' }, columns: ['time', 'v', 'w'], values: [[at(T0, 1), 2, 's']] },
      { name: 'm', tags: { g: 'b' }, columns: ['time', 'v'], values: [[at(T0, 2), 4]] },
    ]);
  });

  it('rows stay in group-creation order when new groups reuse the slots of expired ones', () => {
    const h = new EngineHarness({ groupIdleMs: 5_000 });
    h.start('t', `stream|from().measurement('m').groupBy('g')|httpOut('o')`);
    h.write(['a', 'b', 'c'].map((g) => `m,g=${g} v=1 ${T0}`));
    h.advance(3_000);
    h.write([`m,g=b v=2 ${T0 + 1}`]);
    h.advance(3_000);
    h.write(['d', 'e', 'a'].map((g) => `m,g=${g} v=3 ${T0 + 2}`));
    assert.deepEqual(
      h.out('t', 'o').series!.map((r) => [(r.tags as Record<string, string>).g, (r.values as unknown[][])[0][1]]),
      [
        ['b', 2],
        ['d', 3],
        ['e', 3],
        ['a', 3],
      ],
    );
  });

  it('reads only the where fields of every point, and the latest point of each group whole once per write', (t) => {
    const h = new EngineHarness();
    h.start('t', `stream|from().measurement('m').where(lambda: "v" > 0.0)|groupBy('g')|httpOut('o')`);
    const fields = t.mock.method(PointBatch.prototype, 'fields');
    const lines: string[] = [];
    for (let i = 1; i <= 100; i++) lines.push(`m,g=${i % 2 === 0 ? 'a' : 'b'} v=${i}.5,n=${i}i,s="x${i}",ok=true ${T0 + i}`);
    lines.push(`m,g=a v=-1.5,n=0i ${T0 + 101}`);
    h.write(lines);
    const whole = fields.mock.calls.filter((c) => c.arguments[1] === undefined);
    assert.equal(whole.length, 2);
    assert.deepEqual(h.out('t', 'o').series, [
      { name: 'm', tags: { g: 'b' }, columns: ['time', 'n', 'ok', 's', 'v'], values: [[at(T0, 99), 99, true, 'x99', 99.5]] },
      { name: 'm', tags: { g: 'a' }, columns: ['time', 'n', 'ok', 's', 'v'], values: [[at(T0, 100), 100, true, 'x100', 100.5]] },
    ]);
  });

  it('keeps the latest point whole of groups created while a write is delivered', () => {
    const h = new EngineHarness();
    h.start('t', `stream|from().measurement('m').groupBy('g')|httpOut('o')`);
    h.write([`m,g=0 v=1 ${T0}`]);
    // Hundreds of new groups in one write: the task's slot columns grow while points are kept unread.
    h.write(Array.from({ length: 300 }, (_, i) => `m,g=${i} v=${i}i,w="w${i}" ${T0 + 1}`));
    const series = h.out('t', 'o').series!;
    assert.equal(series.length, 300);
    for (const [i, row] of series.entries()) {
      assert.deepEqual(row, { name: 'm', tags: { g: String(i) }, columns: ['time', 'v', 'w'], values: [[at(T0, 1), i, `w${i}`]] });
    }
  });

  it('keeps every field when another node reads the same points whole', () => {
    const h = new EngineHarness();
    h.start(
      't',
      `var a = stream|from().measurement('m')
       a|httpOut('o')
       a|window().period(10s).every(10s)|httpOut('w')`,
    );
    h.write([`m v=1,x="a" ${T0}`, `m v=2,x="b" ${T0 + 11}`]);
    assert.deepEqual(h.out('t', 'o').series, [{ name: 'm', columns: ['time', 'v', 'x'], values: [[at(T0, 11), 2, 'b']] }]);
    assert.deepEqual(h.out('t', 'w').series, [{ name: 'm', columns: ['time', 'v', 'x'], values: [[at(T0, 0), 1, 'a']] }]);
  });

  it('keeps the latest point whole behind each of several from() nodes', () => {
    const h = new EngineHarness();
    h.start(
      't',
      `stream|from().measurement('m').where(lambda: "v" > 1)|httpOut('m')
       stream|from().measurement('n')|httpOut('n')`,
    );
    h.write([`m v=2i,x=true ${T0}`, `n u=1.5 ${T0}`, `m v=1i,x=false ${T0 + 1}`, `n u=2.5,y="z" ${T0 + 2}`]);
    assert.deepEqual(h.out('t', 'm').series, [{ name: 'm', columns: ['time', 'v', 'x'], values: [[at(T0, 0), 2, true]] }]);
    assert.deepEqual(h.out('t', 'n').series, [{ name: 'n', columns: ['time', 'u', 'y'], values: [[at(T0, 2), 2.5, 'z']] }]);
  });
});

