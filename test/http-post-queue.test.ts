// httpPost against a receiver that stops answering: the node's queue is bounded by
// `[stream] http-post-queue-size`, drops past it count as errors, and posting resumes once it drains.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HttpReceiver } from './support/http-receiver.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const T0 = 1_600_000_000;

const receiver = new HttpReceiver();
/** The values posted to /held, once at least `n` posts arrived. */
const values = async (n: number) => (await receiver.at('/held', n)).map((g) => JSON.parse(g.body).series[0].values[0][1]);
let srv: TestServer;

before(async () => {
  await receiver.start();
  receiver.hold();
  srv = await startTestServer({
    configure: (config) => {
      config.sections.stream = { 'http-post-queue-size': 3 };
    },
  });
});

after(async () => {
  await srv.stop();
  await receiver.stop();
});

async function define(id: string, script: string): Promise<void> {
  const res = await fetch(`${srv.url}/kapacitor/v1/tasks`, {
    method: 'POST',
    body: JSON.stringify({ id, dbrps: [{ db: id, rp: 'rp' }], script, status: 'enabled' }),
  });
  assert.equal(res.status, 200, await res.text());
}

async function write(db: string, posted: number[]): Promise<void> {
  const body = posted.map((v) => `m value=${v} ${T0 + v}`).join('\n');
  const res = await fetch(`${srv.url}/write?db=${db}&rp=rp&precision=s`, { method: 'POST', body });
  assert.equal(res.status, 204, await res.text());
}

async function nodeStats(id: string, node: string): Promise<Record<string, number>> {
  const res = await fetch(`${srv.url}/kapacitor/v1/tasks/${id}`);
  assert.equal(res.status, 200);
  const task = (await res.json()) as { stats: { 'node-stats': Record<string, Record<string, number>> } };
  return task.stats['node-stats'][node];
}

describe('httpPost queue bound', () => {
  it('a receiver that does not answer holds at most the queue size; the rest are dropped as errors', async () => {
    await define('held', `stream|from().measurement('m')|httpPost('${receiver.url}/held')|httpOut('out')`);
    await write('held', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The first post is at the receiver, two more wait behind it; seven found the queue full.
    assert.deepEqual(await values(1), [1]);
    const stats = await nodeStats('held', 'http_post2');
    assert.equal(stats.errors, 7);
    assert.equal(stats.emitted, 10, 'without a code field the points pass on regardless');

    receiver.release();
    assert.deepEqual(await values(3), [1, 2, 3]);

    // Drained: new points are posted again.
    receiver.hold();
    await write('held', [11, 12]);
    assert.deepEqual(await values(4), [1, 2, 3, 11]);
    receiver.release();
    assert.deepEqual(await values(5), [1, 2, 3, 11, 12]);
    assert.equal((await nodeStats('held', 'http_post2')).errors, 7);
  });
});
