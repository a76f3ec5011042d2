// The SeaTunnel dialect inside the composed server: shared port, optional native port, and jobs across restarts.

import assert from 'node:assert/strict';
import { createServer as netServer } from 'node:net';
import { describe, it } from 'node:test';
import { readJson, startTestServer } from './support/test-server.ts';

async function freePort(): Promise<number> {
  const s = netServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function json(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  return { status: res.status, body: await readJson(res) };
}

// biome-ignore lint/suspicious/noExplicitAny: the job object is checked field by field
async function waitStatus(base: string, id: string, status: string): Promise<any> {
  for (let i = 0; i < 400; i++) {
    const r = await json(`${base}/job-info/${id}`);
    if (r.body.jobStatus === status) return r.body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} never reached ${status}`);
}

const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('SeaTunnel dialect in the composed server', () => {
  it('keeps finished jobs and restores a running streaming job after a restart; native port serves only this dialect', async () => {
    const port = await freePort();
    let t = await startTestServer({ configure: (c) => (c.sections.seatunnel = { port }) });
    try {
      const batch = await json(
        `${t.url}/submit-job`,
        post({ env: { 'job.mode': 'BATCH' }, source: [{ plugin_name: 'FakeSource', schema: { fields: { a: 'int' } } }], sink: [{ plugin_name: 'Assert', rules: { row_rules: [{ rule_type: 'MIN_ROW', rule_value: 5 }] } }] }),
      );
      assert.equal(batch.status, 200);
      await waitStatus(t.url, batch.body.jobId, 'FINISHED');
      const stream = await json(
        `http://127.0.0.1:${port}/hazelcast/rest/maps/submit-job`,
        post({ env: { 'job.mode': 'STREAMING', 'checkpoint.interval': 100 }, source: [{ plugin_name: 'FakeSource', 'row.num': 20, schema: { fields: { a: 'int' } } }], sink: [{ plugin_name: 'Assert' }] }),
      );
      assert.equal(stream.status, 200);
      await waitStatus(t.url, stream.body.jobId, 'RUNNING');
      const ping = await fetch(`http://127.0.0.1:${port}/kapacitor/v1/ping`);
      assert.equal(ping.status, 404, 'the native port serves only SeaTunnel');
      assert.equal((await fetch(`${t.url}/kapacitor/v1/ping`)).status, 204);
      t = await t.restart();
      const finished = await json(`${t.url}/finished-jobs/FINISHED`);
      assert.equal(finished.body.some((j: { jobId: string }) => j.jobId === batch.body.jobId), true);
      const restored = await waitStatus(t.url, stream.body.jobId, 'RUNNING');
      assert.equal(restored.metrics.SourceReceivedCount, '20');
      assert.equal(restored.diagnostics.restarts, 1);
      await json(`${t.url}/stop-job`, post({ jobId: stream.body.jobId }));
      const ended = await waitStatus(t.url, stream.body.jobId, 'CANCELED');
      assert.equal(ended.metrics.SinkWriteCount, '20');
    } finally {
      await t.stop();
    }
  });

  it('with authentication on, both ports answer 401 with the Basic challenge in the SeaTunnel envelope', async () => {
    const port = await freePort();
    const t = await startTestServer({
      configure: (c) => {
        c.http.authEnabled = true;
        c.auth.users = [{ username: 'ada', password: 'pw', role: 'admin' }];
        c.sections.seatunnel = { port };
      },
    });
    try {
      for (const base of [t.url, `http://127.0.0.1:${port}`]) {
        const res = await fetch(`${base}/overview`);
        assert.equal(res.status, 401);
        assert.equal(res.headers.get('www-authenticate'), 'Basic realm="SeaTunnel Web UI"');
        const body = await readJson(res);
        assert.equal(body.status, 'fail');
        const ok = await fetch(`${base}/overview`, { headers: { authorization: `Basic ${Buffer.from('ada:pw').toString('base64')}` } });
        assert.equal(ok.status, 200);
      }
    } finally {
      await t.stop();
    }
  });
});
