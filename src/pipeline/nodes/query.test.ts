// query(): empty batches for all-null series, and `.cluster()` choosing the store a query reads.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../core/time.ts';
import { parseLineProtocol } from '../../lineproto/parse.ts';
import { openEmbeddedStore } from '../../store/embedded-store.ts';
import { MemoryDisk } from '../../store/memory-disk.ts';
import type { SeriesStore } from '../../store/series-store.ts';
import { evaluateProgram } from '../../tick/evaluate.ts';
import { parse } from '../../tick/parser.ts';
import { StreamEngine } from '../engine.ts';
import type { QueryStoreResolver } from './query.ts';

/** 2023-11-14T22:14:00Z, a whole minute. */
const T0 = 1_700_000_040_000;

async function storeWith(lines: string[]): Promise<SeriesStore> {
  const store = await openEmbeddedStore({ dir: '/q', disk: new MemoryDisk() });
  await store.createDatabase('d');
  const now = { ms: T0, ns: 0 };
  await store.write(parseLineProtocol(Buffer.from(lines.join('\n')), { database: 'd', retentionPolicy: 'autogen', precision: 'ms', now }));
  return store;
}

function engine(clock: ManualClock, queryStores: QueryStoreResolver): StreamEngine {
  return new StreamEngine({
    clock,
    subscribe: () => () => {},
    repeat: () => () => {},
    logger: { log: () => {} },
    queryStores,
  });
}

function start(e: StreamEngine, id: string, script: string): void {
  e.start({ id, pipeline: evaluateProgram(parse(script), 'batch').pipeline, dbrps: [{ db: 'd', rp: 'autogen' }] });
}

/** The parsed httpOut body once the fire's query has delivered (the store answers asynchronously). */
async function out(e: StreamEngine, id: string, endpoint: string): Promise<{ series: Record<string, unknown>[] }> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const body = JSON.parse(e.httpOut(id, endpoint) ?? 'null');
    if (body?.series !== null) return body;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no data on ${id}/${endpoint}`);
}

describe('query node', () => {
  it('a series whose rows are all null is an empty batch: httpOut shows the group without values, count gives 0', async () => {
    // host=b has no `v`, so mean(v) + mean(w) is null in every bucket (influxd answers the same).
    const store = await storeWith([`cpu,host=a v=1,w=2 ${T0 + 10_000}`, `cpu,host=b w=5 ${T0 + 20_000}`]);
    const clock = new ManualClock({ ms: T0, ns: 0 });
    const e = engine(clock, (name) => (name === '' ? store : undefined));
    const q = `var q = batch|query('SELECT mean("v") + mean("w") AS "s" FROM "d"."autogen"."cpu"').period(1m).every(1m).groupBy(time(1m), 'host')`;
    start(e, 't', `${q}\nq|httpOut('raw')\nq|count('s')|httpOut('count')`);
    clock.advance(60e9);
    e.tick();
    const rfc = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    assert.deepEqual((await out(e, 't', 'raw')).series, [
      { name: 'cpu', tags: { host: 'a' }, columns: ['time', 's'], values: [[rfc(T0), 3]] },
      { name: 'cpu', tags: { host: 'b' } },
    ]);
    // Grouped by time, a batch's time is its last point's, and the window's stop when it has none.
    const stop = rfc(T0 + 60_000);
    assert.deepEqual((await out(e, 't', 'count')).series, [
      { name: 'cpu', tags: { host: 'a' }, columns: ['time', 'count'], values: [[rfc(T0), 1]] },
      { name: 'cpu', tags: { host: 'b' }, columns: ['time', 'count'], values: [[stop, 0]] },
    ]);
    const stats = e.stats('t')?.['node-stats'];
    assert.ok(stats !== undefined);
    const query = Object.entries(stats).find(([name]) => name.startsWith('query'))?.[1] as Record<string, number>;
    assert.equal(query.batches_queried, 2);
    assert.equal(query.points_queried, 1);
    e.stopAll();
    await store.close();
  });

  it(".cluster('name') reads that cluster's store; an unknown name fails when the task starts", async () => {
    const local = await storeWith([`cpu v=1 ${T0 + 30_000}`]);
    const remote = await storeWith([`cpu v=7 ${T0 + 30_000}`]);
    const asked: string[] = [];
    const clock = new ManualClock({ ms: T0, ns: 0 });
    const e = engine(clock, (name) => {
      asked.push(name);
      return name === '' ? local : name === 'remote' ? remote : undefined;
    });
    const script = (cluster: string) =>
      `batch|query('SELECT "v" FROM "d"."autogen"."cpu"').period(1m).every(1m)${cluster}|httpOut('o')`;
    start(e, 'named', script(`.cluster('remote')`));
    start(e, 'unnamed', script(''));
    assert.throws(() => start(e, 'unknown', script(`.cluster('nowhere')`)), {
      message: 'failed to get InfluxDB client: no such InfluxDB config nowhere',
    });
    assert.equal(e.isExecuting('unknown'), false);
    assert.deepEqual(asked, ['remote', '', 'nowhere']);
    clock.advance(60e9);
    e.tick();
    const value = async (id: string) => ((await out(e, id, 'o')).series[0].values as unknown[][])[0][1];
    assert.equal(await value('named'), 7);
    assert.equal(await value('unnamed'), 1);
    e.stopAll();
    await local.close();
    await remote.close();
  });

  it('without any store a batch task cannot start', () => {
    const e = engine(new ManualClock({ ms: T0, ns: 0 }), () => undefined);
    assert.throws(() => start(e, 't', `batch|query('SELECT "v" FROM "d"."autogen"."cpu"').period(1m).every(1m)|httpOut('o')`), {
      message: /InfluxDB not configured, cannot query InfluxDB for batch query/,
    });
  });
});
