// Tasks and templates API against a real listening server, with the stream engine executing enabled tasks.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { httpOutRoutes } from '../src/api/kapacitor/http-out-routes.ts';
import { registerKapacitorApi } from '../src/api/kapacitor/kapacitor-api.ts';
import { tasksRoutes } from '../src/api/kapacitor/tasks-routes.ts';
import { templatesRoutes } from '../src/api/kapacitor/templates-routes.ts';
import { writeRoutes } from '../src/api/kapacitor/write-routes.ts';
import { systemClock } from '../src/core/time.ts';
import { PointRouter } from '../src/ingest/point-router.ts';
import { WriteService } from '../src/ingest/write-service.ts';
import { SqliteMetaStore } from '../src/meta/sqlite-meta-store.ts';
import { StreamEngine } from '../src/pipeline/engine.ts';
import { HttpOutService } from '../src/pipeline/http-out-service.ts';
import { StreamTaskExecutor } from '../src/pipeline/task-executor.ts';
import { TaskService } from '../src/tasks/task-service.ts';

const dir = mkdtempSync(join(tmpdir(), 'tasks-api-'));
let app: FastifyInstance;
let base = '';
let engine: StreamEngine;
let meta: SqliteMetaStore;

async function startServer(): Promise<void> {
  meta = new SqliteMetaStore({ path: join(dir, 'meta.db') });
  const router = new PointRouter();
  const writes = new WriteService(router, systemClock);
  engine = new StreamEngine({
    clock: systemClock,
    subscribe: (db, rp, fn) => router.subscribe(db, rp, fn),
    repeat: (ms, fn) => {
      const t = setInterval(fn, ms);
      return () => clearInterval(t);
    },
    logger: { log: () => {} },
  });
  const service = new TaskService({ meta, clock: systemClock, executor: new StreamTaskExecutor(engine) });
  await service.open();
  app = Fastify();
  const write = writeRoutes({ writes, maxBodySize: 1 << 20 });
  await registerKapacitorApi(app, {
    routes: [tasksRoutes(service), templatesRoutes(service), httpOutRoutes(new HttpOutService(engine)), write],
    rootRoutes: [write],
  });
  base = `${await app.listen({ port: 0, host: '127.0.0.1' })}/kapacitor/v1`;
}

async function stopServer(): Promise<void> {
  engine.stopAll();
  await app.close();
  await meta.close();
}

before(startServer);
after(async () => {
  await stopServer();
  rmSync(dir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are navigated freely in assertions
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

test('TestServer_EnableTask shape: create disabled, GET static DOT, enable, executing DOT', async () => {
  const created = await call('POST', '/tasks', {
    id: 'testTaskID',
    type: 'stream',
    dbrps: [
      { db: 'mydb', rp: 'myrp' },
      { db: 'otherdb', rp: 'default' },
    ],
    script: "stream\n    |from()\n        .measurement('test')\n",
  });
  assert.equal(created.status, 200);
  assert.match(created.text, /^{\n {4}"link": {\n {8}"rel": "self",/);
  const got = await call('GET', '/tasks/testTaskID');
  assert.equal(got.json.dot, 'digraph testTaskID {\nstream0 -> from1;\n}');
  assert.equal(got.json.script, "stream\n    |from()\n        .measurement('test')\n");
  const enabled = await call('PATCH', '/tasks/testTaskID', { status: 'enabled' });
  assert.equal(enabled.status, 200);
  assert.equal(enabled.json.executing, true);
  assert.equal(
    enabled.json.dot,
    'digraph testTaskID {\ngraph [throughput="0.00 points/s"];\n\nstream0 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];\nstream0 -> from1 [processed="0"];\n\nfrom1 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];\n}',
  );
  assert.ok(enabled.json.stats['node-stats'].from1);
});

test('TestServer_StreamTask: window + count through /write and httpOut', async () => {
  const script = "stream|from().measurement('test')|window().period(10s).every(10s)|count('value')|httpOut('count')";
  const r = await call('POST', '/tasks', { id: 'testStreamTask', dbrps: [{ db: 'mydb', rp: 'myrp' }], script, status: 'enabled' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await call('GET', '/tasks/testStreamTask/count')).text, '{"series":null}');
  const times = [0, 1, 1, 2, 2, 3, 3, 4, 5, 5, 5, 6, 7, 8, 9, 10, 11];
  const lines = times.map((t) => `test value=1 ${t}`).join('\n');
  const w = await fetch(`${base}/write?db=mydb&rp=myrp&precision=s`, { method: 'POST', body: lines });
  assert.equal(w.status, 204);
  const out = await call('GET', '/tasks/testStreamTask/count');
  assert.equal(out.text, '{"series":[{"name":"test","columns":["time","count"],"values":[["1970-01-01T00:00:10Z",15]]}]}');
});

test('errors: envelope, exact texts, hints, 404s and parameters', async () => {
  const bad = await call('POST', '/tasks', { id: 'x', script: "stream|from().measurement('cpu')" });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error, 'must specify dbrp');
  assert.equal(bad.json.message, 'must specify dbrp');
  assert.match(bad.json.hint, /dbrp/);
  assert.equal((await call('POST', '/tasks', '{nope')).json.error, 'invalid JSON');
  const missing = await call('GET', '/tasks/none');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error, 'no task exists');
  assert.equal((await call('GET', '/tasks/')).json.error, 'must specify task id on path');
  assert.equal((await call('GET', '/tasks/testTaskID?dot-view=x')).json.error, 'invalid dot-view parameter "x"');
  assert.equal((await call('GET', '/tasks/testTaskID?script-format=x')).json.error, 'invalid script-format parameter "x"');
  assert.equal(
    (await call('GET', '/tasks?offset=a')).json.error,
    'invalid offset parameter "a" must be an integer: strconv.ParseInt: parsing "a": invalid syntax',
  );
  assert.equal((await call('PATCH', '/tasks/none', {})).status, 404);
  assert.equal((await call('DELETE', '/tasks/none')).status, 204);
  const lambdaQuote = await call('POST', '/tasks', {
    id: 'q',
    dbrps: [{ db: 'a', rp: 'b' }],
    script: 'stream|from().measurement("cpu")',
  });
  assert.equal(
    lambdaQuote.json.error,
    'invalid TICKscript: line 1 char 15: cannot assign *ast.ReferenceNode to type string, did you use double quotes instead of single quotes?',
  );
  assert.match(lambdaQuote.json.hint, /single quotes/);
});

test('list with fields and pattern; raw script format', async () => {
  const list = await call('GET', '/tasks?pattern=test*&fields=status&fields=executing');
  assert.deepEqual(
    list.json.tasks.map((t: { id: string }) => t.id),
    ['testStreamTask', 'testTaskID'],
  );
  assert.deepEqual(Object.keys(list.json.tasks[0]), ['executing', 'id', 'link', 'status']);
  const raw = await call('GET', '/tasks/testStreamTask?script-format=raw');
  assert.equal(raw.json.script, "stream|from().measurement('test')|window().period(10s).every(10s)|count('value')|httpOut('count')");
});

test('templates over HTTP, and enabled tasks run again after a restart', async () => {
  const t = await call('POST', '/templates', { id: 'tpl', script: "var m string\nstream|from().measurement(m)|httpOut('o')" });
  assert.equal(t.status, 200, t.text);
  assert.deepEqual(t.json.vars, { m: { type: 'string', value: null, description: '' } });
  const task = await call('POST', '/tasks', {
    id: 'fromTpl',
    'template-id': 'tpl',
    dbrps: [{ db: 'd', rp: 'r' }],
    vars: { m: { type: 'string', value: 'cpu' } },
    status: 'enabled',
  });
  assert.equal(task.status, 200, task.text);
  assert.equal(task.json.executing, true);
  await stopServer();
  await startServer();
  const again = await call('GET', '/tasks/fromTpl');
  assert.equal(again.json.executing, true);
  assert.equal(again.json['template-id'], 'tpl');
  assert.equal((await call('GET', '/templates?fields=vars')).json.templates[0].vars.m.type, 'string');
  assert.equal((await call('DELETE', '/templates/tpl')).status, 204);
});
