// JobRun and plans: failure paths, fan-in/fan-out DAGs, and committing what a crashed run prepared.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SqliteMetaStore } from '../meta/sqlite-meta-store.ts';
import { builtinRegistry } from './builtins.ts';
import { buildJobConfig } from './config/job-config.ts';
import type { PluginFactory } from './connectors/contract.ts';
import { JobRun } from './job-run.ts';
import { JobService } from './job-service.ts';
import { JobMetrics, metricsJson } from './metrics.ts';
import { buildPlan, jobDagOf, makeRegistry, sinkPlaceholders } from './plan.ts';
import { BUILTIN_PLUGINS } from './builtins.ts';

const dir = mkdtempSync(join(tmpdir(), 'job-run-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A sink that fails at open or on write, or whose writes never finish, to drive the failure paths. */
function failingSink(mode: 'open' | 'write' | 'hang'): PluginFactory {
  return {
    kind: 'sink',
    name: 'Broken',
    create: () => ({
      async open() {
        if (mode === 'open') throw new Error('cannot open the target');
      },
      write() {
        if (mode === 'write') throw new Error('the target refused a row');
        if (mode === 'hang') return new Promise<void>(() => {});
      },
      async prepareCommit() {
        return undefined;
      },
      async commit() {},
      async abort() {},
      async close() {},
    }),
  };
}

test('a sink failing at open or on write fails the job with its message; the other sink is aborted', async () => {
  for (const mode of ['open', 'write'] as const) {
    const out = join(dir, `fail-${mode}`);
    const jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: makeRegistry([...BUILTIN_PLUGINS, failingSink(mode)]) });
    const { jobId } = await jobs.submit({
      env: { 'job.mode': 'BATCH', 'job.retry.times': 0 },
      source: [{ plugin_name: 'FakeSource', 'row.num': 3000, schema: { fields: { a: 'int' } } }],
      sink: [
        { plugin_name: 'LocalFile', path: out, tmp_path: join(dir, 'tmp'), file_format_type: 'csv' },
        { plugin_name: 'Broken' },
      ],
    });
    const rec = await jobs.waitFor(jobId);
    assert.equal(rec?.status, 'FAILED');
    assert.match(rec?.errorMsg ?? '', mode === 'open' ? /cannot open the target/ : /the target refused a row/);
    assert.deepEqual(rec?.transitions.map((t) => t.status).slice(-2), ['FAILING', 'FAILED']);
    let files: string[] = [];
    try {
      files = readdirSync(out);
    } catch {}
    assert.deepEqual(files, [], 'nothing committed by the healthy sink of a failed job');
  }
});

test('fan-out and fan-in: two pipelines, shared sources, edges keyed by pipeline', async () => {
  const config = buildJobConfig({
    env: {},
    source: [
      { plugin_name: 'FakeSource', plugin_output: 'a', schema: { fields: { x: 'int' } } },
      { plugin_name: 'FakeSource', plugin_output: 'b', schema: { fields: { x: 'int' } } },
      { plugin_name: 'FakeSource', plugin_output: 'c', schema: { fields: { y: 'string' } } },
    ],
    transform: [{ plugin_name: 'Filter', plugin_input: 'a', plugin_output: 'a2', include_fields: ['x'] }, { plugin_name: 'Copy', plugin_input: 'a2', plugin_output: 'a3', fields: { x2: 'x' } }],
    sink: [
      { plugin_name: 'Console', plugin_input: ['a3'] },
      { plugin_name: 'Console', plugin_input: ['a', 'b'] },
      { plugin_name: 'Assert', plugin_input: 'c' },
    ],
  });
  const plan = await buildPlan(config, { jobId: '1', env: config.env, registry: builtinRegistry(), services: {}, log: () => {} });
  const dag = jobDagOf(plan, '1', {});
  assert.deepEqual(
    dag.vertexInfoMap.map((v) => `${v.vertexId} ${v.vertexName}`),
    [
      '1 pipeline-1 [Source[0]-FakeSource]',
      '2 pipeline-1 [Source[1]-FakeSource]',
      '3 pipeline-1 [TransformChain[Transform[0]-Filter->Transform[1]-Copy]]',
      '4 pipeline-1 [Sink[0]-Console-MultiTableSink]',
      '5 pipeline-1 [Sink[1]-Console-MultiTableSink]',
      '6 pipeline-2 [Source[2]-FakeSource]',
      '7 pipeline-2 [Sink[2]-Assert-MultiTableSink]',
    ],
  );
  assert.deepEqual(dag.pipelineEdges, {
    '1': [
      { inputVertexId: '1', targetVertexId: '3' },
      { inputVertexId: '1', targetVertexId: '5' },
      { inputVertexId: '2', targetVertexId: '5' },
      { inputVertexId: '3', targetVertexId: '4' },
    ],
    '2': [{ inputVertexId: '6', targetVertexId: '7' }],
  });
  assert.deepEqual(dag.vertexInfoMap[4].tablePaths, ['a', 'b']);
  await assert.rejects(
    buildPlan(buildJobConfig({ source: [{ plugin_name: 'FakeSource', schema: { fields: { x: 'int' } } }], sink: [{ plugin_name: 'Console', plugin_input: 'nope' }] }), {
      jobId: '1',
      env: config.env,
      registry: builtinRegistry(),
      services: {},
      log: () => {},
    }),
    /reads 'nope', which no source or transform registers/,
  );
});

test('a restored run commits what a crashed run prepared and checkpointed (idempotently), then continues', async () => {
  const out = join(dir, 'restore-out');
  const tmp = join(dir, 'restore-tmp');
  mkdirSync(join(tmp, '77'), { recursive: true });
  // What the crashed run left: a prepared file and a checkpoint naming it, with 10 of 20 rows read.
  const prepared = join(tmp, '77', 'T_77_crashed.csv');
  writeFileSync(prepared, Array.from({ length: 10 }, (_, i) => `${i}\n`).join(''));
  const config = buildJobConfig({
    env: { 'job.mode': 'BATCH' },
    source: [{ plugin_name: 'FakeSource', schema: { fields: { n: 'int' } }, rows: Array.from({ length: 20 }, (_, i) => ({ fields: [i] })) }],
    sink: [{ plugin_name: 'LocalFile', path: out, tmp_path: tmp, file_format_type: 'csv' }],
  });
  const plan = await buildPlan(config, { jobId: '77', env: config.env, registry: builtinRegistry(), services: {}, log: () => {} });
  const splits = await plan.sources[0].source.splits(1);
  (splits[0].offset as { emitted: number }).emitted = 10;
  const restore = {
    id: 3,
    time: 0,
    splits: { '0': splits },
    commits: { '0': { files: [{ tmp: prepared, target: join(out, 'T_77_crashed.csv') }] } },
    metrics: { sourceCount: { fake: 10 }, sourceBytes: {}, sinkCount: { fake: 10 }, sinkBytes: {}, runningMs: 5 },
  };
  mkdirSync(out, { recursive: true });
  const metrics = new JobMetrics(Date.now, restore.metrics);
  const run = new JobRun(plan, { mode: 'BATCH', restore, metrics, now: Date.now, saveCheckpoint: async () => {} });
  assert.equal(await run.run(), 'FINISHED');
  const lines = readdirSync(out).flatMap((f) => readFileSync(join(out, f), 'utf8').split('\n').filter(Boolean)).map(Number).sort((a, b) => a - b);
  assert.deepEqual(lines, Array.from({ length: 20 }, (_, i) => i));
  assert.equal(metricsJson(metrics.snapshot()).SinkWriteCount, '20');
});

test('a stuck sink: the checkpoint expires and fails the job; a forced stop ends it as CANCELED without waiting', async () => {
  const jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: makeRegistry([...BUILTIN_PLUGINS, failingSink('hang')]) });
  const conf = (timeout: number) => ({
    env: { 'job.mode': 'STREAMING', 'checkpoint.interval': 20, 'checkpoint.timeout': timeout, 'job.retry.times': 0 },
    source: [{ plugin_name: 'FakeSource', schema: { fields: { a: 'int' } } }],
    sink: [{ plugin_name: 'Broken' }],
  });
  const expired = await jobs.submit(conf(50));
  const rec = await jobs.waitFor(expired.jobId);
  assert.equal(rec?.status, 'FAILED');
  assert.match(rec?.errorMsg ?? '', /checkpoint 1 expired before completing within 50 ms/);
  const stuck = await jobs.submit(conf(600_000));
  await jobs.stop(stuck.jobId, true);
  assert.equal(jobs.get(stuck.jobId)?.status, 'DOING_SAVEPOINT');
  await jobs.stop(stuck.jobId, false, true);
  assert.equal((await jobs.waitFor(stuck.jobId))?.status, 'CANCELED');
});

/** `${name}` spelled without a template-looking literal. */
const ph = (name: string) => `$${'{'}${name}}`;

test('sink placeholders take the input table: a LocalFile path per table name', async () => {
  const filled = sinkPlaceholders(
    { path: `/out/${ph('database_name')}/${ph('schema_name')}/${ph('table_name')}`, list: [ph('table_full_name')], keep: ph('other'), n: 1 },
    { table: 'db.public.users', fields: [{ name: 'id', type: { kind: 'int' } }, { name: 'name', type: { kind: 'string' } }], primaryKey: ['id'] },
  );
  assert.deepEqual(filled, { path: '/out/db/public/users', list: ['db.public.users'], keep: ph('other'), n: 1 });
  const jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry() });
  const { jobId } = await jobs.submit({
    env: { 'job.mode': 'BATCH' },
    source: [{ plugin_name: 'FakeSource', plugin_output: 'people', schema: { fields: { a: 'int' } } }],
    sink: [{ plugin_name: 'LocalFile', path: join(dir, 'by-table', ph('table_name')), tmp_path: join(dir, 'tmp'), file_format_type: 'json' }],
  });
  assert.equal((await jobs.waitFor(jobId))?.status, 'FINISHED');
  assert.equal(readdirSync(join(dir, 'by-table', 'people')).length, 1);
});
