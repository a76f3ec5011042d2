// The reference's connector e2e cases through the REST API of a listening server: PostgreSQL JDBC and Redis.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from 'redis';
import { type SeatunnelListener, startSeatunnelListener } from '../src/api/seatunnel/native-listener.ts';
import { builtinRegistry } from '../src/jobs/builtins.ts';
import { dialectFor, type JdbcConnection } from '../src/jobs/connectors/jdbc/dialect.ts';
import { JobService } from '../src/jobs/job-service.ts';
import { SqliteMetaStore } from '../src/meta/sqlite-meta-store.ts';

const tag = `e2e_${process.pid}_${Date.now() % 100000}`;
const PG = 'jdbc:postgresql://127.0.0.1:5432/test';
let listener: SeatunnelListener;
let jobs: JobService;
let pg: JdbcConnection;
const redis = createClient({ socket: { host: '127.0.0.1', port: 6379 } });

before(async () => {
  jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry() });
  listener = await startSeatunnelListener({ services: { jobs }, port: 0 });
  pg = await dialectFor(PG, 'postgres', undefined, 'test').connect();
  await pg.query(`CREATE TABLE ${tag}_src (gid bigint primary key, text_col text, num numeric(10,2))`);
  await pg.query(`INSERT INTO ${tag}_src SELECT g, 'row ' || g, g / 4.0 FROM generate_series(1, 500) g`);
  await redis.connect();
  for (let i = 0; i < 100; i++) await redis.set(`${tag}:key_test${i}`, JSON.stringify({ id: i, val: `v${i}` }));
});
after(async () => {
  await jobs.close();
  await listener.close();
  await pg.query(`DROP TABLE IF EXISTS ${tag}_src`);
  await pg.query(`DROP TABLE IF EXISTS ${tag}_sink`);
  await pg.close();
  const keys: string[] = [];
  for await (const chunk of redis.scanIterator({ MATCH: `${tag}:*`, COUNT: 1000 })) keys.push(...(Array.isArray(chunk) ? chunk : [chunk]));
  if (keys.length) await redis.del(keys);
  await redis.close();
});

async function submitAndWait(body: unknown): Promise<{ jobStatus: string; errorMsg: string | null; metrics: Record<string, string> }> {
  const res = await fetch(`${listener.address}/submit-job`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.clone().text());
  const { jobId } = (await res.json()) as { jobId: string };
  for (let i = 0; i < 600; i++) {
    const info = (await (await fetch(`${listener.address}/job-info/${jobId}`)).json()) as { jobStatus: string; errorMsg: string | null; metrics: Record<string, string> };
    if (['FINISHED', 'FAILED', 'CANCELED'].includes(info.jobStatus)) return info;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('job did not end');
}

test('jdbc_postgres_source_and_sink: query + partition_num 2 → generate_sink_sql upsert; source and sink counts equal', async () => {
  const info = await submitAndWait({
    env: { parallelism: 2, 'job.mode': 'BATCH' },
    source: [
      { plugin_name: 'Jdbc', driver: 'org.postgresql.Driver', url: PG, user: 'postgres', query: `select gid, text_col, num from ${tag}_src`, partition_column: 'gid', partition_num: 2 },
    ],
    sink: [{ plugin_name: 'Jdbc', driver: 'org.postgresql.Driver', url: PG, user: 'postgres', generate_sink_sql: true, database: 'test', table: `public.${tag}_sink`, primary_keys: ['gid'] }],
  });
  assert.equal(info.jobStatus, 'FINISHED', info.errorMsg ?? '');
  const src = await pg.query(`SELECT count(*) FROM ${tag}_src`);
  const sink = await pg.query(`SELECT count(*), sum(num) FROM ${tag}_sink`);
  assert.equal(String(sink.rows[0][0]), String(src.rows[0][0]));
  assert.equal(String(sink.rows[0][1]), '31312.50');
  assert.equal(info.metrics.SourceReceivedCount, '500');
});

test('redis-to-redis: keys glob with data_type string → list; LLEN equals the key count', async () => {
  const info = await submitAndWait({
    env: { 'job.mode': 'BATCH', 'shade.identifier': 'base64' },
    source: [{ plugin_name: 'Redis', host: '127.0.0.1', port: 6379, keys: `${tag}:key_test*`, data_type: 'string', format: 'json', schema: { fields: { id: 'int', val: 'string' } } }],
    sink: [{ plugin_name: 'Redis', host: '127.0.0.1', port: 6379, key: `${tag}:key_list`, data_type: 'list', format: 'json' }],
  });
  assert.equal(info.jobStatus, 'FINISHED', info.errorMsg ?? '');
  assert.equal(await redis.lLen(`${tag}:key_list`), 100);
  assert.equal(info.metrics.SinkWriteCount, '100');
});
