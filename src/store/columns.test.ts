// SeriesColumns against a plain model: random in-order, out-of-order and same-time writes with
// varying field sets, compactions, views and trims.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fields } from '../core/point.ts';
import { SeriesColumns } from './columns.ts';
import { columnValue } from './series-store.ts';

function rows(s: SeriesColumns): string[] {
  s.compact();
  const view = s.view(0, s.length);
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const f: string[] = [];
    for (const [k, col] of [...view].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const v = columnValue(col, i);
      if (v !== undefined) f.push(`${k}=${typeof v === 'bigint' ? `${v}i` : JSON.stringify(v)}`);
    }
    out.push(`${s.timeMs[i]}.${s.timeNs[i]} ${f.join(',')}`);
  }
  return out;
}

function model(writes: Array<[number, number, Fields]>, fromMs = Number.NEGATIVE_INFINITY): string[] {
  const byTime = new Map<string, { ms: number; ns: number; fields: Fields }>();
  for (const [ms, ns, fields] of writes) {
    const k = `${ms}.${ns}`;
    const cur = byTime.get(k) ?? { ms, ns, fields: {} };
    Object.assign(cur.fields, fields);
    byTime.set(k, cur);
  }
  return [...byTime.values()]
    .filter((r) => r.ms >= fromMs)
    .sort((a, b) => a.ms - b.ms || a.ns - b.ns)
    .map(
      (r) =>
        `${r.ms}.${r.ns} ${Object.keys(r.fields)
          .sort()
          .map((k) => `${k}=${typeof r.fields[k] === 'bigint' ? `${r.fields[k]}i` : JSON.stringify(r.fields[k])}`)
          .join(',')}`,
    );
}

describe('SeriesColumns', () => {
  it('matches a plain model under random writes, compactions and trims', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    for (let round = 0; round < 20; round++) {
      const s = new SeriesColumns();
      const writes: Array<[number, number, Fields]> = [];
      let t = 1000;
      for (let i = 0; i < 300; i++) {
        // Mostly in order, sometimes back in time or at an existing time.
        const ms = rand(10) < 7 ? (t += rand(3)) : Math.max(0, t - rand(50));
        const ns = rand(3) * 1000;
        const fields: Fields = {};
        if (rand(3) > 0) fields.f = rand(1000) / 4;
        if (rand(3) === 0) fields.i = BigInt(rand(100) - 50);
        if (rand(4) === 0) fields.s = `s${rand(5)}`;
        if (rand(5) === 0) fields.b = rand(2) === 1;
        if (Object.keys(fields).length === 0) fields.f = 0.5;
        s.write(ms, ns, fields);
        writes.push([ms, ns, fields]);
        if (rand(40) === 0) assert.deepEqual(rows(s), model(writes));
      }
      assert.deepEqual(rows(s), model(writes));
      const cut = 1000 + rand(200);
      s.trimBefore(cut, 0);
      assert.deepEqual(rows(s), model(writes, cut));
    }
  });

  it('finds bounds exactly at nanosecond boundaries', () => {
    const s = new SeriesColumns();
    s.write(5, 1, { v: 1 });
    s.write(5, 2, { v: 2 });
    s.write(6, 0, { v: 3 });
    assert.equal(s.lowerBound(5, 2), 1);
    assert.equal(s.lowerBound(5, 3), 2);
    assert.equal(s.lowerBound(7, 0), 3);
  });
});
