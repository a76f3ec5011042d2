// Pandora exports inside the composed server: points written through /write are exported by a task
// created over HTTP, the file downloads, and tasks and history survive a restart. Real clock: the
// schedule fires every second and the test waits for the first run (it asserts no timing).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readJson, startTestServer } from './support/test-server.ts';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('Pandora exports in the composed server', () => {
  it('exports points written through /write, serves the file, and keeps tasks and history across a restart', async () => {
    let t = await startTestServer({
      configure: (c) => {
        c.sections.storage = { databases: [{ name: 'app', 'store-raw-writes': true }] };
        c.sections.exports = { timezone: 'UTC', 'min-interval': '1s' };
      },
    });
    try {
      const now = Date.now();
      const lines = [
        `logs,host=web1 message="login ok user=alice" ${now - 30_000}`,
        `logs,host=web2 message="payment error user=bob" ${now - 20_000}`,
        `logs,host=web1 message="timeout error upstream" ${now - 10_000}`,
      ];
      const write = await fetch(`${t.url}/write?db=app&precision=ms`, { method: 'POST', body: lines.join('\n') });
      assert.equal(write.status, 204);

      const create = await fetch(`${t.url}/api/v1/export/task`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({
          name: 'errors-by-host',
          spl: 'repo="app" error earliest=-1h | stats count() as n by host',
          interval: { type: 'crontab', crontab: '* * * * * ?' },
        }),
      });
      assert.equal(create.status, 200);
      assert.deepEqual(await readJson(create), {});
      const id = create.headers.get('location')!.split('/').pop()!;

      const first = await waitFor(async () => {
        const history = await readJson(await fetch(`${t.url}/api/v1/export/task/${id}/history?order=asc`));
        return history.total >= 1 ? history.histories[0] : undefined;
      }, 'the first run');
      assert.equal(first.status, 'success', first.message);
      assert.equal(first.count, 1);

      const file = await fetch(`${t.url}/api/v1/export/task/${id}/history/1/download`);
      assert.equal(file.status, 200);
      assert.equal(await file.text(), 'host,n\r\nweb1,1\r\nweb2,1\r\n');

      const stop = await fetch(`${t.url}/api/v1/export/tasks/status`, {
        method: 'PUT',
        headers: JSON_HEADERS,
        body: JSON.stringify({ tasks: [id], status: 'stopped' }),
      });
      assert.equal(stop.status, 200);
      const before = await readJson(await fetch(`${t.url}/api/v1/export/task/${id}`));

      t = await t.restart();
      const after = await readJson(await fetch(`${t.url}/api/v1/export/task/${id}`));
      // A run that had started before the stop may still have counted itself; the rest is unchanged.
      assert.deepEqual({ ...after, count: 0, lastRunTime: 0 }, { ...before, count: 0, lastRunTime: 0 });
      assert.equal(after.status, 'stopped');
      const history = await readJson(await fetch(`${t.url}/api/v1/export/task/${id}/history`));
      assert.equal(history.total, after.count);
      const again = await fetch(`${t.url}/api/v1/export/task/${id}/history/1/download`);
      assert.equal(await again.text(), 'host,n\r\nweb1,1\r\nweb2,1\r\n');
    } finally {
      await t.stop();
    }
  });
});
