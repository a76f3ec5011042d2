// Http source and sink against a local HTTP fixture: contract cases, JSON paths, POST, retries, polling.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, test } from 'node:test';
import { SqliteMetaStore } from '../../../meta/sqlite-meta-store.ts';
import { builtinRegistry } from '../../builtins.ts';
import type { JsonObject } from '../../config/hocon.ts';
import { JobService } from '../../job-service.ts';
import { metricsJson } from '../../metrics.ts';
import { drain, sinkConformance, sourceConformance } from '../contract.cases.ts';
import { parseSchema } from '../../config/schema.ts';
import type { Row, Value } from '../../row.ts';
import { httpSinkFactory } from './http-sink.ts';
import { httpSourceFactory } from './http-source.ts';

let hits = 0;
let posted: string[] = [];
let failPosts = 0;
const server = createServer((req, res) => {
  hits++;
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/sink') {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (failPosts > 0) {
        failPosts--;
        res.statusCode = 503;
        return res.end();
      }
      posted.push(body);
      res.end('{}');
    });
    return;
  }
  if (url.pathname === '/data') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ page: url.searchParams.get('page'), result: { items: Array.from({ length: 25 }, (_, i) => ({ id: i, info: { name: `n${i}` } })) } }));
  } else if (url.pathname === '/text') res.end('line one\nline two\n');
  else if (url.pathname === '/post') {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => res.end(JSON.stringify([{ echo: body, auth: req.headers.authorization ?? '' }])));
  } else {
    res.statusCode = 500;
    res.end('boom');
  }
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
after(() => new Promise<void>((r) => server.close(() => r())));
const ctx = (options: JsonObject, mode: 'BATCH' | 'STREAMING' = 'BATCH') => ({ jobId: '5', mode, pluginName: 'Http', options, services: {}, log: () => {} });

const jsonOptions = { url: `${base}/data`, params: { page: '2' }, format: 'json', content_json: '$.result.items', json_field: { id: '$.id', name: '$.info.name' }, schema: { fields: { id: 'int', name: 'string' } } };
sourceConformance('Http source (json, content_json, json_field)', { make: () => httpSourceFactory.create(ctx(jsonOptions)), expectedRows: 25 });

test('Http source: text lines, POST with headers and body, errors, and streaming polls', async () => {
  const t = httpSourceFactory.create(ctx({ url: `${base}/text` }));
  assert.deepEqual((await drain(t, await t.splits(1))).map((r) => r.values), [['line one'], ['line two']]);
  const p = httpSourceFactory.create(ctx({ url: `${base}/post`, method: 'post', body: '{"q":1}', headers: { Authorization: 'Bearer x' }, format: 'json', schema: { fields: { echo: 'string', auth: 'string' } } }));
  assert.deepEqual((await drain(p, await p.splits(1))).map((r) => r.values), [['{"q":1}', 'Bearer x']]);
  const bad = httpSourceFactory.create(ctx({ url: `${base}/fail`, retry: 1 }));
  await assert.rejects(drain(bad, await bad.splits(1)), /HTTP 500/);
  const jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry(), services: { consoleOut: () => {} } });
  const before = hits;
  const { jobId } = await jobs.submit({
    env: { 'job.mode': 'STREAMING' },
    source: [{ plugin_name: 'Http', ...jsonOptions, poll_interval_millis: 20 }],
    sink: [{ plugin_name: 'Console' }],
  });
  for (let i = 0; i < 200 && hits - before < 3; i++) await new Promise((r) => setTimeout(r, 10));
  await jobs.stop(jobId, false);
  const rec = await jobs.waitFor(jobId);
  assert.equal(rec?.status, 'CANCELED');
  assert.ok(Number(metricsJson(rec!.metrics).SourceReceivedCount) >= 75);
});

const sinkSchema = parseSchema({ fields: { id: 'bigint', name: 'string' } }, 't', 'x')!;
const sinkRows: Row[] = Array.from({ length: 30 }, (_, i) => ({ kind: 0, values: [BigInt(i), `s${i}`] as Value[] }));
sinkConformance('Http sink (one JSON object per row)', {
  make: () => httpSinkFactory.create(ctx({ url: `${base}/sink`, headers: { 'x-token': 't' } })),
  schema: sinkSchema,
  rows: sinkRows,
  transactional: false,
  readBack: async () => posted.map((b) => {
    const o = JSON.parse(b);
    return [BigInt(o.id), o.name];
  }),
  reset: async () => {
    posted = [];
  },
});

test('Http sink retries with backoff, then fails with the status', async () => {
  posted = [];
  failPosts = 2;
  const s = httpSinkFactory.create(ctx({ url: `${base}/sink`, retry: 2, retry_backoff_multiplier_ms: 1 }));
  await s.open(sinkSchema);
  await s.write(sinkRows.slice(0, 1));
  assert.equal(posted.length, 1);
  failPosts = 5;
  const f = httpSinkFactory.create(ctx({ url: `${base}/sink`, retry: 1, retry_backoff_multiplier_ms: 1 }));
  await f.open(sinkSchema);
  await assert.rejects(async () => f.write(sinkRows.slice(0, 1)), /POST http:\/\/127\.0\.0\.1:\d+\/sink failed: HTTP 503/);
  failPosts = 0;
});
