// join node: sets kept as numbers or as field objects give the same joined points, in order, with fill.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Point } from '../../core/point.ts';
import { EngineHarness } from '../testing.ts';

const T0 = 1_700_000_000;

/** A harness whose influxDBOut writes land in `points`, one write per point. */
function capture(): { h: EngineHarness; points: Point[] } {
  const points: Point[] = [];
  const h = new EngineHarness({
    writer: {
      write: async (ps) => {
        points.push(...ps);
      },
    },
  });
  return { h, points };
}

const OUT = `|influxDBOut().database('o').retentionPolicy('r').measurement('j').buffer(1)`;

const rows = (points: Point[]) => points.map((p) => [p.timeMs / 1000 - T0, p.tags.h, p.fields]);

describe('join', () => {
  it('joins a stream with its shifted copy over many sets, out-of-order times included', () => {
    const { h, points } = capture();
    h.start('t', `var d = stream|from().measurement('m').groupBy('h')
var past = d|shift(100s)
past|join(d).as('past', 'now')${OUT}`);
    const lines: string[] = [];
    // 300 s in order for two hosts, then a late point for a time still waiting for its present.
    for (let s = 0; s < 300; s++) {
      lines.push(`m,h=a v=${s + 0.5},w=${-s - 1} ${T0 + s}`);
      lines.push(`m,h=b v=${s * 2} ${T0 + s}`);
    }
    h.write(lines);
    const expected: unknown[] = [];
    for (let s = 100; s < 300; s++) {
      expected.push([s, 'a', { 'past.v': s - 100 + 0.5, 'past.w': -(s - 100) - 1, 'now.v': s + 0.5, 'now.w': -s - 1 }]);
      expected.push([s, 'b', { 'past.v': (s - 100) * 2, 'now.v': s * 2 }]);
    }
    assert.deepEqual(rows(points), expected);
    points.length = 0;
    // A shifted point lands at 350 after 300..349 wait: the set opens between them.
    h.write([`m,h=a v=7.25,w=1 ${T0 + 250}`]);
    h.write(
      Array.from({ length: 60 }, (_, i) => `m,h=a v=${1000 + i},w=0 ${T0 + 300 + i}`),
    );
    assert.deepEqual(rows(points).slice(0, 3), [
      [300, 'a', { 'past.v': 200.5, 'past.w': -201, 'now.v': 1000, 'now.w': 0 }],
      [301, 'a', { 'past.v': 201.5, 'past.w': -202, 'now.v': 1001, 'now.w': 0 }],
      [302, 'a', { 'past.v': 202.5, 'past.w': -203, 'now.v': 1002, 'now.w': 0 }],
    ]);
    // 350 has two past points (the one of 250 and the late one): the first set joins the first.
    const at350 = rows(points).filter((r) => r[0] === 350);
    assert.deepEqual(at350, [[350, 'a', { 'past.v': 250.5, 'past.w': -251, 'now.v': 1050, 'now.w': 0 }]]);
  });

  it('keeps points whose fields change shape, integers and strings as they are', () => {
    const { h, points } = capture();
    h.start('t', `var a = stream|from().measurement('a')
var b = stream|from().measurement('b')
a|join(b).as('a', 'b')${OUT}`);
    const a = ['x=1.5', 'x=2.5,y=1.0', 'x=3i', 'y=4.0,x=4.5', 'x="s"', 'x=6.5'];
    // b runs one second behind a, so a's sets wait as numbers or objects until b fills them.
    h.write([`b z=9.5 ${T0 - 1}`, ...a.flatMap((f, s) => [`a ${f} ${T0 + s}`, ...(s > 0 ? [`b z=${s - 1}.25 ${T0 + s - 1}`] : [])])]);
    h.write([`b z=5.25 ${T0 + 5}`]);
    assert.deepEqual(
      points.map((p) => p.fields),
      [
        { 'a.x': 1.5, 'b.z': 0.25 },
        { 'a.x': 2.5, 'a.y': 1, 'b.z': 1.25 },
        { 'a.x': 3n, 'b.z': 2.25 },
        { 'a.y': 4, 'a.x': 4.5, 'b.z': 3.25 },
        { 'a.x': 's', 'b.z': 4.25 },
        { 'a.x': 6.5, 'b.z': 5.25 },
      ],
    );
  });

  it('fills a missing parent with the field names of the first parent present', () => {
    const { h, points } = capture();
    h.start('t', `var a = stream|from().measurement('a')
var b = stream|from().measurement('b')
a|join(b).as('a', 'b').fill(0.0)${OUT}`);
    h.write([`a x=1.5,y=-0.0 ${T0}`, `a x=2.5,y=2.0 ${T0 + 1}`]);
    h.write([`b x=9.5,y=8.0 ${T0 + 1}`, `b x=3.5,y=3.0 ${T0 + 2}`]);
    assert.deepEqual(
      points.map((p) => [p.timeMs / 1000 - T0, p.fields]),
      [
        [0, { 'a.x': 1.5, 'a.y': -0, 'b.x': 0, 'b.y': 0 }],
        [1, { 'a.x': 2.5, 'a.y': 2, 'b.x': 9.5, 'b.y': 8 }],
      ],
    );
    assert.ok(Object.is(points[0].fields['a.y'], -0));
  });

  it('names each joined point after its first parent while names change with sets waiting', () => {
    const { h, points } = capture();
    h.start('t', `var a = stream|from().where(lambda: "side" == 'a')
var b = stream|from().where(lambda: "side" == 'b')
a|join(b).as('a', 'b')|influxDBOut().database('o').retentionPolicy('r').buffer(1)`);
    // Once b has reported, 200 sets of a wait with a name each (the group's name table compacts
    // while they wait), and b then fills them in order.
    h.write([`other side="b",v=-1.0 ${T0 - 1}`]);
    h.write(Array.from({ length: 200 }, (_, s) => `m${s} side="a",v=${s}.5 ${T0 + s}`));
    h.write(Array.from({ length: 200 }, (_, s) => `other side="b",v=${s}.25 ${T0 + s}`));
    assert.equal(points.length, 200);
    points.forEach((p, s) => {
      assert.equal(p.name, `m${s}`);
      assert.deepEqual(p.fields, { 'a.side': 'a', 'a.v': s + 0.5, 'b.side': 'b', 'b.v': s + 0.25 });
    });
  });

  it('joins float fields whose number changes every time the sets run out', () => {
    const { h, points } = capture();
    h.start('t', `var a = stream|from().measurement('a')
var b = stream|from().measurement('b')
a|join(b).as('a', 'b')${OUT}`);
    // Each pair joins at once, so every point of a finds no set waiting and fixes a new layout.
    const lines: string[] = [];
    const expected: Record<string, number>[] = [];
    for (let s = 0; s < 150; s++) {
      const width = (s % 7) + 1;
      const fields = Array.from({ length: width }, (_, k) => `f${k}=${s + k / 10}`);
      lines.push(`a ${fields.join(',')} ${T0 + s}`, `b z=${s}.5 ${T0 + s}`);
      const joined: Record<string, number> = {};
      for (let k = 0; k < width; k++) joined[`a.f${k}`] = s + k / 10;
      joined['b.z'] = s + 0.5;
      expected.push(joined);
    }
    h.write(lines);
    assert.deepEqual(points.map((p) => p.fields), expected);
  });
});
