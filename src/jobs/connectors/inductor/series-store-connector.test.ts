// Inductor source and sink over the embedded series store (memory disk), and the ingest write path.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { SqliteMetaStore } from '../../../meta/sqlite-meta-store.ts';
import { openEmbeddedStore } from '../../../store/embedded-store.ts';
import { MemoryDisk } from '../../../store/memory-disk.ts';
import { scanPoints } from '../../../store/series-store.ts';
import { builtinRegistry } from '../../builtins.ts';
import type { JsonObject } from '../../config/hocon.ts';
import { parseSchema } from '../../config/schema.ts';
import { JobService } from '../../job-service.ts';
import type { Row, Value } from '../../row.ts';
import { sinkConformance, sourceConformance } from '../contract.cases.ts';
import { seriesStoreSinkFactory, seriesStoreSourceFactory } from './series-store-connector.ts';

const store = await openEmbeddedStore({ dir: '/s', disk: new MemoryDisk() });
await store.createDatabase('db');
after(() => store.close());
const points = [];
for (let h = 0; h < 3; h++)
  for (let i = 0; i < 1000; i++)
    points.push({ database: 'db', retentionPolicy: '', name: 'cpu', tags: { host: `h${h}` }, fields: { v: i * 0.5, n: BigInt(i) }, timeMs: 1_700_000_000_000 + i, timeNs: h * 7 });
await store.write(points);
const ctx = (options: JsonObject) => ({ jobId: '3', mode: 'BATCH' as const, pluginName: 'Inductor', options, services: { seriesStore: store }, log: () => {} });

sourceConformance('Inductor series-store source', {
  make: async () => {
    const s = seriesStoreSourceFactory.create(ctx({ database: 'db', measurement: 'cpu' }));
    await s.prepare?.();
    return s;
  },
  expectedRows: 3000,
});

const schema = parseSchema({ fields: { ts: 'timestamp', host: 'string', v: 'double', n: 'bigint' } }, 't', 'x')!;
const rows: Row[] = Array.from({ length: 50 }, (_, i) => ({ kind: 0, values: [`2024-01-01T00:00:00.${String(i).padStart(9, '0')}`, `h${i % 2}`, i / 4, BigInt(i)] as Value[] }));
sinkConformance('Inductor series-store sink', {
  make: () => seriesStoreSinkFactory.create(ctx({ database: 'out', measurement: 'm', key_time: 'ts', key_tags: ['host'] })),
  schema,
  rows,
  transactional: false,
  readBack: async () => {
    const out: Value[][] = [];
    if (!(await store.getDatabase('out'))) return out;
    for await (const p of scanPoints(store, { database: 'out', measurement: 'm' }))
      out.push([`2024-01-01T00:00:00.${String((p.timeMs - Date.UTC(2024, 0, 1)) * 1e6 + p.timeNs).padStart(9, '0')}`, p.tags.host, p.fields.v as number, p.fields.n as bigint]);
    return out;
  },
  reset: async () => {
    await store.dropDatabase('out');
  },
});

test('Inductor source schema and exact nanosecond times; a job moves points store → store via Sql', async () => {
  const s = seriesStoreSourceFactory.create(ctx({ database: 'db', measurement: 'cpu', fields: ['v'] }));
  await s.prepare?.();
  assert.deepEqual(
    s.schema().fields.map((f) => [f.name, f.type.kind]),
    [['time', 'timestamp'], ['host', 'string'], ['v', 'double']],
  );
  const jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry(), services: { seriesStore: store } });
  const { jobId } = await jobs.submit({
    env: { 'job.mode': 'BATCH' },
    source: [{ plugin_name: 'Inductor', plugin_output: 'cpu', database: 'db', measurement: 'cpu' }],
    transform: [{ plugin_name: 'Sql', plugin_input: 'cpu', plugin_output: 'hot', query: "select time, host, v * 2 as v2 from cpu where v >= 499 and host = 'h1'" }],
    sink: [{ plugin_name: 'Inductor', plugin_input: 'hot', database: 'derived', measurement: 'cpu2', key_time: 'time', key_tags: ['host'] }],
  });
  const rec = await jobs.waitFor(jobId);
  assert.equal(rec?.status, 'FINISHED', rec?.errorMsg ?? '');
  const got = [];
  for await (const p of scanPoints(store, { database: 'derived', measurement: 'cpu2' })) got.push(p);
  assert.equal(got.length, 2);
  assert.deepEqual([got[0].tags, got[0].fields, got[0].timeMs, got[0].timeNs], [{ host: 'h1' }, { v2: 998 }, 1_700_000_000_998, 7]);
  const missing = seriesStoreSourceFactory.create(ctx({ database: 'nope', measurement: 'cpu' }));
  await assert.rejects(missing.prepare!(), /database not found: nope/);
  const noStore = seriesStoreSourceFactory.create({ ...ctx({ database: 'db', measurement: 'cpu' }), services: {} });
  await assert.rejects(noStore.prepare!(), /no series store is configured/);
});

test('Inductor sink with write_path = ingest sends line protocol through the write path (what stream tasks see)', async () => {
  const requests: { database: string; retentionPolicy: string | undefined; precision: string; body: string }[] = [];
  const ingest = async (r: { database: string; retentionPolicy: string | undefined; precision: string; body: Uint8Array }) => {
    requests.push({ ...r, body: new TextDecoder().decode(r.body) });
    return 1;
  };
  const sink = seriesStoreSinkFactory.create({
    ...ctx({ database: 'telegraf', measurement: 'cpu usage', key_time: 'ts', key_tags: ['host'], write_path: 'ingest' }),
    services: { ingest },
  });
  await sink.open(schema);
  await sink.write(rows.slice(1, 3));
  await sink.prepareCommit(1);
  assert.deepEqual(requests, [
    {
      database: 'telegraf',
      retentionPolicy: undefined,
      precision: 'ns',
      body: 'cpu\\ usage,host=h1 v=0.25,n=1i 1704067200000000001\ncpu\\ usage,host=h0 v=0.5,n=2i 1704067200000000002',
    },
  ]);
  assert.throws(() => seriesStoreSinkFactory.create(ctx({ database: 'x', measurement: 'm', write_path: 'ingest' })), /no write path/);
});
