// httpPost against a receiver that stops answering: the node's queue is bounded by
// `[stream] http-post-queue-size`, drops past it count as errors, and posting resumes once it drains.

import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.ts';

const T0 = 1_600_000_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Receives posts and, while held, keeps them unanswered (a receiver slower than the writes). */
class SlowReceiver {
  readonly bodies: string[] = [];
  url = '';
  #held: ServerResponse[] = [];
  #holding = true;
  #server: HttpServer | undefined;

  async start(): Promise<void> {
    this.#server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        this.bodies.push(body);
        if (this.#holding) this.#held.push(res);
        else res.end();
      });
    });
    await new Promise<void>((r) => this.#server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.#server.address() as { port: number }).port}`;
  }

  hold(): void {
    this.#holding = true;
  }

  /** Answers the held posts and every later one at once. */
  release(): void {
    this.#holding = false;
    for (const res of this.#held.splice(0)) res.end();
  }

  /** The posted values, once at least `n` posts arrived (or after 3 s). */
  async values(n: number): Promise<number[]> {
    for (let i = 0; i < 300 && this.bodies.length < n; i++) await sleep(10);
    return this.bodies.map((b) => JSON.parse(b).series[0].values[0][1]);
  }

  async stop(): Promise<void> {
    this.release();
    this.#server!.closeAllConnections();
    await new Promise<void>((r) => this.#server!.close(() => r()));
  }
}

const receiver = new SlowReceiver();
let srv: TestServer;

before(async () => {
  await receiver.start();
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

async function write(db: string, values: number[]): Promise<void> {
  const body = values.map((v) => `m value=${v} ${T0 + v}`).join('\n');
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
    assert.deepEqual(await receiver.values(1), [1]);
    const stats = await nodeStats('held', 'http_post2');
    assert.equal(stats.errors, 7);
    assert.equal(stats.emitted, 10, 'without a code field the points pass on regardless');

    receiver.release();
    assert.deepEqual(await receiver.values(3), [1, 2, 3]);

    // Drained: new points are posted again.
    receiver.hold();
    await write('held', [11, 12]);
    assert.deepEqual(await receiver.values(4), [1, 2, 3, 11]);
    receiver.release();
    assert.deepEqual(await receiver.values(5), [1, 2, 3, 11, 12]);
    assert.equal((await nodeStats('held', 'http_post2')).errors, 7);
  });
});
