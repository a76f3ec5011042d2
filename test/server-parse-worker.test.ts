// Large writes go through the parse worker thread: same points, same errors, same routing as inline.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { PointBatch } from '../src/lineproto/point-batch.ts';
import { OFF_THREAD_MIN_BYTES } from '../src/ingest/off-thread-parser.ts';
import { readJson, startTestServer, type TestServer } from './support/test-server.ts';

function bigBody(lines: number): string {
  let text = '';
  for (let i = 0; i < lines; i++) text += `cpu,host=h${i % 50},region=r${i % 3} usage=${i}.5,n=${i}i,ok=true,s="v${i}" ${1_700_000_000_123_456_789n + BigInt(i)}\n`;
  return text;
}

describe('large writes on the parse worker', () => {
  let t: TestServer;
  const received: PointBatch[] = [];
  before(async () => {
    t = await startTestServer({ configure: (c) => (c.sections.ingest = { 'parse-workers': 1 }) });
    t.server.router.subscribe('db', 'rp', (batch) => received.push(batch));
  });
  after(() => t.stop());

  const write = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/write?db=db&rp=rp`, { method: 'POST', body, headers });

  it('delivers every point of a body above the threshold, exactly', async () => {
    received.length = 0;
    const body = bigBody(4000);
    assert.ok(body.length > OFF_THREAD_MIN_BYTES);
    assert.equal((await write(body)).status, 204);
    assert.equal(received.length, 1);
    const batch = received[0];
    assert.equal(batch.length, 4000);
    const last = batch.point(3999);
    assert.deepEqual(last.tags, { host: 'h49', region: 'r0' });
    assert.deepEqual(last.fields, { usage: 3999.5, n: 3999n, ok: true, s: 'v3999' });
    assert.equal(last.timeMs, 1_700_000_000_123);
    assert.equal(last.timeNs, 456_789 + 3999);
    assert.equal(batch.seriesKey(0), 'cpu,host=h0,region=r0');
  });

  it('decodes large gzip bodies before handing them to the worker', async () => {
    received.length = 0;
    assert.equal((await write(gzipSync(bigBody(3000)), { 'Content-Encoding': 'gzip' })).status, 204);
    assert.equal(received[0].length, 3000);
  });

  it('rejects a large body with a bad line, naming it, and delivers nothing', async () => {
    received.length = 0;
    const res = await write(`${bigBody(3000)}cpu usage=\n`);
    assert.equal(res.status, 400);
    assert.equal(await res.text(), "unable to parse 'cpu usage=': missing field value (line 3001, column 11)\n");
    assert.equal(received.length, 0);
  });
});

describe('large stored writes whose bodies reuse the memory of earlier ones', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      configure: (c) => {
        c.sections.ingest = { 'parse-workers': 1 };
        c.sections.storage = { databases: [{ name: 'kept', 'store-raw-writes': true }] };
      },
    });
  });
  after(() => t.stop());

  /** Write `w`: `lines` points of its own values and times, so that any stale byte shows in the sums. */
  function write(w: number, lines: number): Promise<Response> {
    let text = '';
    for (let i = 0; i < lines; i++) text += `m,host=h${i % 20} v=${w * 100_000 + i}i,f=${w}.25 ${(w * 100_000 + i) * 1_000_000_000}\n`;
    return fetch(`${t.url}/write?db=kept`, { method: 'POST', body: text });
  }

  async function totals(server: TestServer): Promise<number[]> {
    const q = encodeURIComponent('SELECT count(v), sum(v), sum(f) FROM m');
    const body = await readJson(await fetch(`${server.url}/query?db=kept&q=${q}`));
    return body.results[0].series[0].values[0].slice(1);
  }

  it('stores every point exactly, longer and shorter bodies alike, and again after a restart', async () => {
    // Sizes go down and up, so that later bodies land in memory holding longer or shorter earlier ones.
    const sizes = [6000, 2500, 5000, 3000, 3000, 4500];
    for (let w = 0; w < 3; w++) assert.equal((await write(w, sizes[w])).status, 204);
    const concurrent = await Promise.all([3, 4, 5].map((w) => write(w, sizes[w])));
    assert.deepEqual(
      concurrent.map((r) => r.status),
      [204, 204, 204],
    );
    let count = 0;
    let sumV = 0;
    let sumF = 0;
    sizes.forEach((lines, w) => {
      count += lines;
      sumV += w * 100_000 * lines + (lines * (lines - 1)) / 2;
      sumF += (w + 0.25) * lines;
    });
    assert.deepEqual(await totals(t), [count, sumV, sumF]);
    t = await t.restart();
    assert.deepEqual(await totals(t), [count, sumV, sumF]);
  });
});
