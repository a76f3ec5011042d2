// Jdbc jobs through the REST API of a listening server: stop with a savepoint in the middle of a split, resume, no row lost or repeated.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type SeatunnelListener, startSeatunnelListener } from '../src/api/seatunnel/native-listener.ts';
import { builtinRegistry } from '../src/jobs/builtins.ts';
import { dialectFor, type JdbcConnection } from '../src/jobs/connectors/jdbc/dialect.ts';
import { JobService } from '../src/jobs/job-service.ts';
import { SqliteMetaStore } from '../src/meta/sqlite-meta-store.ts';

const tag = `stj_${process.pid}_${Date.now() % 100000}`;
const PG = 'jdbc:postgresql://127.0.0.1:5432/test';
const MY = 'jdbc:mariadb://127.0.0.1:3306/test';
const ROWS = 3000;
let listener: SeatunnelListener;
let jobs: JobService;
let pg: JdbcConnection;
let my: JdbcConnection;

before(async () => {
  jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry(), services: { consoleOut: () => {} } });
  listener = await startSeatunnelListener({ services: { jobs }, port: 0 });
  pg = await dialectFor(PG, 'postgres', undefined, 'test').connect();
  my = await dialectFor(MY, 'root', '', 'test').connect();
  await pg.query(`CREATE TABLE ${tag}_src (id bigint PRIMARY KEY, name text)`);
  await pg.query(`INSERT INTO ${tag}_src SELECT g, 'name ' || g FROM generate_series(1, ${ROWS}) g`);
  await pg.query(`CREATE TABLE ${tag}_two (grp int, id int, PRIMARY KEY (grp, id))`);
  await pg.query(`INSERT INTO ${tag}_two SELECT g % 4, g FROM generate_series(1, ${ROWS}) g`);
  await my.query(`CREATE TABLE ${tag}_src (id bigint PRIMARY KEY, name varchar(20))`);
  await my.query(`INSERT INTO ${tag}_src (id, name) SELECT seq, CONCAT('name ', seq) FROM seq_1_to_${ROWS}`);
});
after(async () => {
  await jobs.close();
  await listener.close();
  for (const c of [pg, my]) {
    for (const t of ['src', 'out', 'two', 'src_copy', 'two_copy']) await c.query(`DROP TABLE IF EXISTS ${tag}_${t}`);
    await c.close();
  }
});

type Info = { jobStatus: string; errorMsg: string | null; metrics: Record<string, string> };

async function call(path: string, body: string, type = 'application/json'): Promise<unknown> {
  const res = await fetch(`${listener.address}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

async function info(jobId: string): Promise<Info> {
  return (await (await fetch(`${listener.address}/job-info/${jobId}`)).json()) as Info;
}

async function until(jobId: string, done: (i: Info) => boolean): Promise<Info> {
  for (let i = 0; i < 800; i++) {
    const now = await info(jobId);
    if (done(now)) return now;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${jobId} did not get there: ${JSON.stringify(await info(jobId))}`);
}

/**
 * Submits, stops with a savepoint once rows flow, resumes the same id and waits for the end; checks
 * that the stop came before the source's `total` rows and that the two runs read each exactly once.
 */
async function stopAndResume(config: string, type: string, total: number, query = ''): Promise<void> {
  const { jobId } = (await call(`/submit-job${query}`, config, type)) as { jobId: string };
  await until(jobId, (i) => Number(i.metrics.SourceReceivedCount) > 0);
  await call('/stop-job', `{"jobId":${jobId},"isStopWithSavePoint":true}`);
  const stopped = await until(jobId, (i) => i.jobStatus !== 'RUNNING' && i.jobStatus !== 'DOING_SAVEPOINT');
  assert.equal(stopped.jobStatus, 'SAVEPOINT_DONE', stopped.errorMsg ?? '');
  await call(`/submit-job?jobId=${jobId}&isStartWithSavePoint=true${query ? `&${query.slice(1)}` : ''}`, config, type);
  const final = await until(jobId, (i) => ['FINISHED', 'FAILED', 'CANCELED'].includes(i.jobStatus));
  assert.equal(final.jobStatus, 'FINISHED', final.errorMsg ?? '');
  assert.ok(Number(stopped.metrics.SourceReceivedCount) < total, `stopped after ${stopped.metrics.SourceReceivedCount} rows`);
  assert.equal(final.metrics.SourceReceivedCount, String(total), 'every row read once over both runs');
}

/** The target holds ids 1..ROWS, each once. */
async function copiedOnce(conn: JdbcConnection, table: string): Promise<void> {
  const r = await conn.query(`SELECT count(*), count(DISTINCT id), sum(id) FROM ${table}`);
  assert.deepEqual(r.rows[0].map(String), [String(ROWS), String(ROWS), String((ROWS * (ROWS + 1)) / 2)], table);
}

test('PostgreSQL table_path (primary key) → PostgreSQL COPY sink, HOCON config: stopped mid-split, resumed exactly', async () => {
  // The slow Console beside the Jdbc sink keeps each read step long enough to stop inside the split.
  const hocon = `
    env { job.mode = "BATCH", parallelism = 1 }
    source { Jdbc { url = "${PG}", user = "postgres", table_path = "test.public.${tag}_src", plugin_output = "rows" } }
    sink {
      Jdbc { plugin_input = "rows", url = "${PG}", user = "postgres", generate_sink_sql = true, database = "test", table = "${tag}_out" }
      Console { plugin_input = "rows", log.print.delay.ms = 1 }
    }`;
  await stopAndResume(hocon, 'text/plain', ROWS, '?format=hocon');
  await copiedOnce(pg, `${tag}_out`);
});

test('MariaDB query + unique partition_column, two splits at once → MariaDB sink: stopped mid-split, resumed exactly', async () => {
  const config = JSON.stringify({
    env: { 'job.mode': 'BATCH', parallelism: 2 },
    source: [{ plugin_name: 'Jdbc', plugin_output: 'rows', url: MY, user: 'root', query: `select id, name from ${tag}_src`, partition_column: 'id', partition_num: 2 }],
    sink: [
      { plugin_name: 'Jdbc', plugin_input: 'rows', url: MY, user: 'root', generate_sink_sql: true, database: 'test', table: `${tag}_out`, batch_size: 500 },
      { plugin_name: 'Console', plugin_input: 'rows', 'log.print.delay.ms': 1 },
    ],
  });
  await stopAndResume(config, 'application/json', ROWS);
  await copiedOnce(my, `${tag}_out`);
});

test('PostgreSQL table_list (two tables, one with a composite key) → a COPY sink per table named through the table_name placeholder: stopped mid-split, resumed exactly', async () => {
  const config = JSON.stringify({
    env: { 'job.mode': 'BATCH', parallelism: 2 },
    source: [{ plugin_name: 'Jdbc', plugin_output: 'rows', url: PG, user: 'postgres', table_list: [{ table_path: `test.public.${tag}_src` }, { table_path: `test.public.${tag}_two` }] }],
    sink: [
      { plugin_name: 'Jdbc', plugin_input: 'rows', url: PG, user: 'postgres', generate_sink_sql: true, database: 'test', table: `\${table_name}_copy` },
      { plugin_name: 'Console', plugin_input: 'rows', 'log.print.delay.ms': 1 },
    ],
  });
  await stopAndResume(config, 'application/json', 2 * ROWS);
  await copiedOnce(pg, `${tag}_src_copy`);
  await copiedOnce(pg, `${tag}_two_copy`);
});
