// The write path against a listening server: statuses, bodies, gzip, limits and routing.

import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { PointBatch } from '../src/lineproto/point-batch.ts';
import { readJson, startTestServer, type TestServer } from './support/test-server.ts';

describe('POST /write', () => {
  let t: TestServer;
  const received: PointBatch[] = [];
  before(async () => {
    t = await startTestServer({ configure: (c) => (c.http.maxBodySize = 64 * 1024) });
    t.server.router.subscribe('mydb', 'myrp', (batch) => received.push(batch));
  });
  after(() => t.stop());

  function write(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
    return fetch(`${t.url}${path}`, { method: 'POST', body, headers });
  }

  it('accepts line protocol on /kapacitor/v1/write with 204 and routes it by dbrp', async () => {
    received.length = 0;
    const res = await write('/kapacitor/v1/write?db=mydb&rp=myrp&precision=s', 'cpu,host=a value=1 10\ncpu,host=b value=2 11');
    assert.equal(res.status, 204);
    assert.equal(await res.text(), '');
    assert.equal(received.length, 1);
    const p = received[0].point(1);
    assert.deepEqual([p.name, p.tags, p.fields, p.timeMs, p.timeNs], ['cpu', { host: 'b' }, { value: 2 }, 11_000, 0]);
  });

  it('serves the InfluxDB-compatible /write and the v1preview alias', async () => {
    received.length = 0;
    assert.equal((await write('/write?db=mydb&rp=myrp', 'cpu v=1')).status, 204);
    assert.equal((await write('/kapacitor/v1preview/write?db=mydb&rp=myrp', 'cpu v=2')).status, 204);
    assert.equal(received.length, 2);
  });

  it('does not deliver writes to other dbrps', async () => {
    received.length = 0;
    assert.equal((await write('/write?db=mydb&rp=other', 'cpu v=1')).status, 204);
    assert.equal((await write('/write?db=otherdb&rp=myrp', 'cpu v=1')).status, 204);
    assert.equal(received.length, 0);
  });

  it('decodes gzip bodies', async () => {
    received.length = 0;
    const res = await write('/write?db=mydb&rp=myrp', gzipSync('cpu v=7 1'), { 'Content-Encoding': 'gzip' });
    assert.equal(res.status, 204);
    assert.equal(received[0].point(0).fields.v, 7);
  });

  it('rejects a bad gzip body with 400', async () => {
    const res = await write('/write?db=mydb&rp=myrp', 'not gzip', { 'Content-Encoding': 'gzip' });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /^invalid gzip body: /);
  });

  it('rejects the whole request when one line is bad, in plain text, and delivers nothing', async () => {
    received.length = 0;
    const res = await write('/write?db=mydb&rp=myrp', 'cpu v=1\ncpu v=\ncpu v=3');
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(await res.text(), "unable to parse 'cpu v=': missing field value (line 2, column 7)\n");
    assert.equal(received.length, 0);
  });

  it('requires a database', async () => {
    const res = await write('/write?rp=myrp', 'cpu v=1');
    assert.equal(res.status, 400);
    assert.equal(await res.text(), 'database is required\n');
  });

  it('answers 413 with a clear message above the body limit, also for gzip bombs', async () => {
    const big = 'cpu v=1\n'.repeat(10_000);
    const plain = await write('/write?db=mydb&rp=myrp', big);
    assert.equal(plain.status, 413);
    assert.match((await readJson(plain)).error, /request body too large: the limit is 65536 bytes/);
    const bomb = await write('/write?db=mydb&rp=myrp', gzipSync(big), { 'Content-Encoding': 'gzip' });
    assert.equal(bomb.status, 413);
    assert.equal(await bomb.text(), 'request body too large: the limit is 65536 bytes\n');
  });

  it('accepts an empty body', async () => {
    assert.equal((await write('/write?db=mydb&rp=myrp', '')).status, 204);
  });

  it('counts received points per measurement in /debug/vars', async () => {
    await write('/write?db=statsdb&rp=autogen', 'disk v=1\ndisk v=2\nmem v=1');
    const vars = await readJson(await fetch(`${t.url}/kapacitor/v1/debug/vars`));
    const ingress = Object.values(vars.kapacitor as Record<string, { name: string; tags: Record<string, string>; values: Record<string, number> }>)
      .filter((s) => s.name === 'ingress' && s.tags.database === 'statsdb');
    const byMeasurement = Object.fromEntries(ingress.map((s) => [s.tags.measurement, s.values.points_received]));
    assert.deepEqual(byMeasurement, { disk: 2, mem: 1 });
  });
});
