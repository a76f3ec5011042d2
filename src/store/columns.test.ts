// SeriesColumns against a plain model: random in-order, out-of-order and same-time writes with
// varying field sets, as objects and as staged line-protocol lines, compactions, views and trims.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fields } from '../core/point.ts';
import { parseLineProtocol } from '../lineproto/parse.ts';
import { SeriesColumns } from './columns.ts';
import { FieldStager } from './field-layouts.ts';
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

/** A deterministic pseudo-random integer source: rand(n) is in [0, n). */
function seeded(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
}

/** The end of a random round: every write is there, then exactly those a trim keeps. */
function checkRound(s: SeriesColumns, writes: Array<[number, number, Fields]>, rand: (n: number) => number): void {
  assert.deepEqual(rows(s), model(writes));
  const cut = 1000 + rand(200);
  s.trimBefore(cut, 0);
  assert.deepEqual(rows(s), model(writes, cut));
}

describe('SeriesColumns', () => {
  it('matches a plain model under random writes, compactions and trims', () => {
    const rand = seeded(42);
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
      checkRound(s, writes, rand);
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

describe('SeriesColumns.appendStaged', () => {
  /** Appends the lines of `body` (one series) the way the store does, in the given order. */
  function appendBody(s: SeriesColumns, body: string, order?: number[]): void {
    const batch = parseLineProtocol(Buffer.from(body), { database: 'db', retentionPolicy: '', precision: 'n', now: { ms: 0, ns: 0 } });
    const staged = new FieldStager().stage(batch);
    const lines = Int32Array.from(order ?? Array.from({ length: batch.length }, (_, i) => i));
    s.appendStaged(lines, 0, lines.length, batch.timeMs, batch.timeNs, staged, (i) => batch.fields(i));
  }

  it('matches a plain model for staged lines of every kind, out of order, repeated keys and times', () => {
    const rand = seeded(7);
    const ints = [0n, 1n, -1n, -5n, 4294967295n, 4294967296n, -4294967297n, 999999999999999n, -999999999999999n, 9223372036854775807n, -9223372036854775808n];
    for (let round = 0; round < 20; round++) {
      const s = new SeriesColumns();
      const writes: Array<[number, number, Fields]> = [];
      let t = 1000;
      for (let b = 0; b < 8; b++) {
        const lines: string[] = [];
        for (let i = 0; i < 60; i++) {
          const ms = rand(10) < 7 ? (t += rand(3)) : Math.max(0, t - rand(50));
          const ns = rand(3) * 1000;
          const fields: Fields = {};
          const text: string[] = [];
          if (rand(3) > 0) {
            fields.f = rand(1000) / 4;
            text.push(`f=${fields.f}`);
          }
          if (rand(3) === 0) {
            fields.i = ints[rand(ints.length)];
            text.push(`i=${fields.i}i`);
          }
          if (rand(4) === 0) {
            fields.s = `s "${rand(5)}"`;
            text.push(`s="s \\"${fields.s.slice(3, 4)}\\""`);
          }
          if (rand(5) === 0) {
            fields.b = rand(2) === 1;
            text.push(`b=${fields.b ? 't' : 'FALSE'}`);
          }
          if (text.length === 0 || rand(15) === 0) {
            // A key given twice: the last value counts.
            text.push('f=1.5', 'f=0.5');
            fields.f = 0.5;
          }
          lines.push(`m ${text.join(',')} ${BigInt(ms) * 1_000_000n + BigInt(ns)}`);
          writes.push([ms, ns, fields]);
        }
        appendBody(s, lines.join('\n'));
        if (rand(3) === 0) assert.deepEqual(rows(s), model(writes));
      }
      checkRound(s, writes, rand);
    }
  });

  it('keeps a batch\'s lines in the order given, so the later of two writes at one time wins', () => {
    const s = new SeriesColumns();
    appendBody(s, 'm v=1 5\nm v=2 5\nm v=3 4', [2, 1, 0]);
    assert.deepEqual(rows(s), ['0.4 v=3', '0.5 v=1']);
  });

  it('merges thousands of late rows into the sorted arrays while writing', () => {
    const s = new SeriesColumns();
    const late: string[] = [];
    appendBody(s, Array.from({ length: 5000 }, (_, i) => `m v=${i} ${(10_000 + i) * 1_000_000}`).join('\n'));
    for (let i = 0; i < 5000; i++) late.push(`m w=${i}i ${(10_000 - 5000 + i) * 1_000_000}`);
    appendBody(s, late.join('\n'));
    assert.ok(s.length > 5000, 'late rows were merged without a compaction being asked for');
    assert.equal(s.rowCount, 10_000);
    s.compact();
    const view = s.view(0, s.length);
    assert.equal(columnValue(view.get('w') as never, 0), 0n);
    assert.equal(columnValue(view.get('v') as never, 0), undefined);
    assert.equal(columnValue(view.get('v') as never, 9_999), 4999);
  });

  it('writes every row below its length in full, absent values as zero, though grown arrays start unfilled', () => {
    const s = new SeriesColumns();
    // Growing past the first capacities moves the rows into buffers that are not zero-filled.
    const lines = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `m f=1.5,n=7i,b=true,s="x" ${i + 1}` : `m s="y" ${i + 1}`));
    appendBody(s, lines.join('\n'));
    const frozen = s.freeze();
    assert.equal(frozen.length, 300);
    for (const col of frozen.columns) {
      if (col.type === 'string') continue;
      const values = col.values as Float64Array | BigInt64Array | Uint8Array;
      const zero = col.type === 'integer' ? 0n : 0;
      for (let i = 0; i < 300; i++) if (i % 3 !== 0) assert.equal(values[i], zero, `${col.key} row ${i}`);
      assert.deepEqual([...(col.valid as Uint8Array).subarray(0, 6)], [1, 0, 0, 1, 0, 0]);
    }
  });
});
