// Pandora export-task API: every case of reference B8 plus paging, errors, owners and missed runs.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { pandoraApi } from '../src/api/pandora/pandora-api.ts';
import { MILLISECOND, ManualClock } from '../src/core/time.ts';
import { ExportService, type ExportServiceOptions } from '../src/exports/export-service.ts';
import { parseLineProtocol } from '../src/lineproto/parse.ts';
import { SqliteMetaStore } from '../src/meta/sqlite-meta-store.ts';
import { SeriesStoreRowSource } from '../src/query/spl/series-store-source.ts';
import { ManualTimers } from '../src/schedule/timers.ts';
import { openEmbeddedStore } from '../src/store/embedded-store.ts';
import { MemoryDisk } from '../src/store/memory-disk.ts';
import type { SeriesStore } from '../src/store/series-store.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON replies are checked field by field.
type Json = any;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const T0 = Date.parse('2024-02-10T08:00:00Z');

interface Env {
  app: FastifyInstance;
  clock: ManualClock;
  timers: ManualTimers;
  service: ExportService;
  meta: SqliteMetaStore;
  store: SeriesStore;
  dataDir: string;
  advance(ms: number): Promise<void>;
  call(method: string, url: string, body?: unknown, user?: string): Promise<{ status: number; json: Json; headers: Record<string, unknown>; body: string }>;
}

async function setup(options: Partial<ExportServiceOptions> = {}, shared?: { meta: SqliteMetaStore; store: SeriesStore; dataDir: string; clock: ManualClock }): Promise<Env> {
  const clock = shared?.clock ?? new ManualClock({ ms: T0, ns: 0 });
  const timers = new ManualTimers(clock);
  const meta = shared?.meta ?? new SqliteMetaStore({ path: ':memory:' });
  const store = shared?.store ?? (await openEmbeddedStore({ dir: '/p', disk: new MemoryDisk() }));
  const dataDir = shared?.dataDir ?? (await mkdtemp(join(tmpdir(), 'pandora-api-')));
  const service = new ExportService({ meta, source: new SeriesStoreRowSource(store), clock, timers, dataDir, ...options });
  await service.start();
  const app = Fastify();
  // Stand-in for the server's authentication: `x-user: name:role`.
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request) => {
    const header = request.headers['x-user'];
    const [username, role] = typeof header === 'string' ? header.split(':') : ['', 'admin'];
    (request as unknown as { principal: unknown }).principal = { username, role };
  });
  await app.register(pandoraApi({ exports: service }));
  await app.ready();
  const call: Env['call'] = async (method, url, body, user) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { 'content-type': 'application/json', ...(user ? { 'x-user': user } : {}) },
      payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, json, headers: res.headers, body: res.body };
  };
  return {
    app,
    clock,
    timers,
    service,
    meta,
    store,
    dataDir,
    advance: (ms) => timers.advance(ms, () => service.idle()),
    call,
  };
}

async function teardown(env: Env): Promise<void> {
  await env.service.stop();
  await env.app.close();
}

function assertError(res: { status: number; json: Json; headers: Record<string, unknown> }, status: number, code: string, message?: RegExp | string) {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.deepEqual(Object.keys(res.json), ['RequestId', 'Code', 'Message']);
  assert.match(res.json.RequestId, UUID);
  assert.equal(res.headers['x-reqid'], res.json.RequestId);
  assert.equal(res.json.Code, code);
  if (typeof message === 'string') assert.equal(res.json.Message, message);
  else if (message) assert.match(res.json.Message, message);
}

const dailyErr = {
  name: 'daily-err',
  spl: 'repo="app" error | stats count() by host',
  interval: { type: 'cronDate', cronDate: { frequency: 'day', hour: '16', minute: '0' } },
};

async function idOf(env: Env, name: string): Promise<string> {
  const res = await env.call('GET', `/api/v1/export/task/list?prefix=${encodeURIComponent(name)}&pageSize=1000`);
  const task = res.json.tasks.find((t: { name: string }) => t.name === name);
  assert.ok(task, `task ${name} exists`);
  return task.id;
}

describe('Pandora export tasks API', () => {
  let env: Env;
  beforeEach(async () => {
    if (env) await teardown(env);
    env = await setup();
  });
  after(async () => {
    await teardown(env);
    await rm(env.dataDir, { recursive: true, force: true });
  });

  it('B8-1: create answers 200 {} with a Location; the list shows the task with Pandora fields and defaults', async () => {
    const res = await env.call('POST', '/api/v1/export/task', dailyErr);
    assert.equal(res.status, 200);
    assert.equal(res.body, '{}');
    const list = await env.call('GET', '/api/v1/export/task/list?prefix=daily');
    assert.equal(list.status, 200);
    assert.deepEqual(Object.keys(list.json), ['total', 'pageNo', 'pageSize', 'tasks']);
    assert.equal(list.json.total, 1);
    assert.equal(list.json.pageNo, 1);
    assert.equal(list.json.pageSize, 10);
    const [task] = list.json.tasks;
    assert.match(task.id, UUID);
    assert.equal(res.headers.location, `/api/v1/export/task/${task.id}`);
    assert.deepEqual(task, {
      id: task.id,
      name: 'daily-err',
      description: null,
      operations: ['create', 'edit', 'list', 'share', 'delete'],
      spl: dailyErr.spl,
      owner: 'admin',
      interval: { type: 'cronDate', cronDate: { frequency: 'day', month: 1, date: 1, hour: 16, minute: 0 } },
      status: 'running',
      count: 0,
      updateTime: T0,
      createTime: T0,
      lastRunTime: -1,
    });
    assert.equal(env.service.nextFire(task.id), Date.parse('2024-02-10T16:00:00Z'));
    const one = await env.call('GET', `/api/v1/export/task/${task.id}`);
    assert.deepEqual(one.json, task);
  });

  it('B8-2: invalid intervals and SPL are 400 with the Pandora error body and nothing is stored', async () => {
    const bad: [unknown, string, RegExp][] = [
      [{ type: 'crontab' }, 'E_EXPORT_INVALID_TASK', /interval.crontab is required/],
      [{ type: 'crontab', crontab: '*/5 * * *' }, 'E_SCHEDULE_INVALID_CRON', /^invalid crontab "\*\/5 \* \* \*": a Unix crontab has 5 fields|6 or 7 fields/],
      [{ type: 'cronDate', cronDate: { date: 33 } }, 'E_SCHEDULE_INVALID_CRONDATE', /date must be an integer from 1 to 32, got 33/],
      [{ type: 'hourly' }, 'E_EXPORT_INVALID_TASK', /interval.type must be "cronDate" or "crontab", got "hourly"/],
      [{ type: 'cronDate' }, 'E_EXPORT_INVALID_TASK', /interval.cronDate is required/],
      [{ type: 'crontab', crontab: '0 0 12 * * *' }, 'E_SCHEDULE_INVALID_CRON', /one of them must be '\?'/],
    ];
    for (const [interval, code, message] of bad) {
      assertError(await env.call('POST', '/api/v1/export/task', { name: 'x', spl: '*', interval }), 400, code, message);
    }
    assertError(await env.call('POST', '/api/v1/export/task', { spl: '*', interval: { type: 'crontab', crontab: '0 * * * * ?' } }), 400, 'E_EXPORT_INVALID_TASK', 'name is required');
    assertError(await env.call('POST', '/api/v1/export/task', { name: 'x', interval: { type: 'crontab', crontab: '0 * * * * ?' } }), 400, 'E_EXPORT_INVALID_TASK', 'spl is required');
    assertError(await env.call('POST', '/api/v1/export/task', { name: 'x', spl: '*' }), 400, 'E_EXPORT_INVALID_TASK', 'interval is required');
    assertError(
      await env.call('POST', '/api/v1/export/task', { name: 'x', spl: '* | stats avg', interval: { type: 'crontab', crontab: '0 * * * * ?' } }),
      400,
      'E_SPL_SYNTAX',
      "Error in 'stats' command: function 'avg' needs a field (column 11)",
    );
    assertError(await env.call('POST', '/api/v1/export/task', '{"name":'), 400, 'E_PANDORA_BAD_REQUEST', /not valid JSON/);
    assertError(await env.call('POST', '/api/v1/export/task', '[1]'), 400, 'E_EXPORT_INVALID_TASK', 'the request body must be a JSON object');
    assert.equal((await env.call('GET', '/api/v1/export/task/list')).json.total, 0);

    const ok = await env.call('POST', '/api/v1/export/task', { name: 'fast', spl: '*', interval: { type: 'crontab', crontab: '*/5 * * * * ?' } });
    assert.equal(ok.status, 200);
    const id = await idOf(env, 'fast');
    assert.equal(env.service.nextFire(id), T0 + 5000);
  });

  it('B8-3: list pages by prefix, sort, order, pageNo and pageSize; defaults are updateTime desc, page 1 of 10', async () => {
    for (const name of ['alpha-1', 'alpha-2', 'beta']) {
      await env.call('POST', '/api/v1/export/task', { ...dailyErr, name });
      env.clock.advance(1000 * MILLISECOND);
    }
    const page = await env.call('GET', '/api/v1/export/task/list?prefix=alpha&sort=createTime&order=asc&pageNo=2&pageSize=1');
    assert.equal(page.status, 200);
    assert.equal(page.json.total, 2);
    assert.equal(page.json.pageNo, 2);
    assert.equal(page.json.pageSize, 1);
    assert.deepEqual(
      page.json.tasks.map((t: { name: string }) => t.name),
      ['alpha-2'],
    );
    const defaults = await env.call('GET', '/api/v1/export/task/list');
    assert.equal(defaults.json.pageNo, 1);
    assert.equal(defaults.json.pageSize, 10);
    assert.deepEqual(
      defaults.json.tasks.map((t: { name: string }) => t.name),
      ['beta', 'alpha-2', 'alpha-1'],
    );
    const byName = await env.call('GET', '/api/v1/export/task/list?sort=name&order=asc');
    assert.deepEqual(
      byName.json.tasks.map((t: { name: string }) => t.name),
      ['alpha-1', 'alpha-2', 'beta'],
    );
    const beyond = await env.call('GET', '/api/v1/export/task/list?pageNo=5');
    assert.deepEqual(beyond.json, { total: 3, pageNo: 5, pageSize: 10, tasks: [] });
    assertError(await env.call('GET', '/api/v1/export/task/list?pageNo=0'), 400, 'E_EXPORT_INVALID_PAGING', 'pageNo must be a positive integer');
    assertError(await env.call('GET', '/api/v1/export/task/list?pageSize=abc'), 400, 'E_EXPORT_INVALID_PAGING');
    assertError(await env.call('GET', '/api/v1/export/task/list?order=up'), 400, 'E_EXPORT_INVALID_PAGING', 'order must be "asc" or "desc"');
    assertError(await env.call('GET', '/api/v1/export/task/list?sort=colour'), 400, 'E_EXPORT_INVALID_PAGING', /^sort must be one of/);
  });

  it('B8-4: batch stop and start; stopped tasks do not fire; bad bodies change nothing', async () => {
    const crontab = { type: 'crontab', crontab: '0 * * * * ?' };
    await env.call('POST', '/api/v1/export/task', { name: 'A', spl: '*', interval: crontab });
    await env.call('POST', '/api/v1/export/task', { name: 'B', spl: '*', interval: crontab });
    const idA = await idOf(env, 'A');
    const idB = await idOf(env, 'B');
    const stop = await env.call('PUT', '/api/v1/export/tasks/status', { tasks: [idA, idB], status: 'stopped' });
    assert.equal(stop.status, 200);
    assert.deepEqual(stop.json, {});
    const list = await env.call('GET', '/api/v1/export/task/list');
    assert.deepEqual(
      list.json.tasks.map((t: { status: string }) => t.status),
      ['stopped', 'stopped'],
    );
    await env.advance(180_000);
    assert.equal((await env.call('GET', `/api/v1/export/task/${idA}/history`)).json.total, 0);

    assertError(await env.call('PUT', '/api/v1/export/tasks/status', { tasks: [idA], status: 'paused' }), 400, 'E_EXPORT_INVALID_STATUS', 'status must be "running" or "stopped", got "paused"');
    assertError(await env.call('PUT', '/api/v1/export/tasks/status', { tasks: [], status: 'running' }), 400, 'E_EXPORT_EMPTY_TASKS');
    const unknown = '00000000-0000-4000-8000-000000000000';
    assertError(await env.call('PUT', '/api/v1/export/tasks/status', { tasks: [idA, unknown], status: 'running' }), 404, 'E_EXPORT_TASK_NOT_FOUND', `export task not found: ${unknown}`);
    // No partial change: A is still stopped.
    assert.equal((await env.call('GET', `/api/v1/export/task/${idA}`)).json.status, 'stopped');

    assert.equal((await env.call('PUT', '/api/v1/export/tasks/status', { tasks: [idA], status: 'running' })).status, 200);
    // Fires missed while stopped are not caught up; the next minute fires.
    await env.advance(59_999);
    assert.equal((await env.call('GET', `/api/v1/export/task/${idA}/history`)).json.total, 0);
    await env.advance(1);
    assert.equal((await env.call('GET', `/api/v1/export/task/${idA}/history`)).json.total, 1);
    assert.equal((await env.call('GET', `/api/v1/export/task/${idB}/history`)).json.total, 0);
  });

  it('B8-5: update replaces spl and interval, keeps createTime; month-end schedule; unknown id is 404', async () => {
    await env.call('POST', '/api/v1/export/task', dailyErr);
    const id = await idOf(env, 'daily-err');
    env.clock.advance(5000 * MILLISECOND);
    const res = await env.call('PUT', `/api/v1/export/task/${id}`, {
      name: 'daily-err',
      spl: 'index=app | stats count',
      interval: { type: 'cronDate', cronDate: { frequency: 'month', date: '32', hour: '23', minute: '30' } },
    });
    assert.equal(res.status, 200);
    const task = (await env.call('GET', '/api/v1/export/task/list')).json.tasks[0];
    assert.equal(task.spl, 'index=app | stats count');
    assert.equal(task.createTime, T0);
    assert.equal(task.updateTime, T0 + 5000);
    assert.deepEqual(task.interval, { type: 'cronDate', cronDate: { frequency: 'month', month: 1, date: 32, hour: 23, minute: 30 } });
    assert.equal(env.service.nextFire(id), Date.parse('2024-02-29T23:30:00Z'));
    await env.advance(Date.parse('2024-02-29T23:30:00Z') - env.clock.now().ms);
    assert.equal(env.service.nextFire(id), Date.parse('2024-03-31T23:30:00Z'));
    const unknown = '00000000-0000-4000-8000-000000000000';
    assertError(await env.call('PUT', `/api/v1/export/task/${unknown}`, dailyErr), 404, 'E_EXPORT_TASK_NOT_FOUND');
    assertError(await env.call('PUT', `/api/v1/export/task/${id}`, { ...dailyErr, spl: '| nosuch' }), 400, 'E_SPL_UNKNOWN_COMMAND', "Unknown search command 'nosuch' (column 3)");
    assert.equal((await env.call('GET', `/api/v1/export/task/${id}`)).json.spl, 'index=app | stats count');
  });

  it('B8-6: two runs make two history rows, newest first; failures are recorded; delete is 200 and removes history', async () => {
    await env.store.createDatabase('app');
    await env.store.write(
      parseLineProtocol(Buffer.from(`logs,host=web1 message="an error here" ${T0 - 1000}\nlogs,host=web2 message="fine" ${T0 - 500}`), {
        database: 'app',
        retentionPolicy: '',
        precision: 'ms',
        now: { ms: 0, ns: 0 },
      }),
    );
    await env.call('POST', '/api/v1/export/task', {
      name: 'minutely',
      spl: 'repo="app" error earliest=-1h | stats count() by host',
      interval: { type: 'crontab', crontab: '0 * * * * ?' },
    });
    const id = await idOf(env, 'minutely');
    await env.advance(120_000);
    const history = await env.call('GET', `/api/v1/export/task/${id}/history?order=desc`);
    assert.equal(history.status, 200);
    assert.deepEqual(Object.keys(history.json), ['total', 'pageNo', 'pageSize', 'histories']);
    assert.equal(history.json.total, 2);
    const [second, first] = history.json.histories;
    assert.deepEqual(
      { taskId: second.taskId, count: second.count, time: second.time, status: second.status, message: second.message },
      { taskId: id, count: 2, time: T0 + 120_000, status: 'success', message: null },
    );
    assert.equal(first.count, 1);
    assert.equal(first.time, T0 + 60_000);
    assert.ok(second.tookMillis >= 0);
    assert.equal(second.rows, 1);
    const task = (await env.call('GET', `/api/v1/export/task/${id}`)).json;
    assert.equal(task.count, 2);
    assert.equal(task.lastRunTime, T0 + 120_000);
    const csv = await env.call('GET', `/api/v1/export/task/${id}/history/2/download`);
    assert.equal(csv.status, 200);
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(csv.body, 'host,count\r\nweb1,1\r\n');
    const asc = await env.call('GET', `/api/v1/export/task/${id}/history?order=asc&pageSize=1&pageNo=2`);
    assert.deepEqual(
      asc.json.histories.map((h: { count: number }) => h.count),
      [2],
    );

    // A run that fails (the webhook answers 500) records the error; the schedule carries on.
    const hook = createServer((_req, res) => res.writeHead(500, 'Internal Server Error').end());
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    await env.call('PUT', `/api/v1/export/task/${id}`, {
      name: 'minutely',
      spl: '* | stats count',
      interval: { type: 'crontab', crontab: '0 * * * * ?' },
      destination: { type: 'webhook', url: hookUrl },
    });
    await env.advance(60_000);
    await new Promise((resolve) => hook.close(resolve));
    const failed = (await env.call('GET', `/api/v1/export/task/${id}/history`)).json.histories[0];
    assert.equal(failed.count, 3);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.message, `webhook ${hookUrl} answered 500 Internal Server Error`);
    assert.equal(env.service.nextFire(id), T0 + 240_000);
    const onlyFailed = await env.call('GET', `/api/v1/export/task/${id}/history?prefix=fail`);
    assert.equal(onlyFailed.json.total, 1);
    assertError(await env.call('GET', `/api/v1/export/task/${id}/history/3/download`), 404, 'E_EXPORT_FILE_NOT_FOUND');

    const del = await env.call('DELETE', `/api/v1/export/task/${id}`);
    assert.equal(del.status, 200);
    assert.equal((await env.call('GET', '/api/v1/export/task/list')).json.total, 0);
    assertError(await env.call('GET', `/api/v1/export/task/${id}/history`), 404, 'E_EXPORT_TASK_NOT_FOUND');
    assertError(await env.call('DELETE', `/api/v1/export/task/${id}`), 404, 'E_EXPORT_TASK_NOT_FOUND');
    assert.equal(await env.meta.timeline('pandora-export-history').count(id), 0);
  });

  it('owner comes from the caller; operations reflect what the caller may do', async () => {
    await env.call('POST', '/api/v1/export/task', { ...dailyErr, name: 'mine' }, 'alice:write');
    const asAlice = (await env.call('GET', '/api/v1/export/task/list', undefined, 'alice:write')).json.tasks[0];
    assert.equal(asAlice.owner, 'alice');
    assert.deepEqual(asAlice.operations, ['create', 'edit', 'list', 'share', 'delete']);
    const asBob = (await env.call('GET', '/api/v1/export/task/list', undefined, 'bob:write')).json.tasks[0];
    assert.deepEqual(asBob.operations, ['create', 'list']);
    const asReader = (await env.call('GET', '/api/v1/export/task/list', undefined, 'carol:read')).json.tasks[0];
    assert.deepEqual(asReader.operations, ['list']);
    assertError(await env.call('DELETE', `/api/v1/export/task/${asAlice.id}`, undefined, 'bob:write'), 403, 'E_EXPORT_FORBIDDEN', `user "bob" may not delete export task ${asAlice.id}`);
    assertError(await env.call('POST', '/api/v1/export/task', dailyErr, 'carol:read'), 403, 'E_EXPORT_FORBIDDEN');
    assert.equal((await env.call('DELETE', `/api/v1/export/task/${asAlice.id}`, undefined, 'root:admin')).status, 200);
  });

  it('a body that is not JSON is refused with the Pandora error body', async () => {
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/export/task', headers: { 'content-type': 'text/plain' }, payload: 'name=x' });
    assertError({ status: res.statusCode, json: JSON.parse(res.body), headers: res.headers }, 400, 'E_PANDORA_UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json, got text/plain');
  });

  it('unknown routes under the prefix get the Pandora error body', async () => {
    assertError(await env.call('GET', '/api/v1/export/nothing'), 404, 'E_PANDORA_ROUTE_NOT_FOUND', 'no such API: GET /api/v1/export/nothing');
  });
});

describe('Pandora export-task options', () => {
  it('a configured minimum interval rejects tighter schedules', async () => {
    const env = await setup({ minIntervalMs: 60_000 });
    try {
      assertError(
        await env.call('POST', '/api/v1/export/task', { name: 'x', spl: '*', interval: { type: 'crontab', crontab: '*/5 * * * * ?' } }),
        400,
        'E_SCHEDULE_TOO_FREQUENT',
        'schedule "*/5 * * * * ?" fires every 5s, more often than the minimum interval of 60s',
      );
      assert.equal((await env.call('POST', '/api/v1/export/task', { name: 'y', spl: '*', interval: { type: 'cronDate', cronDate: { frequency: 'minute' } } })).status, 200);
    } finally {
      await teardown(env);
      await rm(env.dataDir, { recursive: true, force: true });
    }
  });

  it('duplicate names are a 409 when names must be unique', async () => {
    const env = await setup({ uniqueNames: true });
    try {
      assert.equal((await env.call('POST', '/api/v1/export/task', dailyErr)).status, 200);
      assertError(await env.call('POST', '/api/v1/export/task', dailyErr), 409, 'E_EXPORT_NAME_TAKEN');
    } finally {
      await teardown(env);
      await rm(env.dataDir, { recursive: true, force: true });
    }
  });

  it('tasks and history survive a restart; fires missed while down run once (policy once) or not at all (skip)', async () => {
    for (const policy of ['once', 'skip'] as const) {
      const first = await setup();
      await first.call('POST', '/api/v1/export/task', { name: 'hourly', spl: '* | stats count', interval: { type: 'crontab', crontab: '0 0 * * * ?' } });
      const id = await idOf(first, 'hourly');
      await first.advance(3_600_000);
      assert.equal((await first.call('GET', `/api/v1/export/task/${id}/history`)).json.total, 1);
      await teardown(first);
      // Down for three hours and a bit: 10:00, 11:00 and 12:00 are missed.
      first.clock.advance((3 * 3_600_000 + 60_000) * MILLISECOND);
      const second = await setup({ missedRuns: policy }, first);
      try {
        await second.advance(0);
        const history = (await second.call('GET', `/api/v1/export/task/${id}/history`)).json;
        const task = (await second.call('GET', `/api/v1/export/task/${id}`)).json;
        if (policy === 'once') {
          assert.equal(history.total, 2);
          assert.equal(history.histories[0].time, T0 + 4 * 3_600_000);
          assert.equal(task.count, 2);
        } else {
          assert.equal(history.total, 1);
          assert.equal(task.count, 1);
        }
        assert.equal(second.service.nextFire(id), T0 + 5 * 3_600_000);
        const files = await readFile(join(second.dataDir, 'exports', id, '1.csv'), 'utf8');
        assert.equal(files, 'count\r\n0\r\n');
      } finally {
        await teardown(second);
        await rm(second.dataDir, { recursive: true, force: true });
      }
    }
  });
});

