// JobService: jobDag and metrics, lifecycle, savepoint/resume, restart restore, history expiry, force stop, retries.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SqliteMetaStore } from '../meta/sqlite-meta-store.ts';
import { BUILTIN_PLUGINS, builtinRegistry } from './builtins.ts';
import type { JsonObject } from './config/hocon.ts';
import { buildJobConfig, parseJobText } from './config/job-config.ts';
import { consoleSinkFactory } from './connectors/console/console-sink.ts';
import type { PluginFactory } from './connectors/contract.ts';
import { JobService } from './job-service.ts';
import { metricsJson } from './metrics.ts';
import { makeRegistry } from './plan.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function service(meta = new SqliteMetaStore({ path: ':memory:' })) {
  return new JobService({ meta, registry: builtinRegistry(), services: { consoleOut: () => {} } });
}

const fakeBatch = (extra: JsonObject = {}): JsonObject => ({
  env: { 'job.mode': 'BATCH' },
  source: [{ plugin_name: 'FakeSource', result_table_name: 'fake', schema: { fields: { id: 'int', name: 'string', age: 'int' } }, ...extra }],
  sink: [{ plugin_name: 'console' }],
});

test('a finished batch job has the reference jobDag and metrics (TC-4)', async () => {
  const svc = service();
  await svc.init();
  const { jobId, jobName } = await svc.submit(fakeBatch());
  assert.equal(jobName, 'SeaTunnel_Job');
  assert.match(jobId, /^\d{16,19}$/);
  assert.ok(BigInt(jobId) > 2n ** 53n);
  const rec = await svc.waitFor(jobId);
  assert.equal(rec?.status, 'FINISHED');
  assert.deepEqual(rec?.dag.pipelineEdges, { '1': [{ inputVertexId: '1', targetVertexId: '2' }] });
  assert.deepEqual(rec?.dag.vertexInfoMap, [
    { vertexId: 1, type: 'source', vertexName: 'pipeline-1 [Source[0]-FakeSource]', tablePaths: ['fake'] },
    { vertexId: 2, type: 'sink', vertexName: 'pipeline-1 [Sink[0]-console-MultiTableSink]', tablePaths: ['fake'] },
  ]);
  const m = metricsJson(rec!.metrics);
  assert.equal(m.SourceReceivedCount, '5');
  assert.equal(m.SinkWriteCount, '5');
  assert.deepEqual(m.TableSourceReceivedCount, { fake: '5' });
  assert.deepEqual(m.TableSinkWriteCount, { fake: '5' });
  assert.equal(m.SinkCommittedCount, '5');
  assert.deepEqual(m.TableSinkCommittedCount, { fake: '5' });
  assert.equal(rec?.envOptions['job.mode'], 'BATCH');
  assert.deepEqual(
    rec?.transitions.map((t) => t.status),
    ['INITIALIZING', 'CREATED', 'PENDING', 'RUNNING', 'FINISHED'],
  );
});

test('row.num is per parallelism and splits divide the rows', async () => {
  const svc = service();
  const cfg = fakeBatch({ 'row.num': 10, 'split.num': 3, parallelism: 3 });
  const { jobId } = await svc.submit(cfg);
  const rec = await svc.waitFor(jobId);
  assert.equal(metricsJson(rec!.metrics).SinkWriteCount, '30');
});

test('an Assert violation fails the job with "fail rule"', async () => {
  const svc = service();
  const cfg = parseJobText(
    `env { job.mode = BATCH, job.retry.times = 0 }
     source { FakeSource { plugin_output = fake, schema { fields { id = int } }, rows = [{kind = INSERT, fields = [1]}, {kind = INSERT, fields = [2]}] } }
     sink { Assert { rules { field_rules = [{ field_name = id, field_type = int, field_value = [{ equals_to = 1 }] }] } } }`,
    'hocon',
  );
  const { jobId } = await svc.submit(cfg);
  const rec = await svc.waitFor(jobId);
  assert.equal(rec?.status, 'FAILED');
  assert.match(rec?.errorMsg ?? '', /fail rule/);
  const ok = parseJobText(
    `source { FakeSource { schema { fields { id = int } }, rows = [{kind = INSERT, fields = [1]}] } }
     sink { Assert { rules { row_rules = [{rule_type = MIN_ROW, rule_value = 1}, {rule_type = MAX_ROW, rule_value = 1}] } } }`,
    'hocon',
  );
  const second = await svc.submit(ok);
  assert.equal((await svc.waitFor(second.jobId))?.status, 'FINISHED');
});

test('a job id already in history is refused unless starting from a savepoint', async () => {
  const svc = service();
  await svc.submit(fakeBatch(), { jobId: '862969647010611202' });
  await svc.waitFor('862969647010611202');
  await assert.rejects(svc.submit(fakeBatch(), { jobId: '862969647010611202' }), {
    message: 'The job id 862969647010611202 has already been submitted and is not starting with a savepoint.',
  });
  await assert.rejects(svc.submit(fakeBatch(), { isStartWithSavePoint: true }), {
    message: 'Please provide jobId when start with save point.',
  });
});

test('stop with savepoint, then resume: every row reaches the file sink exactly once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'st-sp-'));
  dirs.push(dir);
  const svc = service();
  const cfg: JsonObject = {
    env: { 'job.mode': 'STREAMING', 'checkpoint.interval': 50 },
    source: [{ plugin_name: 'FakeSource', schema: { fields: { n: 'bigint', s: 'string' } }, 'row.num': 200, 'split.num': 20, 'split.read-interval': 30 }],
    sink: [{ plugin_name: 'LocalFile', path: join(dir, 'out'), tmp_path: join(dir, 'tmp'), file_format_type: 'json' }],
  };
  const { jobId } = await svc.submit(cfg);
  await new Promise((r) => setTimeout(r, 200));
  await svc.stop(jobId, true);
  const stopped = await svc.waitFor(jobId);
  assert.equal(stopped?.status, 'SAVEPOINT_DONE');
  assert.equal(metricsJson(stopped!.metrics).SinkCommittedCount, metricsJson(stopped!.metrics).SinkWriteCount, 'a savepoint commits everything written');
  const partial = Number(metricsJson(stopped!.metrics).SourceReceivedCount);
  assert.ok(partial > 0 && partial < 200, `stopped midway (${partial})`);
  await svc.submit(cfg, { jobId, isStartWithSavePoint: true });
  // Streaming FakeSource idles after its rows: wait until all 200 arrived, then cancel.
  for (let i = 0; i < 200 && Number(metricsJson(svc.get(jobId)!.metrics).SourceReceivedCount) < 200; i++) await new Promise((r) => setTimeout(r, 25));
  await svc.stop(jobId, true);
  const rec = await svc.waitFor(jobId);
  assert.equal(rec?.status, 'SAVEPOINT_DONE');
  assert.equal(metricsJson(rec!.metrics).SinkWriteCount, '200');
  const files = await readdir(join(dir, 'out'));
  const lines = (await Promise.all(files.map((f) => readFile(join(dir, 'out', f), 'utf8')))).join('').split('\n').filter(Boolean);
  assert.equal(lines.length, 200);
  assert.equal(new Set(lines).size, 200);
});

test('finished jobs survive a restart; a running streaming job is restored from its checkpoint', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'st-rs-'));
  dirs.push(dir);
  const path = join(dir, 'meta.db');
  let svc = service(new SqliteMetaStore({ path }));
  await svc.init();
  const batch = await svc.submit(fakeBatch());
  await svc.waitFor(batch.jobId);
  const stream = await svc.submit({
    env: { 'job.mode': 'STREAMING', 'checkpoint.interval': 50 },
    source: [{ plugin_name: 'FakeSource', schema: { fields: { n: 'int' } }, 'row.num': 40 }],
    sink: [{ plugin_name: 'Console' }],
  });
  for (let i = 0; i < 100 && !(await svc.checkpoint(stream.jobId)); i++) await new Promise((r) => setTimeout(r, 20));
  await svc.close();
  svc = service(new SqliteMetaStore({ path }));
  await svc.init();
  assert.equal(svc.get(batch.jobId)?.status, 'FINISHED');
  const restored = svc.get(stream.jobId);
  assert.equal(restored?.status, 'RUNNING');
  assert.equal(restored?.restarts, 1);
  assert.equal(metricsJson(restored!.metrics).SourceReceivedCount, '40');
  await svc.stop(stream.jobId, false);
  assert.equal((await svc.waitFor(stream.jobId))?.status, 'CANCELED');
  assert.equal(metricsJson(svc.get(stream.jobId)!.metrics).SourceReceivedCount, '40');
});

test('finished jobs expire after history_expire_minutes; running ones never do', async () => {
  let now = Date.UTC(2024, 0, 1);
  const svc = new JobService({
    meta: new SqliteMetaStore({ path: ':memory:' }),
    registry: builtinRegistry(),
    services: { consoleOut: () => {} },
    now: () => now,
    historyExpireMinutes: 10,
  });
  const done = await svc.submit(fakeBatch());
  await svc.waitFor(done.jobId);
  const running = await svc.submit({ ...fakeBatch(), env: { 'job.mode': 'STREAMING' } });
  now += 9 * 60_000;
  assert.equal((await svc.finished()).length, 1);
  now += 2 * 60_000;
  assert.equal((await svc.finished()).length, 0);
  assert.equal(svc.get(done.jobId), undefined);
  assert.equal(svc.get(running.jobId)?.status, 'RUNNING');
  // An expired id may be used again.
  await svc.submit(fakeBatch(), { jobId: done.jobId });
  await svc.stop(running.jobId, false);
  await svc.waitFor(running.jobId);
});

test('force stop ends a job whose savepoint is still pending as CANCELED', async () => {
  const svc = service();
  // A slow Console (delay per row) keeps the reader busy, so the savepoint cannot complete at once.
  const { jobId } = await svc.submit({
    env: { 'job.mode': 'STREAMING' },
    source: [{ plugin_name: 'FakeSource', schema: { fields: { a: 'int' } }, 'row.num': 50 }],
    sink: [{ plugin_name: 'Console', 'log.print.delay.ms': 40 }],
  });
  await new Promise((r) => setTimeout(r, 50));
  await svc.stop(jobId, true);
  assert.equal(svc.get(jobId)?.status, 'DOING_SAVEPOINT');
  await svc.stop(jobId, false, true);
  const rec = await svc.waitFor(jobId);
  assert.equal(rec?.status, 'CANCELED');
  assert.deepEqual(rec?.transitions.map((t) => t.status).slice(-3), ['DOING_SAVEPOINT', 'CANCELING', 'CANCELED']);
});

test('job.retry.times restarts a failed run from its last checkpoint; the job stays RUNNING, then fails when retries run out', async () => {
  const svc = service();
  const conf = (times: number): JsonObject => ({
    env: { 'job.mode': 'BATCH', 'job.retry.times': times, 'job.retry.interval.seconds': 0 },
    source: [{ plugin_name: 'FakeSource', schema: { fields: { id: 'int' } }, rows: [{ fields: [1] }, { fields: [2] }] }],
    sink: [{ plugin_name: 'Assert', rules: { field_rules: [{ field_name: 'id', field_value: [{ rule_type: 'MAX', rule_value: 1 }] }] } }],
  });
  const { jobId } = await svc.submit(conf(2));
  const rec = await svc.waitFor(jobId);
  assert.equal(rec?.status, 'FAILED');
  assert.equal(rec?.restarts, 2);
  assert.deepEqual(rec?.transitions.map((t) => t.status), ['INITIALIZING', 'CREATED', 'PENDING', 'RUNNING', 'FAILING', 'FAILED']);
  assert.equal(svc.logLines(jobId).filter((l) => /restart \d of 2/.test(l)).length, 2);
  const none = await svc.submit(conf(0));
  assert.equal((await svc.waitFor(none.jobId))?.restarts, 0);
});

test('a savepoint under way when the server shuts down is recorded as SAVEPOINT_DONE, not lost', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'st-sd-'));
  dirs.push(dir);
  const path = join(dir, 'meta.db');
  let svc = service(new SqliteMetaStore({ path }));
  const { jobId } = await svc.submit({
    env: { 'job.mode': 'STREAMING' },
    source: [{ plugin_name: 'FakeSource', schema: { fields: { a: 'int' } }, 'row.num': 4 }],
    sink: [{ plugin_name: 'Console', 'log.print.delay.ms': 30 }],
  });
  await svc.stop(jobId, true);
  await svc.close();
  svc = service(new SqliteMetaStore({ path }));
  await svc.init();
  assert.equal(svc.get(jobId)?.status, 'SAVEPOINT_DONE');
});

test('with a server shade key, stored configs keep secrets sealed; a restart still restores the job', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'st-seal-'));
  dirs.push(dir);
  const path = join(dir, 'meta.db');
  const make = () => new JobService({ meta: new SqliteMetaStore({ path }), registry: builtinRegistry(), services: { consoleOut: () => {} }, shadeKey: 'k'.repeat(20) });
  let svc = make();
  await svc.init();
  const { jobId } = await svc.submit({
    env: { 'job.mode': 'STREAMING' },
    source: [{ plugin_name: 'FakeSource', schema: { fields: { a: 'int' } }, password: 'plain-secret-value' }],
    sink: [{ plugin_name: 'Console' }],
  });
  await svc.close();
  const raw = new SqliteMetaStore({ path });
  const stored = await raw.documents<{ config: unknown; sealed: boolean }>('seatunnel.jobs').get(jobId);
  await raw.close();
  assert.equal(stored?.sealed, true);
  assert.equal(JSON.stringify(stored?.config).includes('plain-secret-value'), false);
  svc = make();
  await svc.init();
  assert.equal(svc.get(jobId)?.status, 'RUNNING');
  await svc.stop(jobId, false);
  assert.equal((await svc.waitFor(jobId))?.status, 'CANCELED');
});

test('job.retry.times and job.retry.interval.seconds default to 3 and 3, as in SeaTunnel', () => {
  const env = buildJobConfig({ source: [{ plugin_name: 'FakeSource' }], sink: [{ plugin_name: 'Console' }] }).env;
  assert.equal(env.retryTimes, 3);
  assert.equal(env.retryIntervalSeconds, 3);
});

/** A (silent) Console whose first `failures` instances fail on their `nth` write; later instances work. */
function flakySink(failures: number, nth = 1): PluginFactory {
  let made = 0;
  return {
    kind: 'sink',
    name: 'Flaky',
    create: (ctx) => {
      const sink = consoleSinkFactory.create({ ...ctx, options: { 'log.print.data': false } });
      if (made++ < failures) {
        const write = sink.write.bind(sink);
        let writes = 0;
        sink.write = (rows) => {
          if (++writes >= nth) throw new Error('flaky target refused the batch');
          return write(rows);
        };
      }
      return sink;
    },
  };
}

test('only the failed pipeline restarts; its replayed rows are not counted twice; restarts are kept per pipeline', async () => {
  const svc = new JobService({
    meta: new SqliteMetaStore({ path: ':memory:' }),
    registry: makeRegistry([...BUILTIN_PLUGINS, flakySink(1)]),
    services: { consoleOut: () => {} },
  });
  const { jobId } = await svc.submit({
    env: { 'job.mode': 'BATCH', 'job.retry.interval.seconds': 0 },
    source: [
      { plugin_name: 'FakeSource', plugin_output: 'a', schema: { fields: { x: 'int' } }, 'row.num': 10 },
      { plugin_name: 'FakeSource', plugin_output: 'b', schema: { fields: { y: 'int' } }, 'row.num': 7 },
    ],
    sink: [
      { plugin_name: 'Console', plugin_input: 'a' },
      { plugin_name: 'Flaky', plugin_input: 'b' },
    ],
  });
  const rec = await svc.waitFor(jobId);
  assert.equal(rec?.status, 'FINISHED', rec?.errorMsg ?? '');
  assert.deepEqual(rec?.pipelineRestarts, { 2: 1 });
  assert.equal(rec?.restarts, 1);
  const m = metricsJson(rec!.metrics);
  assert.equal(m.SourceReceivedCount, '17');
  assert.equal(m.SinkWriteCount, '17');
  assert.ok(svc.logLines(jobId).some((l) => /pipeline 2 failed \(.*flaky target refused the batch\); restart 1 of 3 in 0s/.test(l)));
});

test('when a pipeline runs out of retries the job fails and its other pipelines are cancelled', async () => {
  const svc = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: makeRegistry([...BUILTIN_PLUGINS, flakySink(10)]), services: { consoleOut: () => {} } });
  const { jobId } = await svc.submit({
    env: { 'job.mode': 'STREAMING', 'job.retry.times': 2, 'job.retry.interval.seconds': 0 },
    source: [
      { plugin_name: 'FakeSource', plugin_output: 'a', schema: { fields: { x: 'int' } } },
      { plugin_name: 'FakeSource', plugin_output: 'b', schema: { fields: { y: 'int' } } },
    ],
    sink: [
      { plugin_name: 'Console', plugin_input: 'a' },
      { plugin_name: 'Flaky', plugin_input: 'b' },
    ],
  });
  const rec = await svc.waitFor(jobId);
  assert.equal(rec?.status, 'FAILED');
  assert.match(rec?.errorMsg ?? '', /flaky target refused the batch/);
  assert.deepEqual(rec?.pipelineRestarts, { 2: 2 });
  assert.deepEqual(rec?.transitions.map((t) => t.status).slice(-3), ['RUNNING', 'FAILING', 'FAILED']);
});

test('a user cancel during the retry interval disables the restore: the job ends CANCELED', async () => {
  const svc = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: makeRegistry([...BUILTIN_PLUGINS, flakySink(10)]) });
  const { jobId } = await svc.submit({
    env: { 'job.mode': 'STREAMING' },
    source: [{ plugin_name: 'FakeSource', schema: { fields: { y: 'int' } } }],
    sink: [{ plugin_name: 'Flaky' }],
  });
  for (let i = 0; i < 200 && !svc.get(jobId)?.pipelineRestarts?.[1]; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(svc.get(jobId)?.status, 'RUNNING', 'a pipeline restart keeps the job RUNNING');
  await svc.stop(jobId, false);
  const rec = await svc.waitFor(jobId);
  assert.equal(rec?.status, 'CANCELED');
  assert.deepEqual(rec?.pipelineRestarts, { 1: 1 });
});

test('a restarted pipeline resumes from its last checkpoint: the exactly-once file sink holds every row once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'st-retry-'));
  dirs.push(dir);
  const svc = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: makeRegistry([...BUILTIN_PLUGINS, flakySink(1, 5)]) });
  const { jobId } = await svc.submit({
    env: { 'job.mode': 'BATCH', 'checkpoint.interval': 20, 'job.retry.interval.seconds': 0 },
    source: [{ plugin_name: 'FakeSource', schema: { fields: { a: 'int' } }, 'row.num': 6000, 'split.read-interval': 25 }],
    sink: [{ plugin_name: 'LocalFile', path: join(dir, 'out'), tmp_path: join(dir, 'tmp'), file_format_type: 'csv' }, { plugin_name: 'Flaky' }],
  });
  const rec = await svc.waitFor(jobId);
  assert.equal(rec?.status, 'FINISHED', rec?.errorMsg ?? '');
  assert.deepEqual(rec?.pipelineRestarts, { 1: 1 });
  assert.ok(svc.logLines(jobId).some((l) => /pipeline 1 restores checkpoint \d+/.test(l)), 'the restart restored a checkpoint');
  const m = metricsJson(rec!.metrics);
  assert.equal(m.SourceReceivedCount, '6000');
  assert.equal(m.SinkWriteCount, '12000');
  let lines = 0;
  for (const f of await readdir(join(dir, 'out'))) lines += (await readFile(join(dir, 'out', f), 'utf8')).split('\n').filter(Boolean).length;
  assert.equal(lines, 6000);
});
