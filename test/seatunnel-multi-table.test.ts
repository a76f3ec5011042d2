// SeaTunnel multi-table jobs, Assert catalog rules and pipeline restarts through the REST API of a listening server.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readJson, startTestServer, type TestServer } from './support/test-server.ts';

// biome-ignore lint/suspicious/noExplicitAny: job objects are checked field by field
type J = any;

let t: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'st-multi-'));

before(async () => {
  t = await startTestServer();
});
after(async () => {
  await t.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function call(path: string, body?: unknown, type = 'application/json'): Promise<{ status: number; json: J }> {
  const init: RequestInit = body === undefined ? {} : { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) };
  const res = await fetch(t.url + path, init);
  return { status: res.status, json: await readJson(res) };
}

async function submit(body: unknown, query = '', type?: string): Promise<string> {
  const r = await call(`/submit-job${query}`, body, type);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.jobId;
}

async function until(id: string, ok: (job: J) => boolean): Promise<J> {
  for (let i = 0; i < 400; i++) {
    const job = (await call(`/job-info/${id}`)).json;
    if (ok(job)) return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} never reached the expected state`);
}
const ended = (id: string) => until(id, (j) => ['FINISHED', 'FAILED', 'CANCELED', 'SAVEPOINT_DONE'].includes(j.jobStatus));

/** `${name}` spelled without a template-looking literal. */
const ph = (name: string) => `$${'{'}${name}}`;

const tablesConfigs = [
  { schema: { table: 'shop.orders', fields: { id: 'int', total: 'double' } }, 'row.num': 6 },
  { schema: { table: 'shop.users', fields: { id: 'int', name: 'string' } }, rows: [{ kind: 'INSERT', fields: [1, 'ann'] }, { kind: 'INSERT', fields: [2, 'bob'] }] },
];

describe('SeaTunnel multi-table jobs over REST', () => {
  it('FakeSource tables_configs → Assert (table-names, per-table row rules) and LocalFile per table: metrics and jobDag per table', async () => {
    const out = join(dir, 'files');
    const id = await submit({
      env: { 'job.mode': 'BATCH' },
      source: [{ plugin_name: 'FakeSource', plugin_output: 'fake', tables_configs: tablesConfigs }],
      sink: [
        {
          plugin_name: 'Assert',
          plugin_input: 'fake',
          rules: {
            'table-names': ['shop.orders', 'shop.users'],
            tables_configs: [
              { table_path: 'shop.orders', row_rules: [{ rule_type: 'MIN_ROW', rule_value: 6 }, { rule_type: 'MAX_ROW', rule_value: 6 }] },
              {
                table_path: 'shop.users',
                row_rules: [{ rule_type: 'MIN_ROW', rule_value: 2 }, { rule_type: 'MAX_ROW', rule_value: 2 }],
                field_rules: [{ field_name: 'name', field_type: 'string', field_value: [{ rule_type: 'NOT_NULL' }] }],
              },
            ],
          },
        },
        { plugin_name: 'LocalFile', plugin_input: 'fake', path: join(out, ph('database_name'), ph('table_name')), tmp_path: join(dir, 'tmp'), file_format_type: 'csv' },
      ],
    });
    const job = await ended(id);
    assert.equal(job.jobStatus, 'FINISHED', job.errorMsg);
    assert.deepEqual(job.metrics.TableSourceReceivedCount, { 'shop.orders': '6', 'shop.users': '2' });
    assert.deepEqual(job.metrics.TableSinkWriteCount, { 'shop.orders': '12', 'shop.users': '4' });
    assert.equal(job.metrics.SourceReceivedCount, '8');
    assert.deepEqual(job.jobDag.vertexInfoMap[0].tablePaths, ['shop.orders', 'shop.users']);
    assert.equal(job.jobDag.vertexInfoMap[1].vertexName, 'pipeline-1 [Sink[0]-Assert-MultiTableSink]');
    assert.deepEqual(readdirSync(join(out, 'shop')).sort(), ['orders', 'users']);
    const users = readdirSync(join(out, 'shop', 'users')).map((f) => readFileSync(join(out, 'shop', 'users', f), 'utf8'));
    assert.deepEqual(users.join('').trim().split('\n').sort(), ['1,ann', '2,bob']);
  });

  it('HOCON table-names: one schema under several names; a missing table fails Assert with SeaTunnel text', async () => {
    const conf = (names: string) => `
      env { job.mode = "BATCH", job.retry.times = 0 }
      source { FakeSource { table-names = ["db.a", "db.b"], row.num = 3, schema = { fields { id = int } } } }
      sink { Assert { rules { table-names = [${names}], row_rules = [{ rule_type = MIN_ROW, rule_value = 3 }] } } }`;
    const ok = await ended(await submit(conf('"db.a", "db.b"'), '?format=hocon', 'text/plain'));
    assert.equal(ok.jobStatus, 'FINISHED', ok.errorMsg);
    assert.deepEqual(ok.metrics.TableSourceReceivedCount, { 'db.a': '3', 'db.b': '3' });
    const bad = await ended(await submit(conf('"db.a", "db.b", "db.c"'), '?format=hocon', 'text/plain'));
    assert.equal(bad.jobStatus, 'FAILED');
    assert.match(bad.errorMsg, /table names: \[db\.a, db\.b\] is not equal to \[db\.a, db\.b, db\.c\]/);
  });

  it('Assert catalog_table_rule checks the table the sink receives', async () => {
    const conf = (pkColumns: string[]) => ({
      env: { 'job.mode': 'BATCH', 'job.retry.times': 0 },
      source: [
        {
          plugin_name: 'FakeSource',
          schema: {
            table: 'db.users',
            columns: [
              { name: 'id', type: 'bigint', nullable: false },
              { name: 'name', type: 'string', columnLength: 32 },
            ],
            primaryKey: { name: 'pk_users', columnNames: ['id'] },
          },
        },
      ],
      sink: [
        {
          plugin_name: 'Assert',
          rules: {
            catalog_table_rule: {
              primary_key_rule: { primary_key_name: 'pk_users', primary_key_columns: pkColumns },
              column_rule: [
                { name: 'id', type: 'bigint', nullable: false },
                { name: 'name', type: 'string', column_length: 32 },
              ],
            },
          },
        },
      ],
    });
    const ok = await ended(await submit(conf(['id'])));
    assert.equal(ok.jobStatus, 'FINISHED', ok.errorMsg);
    const bad = await ended(await submit(conf(['id', 'name'])));
    assert.equal(bad.jobStatus, 'FAILED');
    assert.match(bad.errorMsg, /primaryKey columns: \[id\] is not equal to \[id, name\]/);
  });
});

describe('SeaTunnel pipeline restarts over REST', () => {
  const failing = (env: object) => ({
    env: { 'job.mode': 'STREAMING', ...env },
    source: [{ plugin_name: 'FakeSource', schema: { fields: { a: 'int' } }, rows: [{ fields: [5] }] }],
    sink: [{ plugin_name: 'Assert', rules: { field_rules: [{ field_name: 'a', field_value: [{ equals_to: 6 }] }] } }],
  });

  it('a failing pipeline is restarted job.retry.times times, then the job is FAILED with the restarts in diagnostics', async () => {
    const job = await ended(await submit(failing({ 'job.retry.times': 2, 'job.retry.interval.seconds': 0 })));
    assert.equal(job.jobStatus, 'FAILED');
    assert.match(job.errorMsg, /fail rule/);
    assert.deepEqual(job.diagnostics.pipelineRestarts, { 1: 2 });
    assert.equal(job.diagnostics.restarts, 2);
    assert.deepEqual(job.diagnostics.transitions.map((x: J) => x.status).slice(-3), ['RUNNING', 'FAILING', 'FAILED']);
  });

  it('by default a failed pipeline waits 3 s to restart while the job stays RUNNING; a stop then cancels it', async () => {
    const id = await submit(failing({}));
    const running = await until(id, (j) => j.diagnostics?.pipelineRestarts?.['1'] === 1);
    assert.equal(running.jobStatus, 'RUNNING');
    assert.equal(running.envOptions['job.mode'], 'STREAMING');
    assert.equal((await call('/stop-job', { jobId: id })).status, 200);
    const job = await ended(id);
    assert.equal(job.jobStatus, 'CANCELED');
    assert.deepEqual(job.diagnostics.pipelineRestarts, { 1: 1 });
    const log = await (await fetch(`${t.url}/logs/job-${id}.log`)).text();
    assert.match(log, /pipeline 1 failed \(.*fail rule.*\); restart 1 of 3 in 3s/);
  });
});
