// Batch tasks against the real thing: the same batch queries over the same data give the same
// batches from the embedded store, from a server database that lives in a real influxd, and from
// influxd itself answering Kapacitor's rewritten query (time window, GROUP BY, fill) turned into
// batches by Kapacitor's rules (nulls left out, rows without values dropped, a series of nulls only an
// empty batch).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultConfig } from '../src/config/config.ts';
import { ManualClock } from '../src/core/time.ts';
import { createServer, type Server } from '../src/server.ts';
import { type InfluxdProcess, influxdMissing, startInfluxd } from '../src/store/influxd-process.ts';

const missing = influxdMissing();

/** The parts a case is made of: the TICKscript properties and the same rewrite spelled for influxd. */
interface Case {
  id: string;
  select: string;
  where?: string;
  /** TICKscript `.groupBy(...)` arguments and the InfluxQL GROUP BY they mean. */
  groupBy?: { tick: string; influxql: string };
  fill?: { tick: string; influxql: string };
  periodMin: number;
  offsetMin?: number;
}

const CASES: Case[] = [
  {
    id: 'mean_by_host',
    select: 'mean("v") AS mean, max("n") AS max',
    groupBy: { tick: `time(1m), 'host'`, influxql: 'time(1m), "host"' },
    periodMin: 20,
  },
  {
    id: 'sum_offset_fill',
    select: 'sum("v") AS sum, count("n") AS count',
    where: `"region" = 'us'`,
    groupBy: { tick: `time(5m, 1m), 'host', 'region'`, influxql: 'time(5m, 1m), "host", "region"' },
    fill: { tick: '0', influxql: 'fill(0)' },
    periodMin: 30,
  },
  {
    id: 'previous',
    select: 'mean("v") AS mean',
    where: `"host" =~ /h[12]/`,
    groupBy: { tick: 'time(2m)', influxql: 'time(2m)' },
    fill: { tick: `'previous'`, influxql: 'fill(previous)' },
    periodMin: 40,
    offsetMin: 3,
  },
  {
    id: 'star_no_time',
    select: 'count("v") AS count, last("n") AS last, spread("v") AS spread',
    groupBy: { tick: '*', influxql: '*' },
    periodMin: 15,
  },
  {
    id: 'raw_rows',
    select: '"v", "n"',
    where: `"host" = 'h1' AND "v" > 60`,
    periodMin: 10,
    offsetMin: 5,
  },
];

const C0 = 1_700_003_640_000; // a whole minute, one hour after the first point
const T0 = 1_700_000_000_000;

/** Deterministic data: 3 hosts × 2 regions, 10 s apart, with gaps and nanosecond times. */
function lines(): string[] {
  const out: string[] = [];
  let seed = 11;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < 400; i++) {
    for (const host of ['h1', 'h2', 'h3']) {
      if (rand() < 0.2) continue;
      const t = BigInt(T0 + i * 10_000) * 1_000_000n + BigInt(Math.floor(rand() * 1000));
      out.push(`cpu,host=${host},region=${host === 'h3' ? 'eu' : 'us'} v=${Math.round(rand() * 1000) / 8},n=${Math.floor(rand() * 100)}i ${t}`);
    }
  }
  return out;
}

function script(c: Case, db: string): string {
  let q = `batch|query('''SELECT ${c.select} FROM "${db}"."autogen"."cpu"${c.where ? ` WHERE ${c.where}` : ''} ''')`;
  q += `.period(${c.periodMin}m).every(1m)`;
  if (c.offsetMin) q += `.offset(${c.offsetMin}m)`;
  if (c.groupBy) q += `.groupBy(${c.groupBy.tick})`;
  if (c.fill) q += `.fill(${c.fill.tick})`;
  return `${q}|httpOut('out')`;
}

/** Kapacitor's rewrite of the case's query for the fire at `tickMs`, as influxd is asked it. */
function rewritten(c: Case, tickMs: number): string {
  const stopMs = tickMs - (c.offsetMin ?? 0) * 60_000;
  const startMs = stopMs - c.periodMin * 60_000;
  const time = `time >= ${startMs}ms AND time < ${stopMs}ms`;
  let q = `SELECT ${c.select} FROM "cmp"."autogen"."cpu" WHERE ${c.where ? `(${c.where}) AND ` : ''}${time}`;
  if (c.groupBy) q += ` GROUP BY ${c.groupBy.influxql}`;
  if (c.fill) q += ` ${c.fill.influxql}`;
  return q;
}

interface Row {
  name?: string;
  tags?: Record<string, string>;
  columns?: string[];
  values?: unknown[][];
}

/** influxd's series as Kapacitor turns them into batches and httpOut renders them. */
function asBatches(series: Row[] | undefined): Row[] | null {
  const rows: Row[] = [];
  for (const s of series ?? []) {
    const cols = s.columns ?? [];
    const points: { time: string; fields: Record<string, unknown> }[] = [];
    for (const v of s.values ?? []) {
      const fields: Record<string, unknown> = {};
      for (let i = 0; i < cols.length; i++) if (cols[i] !== 'time' && v[i] !== null) fields[cols[i]] = v[i];
      if (Object.keys(fields).length > 0) points.push({ time: v[0] as string, fields });
    }
    const row: Row = { name: s.name };
    if (s.tags && Object.keys(s.tags).length > 0) row.tags = s.tags;
    rows.push(row);
    // A series of nulls only is an empty batch: httpOut shows its group without columns.
    if (points.length === 0) continue;
    const fieldCols = Object.keys(points[0].fields).sort();
    row.columns = ['time', ...fieldCols];
    row.values = points.map((p) => [p.time, ...fieldCols.map((f) => p.fields[f] ?? null)]);
  }
  return rows.length === 0 ? null : rows;
}

/** Equal JSON, floats to 12 significant digits (a mean's last bits depend on the summation). */
function assertClose(x: unknown, y: unknown, path: string): void {
  if (typeof x === 'number' && typeof y === 'number') {
    assert.ok(x === y || Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y)), `${path}: ${x} vs ${y}`);
    return;
  }
  if (Array.isArray(x) && Array.isArray(y)) {
    assert.equal(x.length, y.length, `${path}: ${JSON.stringify(x).slice(0, 400)} vs ${JSON.stringify(y).slice(0, 400)}`);
    for (let i = 0; i < x.length; i++) assertClose(x[i], y[i], `${path}[${i}]`);
    return;
  }
  if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object') {
    assert.deepEqual(Object.keys(x).sort(), Object.keys(y).sort(), path);
    for (const k of Object.keys(x)) assertClose((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  assert.deepEqual(x, y, path);
}

if (missing !== undefined) {
  describe('batch tasks against influxd', () => {
    it('needs influxd', (t) => t.skip(missing));
  });
} else {
  describe('batch tasks against influxd', () => {
    let influxd: InfluxdProcess;
    let server: Server;
    let url: string;
    let dir: string;
    const clock = new ManualClock({ ms: C0, ns: 0 });

    before(async () => {
      influxd = await startInfluxd();
      dir = mkdtempSync(join(tmpdir(), 'inductor-batch-influxd-'));
      const config = defaultConfig();
      config.dataDir = dir;
      config.http.port = 0;
      config.logging.level = 'silent';
      // `cmpr` lives in influxd: the server's batch tasks read it from there.
      config.sections.storage = { influxdb: { url: influxd.url }, databases: [{ name: 'cmpr', backend: 'influxdb', 'store-raw-writes': true }] };
      server = await createServer({ config, clock });
      url = await server.listen();
      const body = lines().join('\n');
      // The same lines: into the embedded `cmp`, into `cmpr` (stored by influxd through the server), and into influxd's own `cmp`.
      for (const [base, db] of [
        [url, 'cmp'],
        [url, 'cmpr'],
        [influxd.url, 'cmp'],
      ] as const) {
        const created = await fetch(`${base}/query?q=${encodeURIComponent(`CREATE DATABASE "${db}"`)}`, { method: 'POST' });
        assert.equal(created.status, 200, await created.text());
        const res = await fetch(`${base}/write?db=${db}&rp=autogen&precision=n`, { method: 'POST', body });
        assert.equal(res.status, 204, await res.text());
      }
    });

    after(async () => {
      await server?.close();
      await influxd?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('gives the same batches from the embedded store, an influxd-backed database and influxd itself', async () => {
      const start = clock.now().ms;
      for (const c of CASES) {
        for (const db of ['cmp', 'cmpr']) {
          const res = await fetch(`${url}/kapacitor/v1/tasks`, {
            method: 'POST',
            body: JSON.stringify({ id: `${c.id}_${db}`, dbrps: [{ db, rp: 'autogen' }], script: script(c, db), status: 'enabled' }),
          });
          assert.equal(res.status, 200, await res.text());
        }
      }
      for (let fire = 1; fire <= 2; fire++) {
        clock.advance(60e9);
        const tickMs = start + fire * 60_000;
        await new Promise((r) => setTimeout(r, 500));
        for (const c of CASES) {
          const res = await fetch(`${influxd.url}/query?db=cmp&q=${encodeURIComponent(rewritten(c, tickMs))}`);
          const answer = (await res.json()) as { results: { series?: Row[]; error?: string }[] };
          assert.equal(answer.results[0].error, undefined, rewritten(c, tickMs));
          const expected = asBatches(answer.results[0].series);
          assert.notEqual(expected, null, `${c.id}: the case must select data`);
          for (const db of ['cmp', 'cmpr']) {
            // The fire's query finishes on its own time (reading cmpr goes through influxd): retry for up to 5 s.
            for (let attempt = 0; ; attempt++) {
              const got = (await (await fetch(`${url}/kapacitor/v1/tasks/${c.id}_${db}/out`)).json()) as { series: Row[] | null };
              try {
                assertClose(got.series, expected, `${c.id} on ${db}, fire ${fire}`);
                break;
              } catch (err) {
                if (attempt >= 50) throw err;
                await new Promise((r) => setTimeout(r, 100));
              }
            }
          }
        }
      }
    });
  });
}
