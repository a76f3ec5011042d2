// The InfluxDB 1.x HTTP backend against a real influxd: the shared conformance cases, and the same
// InfluxQL over the same data answered alike by the embedded store and by influxd.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { renderResults } from '../src/api/influxdb/render.ts';
import { parseLineProtocol } from '../src/lineproto/parse.ts';
import { executeInfluxQL } from '../src/query/influxql/executor.ts';
import { openEmbeddedStore } from '../src/store/embedded-store.ts';
import { InfluxHttpStore } from '../src/store/influx-http-store.ts';
import { type InfluxdProcess, influxdMissing, startInfluxd } from '../src/store/influxd-process.ts';
import { MemoryDisk } from '../src/store/memory-disk.ts';
import { runSeriesStoreCases } from '../src/store/series-store.cases.ts';
import type { SeriesStore } from '../src/store/series-store.ts';

const missing = influxdMissing();

if (missing !== undefined) {
  describe('InfluxDB backend', () => {
    it('needs influxd', (t) => t.skip(missing));
  });
} else {
  let influxd: InfluxdProcess;
  before(async () => {
    influxd = await startInfluxd();
  });
  after(async () => {
    await influxd?.stop();
  });

  runSeriesStoreCases('influxdb 1.x over HTTP', async () => {
    const store = new InfluxHttpStore({ url: influxd.url });
    for (const db of await store.listDatabases()) await store.dropDatabase(db.name);
    return { store };
  });

  describe('embedded store and influxd answer the same InfluxQL alike', () => {
    let embedded: SeriesStore;
    let remote: InfluxHttpStore;
    const T0 = 1_700_000_000_000;
    before(async () => {
      remote = new InfluxHttpStore({ url: influxd.url });
      for (const db of await remote.listDatabases()) await remote.dropDatabase(db.name);
      embedded = await openEmbeddedStore({ dir: '/cmp', disk: new MemoryDisk() });
      const lines: string[] = [];
      // Deterministic pseudo-random data: 3 hosts × 2 regions, 10 s apart, with gaps and ns times.
      let seed = 7;
      const rand = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      for (let i = 0; i < 400; i++) {
        for (const host of ['h1', 'h2', 'h3']) {
          if (rand() < 0.15) continue;
          const region = host === 'h3' ? 'eu' : 'us';
          const t = BigInt(T0 + i * 10_000) * 1_000_000n + BigInt(Math.floor(rand() * 1000));
          const v = Math.round(rand() * 1000) / 8;
          const n = Math.floor(rand() * 100);
          const extra = rand() < 0.3 ? `,s="${host}-${i % 4}",ok=${i % 2 === 0}` : '';
          lines.push(`cpu,host=${host},region=${region} v=${v},n=${n}i${extra} ${t}`);
        }
      }
      lines.push('mem,host=h1 free=12i,used=3.5 1700000000000000000');
      // Fields written apart: rows where only some of a query's fields exist.
      lines.push('disk,host=h1 v=1,w=2 1700000000000000000', 'disk,host=h1 w=3 1700000001000000000', 'disk,host=h2 w=5 1700000002000000000');
      const body = lines.join('\n');
      for (const store of [embedded, remote]) {
        await store.createDatabase('cmp');
        await store.write(parseLineProtocol(Buffer.from(body), { database: 'cmp', retentionPolicy: '', precision: 'n', now: { ms: T0, ns: 0 } }));
      }
    });
    after(async () => {
      await embedded?.close();
    });

    const window = `time >= ${T0}ms AND time < ${T0 + 4_000_000}ms`;
    const queries = [
      'SELECT * FROM cpu WHERE time < 1700000100000000000',
      `SELECT mean(v) FROM cpu WHERE ${window} GROUP BY time(1m), host`,
      `SELECT count(v), sum(n), min(v), max(v), first(v), last(v), spread(n) FROM cpu WHERE ${window} GROUP BY time(5m)`,
      `SELECT median(v), stddev(v), percentile(v, 90) FROM cpu WHERE ${window} GROUP BY time(10m), region fill(none)`,
      `SELECT mean(v) FROM cpu WHERE ${window} AND host =~ /h[12]/ GROUP BY time(7m, 2m) fill(previous)`,
      `SELECT mean(v) FROM cpu WHERE ${window} AND (host = 'h1' OR region = 'eu') GROUP BY time(3m) fill(0)`,
      `SELECT max(v) FROM cpu WHERE ${window} AND host != 'h2'`,
      `SELECT v * 2 + n, s FROM cpu WHERE ${window} AND v > 100 AND host = 'h3' LIMIT 5 OFFSET 2`,
      `SELECT last(v) FROM cpu WHERE ${window} GROUP BY host SLIMIT 2 SOFFSET 1`,
      `SELECT v FROM cpu WHERE ${window} ORDER BY time DESC LIMIT 3`,
      `SELECT count(s), first(ok) FROM cpu WHERE ${window} GROUP BY host`,
      `SELECT derivative(mean(v), 1s), difference(max(n)) FROM cpu WHERE ${window} GROUP BY time(2m)`,
      `SELECT mean(v) FROM cpu WHERE ${window} GROUP BY time(1m) fill(linear) LIMIT 20`,
      `SELECT top(v, 3), bottom(n, 2) FROM cpu WHERE ${window}`.replace(', bottom(n, 2)', ''),
      `SELECT sum(n) FROM /c.u/ WHERE ${window} GROUP BY *`,
      `SELECT * FROM cpu WHERE ${window} AND host = 'h1' GROUP BY region LIMIT 5`,
      `SELECT spread(v), spread(n) FROM cpu WHERE ${window} GROUP BY time(15m)`,
      `SELECT cumulative_sum(n) FROM cpu WHERE ${window} AND host = 'h1' LIMIT 10`,
      `SELECT moving_average(v, 3) FROM cpu WHERE ${window} AND host = 'h1' LIMIT 10`,
      `SELECT elapsed(v, 1s) FROM cpu WHERE ${window} AND host = 'h2' LIMIT 5`,
      `SELECT count(v) FROM cpu WHERE ${window} AND v >= 50 AND s =~ /h1/ GROUP BY host`,
      `SELECT non_negative_derivative(max(n), 1m) FROM cpu WHERE ${window} GROUP BY time(5m), host SLIMIT 1`,
      `SELECT bottom(v, 2) FROM cpu WHERE ${window}`,
      `SELECT min(n) + max(n), sum(v) / count(v) FROM cpu WHERE ${window} GROUP BY time(20m) fill(none)`,
      `SELECT last(v) FROM cpu WHERE ${window} GROUP BY time(10m) ORDER BY time DESC LIMIT 3`,
      `SELECT v + w FROM disk WHERE ${window} GROUP BY host`,
      `SELECT v, w * 2 FROM disk WHERE ${window}`,
      "SHOW TAG VALUES WITH KEY =~ /h|r/",
      `SELECT count(distinct(n)), count(distinct(s)) FROM cpu WHERE ${window} GROUP BY time(30m), region`,
      'SHOW MEASUREMENTS',
      'SHOW TAG KEYS FROM cpu',
      "SHOW TAG VALUES FROM cpu WITH KEY = host WHERE region = 'us'",
      'SHOW FIELD KEYS',
      'SHOW SERIES FROM cpu',
      'SHOW RETENTION POLICIES',
    ];
    for (const q of queries) {
      it(q, async () => {
        const now = { ms: T0 + 3_600_000, ns: 0 };
        const ours = renderResults(await executeInfluxQL(embedded, q, { database: 'cmp', now }), undefined);
        const res = await fetch(`${influxd.url}/query?db=cmp&q=${encodeURIComponent(q)}`);
        const theirs = (await res.text()).trim();
        // Every query here selects data, so an empty answer on both sides would be a broken test.
        assert.match(ours, /"values":\[\[/);
        assertSameResults(ours, theirs);
      });
    }
  });
}

/**
 * Equal JSON, floats compared to 12 significant digits: the shared mean() sums incrementally while
 * InfluxDB divides a running sum, so the last bits of a mean may differ.
 */
function assertSameResults(ours: string, theirs: string): void {
  const a = JSON.parse(ours);
  const b = JSON.parse(theirs);
  const close = (x: unknown, y: unknown, path: string): void => {
    if (typeof x === 'number' && typeof y === 'number') {
      if (x === y || Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y))) return;
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      assert.equal(x.length, y.length, `${path}: ${JSON.stringify(x).slice(0, 300)} vs ${JSON.stringify(y).slice(0, 300)}`);
      for (let i = 0; i < x.length; i++) close(x[i], y[i], `${path}[${i}]`);
      return;
    }
    if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object') {
      assert.deepEqual(Object.keys(x).sort(), Object.keys(y).sort(), path);
      for (const k of Object.keys(x)) close((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`);
      return;
    }
    assert.deepEqual(x, y, path);
  };
  close(a, b, '$');
}
