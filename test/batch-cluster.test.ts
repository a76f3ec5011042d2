// Batch tasks with `.cluster('name')` against a real influxd configured as an `[[influxdb]]` entry:
// the query reads that InfluxDB (not the server's own store), the `default = true` entry serves
// queries that name no cluster, an unknown name fails the task's start, and a group whose result
// is all null arrives as an empty batch.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../src/core/time.ts';
import { type InfluxdProcess, influxdMissing, startInfluxd } from '../src/store/influxd-process.ts';
import { readJson, startTestServer, type TestServer } from './support/test-server.ts';

const missing = influxdMissing();

/** 2023-11-14T22:14:00Z, a whole minute: the servers' clocks start here. */
const C0 = 1_700_000_040_000;
const rfc = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** In influxd: h1 has v and w, h2 only w (so mean(v) + mean(w) is null in every bucket of h2). */
const REMOTE = [
  `cpu,host=h1 v=10,w=1 ${C0 - 170_000}`,
  `cpu,host=h1 v=20,w=2 ${C0 - 110_000}`,
  `cpu,host=h1 v=40 ${C0 - 100_000}`,
  `cpu,host=h2 w=5 ${C0 - 90_000}`,
];
/** In the server's own store, the same database and measurement with other values. */
const LOCAL = [`cpu,host=h1 v=1000,w=1 ${C0 - 110_000}`];

/** Every minute over the last three minutes before the fire, per host. */
function script(select: string, cluster: string): string {
  return `batch|query('''SELECT ${select} FROM "remote"."autogen"."cpu"''').period(3m).every(1m).groupBy(time(1m), 'host')${cluster}|httpOut('out')`;
}

async function createTask(base: string, id: string, tick: string): Promise<Response> {
  return fetch(`${base}/kapacitor/v1/tasks`, {
    method: 'POST',
    body: JSON.stringify({ id, type: 'batch', dbrps: [{ db: 'remote', rp: 'autogen' }], script: tick, status: 'enabled' }),
  });
}

/** The task's httpOut body once its first fire has been answered (reading influxd takes its time). */
async function firstOut(base: string, id: string): Promise<Record<string, unknown>[]> {
  for (let attempt = 0; ; attempt++) {
    const body = await readJson(await fetch(`${base}/kapacitor/v1/tasks/${id}/out`));
    if (body.series !== null) return body.series;
    if (attempt >= 100) throw new Error(`${id}: no batch after 10 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function write(base: string, lines: string[]): Promise<void> {
  const created = await fetch(`${base}/query?q=${encodeURIComponent('CREATE DATABASE "remote"')}`, { method: 'POST' });
  assert.equal(created.status, 200, await created.text());
  const res = await fetch(`${base}/write?db=remote&rp=autogen&precision=ms`, { method: 'POST', body: lines.join('\n') });
  assert.equal(res.status, 204, await res.text());
}

if (missing !== undefined) {
  describe('batch tasks on a named cluster', () => {
    it('needs influxd', (t) => t.skip(missing));
  });
} else {
  describe('batch tasks on a named cluster', () => {
    let influxd: InfluxdProcess;
    let named: TestServer;
    let byDefault: TestServer;
    const clock = new ManualClock({ ms: C0, ns: 0 });

    before(async () => {
      influxd = await startInfluxd();
      await write(influxd.url, REMOTE);
      named = await startTestServer({
        clock,
        configure: (c) => {
          c.sections.influxdb = [{ name: 'farm', urls: [influxd.url] }];
        },
      });
      await write(named.url, LOCAL);
      byDefault = await startTestServer({
        clock,
        configure: (c) => {
          c.sections.influxdb = [{ name: 'farm', urls: [influxd.url], default: true }];
        },
      });
      await write(byDefault.url, LOCAL);
    });

    after(async () => {
      await named?.stop();
      await byDefault?.stop();
      await influxd?.stop();
    });

    it("reads the named cluster's InfluxDB; without .cluster() the server's store or the default entry; all-null groups are empty batches", async () => {
      const mean = 'mean("v") AS "mean"';
      const sum = 'mean("v") + mean("w") AS "s"';
      for (const [id, tick] of [
        ['mean_farm', script(mean, `.cluster('farm')`)],
        ['mean_own', script(mean, '')],
        ['sum_farm', script(sum, `.cluster('farm')`)],
      ]) {
        const res = await createTask(named.url, id, tick);
        assert.equal(res.status, 200, await res.text());
      }
      const res = await createTask(byDefault.url, 'mean_default', script(mean, ''));
      assert.equal(res.status, 200, await res.text());

      // influxd itself answers h2's sum with nulls only: the premise of the empty batch.
      const window = `time >= ${C0 - 120_000}ms AND time < ${C0 + 60_000}ms`;
      const direct = await readJson(
        await fetch(`${influxd.url}/query?db=remote&q=${encodeURIComponent(`SELECT ${sum} FROM "cpu" WHERE ${window} GROUP BY time(1m), "host"`)}`),
      );
      const h2 = direct.results[0].series.find((s: { tags: { host: string } }) => s.tags.host === 'h2');
      assert.deepEqual(
        h2.values.map((v: unknown[]) => v[1]),
        [null, null, null],
      );

      clock.advance(60e9);
      // Window [C0 − 2m, C0 + 1m): buckets at C0 − 2m (h1: 20, 40 → 30), C0 − 1m and C0 (empty).
      const fromFarm = [{ name: 'cpu', tags: { host: 'h1' }, columns: ['time', 'mean'], values: [[rfc(C0 - 120_000), 30]] }];
      assert.deepEqual(await firstOut(named.url, 'mean_farm'), fromFarm);
      assert.deepEqual(await firstOut(byDefault.url, 'mean_default'), fromFarm);
      assert.deepEqual(await firstOut(named.url, 'mean_own'), [
        { name: 'cpu', tags: { host: 'h1' }, columns: ['time', 'mean'], values: [[rfc(C0 - 120_000), 1000]] },
      ]);
      // h1's w is 2 in the bucket at C0 − 2m (the v=40 point has none): 30 + 2. h2: an empty batch.
      assert.deepEqual(await firstOut(named.url, 'sum_farm'), [
        { name: 'cpu', tags: { host: 'h1' }, columns: ['time', 's'], values: [[rfc(C0 - 120_000), 32]] },
        { name: 'cpu', tags: { host: 'h2' } },
      ]);
      const stats = await readJson(await fetch(`${named.url}/kapacitor/v1/tasks/sum_farm`));
      assert.match(stats.dot, /batches_queried="2"/);
    });

    it('an unknown cluster name fails the task when it is enabled, with Kapacitor\'s error', async () => {
      const res = await createTask(named.url, 'nowhere', script('mean("v")', `.cluster('nowhere')`));
      const body = await readJson(res);
      assert.equal(res.status, 500);
      assert.equal(body.error, 'failed to get InfluxDB client: no such InfluxDB config nowhere');
    });
  });
}
