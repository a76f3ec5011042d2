// The Kapacitor HTTP skeleton: ping, headers, aliases, route map, debug vars, errors, CORS.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KAPACITOR_VERSION } from '../src/api/kapacitor/kapacitor-api.ts';
import { readJson, startTestServer, type TestServer } from './support/test-server.ts';

describe('Kapacitor skeleton', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  it('answers ping with 204, the version header and a request id', async () => {
    for (const method of ['GET', 'HEAD']) {
      const res = await fetch(`${t.url}/kapacitor/v1/ping`, { method });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('x-kapacitor-version'), KAPACITOR_VERSION);
      assert.match(res.headers.get('request-id') ?? '', /^[0-9a-f-]{36}$/);
    }
  });

  it('gives every response a fresh request id', async () => {
    const a = await fetch(`${t.url}/kapacitor/v1/ping`);
    const b = await fetch(`${t.url}/kapacitor/v1/ping`);
    assert.notEqual(a.headers.get('request-id'), b.headers.get('request-id'));
  });

  it('serves every route under /kapacitor/v1preview too', async () => {
    const res = await fetch(`${t.url}/kapacitor/v1preview/ping`);
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('x-kapacitor-version'), KAPACITOR_VERSION);
  });

  it('lists its routes at /kapacitor/v1/:routes', async () => {
    const res = await fetch(`${t.url}/kapacitor/v1/:routes`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^\{\n {4}"/, 'pretty-printed with four spaces');
    const routes = JSON.parse(text) as Record<string, string[]>;
    assert.deepEqual(routes['/kapacitor/v1/ping'], ['GET', 'HEAD']);
    assert.deepEqual(routes['/kapacitor/v1/write'], ['POST']);
    assert.deepEqual(routes['/write'], ['POST']);
  });

  it('exposes expvar-style /debug/vars with the keys Telegraf and Chronograf read', async () => {
    const vars = await readJson(await fetch(`${t.url}/kapacitor/v1/debug/vars`));
    for (const key of ['cluster_id', 'server_id', 'host', 'product', 'version', 'num_tasks', 'num_enabled_tasks', 'memstats', 'kapacitor']) {
      assert.ok(key in vars, `missing ${key}`);
    }
    assert.equal(vars.product, 'kapacitor');
    assert.equal(typeof vars.num_tasks, 'number');
  });

  it('answers unknown routes with 404 and the JSON error envelope', async () => {
    const res = await fetch(`${t.url}/kapacitor/v1/no/such/route`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-kapacitor-version'), KAPACITOR_VERSION);
    const body = await readJson(res);
    assert.equal(body.error, 'not found: GET /kapacitor/v1/no/such/route');
    assert.equal(body.message, body.error);
  });

  it('answers unknown routes outside every dialect with a JSON 404', async () => {
    const res = await fetch(`${t.url}/nowhere`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: 'not found: GET /nowhere' });
  });

  it('answers CORS preflights itself: 200, empty, with the allowed methods and headers', async () => {
    const res = await fetch(`${t.url}/kapacitor/v1/tasks/x`, { method: 'OPTIONS', headers: { Origin: 'http://ui.example' } });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://ui.example');
    assert.equal(res.headers.get('access-control-allow-methods'), 'DELETE, GET, OPTIONS, POST, PATCH');
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    assert.equal(res.headers.get('x-kapacitor-version'), null);
  });

  it('echoes the origin on ordinary requests', async () => {
    const res = await fetch(`${t.url}/kapacitor/v1/ping`, { headers: { Origin: 'http://ui.example' } });
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://ui.example');
  });

  it('changes the log level and rejects unknown levels', async () => {
    const post = (body: string) =>
      fetch(`${t.url}/kapacitor/v1/loglevel`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    assert.equal((await post('{"level":"DEBUG"}')).status, 204);
    assert.equal(t.server.app.log.level, 'debug');
    const bad = await post('{"level":"loud"}');
    assert.equal(bad.status, 400);
    assert.equal((await readJson(bad)).error, 'invalid log level');
    const broken = await post('{"level":');
    assert.equal(broken.status, 400);
    assert.ok((await readJson(broken)).error);
  });
});

describe('server identity', () => {
  it('keeps its cluster and server ids across a restart', async () => {
    const first = await startTestServer();
    const before = await readJson(await fetch(`${first.url}/kapacitor/v1/debug/vars`));
    const second = await first.restart();
    const afterRestart = await readJson(await fetch(`${second.url}/kapacitor/v1/debug/vars`));
    assert.equal(afterRestart.cluster_id, before.cluster_id);
    assert.equal(afterRestart.server_id, before.server_id);
    await second.stop();
  });
});

describe('response compression', () => {
  it('gzips responses for clients that accept it, and only for them', async () => {
    const t = await startTestServer();
    const { request } = await import('node:http');
    const { gunzipSync } = await import('node:zlib');
    const get = (headers: Record<string, string>) =>
      new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        request(`${t.url}/kapacitor/v1/:routes`, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        })
          .on('error', reject)
          .end();
      });
    const zipped = await get({ 'Accept-Encoding': 'gzip' });
    assert.equal(zipped.encoding, 'gzip');
    const plain = await get({});
    assert.equal(plain.encoding, undefined);
    assert.deepEqual(JSON.parse(gunzipSync(zipped.body).toString()), JSON.parse(plain.body.toString()));
    await t.stop();
  });
});
