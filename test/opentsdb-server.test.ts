// The OpenTSDB dialect inside the composed server (shared port): annotations through it survive a
// restart, and it leaves other dialects' paths alone.

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { call } from '../src/api/opentsdb/test-harness.ts';
import { startTestServer } from './support/test-server.ts';

describe('OpenTSDB dialect in the composed server', () => {
  it('stores annotations in the data directory and keeps them across a restart', async () => {
    let t = await startTestServer();
    try {
      const post = await call(t.url, 'POST', '/api/annotation', { startTime: 1369141261, description: 'Network Outage', custom: { owner: 'jdoe' } });
      assert.equal(post.status, 200);
      t = await t.restart();
      const got = await call(t.url, 'GET', '/api/v1/annotation?start_time=1369141261');
      assert.equal(got.status, 200);
      assert.deepEqual(got.json(), { tsuid: '', description: 'Network Outage', notes: '', custom: { owner: 'jdoe' }, endTime: 0, startTime: 1369141261 });
    } finally {
      await t.stop();
    }
  });

  it('answers unknown /api endpoints in its envelope but leaves Pandora and Kapacitor paths alone', async () => {
    const t = await startTestServer();
    try {
      const unknown = await call(t.url, 'GET', '/api/nothing');
      assert.deepEqual(unknown.json(), { error: { code: 404, message: 'Endpoint not found' } });
      const pandora = await call(t.url, 'GET', '/api/v1/export/task/list');
      assert.equal(pandora.text.includes('Endpoint not found'), false, 'not answered by the OpenTSDB dialect');
      const ping = await call(t.url, 'GET', '/kapacitor/v1/ping');
      assert.equal(ping.status, 204);
    } finally {
      await t.stop();
    }
  });

  it('[opentsdb] port starts a native listener that serves only the OpenTSDB dialect', async () => {
    const port = await freePort();
    const t = await startTestServer({ configure: (c) => (c.sections.opentsdb = { port }) });
    try {
      const native = `http://127.0.0.1:${port}`;
      const post = await call(native, 'POST', '/api/annotation', { startTime: 1369141261, description: 'via 4242' });
      assert.equal(post.status, 200);
      const shared = await call(t.url, 'GET', '/api/annotation?start_time=1369141261');
      assert.equal(shared.json().description, 'via 4242', 'one store behind both ports');
      const kapacitor = await call(native, 'GET', '/kapacitor/v1/ping');
      assert.deepEqual(kapacitor.json(), { error: { code: 404, message: 'Endpoint not found' } });
    } finally {
      await t.stop();
    }
    // Closed with the server.
    await assert.rejects(call(`http://127.0.0.1:${port}`, 'GET', '/api/version'));
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
