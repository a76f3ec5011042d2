// httpPost's bounded queue: posts past the poster's maxQueued are dropped, counted and logged once per burst.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpPoster } from '../outputs/point-writer.ts';
import { at, EngineHarness } from '../testing.ts';

const T0 = 1_600_000_000;

/** A receiver that answers only when told to: `release()` answers every post so far and the ones after. */
class HeldPoster implements HttpPoster {
  readonly bodies: string[] = [];
  #waiting: (() => void)[] = [];
  #open = false;

  constructor(readonly maxQueued: number) {}

  post(_url: string, body: string): Promise<{ status: number; body: string }> {
    this.bodies.push(body);
    if (this.#open) return Promise.resolve({ status: 204, body: '' });
    return new Promise((resolve) => this.#waiting.push(() => resolve({ status: 204, body: '' })));
  }

  endpoint(): undefined {
    return undefined;
  }

  hold(): void {
    this.#open = false;
  }

  async release(): Promise<void> {
    this.#open = true;
    for (const answer of this.#waiting.splice(0)) answer();
    await settle();
  }

  /** Answers the oldest held post only; the node then sends its next one. */
  async releaseOne(): Promise<void> {
    await settle();
    this.#waiting.shift()?.();
    await settle();
  }

  values(): number[] {
    return this.bodies.map((b) => JSON.parse(b).series[0].values[0][1]);
  }
}

/** Lets the node's promise chain run through what it can. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
}

const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => `m value=${from + i} ${T0 + from + i}`);

describe('httpPost queue bound', () => {
  it('drops posts past maxQueued, counts each in errors and logs the first of a burst', async () => {
    const http = new HeldPoster(2);
    const h = new EngineHarness({ http });
    const task = h.start('t', `stream|from().measurement('m')|httpPost('http://receiver/x')|httpOut('out')`);
    h.write(lines(1, 5));
    const stats = () => task.executionStats()['node-stats'].http_post2;
    assert.equal(stats().errors, 3);
    assert.equal(h.logs.length, 1);
    assert.match(h.logs[0].message, /2 posts are already waiting, dropping posts/);
    // Without a code field every point still passes on at once.
    assert.deepEqual(h.out('t', 'out').series?.[0].values, [[at(T0, 5), 5]]);

    await http.release();
    assert.deepEqual(http.values(), [1, 2]);

    // The queue drained: a new burst is logged again.
    http.hold();
    h.write(lines(6, 3));
    assert.equal(stats().errors, 4);
    assert.equal(h.logs.length, 2);
    await http.release();
    assert.deepEqual(http.values(), [1, 2, 6, 7]);
  });

  it('a burst is logged once while the queue stays above half full, again once it was back to half', async () => {
    const http = new HeldPoster(4);
    const h = new EngineHarness({ http });
    const task = h.start('t', `stream|from().measurement('m')|httpPost('http://receiver/x')`);
    h.write(lines(1, 6));
    // One answer frees one place, which the next point takes; the queue never got back to half.
    await http.releaseOne();
    assert.equal(http.bodies.length, 2);
    h.write(lines(7, 2));
    assert.equal(task.executionStats()['node-stats'].http_post2.errors, 3);
    assert.equal(h.logs.length, 1);
    // Two more answers bring it down to half: the next drop starts a new burst.
    await http.releaseOne();
    await http.releaseOne();
    h.write(lines(9, 3));
    assert.equal(task.executionStats()['node-stats'].http_post2.errors, 4);
    assert.equal(h.logs.length, 2);
  });

  it('with .codeField() a dropped post drops its point; the others pass on in order with their code', async () => {
    const http = new HeldPoster(1);
    const h = new EngineHarness({ http });
    h.start('t', `stream|from().measurement('m').groupBy('g')|httpPost('http://receiver/x').codeField('code')|httpOut('out')`);
    h.write([`m,g=a value=1 ${T0}`, `m,g=b value=2 ${T0}`]);
    assert.deepEqual(h.out('t', 'out').series, null);
    await http.release();
    assert.deepEqual(
      h.out('t', 'out').series?.map((r) => r.tags),
      [{ g: 'a' }],
    );
    assert.deepEqual(h.out('t', 'out').series?.[0].columns, ['time', 'code', 'value']);
  });
});
