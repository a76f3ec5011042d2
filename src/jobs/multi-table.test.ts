// Multi-table jobs in the engine: per-table transforms and sinks, placeholders per table, metrics and jobDag per table.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SqliteMetaStore } from '../meta/sqlite-meta-store.ts';
import { builtinRegistry } from './builtins.ts';
import type { JsonObject } from './config/hocon.ts';
import { JobService } from './job-service.ts';
import { metricsJson } from './metrics.ts';

const dir = mkdtempSync(join(tmpdir(), 'multi-table-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `${name}` spelled without a template-looking literal. */
const ph = (name: string) => `$${'{'}${name}}`;

const twoTables = (): JsonObject => ({
  plugin_name: 'FakeSource',
  plugin_output: 'fake',
  tables_configs: [
    { schema: { table: 'shop.orders', fields: { id: 'int', name: 'string' } }, 'row.num': 5 },
    {
      schema: { table: 'shop.users', fields: { id: 'int', name: 'string', score: 'double' } },
      rows: [{ fields: [1, 'ann', 1.5] }, { fields: [2, 'bob', 2.5] }, { fields: [3, 'cy', 3.5] }],
    },
  ],
});

test('FakeSource tables_configs → Sql per table → LocalFile per table_name placeholder, Assert per table, Console per table', async () => {
  const lines: string[] = [];
  const jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry(), services: { consoleOut: (t: string) => lines.push(t) } });
  const out = join(dir, 'files');
  const { jobId } = await jobs.submit({
    env: { 'job.mode': 'BATCH', 'job.retry.times': 0 },
    source: [twoTables()],
    transform: [{ plugin_name: 'Sql', plugin_input: 'fake', plugin_output: 'named', query: 'select id, upper(name) as name from fake' }],
    sink: [
      { plugin_name: 'LocalFile', plugin_input: 'named', path: join(out, ph('table_name')), tmp_path: join(dir, 'tmp'), file_format_type: 'json' },
      {
        plugin_name: 'Assert',
        plugin_input: 'named',
        // The transform's output per table: names upper-cased, at most 3 letters for users.
        rules: {
          'table-names': ['shop.users', 'shop.orders'],
          tables_configs: [{ table_path: 'shop.users', field_rules: [{ field_name: 'name', field_value: [{ rule_type: 'MAX_LENGTH', rule_value: 3 }] }] }],
        },
      },
      { plugin_name: 'Console', plugin_input: 'named' },
    ],
  });
  const rec = await jobs.waitFor(jobId);
  assert.equal(rec?.status, 'FINISHED', rec?.errorMsg ?? '');
  const m = metricsJson(rec!.metrics);
  assert.deepEqual(m.TableSourceReceivedCount, { 'shop.orders': '5', 'shop.users': '3' });
  // Three sinks each write every row of both tables.
  assert.deepEqual(m.TableSinkWriteCount, { 'shop.orders': '15', 'shop.users': '9' });
  assert.equal(m.SourceReceivedCount, '8');
  assert.deepEqual(
    rec?.dag.vertexInfoMap.map((v) => [v.type, v.tablePaths]),
    [
      ['source', ['shop.orders', 'shop.users']],
      ['transform', ['shop.orders', 'shop.users']],
      ['sink', ['shop.orders', 'shop.users']],
      ['sink', ['shop.orders', 'shop.users']],
      ['sink', ['shop.orders', 'shop.users']],
    ],
  );
  // One directory per table, named by the placeholder, holding that table's rows only.
  assert.deepEqual(readdirSync(out).sort(), ['orders', 'users']);
  const users = readdirSync(join(out, 'users')).flatMap((f) => readFileSync(join(out, 'users', f), 'utf8').trim().split('\n'));
  assert.deepEqual(users.map((l) => JSON.parse(l)).sort((a, b) => a.id - b.id), [
    { id: 1, name: 'ANN' },
    { id: 2, name: 'BOB' },
    { id: 3, name: 'CY' },
  ]);
  const printed = lines.join('');
  assert.equal(printed.match(/SeaTunnelRow#tableId=shop\.orders /g)?.length, 5);
  assert.equal(printed.match(/SeaTunnelRow#tableId=shop\.users /g)?.length, 3);
});

test('a multi-table Assert failure names the table; a per-table rule only sees its own table', async () => {
  const jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry() });
  const { jobId } = await jobs.submit({
    env: { 'job.mode': 'BATCH', 'job.retry.times': 0 },
    source: [twoTables()],
    sink: [
      {
        plugin_name: 'Assert',
        rules: { tables_configs: [{ table_path: 'shop.users', field_rules: [{ field_name: 'score', field_value: [{ rule_type: 'MAX', rule_value: 3 }] }] }] },
      },
    ],
  });
  const rec = await jobs.waitFor(jobId);
  assert.equal(rec?.status, 'FAILED');
  assert.match(rec?.errorMsg ?? '', /row :SeaTunnelRow\{tableId=shop\.users, kind=INSERT, fields=\[3, cy, 3\.5\]\} fail rule/);
});

test('a streaming job of two pipelines (one multi-table) stopped with a savepoint resumes every table without loss or duplicates', async () => {
  const jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry() });
  const out = join(dir, 'resume');
  const conf = (): JsonObject => ({
    env: { 'job.mode': 'STREAMING', 'checkpoint.interval': 50 },
    source: [
      { ...twoTables(), 'split.read-interval': 20, 'split.num': 2 },
      { plugin_name: 'FakeSource', plugin_output: 'solo', schema: { table: 'solo', fields: { id: 'int' } }, rows: [1, 2, 3, 4].map((id) => ({ fields: [id] })), 'split.num': 4, 'split.read-interval': 20 },
    ],
    sink: [
      { plugin_name: 'LocalFile', plugin_input: 'fake', path: join(out, ph('table_name')), tmp_path: join(dir, 'tmp2'), file_format_type: 'json' },
      { plugin_name: 'LocalFile', plugin_input: 'solo', path: join(out, 'solo'), tmp_path: join(dir, 'tmp2'), file_format_type: 'json' },
    ],
  });
  const { jobId } = await jobs.submit(conf());
  await new Promise((r) => setTimeout(r, 30));
  await jobs.stop(jobId, true);
  assert.equal((await jobs.waitFor(jobId))?.status, 'SAVEPOINT_DONE');
  await jobs.submit(conf(), { jobId, isStartWithSavePoint: true });
  const read = () => jobs.get(jobId)?.metrics.sourceCount ?? {};
  for (let i = 0; i < 1000 && (read()['shop.users'] !== 3 || read().solo !== 4); i++) await new Promise((r) => setTimeout(r, 10));
  await jobs.stop(jobId, true);
  await jobs.waitFor(jobId);
  const ids = (table: string) =>
    readdirSync(join(out, table))
      .flatMap((f) => readFileSync(join(out, table, f), 'utf8').trim().split('\n'))
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l).id as number)
      .sort((a, b) => a - b);
  assert.equal(ids('orders').length, 5);
  assert.deepEqual(ids('users'), [1, 2, 3]);
  assert.deepEqual(ids('solo'), [1, 2, 3, 4]);
  assert.ok(await jobs.checkpoint(jobId, 2), 'the second pipeline keeps its own checkpoint');
});
